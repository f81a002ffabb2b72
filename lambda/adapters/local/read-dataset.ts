import * as fs from 'fs';
import type { Dataset, FeatureKind } from '../../core/types';
import { parseCsv } from './csv';
import { InputError } from './errors';
import { readParquet } from './parquet';

export interface ReadOptions {
  /** CSV field delimiter (one ASCII character, or 'tab'). @default ',' */
  readonly delimiter?: string;
  /** Forced kinds per column name; other columns are inferred. */
  readonly kinds?: Readonly<Record<string, FeatureKind>>;
  /**
   * Columns to read as timestamps: numeric columns of epoch milliseconds (NaN = missing), parsed
   * from ISO dates and date-times (see timestamp.ts); an unparseable value is an InputError.
   * @example readDataset('log.csv', { timestamps: ['event_time'] })
   */
  readonly timestamps?: readonly string[];
}

const PARQUET_MAGIC = 'PAR1';

/**
 * Reads a CSV or Parquet file into a Dataset. Parquet is recognised by its `PAR1` magic bytes (so
 * the extension does not matter); anything else is read as CSV.
 *
 * @throws InputError naming the file (and line, row, column and value where they apply).
 * @example const reference = await readDataset('ref.csv', { delimiter: ';' });
 */
export async function readDataset(path: string, options: ReadOptions = {}): Promise<Dataset> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    throw new InputError(`${path}: file not found`, { file: path });
  }
  if (stat.isDirectory()) throw new InputError(`${path}: is a directory, not a file`, { file: path });
  if (stat.size === 0) throw new InputError(`${path}: the file is empty (expected a header row)`, { file: path });
  const { kinds, timestamps } = options;
  if (startsWithMagic(path)) return readParquet(path, { kinds, timestamps, fileName: path });
  return parseCsv(fs.readFileSync(path), { delimiter: options.delimiter, kinds, timestamps, fileName: path });
}

/** Reads only the first four bytes, so a Parquet file is not loaded twice. */
function startsWithMagic(path: string): boolean {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const read = fs.readSync(fd, head, 0, 4, 0);
    return read === 4 && head.toString('latin1') === PARQUET_MAGIC;
  } finally {
    fs.closeSync(fd);
  }
}
