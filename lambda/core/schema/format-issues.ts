/**
 * Turns zod issues into one line per problem, addressed by path:
 * `models[2].features[5].kind: expected "numeric" | "categorical", got "numerc"`.
 */

/** One problem in a config, addressed by its path. */
export interface ConfigProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Formats a path as a property-access expression with `[i]` indices.
 *
 * @example formatPath(['models', 2, 'features', 5, 'kind']) // 'models[2].features[5].kind'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

/** A short, readable rendering of the value that was found (strings quoted, long values cut). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = Array.isArray(value) ? 'an array' : 'an object';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The parts of a zod 4 issue the formatter reads (kept loose so any zod 4 issue fits). */
export interface ZodIssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly input?: unknown;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly origin?: string;
  readonly format?: string;
  readonly errors?: readonly (readonly ZodIssueLike[])[];
}

function sizeBound(issue: ZodIssueLike, small: boolean): string {
  const bound = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `${small ? 'at least' : 'at most'} ${bound} item(s)`;
    case 'string':
      return `${small ? 'at least' : 'at most'} ${bound} character(s)`;
    default:
      return `${op} ${bound}`;
  }
}

function gotFor(issue: ZodIssueLike): string {
  const input = issue.input;
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    if (Array.isArray(input)) return `${input.length} item(s)`;
    if (typeof input === 'string' && issue.origin === 'string') return `${input.length} character(s)`;
  }
  return describeValue(input);
}

/** The message part (after the path) of one zod issue, as "expected X, got Y" where that applies. */
export function describeIssue(issue: ZodIssueLike): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${gotFor(issue)}`;
    case 'invalid_value':
      return `expected ${(issue.values ?? []).map(describeValue).join(' | ')}, got ${gotFor(issue)}`;
    case 'too_small':
      return `expected ${sizeBound(issue, true)}, got ${gotFor(issue)}`;
    case 'too_big':
      return `expected ${sizeBound(issue, false)}, got ${gotFor(issue)}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${(issue.keys ?? []).map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_format':
      // Our regex checks carry a message saying what the value should look like; built-in formats have a name.
      return /^expected /.test(issue.message)
        ? `${issue.message}, got ${gotFor(issue)}`
        : `expected a valid ${issue.format ?? 'value'}, got ${gotFor(issue)}`;
    case 'not_multiple_of':
      return `${issue.message}, got ${gotFor(issue)}`;
    case 'invalid_union': {
      const expected = (issue.errors ?? [])
        .map((branch) => branch.find((i) => i.path.length === 0))
        .filter((i): i is ZodIssueLike => i !== undefined)
        .map((i) => (i.code === 'invalid_type' ? i.expected : i.code === 'invalid_value' ? (i.values ?? []).map(describeValue).join(' | ') : undefined))
        .filter((e): e is string => e !== undefined);
      return expected.length > 0 ? `expected ${expected.join(' | ')}, got ${gotFor(issue)}` : `${issue.message}, got ${gotFor(issue)}`;
    }
    default:
      return issue.message;
  }
}

/** Converts zod issues to problems; `unrecognized_keys` becomes one problem per unknown key at its own path. */
export function problemsFromZod(issues: readonly ZodIssueLike[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
      for (const key of issue.keys) problems.push({ path: [...issue.path, key], message: 'unknown key (check the spelling)' });
    } else {
      problems.push({ path: issue.path, message: describeIssue(issue) });
    }
  }
  return problems;
}

/** One line per problem: `path: message`. */
export function formatProblem(problem: ConfigProblem): string {
  return `${formatPath(problem.path)}: ${problem.message}`;
}

/**
 * Formats zod issues, one line each, in the `path: expected X, got Y` style.
 *
 * @example
 * formatZodIssues(result.error.issues)
 * // ['models[2].features[5].kind: expected "numeric" | "categorical", got "numerc"']
 */
export function formatZodIssues(issues: readonly ZodIssueLike[]): string[] {
  return problemsFromZod(issues).map(formatProblem);
}
