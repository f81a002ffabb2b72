import { constants as bufferConstants } from 'buffer';
import * as fs from 'fs';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import type { Dataset, FeatureKind } from '../../core/types';
import { parseCsv } from './csv';
import { parseCsvInHalves } from './csv-halves';
import { InputError } from './errors';
import type { ColumnReading } from './inference';
import { parsePartInWorker } from './read-in-worker';

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
  /** Columns to leave out (compare's --exclude): Parquet does not read them at all (a nested column may not convert). */
  readonly skip?: readonly string[];
  /** Called with each column of `skip` the file has (so a caller can tell a skipped column from one the file lacks). */
  readonly onSkip?: (name: string) => void;
  /** Called with what the reader noticed about the file as a whole (CSV: one column that looks like several). */
  readonly onNotice?: (message: string) => void;
  /**
   * Parse a large uncompressed CSV file on two threads (csv-halves.ts), with the same dataset,
   * callbacks and errors. Off by default: a caller that reads two files at once (compare) keeps
   * both cores busy already. @default false
   */
  readonly twoThreads?: boolean;
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
  const { kinds, timestamps, missingValues, onColumn, onNotice } = options;
  const skip = new Set(options.skip ?? []);
  const source = checkedSource(path);
  if (source.kind === 'stream') {
    // A pipe or device (/dev/stdin, a FIFO): its size is unknown until read, so read it first.
    const bytes = await readStream(path);
    if (startsWith(bytes, PARQUET_MAGIC)) {
      throw new InputError(`${path}: Parquet cannot be read from a pipe (it is read from its end first): write it to a file`, { file: path });
    }
    const text = startsWith(bytes, GZIP_MAGIC) ? await gunzipBytes(path, bytes) : bytes;
    return dropColumns(parseCsv(checkedText(path, text), { delimiter: options.delimiter, kinds, timestamps, missingValues, onColumn, onNotice, fileName: path }), skip, options.onSkip);
  }
  const format = source.format;
  if (format === 'parquet') {
    // Loaded only for Parquet: the DuckDB bindings take longer to load than a small CSV takes to read
    // (`require`: under tsx, a dynamic import does not find `.ts` files).
    const { readParquet } = require('./parquet') as typeof import('./parquet');
    return readParquet(path, { kinds, timestamps, missingValues, onColumn, skip, onSkip: options.onSkip, fileName: path });
  }
  const bytes = checkedText(path, await readBytes(path, format));
  const csv = { delimiter: options.delimiter, kinds, timestamps, missingValues, onColumn, onNotice, fileName: path };
  if (options.twoThreads && format === 'plain') {
    const dataset = await parseCsvInHalves(bytes, csv, (headerEnd, start, lineBreaks) => parsePartInWorker(path, options, headerEnd, start, lineBreaks));
    return dropColumns(dataset, skip, options.onSkip);
  }
  return dropColumns(parseCsv(bytes, csv), skip, options.onSkip);
}

function dropColumns(dataset: Dataset, skip: ReadonlySet<string>, onSkip?: (name: string) => void): Dataset {
  if (skip.size === 0) return dataset;
  for (const c of dataset.columns) if (skip.has(c.name)) onSkip?.(c.name);
  return { rowCount: dataset.rowCount, columns: dataset.columns.filter((c) => !skip.has(c.name)) };
}

/** ZIP archives start with PK\x03\x04 (a local file header). */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The bytes, checked to be CSV text: not a ZIP archive, no NUL byte in the first 64 KiB (a binary
 * file read as CSV would otherwise fail as "expected 1 fields"), not only white space.
 */
function checkedText(path: string, bytes: Buffer): Buffer {
  if (startsWith(bytes, ZIP_MAGIC)) {
    throw new InputError(`${path}: a ZIP archive, not CSV or Parquet: unzip it first (unzip ${path}) and read the file inside`, { file: path });
  }
  const head = bytes.subarray(0, 65_536);
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(
      `${path}: not a text file (a NUL byte at offset ${nul}): CSV must be text (UTF-8), and Parquet is recognised by its first bytes (PAR1); ` +
        'is it an Excel, image or compressed file?',
      { file: path },
    );
  }
  if (bytes.length === 0) throw new InputError(`${path}: the file is empty (expected a header row)`, { file: path });
  if (/^[\s\uFEFF]*$/.test(head.toString('utf8')) && /^[\s\uFEFF]*$/.test(bytes.toString('utf8'))) {
    throw new InputError(`${path}: the file holds only white space (expected a header row)`, { file: path });
  }
  return bytes;
}

/**
 * The bytes of a file, decompressed when it starts with the gzip magic bytes (as `readDataset` does
 * for CSV); for callers that parse the text themselves (a CSV without a header row, say).
 *
 * @throws InputError as `readDataset` does: missing, a directory, empty, or a truncated or corrupt gzip.
 * @example parseCsv(Buffer.concat([Buffer.from('a,b\n'), await readFileBytes('no-header.csv.gz')]))
 */
export async function readFileBytes(path: string): Promise<Buffer> {
  const source = checkedSource(path);
  if (source.kind === 'stream') {
    const bytes = await readStream(path);
    return startsWith(bytes, GZIP_MAGIC) ? gunzipBytes(path, bytes) : bytes;
  }
  return readBytes(path, source.format === 'gzip' ? 'gzip' : 'plain');
}

type Format = 'parquet' | 'gzip' | 'plain';

/** The reason a file could not be read, as the system says it (EACCES: permission denied). */
function cannotRead(path: string, error: unknown): InputError {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new InputError(`${path}: file not found`, { file: path });
  if (e.code === 'EISDIR') return new InputError(`${path}: is a directory, not a file`, { file: path });
  return new InputError(`${path}: cannot read the file (${e.code ?? 'error'}: ${(e.message ?? String(error)).replace(/^[A-Z]+: /, '').split(',')[0]})`, { file: path });
}

/**
 * What the path is: a regular file with its format (from its first bytes, after checking it is not
 * empty), or a stream (a pipe, a FIFO, /dev/stdin) whose size says nothing before it is read.
 */
function checkedSource(path: string): { kind: 'file'; format: Format } | { kind: 'stream' } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  if (stat.isDirectory()) throw new InputError(`${path}: is a directory, not a file`, { file: path });
  if (!stat.isFile()) return { kind: 'stream' };
  if (stat.size === 0) throw new InputError(`${path}: the file is empty (expected a header row)`, { file: path });
  const head = readHead(path, 4);
  if (startsWith(head, PARQUET_MAGIC)) return { kind: 'file', format: 'parquet' };
  if (startsWith(head, GZIP_MAGIC)) return { kind: 'file', format: 'gzip' };
  return { kind: 'file', format: 'plain' };
}

/** All bytes of a pipe or device, then the empty check a regular file gets from its size. */
async function readStream(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of fs.createReadStream(path)) chunks.push(chunk as Buffer);
  } catch (error) {
    throw cannotRead(path, error);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0) throw new InputError(`${path}: the input is empty (expected a header row)`, { file: path });
  return bytes;
}

async function gunzipBytes(path: string, bytes: Buffer): Promise<Buffer> {
  try {
    return await new Promise<Buffer>((resolve, reject) => zlib.gunzip(bytes, (error, out) => (error ? reject(error) : resolve(out))));
  } catch (error) {
    throw new InputError(gzipProblem(path, error as NodeJS.ErrnoException), { file: path });
  }
}

async function readBytes(path: string, format: 'gzip' | 'plain'): Promise<Buffer> {
  if (format === 'plain') {
    try {
      return fs.readFileSync(path);
    } catch (error) {
      throw cannotRead(path, error);
    }
  }
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
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && !code.startsWith('Z_')) throw cannotRead(path, error);
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
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    throw cannotRead(path, error);
  }
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
