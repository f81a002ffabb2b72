import type { DriftwatchConfigInput } from './schema';

/**
 * Types an environment file's config (defaults may be left out). Validation happens when the
 * environment is loaded (`loadEnvironment`), so an invalid file fails before anything is synthesized.
 */
export function defineConfig(config: DriftwatchConfigInput): DriftwatchConfigInput {
  return config;
}
