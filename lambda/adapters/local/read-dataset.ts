import { constants as bufferConstants } from 'buffer';
import * as fs from 'fs';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import type { Dataset, FeatureKind } from '../../core/types';
import { parseCsv } from './csv';
import { InputError } from './errors';
import type { ColumnReading } from './inference';
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
  /**
   * Cells that mean "missing", replacing the default list (the empty cell always is missing).
   * @default DEFAULT_MISSING_VALUES (inference.ts): NA, N/A, n/a, NaN, nan, null, NULL, None, -, ?, ...
   */
  readonly missingValues?: readonly string[];
  /** Called once per column with its kind and what was mixed in it; `readingNotice` words it. */
  readonly onColumn?: (reading: ColumnReading) => void;
}

const PARQUET_MAGIC = Buffer.from('PAR1', 'latin1');
/** RFC 1952: every gzip member starts with ID1 = 0x1f, ID2 = 0x8b. */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/**
 * Reads a CSV, gzip-compressed CSV or Parquet file into a Dataset. The format is recognised by the
 * file's first bytes, so the extension does not matter: `PAR1` is Parquet, the gzip magic bytes
 * (0x1f 0x8b) are a gzip-compressed CSV (decompressed as a stream, then parsed as CSV, with line
 * numbers in the decompressed text), anything else is read as CSV.
 *
 * @throws InputError naming the file (and line, row, column and value where they apply); for a
 *   truncated or corrupt gzip file, what zlib found wrong.
 * @example const reference = await readDataset('ref.csv', { delimiter: ';' });
 * @example const history = await readDataset('bank-additional-full.csv.gz', { delimiter: ';' });
 */
export async function readDataset(path: string, options: ReadOptions = {}): Promise<Dataset> {
  const format = checkedFormat(path);
  const { kinds, timestamps, missingValues, onColumn } = options;
  if (format === 'parquet') return readParquet(path, { kinds, timestamps, missingValues, onColumn, fileName: path });
  return parseCsv(await readBytes(path, format), { delimiter: options.delimiter, kinds, timestamps, missingValues, onColumn, fileName: path });
}

/**
 * The bytes of a file, decompressed when it starts with the gzip magic bytes (as `readDataset` does
 * for CSV); for callers that parse the text themselves (a CSV without a header row, say).
 *
 * @throws InputError as `readDataset` does: missing, a directory, empty, or a truncated or corrupt gzip.
 * @example parseCsv(Buffer.concat([Buffer.from('a,b\n'), await readFileBytes('no-header.csv.gz')]))
 */
export async function readFileBytes(path: string): Promise<Buffer> {
  const format = checkedFormat(path);
  return readBytes(path, format === 'gzip' ? 'gzip' : 'plain');
}

type Format = 'parquet' | 'gzip' | 'plain';

/** The file's format from its first bytes, after checking it exists, is a file and is not empty. */
function checkedFormat(path: string): Format {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    throw new InputError(`${path}: file not found`, { file: path });
  }
  if (stat.isDirectory()) throw new InputError(`${path}: is a directory, not a file`, { file: path });
  if (stat.size === 0) throw new InputError(`${path}: the file is empty (expected a header row)`, { file: path });
  const head = readHead(path, 4);
  if (startsWith(head, PARQUET_MAGIC)) return 'parquet';
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  return 'plain';
}

async function readBytes(path: string, format: 'gzip' | 'plain'): Promise<Buffer> {
  if (format === 'plain') return fs.readFileSync(path);
  const bytes = await gunzipFile(path);
  if (startsWith(bytes, PARQUET_MAGIC)) {
    throw new InputError(
      `${path}: a gzip-compressed Parquet file is not read: Parquet compresses its own pages, so decompress it ` +
        `first (gunzip -k ${path}) or write the Parquet file without gzip around it`,
      { file: path },
    );
  }
  return bytes;
}

/**
 * Decompresses a gzip file as a stream (several concatenated members are read as one, as gunzip
 * does), stopping at the largest buffer Node can hold instead of failing inside Buffer.concat.
 */
async function gunzipFile(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const limit = bufferConstants.MAX_LENGTH;
  try {
    await pipeline(fs.createReadStream(path), zlib.createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        total += chunk.length;
        if (total > limit) {
          throw new InputError(
            `${path}: decompresses to more than ${(limit / 2 ** 30).toFixed(0)} GiB, more than one file can be read ` +
              'into memory here; split the data or read a sample of it',
            { file: path },
          );
        }
        chunks.push(chunk);
      }
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(gzipProblem(path, error as NodeJS.ErrnoException), { file: path });
  }
  return Buffer.concat(chunks, total);
}

/** What went wrong reading a gzip file, in words a user can act on (zlib's own reason kept). */
function gzipProblem(path: string, error: NodeJS.ErrnoException): string {
  const check = `(\`gzip -t ${path}\` checks a file); copy or download it again`;
  if (error.code === 'Z_BUF_ERROR') return `${path}: the gzip data ends early (${error.message}): the file is truncated ${check}`;
  if (error.code === 'Z_DATA_ERROR') return `${path}: corrupt gzip data (${error.message}) ${check}`;
  return `${path}: cannot read the gzip file (${error.code ?? error.message})`;
}

/** Reads only the first `n` bytes, so a Parquet file is not loaded twice. */
function readHead(path: string, n: number): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(n);
    const read = fs.readSync(fd, head, 0, n, 0);
    return head.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function startsWith(bytes: Buffer, magic: Buffer): boolean {
  return bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);
}
