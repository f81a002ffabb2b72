/**
 * The registry of environments: `cdk synth -c env=<name>` and the CLI's `--env` pick one of these.
 * Add an environment by writing `config/<name>.ts` and listing it here.
 */
import type { DriftwatchConfig, DriftwatchConfigInput } from './schema';
import { validateConfig } from './validate';
import dev from './dev';
import example from './example';
import prod from './prod';

export const ENVIRONMENTS: Readonly<Record<string, DriftwatchConfigInput>> = { dev, prod, example };

/** Thrown for an environment name that is not registered; the message lists the available ones. */
export class UnknownEnvironmentError extends Error {
  constructor(readonly requested: string | undefined, readonly available: readonly string[]) {
    super(
      requested === undefined || requested === ''
        ? `No environment given: pass one with -c env=<name> (available: ${available.join(', ')})`
        : `Unknown environment ${JSON.stringify(requested)}: available environments are ${available.join(', ')}`,
    );
    this.name = 'UnknownEnvironmentError';
  }
}

/** Names of the registered environments, sorted. */
export function environmentNames(): string[] {
  return Object.keys(ENVIRONMENTS).sort();
}

/**
 * Loads and validates a registered environment's config.
 *
 * @throws UnknownEnvironmentError for an unregistered name
 * @throws ConfigValidationError listing every problem of an invalid config
 */
export function loadEnvironment(name: string | undefined): DriftwatchConfig {
  if (name === undefined || !Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name)) {
    throw new UnknownEnvironmentError(name, environmentNames());
  }
  const config = validateConfig(ENVIRONMENTS[name], `config/${name}.ts`);
  if (config.env !== name) {
    throw new Error(`config/${name}.ts declares env ${JSON.stringify(config.env)}; it must be ${JSON.stringify(name)}`);
  }
  return config;
}
