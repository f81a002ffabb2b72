/**
 * Validates an environment's config before anything is synthesized: the shape (zod) and the
 * cross-field rules run together, so a single run lists every problem, each with its path.
 */
import { configSchema, type DriftwatchConfig } from './schema';
import { formatProblem, formatPath, problemsFromZod, type ConfigProblem, type ZodIssueLike } from '../lambda/core/schema/format-issues';
import { crossFieldProblems } from './rules';

/** Thrown when a config is invalid; `problems` has one `path: message` line per problem. */
export class ConfigValidationError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid config ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

export type ConfigCheck =
  | { readonly ok: true; readonly config: DriftwatchConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

function sortKey(p: ConfigProblem): string {
  // Order by path so problems of the same model or feature sit together.
  return p.path.map((k) => (typeof k === 'number' ? String(k).padStart(6, '0') : String(k))).join('\u0000');
}

/**
 * Checks a raw config and returns either the validated config (defaults filled in) or every problem.
 *
 * @example
 * const check = checkConfig(rawConfig);
 * if (!check.ok) console.error(check.problems.join('\n'));
 */
export function checkConfig(input: unknown): ConfigCheck {
  const parsed = configSchema.safeParse(input, { reportInput: true });
  const problems = [
    ...(parsed.success ? [] : problemsFromZod(parsed.error.issues as unknown as ZodIssueLike[])),
    ...crossFieldProblems(input),
  ];
  if (problems.length === 0 && parsed.success) return { ok: true, config: parsed.data };
  // A cross-field problem and a shape problem at the same path say the same thing twice at most; keep both.
  const unique = new Map<string, ConfigProblem>();
  for (const p of [...problems].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))) {
    unique.set(`${formatPath(p.path)}\u0000${p.message}`, p);
  }
  return { ok: false, problems: [...unique.values()].map(formatProblem) };
}

/**
 * Validates a raw config, throwing a `ConfigValidationError` that lists every problem.
 *
 * @param source names the config in the error message (e.g. `config/dev.ts`)
 */
export function validateConfig(input: unknown, source = '(inline)'): DriftwatchConfig {
  const check = checkConfig(input);
  if (!check.ok) throw new ConfigValidationError(source, check.problems);
  return check.config;
}
