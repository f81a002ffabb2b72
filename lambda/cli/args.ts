import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, type ParseArgsConfig } from 'util';
import { MIN_ROWS } from '../core/defaults';
import { UsageError } from './io';

/** A positive integer option, or undefined when not given. @throws UsageError naming the option */
export function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name}: expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export type ReportFormat = 'text' | 'json' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'html'];

/** The options of `driftwatch compare`, validated. */
export interface CompareArgs {
  readonly help: boolean;
  readonly reference: string;
  readonly current: string;
  readonly config?: string;
  readonly format: ReportFormat;
  readonly out?: string;
  readonly delimiter?: string;
  /** Columns to leave out (ids, timestamps, targets). */
  readonly exclude: readonly string[];
  /** Python-style row slices `START:END` of each file (e.g. `:20000`, `-10000:`). */
  readonly referenceRows?: string;
  readonly currentRows?: string;
  /** Cells that mean "missing", replacing the default list (`--missing-values`). */
  readonly missingValues?: readonly string[];
  /** Fewer rows than this in either file: "too few rows", no status (`--min-rows`). @default MIN_ROWS (100) */
  readonly minRows: number;
}

/** Where `--format html` writes when `--out` is not given. */
export const DEFAULT_HTML_OUT = 'driftwatch-report.html';

const COMPARE_OPTION_SPECS = {
  reference: { type: 'string' },
  current: { type: 'string' },
  config: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  delimiter: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'reference-rows': { type: 'string' },
  'current-rows': { type: 'string' },
  'missing-values': { type: 'string', multiple: true },
  'min-rows': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * util.parseArgs' error in full and in the command's words: an unknown option with the closest
 * known one (or the list), a missing value with the option's name, a stray argument with where it
 * belongs. Nothing is cut: every line of the original message is kept.
 * @example optionProblem(unknownFormt, ['format', 'out']) // 'unknown option --formt (did you mean --format?)'
 */
export function optionProblem(error: unknown, known: readonly string[]): string {
  const e = error as { code?: string; message?: string };
  const message = String(e?.message ?? error).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'(-[^']*)'/.exec(message)?.[1] ?? message;
    const bare = name.replace(/^-+/, '').split('=')[0];
    const closest = known.map((k) => ({ k, d: distance(bare, k) })).sort((a, b) => a.d - b.d)[0];
    const hint = closest && closest.d <= Math.max(2, Math.floor(bare.length / 3)) ? `did you mean --${closest.k}?` : `the options are ${known.map((k) => `--${k}`).join(', ')}`;
    return `unknown option ${name} (${hint})`;
  }
  if (e?.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const value = /'([^']*)'/.exec(message)?.[1] ?? '';
    return `unexpected argument ${JSON.stringify(value)}: every value follows its option (e.g. --${known[0]} ${value}); quote a value with spaces`;
  }
  return message;
}

/**
 * `--current-rows -10000:` would read as an option to util.parseArgs: bind a value that starts with
 * a minus and a digit to its range option (`--current-rows=-10000:`).
 */
function joinNegativeRanges(argv: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if ((argv[i] === '--reference-rows' || argv[i] === '--current-rows') && next !== undefined && /^-\d/.test(next)) {
      result.push(`${argv[i]}=${next}`);
      i++;
    } else {
      result.push(argv[i]);
    }
  }
  return result;
}

/**
 * Parses `compare`'s arguments (`--name value` or `--name=value`).
 *
 * @throws UsageError naming the unknown option, the missing value or the bad format.
 * @example parseCompareArgs(['--reference', 'a.csv', '--current', 'b.csv']).format // 'text'
 */
export function parseCompareArgs(argv: readonly string[]): CompareArgs {
  const values = parseOptions(joinNegativeRanges(argv), COMPARE_OPTION_SPECS);
  if (values.help) return { help: true, reference: '', current: '', format: 'text', exclude: [], minRows: MIN_ROWS };
  const missing = (['reference', 'current'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m} FILE`).join(' and ')}`);
  const format = (values.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    throw new UsageError(`--format ${JSON.stringify(values.format)} is not one of ${REPORT_FORMATS.join(', ')}`);
  }
  if (values.out === '') throw new UsageError('--out needs a file name');
  return {
    help: false,
    reference: values.reference as string,
    current: values.current as string,
    config: values.config,
    format,
    out: values.out ?? (format === 'html' ? DEFAULT_HTML_OUT : undefined),
    delimiter: values.delimiter,
    exclude: (values.exclude ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter(Boolean),
    referenceRows: values['reference-rows'],
    currentRows: values['current-rows'],
    ...(values['missing-values'] !== undefined && { missingValues: missingValuesOption(values['missing-values']) }),
    minRows: positiveInteger('min-rows', values['min-rows']) ?? MIN_ROWS,
  };
}

/**
 * `--missing-values` (repeatable, comma-separated) as a list: the cells that mean "missing" instead
 * of the default list; `--missing-values ''` leaves only the empty cell.
 * @example missingValuesOption(['NA,-', '?']) // ['NA', '-', '?']
 */
export function missingValuesOption(values: readonly string[]): string[] {
  return values.flatMap((list) => list.split(',')).map((v) => v.trim());
}

/** Option specs as util.parseArgs takes them. */
type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's options, parsed as every command parses them: `--name value` or `--name=value`, no
 * stray argument, util.parseArgs' error in full and in the command's words (`optionProblem`), and
 * an option that takes one value refused when given twice (`checkRepeated`).
 * @throws UsageError naming the option
 * @example parseOptions(['--data', 'a.csv'], { data: { type: 'string' } }).data // 'a.csv'
 */
export function parseOptions<const T extends OptionSpecs>(argv: readonly string[], options: T) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options, tokens: true });
  } catch (error) {
    throw new UsageError(optionProblem(error, Object.keys(options)));
  }
  checkRepeated(parsed.tokens, options);
  return parsed.values;
}

/** What util.parseArgs returns with `tokens: true`: one token per option occurrence. */
type OptionToken = { readonly kind: string; readonly name?: string; readonly rawName?: string; readonly value?: string };

/**
 * Refuses an option given twice. util.parseArgs keeps the last value silently, so a CI gate written
 * `--current a.csv ... --current a.csv` (or a reference and current swapped by a script) would compare
 * something else than it says. Repeatable options (`multiple`) and flags may repeat.
 * @throws UsageError naming the option and both values
 */
export function checkRepeated(tokens: readonly OptionToken[] | undefined, options: Readonly<Record<string, { readonly type: string; readonly multiple?: boolean }>>): void {
  const seen = new Map<string, string>();
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || t.name === undefined) continue;
    const option = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!option || option.type !== 'string' || option.multiple) continue;
    const value = t.value ?? '';
    const first = seen.get(t.name);
    if (first !== undefined) {
      throw new UsageError(`--${t.name} is given twice (${JSON.stringify(first)} and ${JSON.stringify(value)}): give it once`);
    }
    seen.set(t.name, value);
  }
}

/** Whether two paths name the same file: the same resolved path, or the same device and inode (links). */
export function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses an output path that names one of the inputs: writing the report there would destroy the data.
 * `what` names what is written (`the report`, `the reference`).
 * @throws UsageError naming the option and the input it would overwrite
 */
export function checkOutput(
  option: string,
  out: string | undefined,
  inputs: readonly { readonly option: string; readonly file: string | undefined }[],
  resolve: (file: string) => string = (file) => path.resolve(file),
  what = 'the report',
): void {
  if (out === undefined) return;
  for (const input of inputs) {
    if (input.file !== undefined && sameFile(resolve(out), resolve(input.file))) {
      throw new UsageError(`${option} ${JSON.stringify(out)} is the ${input.option} file: writing ${what} there would overwrite it; choose another file`);
    }
  }
}
