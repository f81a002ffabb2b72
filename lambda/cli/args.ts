import { parseArgs } from 'util';
import { UsageError } from './io';

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
}

/** Where `--format html` writes when `--out` is not given. */
export const DEFAULT_HTML_OUT = 'driftwatch-report.html';

/**
 * Parses `compare`'s arguments (`--name value` or `--name=value`).
 *
 * @throws UsageError naming the unknown option, the missing value or the bad format.
 * @example parseCompareArgs(['--reference', 'a.csv', '--current', 'b.csv']).format // 'text'
 */
export function parseCompareArgs(argv: readonly string[]): CompareArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        reference: { type: 'string' },
        current: { type: 'string' },
        config: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        delimiter: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const values = parsed.values;
  if (values.help) return { help: true, reference: '', current: '', format: 'text' };
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
  };
}
