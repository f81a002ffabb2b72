/** The options of `driftwatch reference`, parsed and checked against each other. */
import * as path from 'path';
import { checkOutput, missingValuesOption, parseOptions, positiveInteger } from '../args';
import { UsageError } from '../io';

/** Where the model comes from: a features.json, or a registered environment's platform config. */
export type ModelSource = { readonly kind: 'config'; readonly file: string } | { readonly kind: 'env'; readonly env: string; readonly model: string };

/** How the reference is cut into windows for its drift bands. */
export type WindowOption =
  /** Consecutive runs of `rows` rows (left out: 20 windows). */
  | { readonly kind: 'rows'; readonly rows?: number }
  /** Spans of `every` over a timestamp column (left out: the model's first monitor window, or 1d). */
  | { readonly kind: 'time'; readonly column: string; readonly every?: string };

export interface ReferenceArgs {
  readonly help: boolean;
  readonly data: string;
  readonly out: string;
  readonly source: ModelSource;
  readonly window: WindowOption;
  readonly delimiter?: string;
  /** Cells that mean "missing", replacing the default list (`--missing-values`, as compare's). */
  readonly missingValues?: readonly string[];
  readonly push: boolean;
  readonly bucket?: string;
}

const HELP_ONLY: ReferenceArgs = { help: true, data: '', out: '', source: { kind: 'config', file: '' }, window: { kind: 'rows' }, push: false };

const REFERENCE_OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  env: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  push: { type: 'boolean' },
  bucket: { type: 'string' },
  'window-rows': { type: 'string' },
  'window-column': { type: 'string' },
  every: { type: 'string' },
  delimiter: { type: 'string' },
  'missing-values': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (argv: readonly string[]) => parseOptions(argv, REFERENCE_OPTIONS);

type Values = ReturnType<typeof parse>;

function modelSource(v: Values): ModelSource {
  if (v.config !== undefined && v.env !== undefined) {
    throw new UsageError('give either --config features.json or --env ENV --model ID, not both');
  }
  if (v.env !== undefined) {
    if (!v.model) throw new UsageError(`--env ${v.env} needs --model ID (the model of config/${v.env}.ts to fit the reference for)`);
    return { kind: 'env', env: v.env, model: v.model };
  }
  if (v.model !== undefined) throw new UsageError('--model applies with --env ENV; a features.json names its model with "modelId"');
  if (!v.config) throw new UsageError('missing --config features.json (or --env ENV --model ID)');
  return { kind: 'config', file: v.config };
}

function windowOption(v: Values): WindowOption {
  const rows = positiveInteger('window-rows', v['window-rows']);
  const column = v['window-column'];
  if (rows !== undefined && (column !== undefined || v.every !== undefined)) {
    throw new UsageError('give either --window-rows N, or --window-column COL [--every SPAN], not both');
  }
  if (v.every !== undefined && column === undefined) throw new UsageError(`--every ${v.every} needs --window-column COL (the timestamp column the windows are cut on)`);
  if (column === '') throw new UsageError('--window-column needs a column name');
  return column !== undefined ? { kind: 'time', column, ...(v.every !== undefined && { every: v.every }) } : { kind: 'rows', ...(rows !== undefined && { rows }) };
}

/**
 * Parses `reference`'s arguments; relative paths stay as given (messages name them as the user wrote
 * them), `cwd` only resolves them to check that `--out` is neither the `--data` nor the `--config` file
 * (by any spelling, symbolic or hard link: `checkOutput`, as compare, backtest and demo check).
 *
 * @throws UsageError naming the unknown, missing or conflicting option.
 * @example parseReferenceArgs(['--data', 'train.csv', '--config', 'features.json', '--out', 'ref.json'], '/work').window // { kind: 'rows' }
 */
export function parseReferenceArgs(argv: readonly string[], cwd: string): ReferenceArgs {
  const v = parse(argv);
  if (v.help) return HELP_ONLY;
  const missing = (['data', 'out'] as const).filter((name) => !v[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m} FILE`).join(' and ')}`);
  const source = modelSource(v);
  const window = windowOption(v);
  const data = v.data as string;
  const out = v.out as string;
  // The reference is written to a file of its own: never over the data or the features.json it is fitted from.
  checkOutput('--out', out, [{ option: '--data', file: data }, { option: '--config', file: source.kind === 'config' ? source.file : undefined }], (file) => path.resolve(cwd, file), 'the reference');
  if (v.bucket !== undefined && !v.push) throw new UsageError('--bucket applies with --push (it names the bucket the reference is uploaded to)');
  if (v.bucket === '') throw new UsageError('--bucket needs a bucket name');
  if (v.push && source.kind === 'config' && v.bucket === undefined) {
    throw new UsageError('--push with --config needs --bucket NAME (the data bucket of the environment the model runs in)');
  }
  return {
    help: false,
    data,
    out,
    source,
    window,
    delimiter: v.delimiter,
    ...(v['missing-values'] !== undefined && { missingValues: missingValuesOption(v['missing-values']) }),
    push: v.push === true,
    ...(v.bucket !== undefined && { bucket: v.bucket }),
  };
}
