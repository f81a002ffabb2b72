/**
 * A one-pass CSV reader over a whole file buffer, straight into per-column arrays.
 *
 * Format: a header row; fields separated by one ASCII delimiter; fields may be double-quoted, with
 * `""` for a quote inside and delimiters or newlines allowed inside quotes; lines end with LF, CRLF
 * or CR; a UTF-8 byte-order mark is skipped; blank lines are skipped (as pandas does).
 * Missing cells: empty, or one of the missing values (`DEFAULT_MISSING_VALUES` in inference.ts:
 * `NA`, `n/a`, `nan`, `None`, `-`, `?`, ...), or of the list given in `missingValues`.
 *
 * Types (inference.ts): a column is numeric when its non-missing cells are finite decimal numbers,
 * all but at most 1% of them, which are invalid (read as missing, reported through `onColumn`);
 * otherwise categorical; `kinds` forces either. Numeric cells are parsed from the bytes without
 * building a string (see number.ts); a column starts as numeric and switches to categorical once it
 * holds more invalid cells than 1% of the rows the file can hold at most; the rows before the
 * switch are re-read once at the end (all of them when the share is only known to be too high then).
 */
import { own } from '../../core/own';
import type { Column, Dataset, FeatureKind } from '../../core/types';
import { InputError, quoteValue } from './errors';
import { fewInvalid, MAX_EXAMPLES, MAX_INVALID_SHARE, MissingMatcher, textReading, type CellExample, type ColumnReading } from './inference';
import { encodeField, finish, growColumn, newColumn, switchToCategorical, type ColumnState } from './csv-columns';
import { delimiterByte, oneColumnHint } from './csv-delimiter';
import { ESCAPED, fieldText, LF, CR, Tokenizer } from './csv-tokenizer';
import { parseNumberBytes } from './number';
import { PLAIN_RECORD_DECLINED, PlainNumbers, readPlainRecord } from './csv-plain-record';
import { parseTimestampBytes } from './timestamp';

/** Re-exported: backtest/columns.ts and the adapters' index import them from csv.ts. */
export { delimiterByte, oneColumnHint } from './csv-delimiter';

export interface CsvOptions {
  /** One ASCII character. @default ',' */
  readonly delimiter?: string;
  /** Forced kinds per column name; other columns are inferred. */
  readonly kinds?: Readonly<Record<string, FeatureKind>>;
  /** Name used in error messages. @default '<csv>' */
  readonly fileName?: string;
  /**
   * Columns to read as timestamps (see timestamp.ts): numeric columns of epoch milliseconds (NaN =
   * missing), parsed from the bytes; they take precedence over `kinds`. Unknown names are ignored.
   * A column whose first value is a plain number (epoch seconds, say) is read as without the option.
   */
  readonly timestamps?: readonly string[];
  /** Cells that mean "missing" (compared with spaces trimmed; the empty cell always is). @default DEFAULT_MISSING_VALUES */
  readonly missingValues?: readonly string[];
  /** Called once per column with its kind and what was mixed in it (invalid cells, numbers among text). */
  readonly onColumn?: (reading: ColumnReading) => void;
  /** Called with what the reader noticed about the file as a whole (one column that looks like several). */
  readonly onNotice?: (message: string) => void;
}

/** What the reading of the records needs besides the columns. */
interface RecordContext {
  readonly bytes: Buffer;
  readonly delimiter: number;
  readonly fileName: string;
  readonly kinds: Readonly<Record<string, FeatureKind>>;
  readonly missing: MissingMatcher;
  /** More invalid cells than this and a numeric column that is not forced cannot stay numeric. */
  readonly maxInvalid: number;
}

/**
 * Parses a whole CSV buffer into a Dataset (columns in header order).
 *
 * @throws InputError for an empty file, duplicate header names, ragged rows, an unterminated quote,
 *   or a non-number in a column forced numeric; the message names file, line, column and value.
 *   Also for gzip-compressed bytes (decompress them first: `readDataset` and `readFileBytes` do).
 * @example parseCsv(Buffer.from('a,b\n1,x\n2,y\n')).columns.map((c) => c.kind) // ['numeric', 'categorical']
 */
export function parseCsv(bytes: Buffer, options: CsvOptions = {}): Dataset {
  return reportColumns(parseCsvParts(bytes, options), options);
}

/** The parse's dataset, after `onColumn` has been called with each column's reading (in column order). */
export function reportColumns({ dataset, summaries }: Pick<CsvParts, 'dataset' | 'summaries'>, options: Pick<CsvOptions, 'fileName' | 'onColumn'>): Dataset {
  if (options.onColumn) {
    dataset.columns.forEach((column, i) => options.onColumn!(columnReading(options.fileName ?? '<csv>', column, summaries[i], dataset.rowCount)));
  }
  return dataset;
}

/** What reading a column found besides its cells: for its `ColumnReading`, and for joining two parts (csv-halves.ts). */
export interface ColumnSummary {
  /** Its kind was given (`kinds`), or it was read as timestamps. */
  readonly forced: boolean;
  readonly timestamp: boolean;
  /** Read as numbers first, then turned categorical (its rows re-read as text). */
  readonly switched: boolean;
  /** When switched: the row it turned at (the rows before it were re-read as text at the end). */
  readonly switchedAtRow: number;
  /** A numeric column's cells that were not numbers (read as missing), and the first few. */
  readonly invalid: number;
  readonly examples: readonly CellExample[];
}

/** A parse's dataset with what `parseCsv` reports about it, before any `onColumn` call. */
export interface CsvParts {
  readonly dataset: Dataset;
  readonly summaries: readonly ColumnSummary[];
  /** Line breaks after the header (blank lines and breaks inside quotes included). */
  readonly lineBreaks: number;
}

/**
 * `parseCsv` without the `onColumn` calls: the dataset with each column's summary (csv-halves.ts
 * joins two). When `bytes` are a part of a file (its header and some of its records), `fileLineBreaks`
 * is the whole file's count after the header, so that a column turns categorical at the row a parse
 * of the whole would turn it at.
 */
export function parseCsvParts(bytes: Buffer, options: CsvOptions = {}, fileLineBreaks?: number): CsvParts {
  const fileName = options.fileName ?? '<csv>';
  const delimiter = delimiterByte(options.delimiter ?? ',');
  const kinds = options.kinds ?? {};
  const header = readHeader(bytes, delimiter, fileName, textStart(bytes, fileName));
  if (header.names.length === 1) {
    const other = oneColumnHint(header.names[0], delimiter);
    if (other) options.onNotice?.(`${fileName}: ${other}`);
  }
  // Row capacity from the average length of the first lines; arrays grow if it was too small.
  const capacity = estimateRows(bytes, header.dataStart);
  const timestamps = new Set(options.timestamps ?? []);
  const columns = header.names.map((name) => newColumn(name, kinds, timestamps, capacity, bytes));
  // No more records than line breaks + 1: more invalid cells than 1% of that cannot stay numeric.
  const lineBreaks = countLineBreaks(bytes, header.dataStart);
  const maxInvalid = MAX_INVALID_SHARE * ((fileLineBreaks ?? lineBreaks) + 1);
  const context: RecordContext = { bytes, delimiter, fileName, kinds, missing: new MissingMatcher(options.missingValues), maxInvalid };
  const read = readRecords(context, columns, header, capacity);
  settleMixedColumns(context, columns, read.rows, read.capacity);
  rereadSwitched(context, columns, header.dataStart);
  const summaries = columns.map(
    (c): ColumnSummary => ({
      forced: c.forced !== undefined || c.timestamp,
      timestamp: c.timestamp,
      switched: c.switched,
      switchedAtRow: c.switchedAtRow,
      invalid: c.invalid,
      examples: c.examples,
    }),
  );
  return { dataset: { rowCount: read.rows, columns: columns.map((c) => finish(c, read.rows)) }, summaries, lineBreaks };
}

/**
 * Where the records start: the byte after the header row (after a byte-order mark).
 * @throws InputError as `parseCsv` does for an empty file, gzip bytes or a duplicate column name
 */
export function dataStartOf(bytes: Buffer, options: Pick<CsvOptions, 'delimiter' | 'fileName'> = {}): number {
  const fileName = options.fileName ?? '<csv>';
  return readHeader(bytes, delimiterByte(options.delimiter ?? ','), fileName, textStart(bytes, fileName)).dataStart;
}

/** Where the text starts: after a UTF-8 byte-order mark. @throws InputError for gzip-compressed bytes */
function textStart(bytes: Buffer, fileName: string): number {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new InputError(
      `${fileName}: the data is gzip-compressed (it starts with the gzip magic bytes); readDataset and ` +
        'readFileBytes decompress it, parseCsv takes the CSV text',
      { file: fileName },
    );
  }
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

interface Header {
  readonly names: string[];
  /** The byte and line the first record starts at. */
  readonly dataStart: number;
  readonly dataLine: number;
}

/** The column names (a blank one named as pandas does). @throws InputError for an empty file or a duplicate name */
function readHeader(bytes: Buffer, delimiter: number, fileName: string, begin: number): Header {
  const tokenizer = new Tokenizer(bytes, delimiter, fileName, begin, 64);
  const headerFields = tokenizer.next(true);
  if (headerFields < 0) {
    throw new InputError(`${fileName}: the file is empty (expected a header row)`, { file: fileName });
  }
  const names: string[] = [];
  const seen = new Map<string, number>();
  for (let f = 0; f < headerFields; f++) {
    let name = fieldText(bytes, tokenizer.starts[f], tokenizer.ends[f], tokenizer.flags[f]);
    if (name === '') name = `Unnamed: ${f}`; // pandas' name for a blank header (e.g. a saved index)
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new InputError(
        `${fileName}: line ${tokenizer.recordLine}: duplicate column name ${quoteValue(name)} ` +
          `(header fields ${previous + 1} and ${f + 1}); column names must be unique`,
        { file: fileName, line: tokenizer.recordLine, column: name },
      );
    }
    seen.set(name, f);
    names.push(name);
  }
  return { names, dataStart: tokenizer.pos, dataLine: tokenizer.line };
}

/**
 * Reads every record into the columns: plain records (csv-plain-record.ts) in one pass with their
 * numbers parsed on the way, the others through the general tokenizer; returns the rows read and the
 * arrays' capacity then. @throws InputError for a ragged row or a bad timestamp
 */
function readRecords(context: RecordContext, columns: ColumnState[], header: Header, initialCapacity: number): { rows: number; capacity: number } {
  const { bytes, delimiter, fileName, missing } = context;
  const width = columns.length;
  const data = new Tokenizer(bytes, delimiter, fileName, header.dataStart, width);
  data.line = header.dataLine;
  const plainNumeric = new Uint8Array(width);
  const plain = new PlainNumbers(width);
  const markPlainNumeric = () => columns.forEach((c, i) => (plainNumeric[i] = c.numeric && !c.timestamp ? 1 : 0));
  markPlainNumeric();
  let capacity = initialCapacity;
  let row = 0;
  for (;;) {
    let found = readPlainRecord(data, bytes, delimiter, plainNumeric, plain);
    if (found === PLAIN_RECORD_DECLINED) {
      plain.parsed.fill(0);
      found = data.next();
    }
    if (found < 0) break;
    if (found !== width) {
      throw new InputError(
        `${fileName}: line ${data.recordLine}: expected ${width} fields (as in the header), found ${found}`,
        { file: fileName, line: data.recordLine },
      );
    }
    if (row === capacity) {
      capacity = Math.ceil(capacity * 1.5) + 16;
      for (const column of columns) growColumn(column, capacity);
    }
    const starts = data.starts;
    const ends = data.ends;
    const flags = data.flags;
    for (let c = 0; c < width; c++) {
      const column = columns[c];
      if (column.numeric) {
        if (plain.parsed[c] === 1) {
          column.values![row] = plain.values[c];
          continue;
        }
        const kept = readNumericCell(context, column, row, data.recordLine, starts[c], ends[c], flags[c], capacity);
        if (kept !== NUMBER_KEPT) markPlainNumeric();
        if (kept !== BECAME_TEXT) continue;
      }
      encodeField(column, bytes, starts[c], ends[c], flags[c], missing, row);
    }
    row++;
  }
  return { rows: row, capacity };
}

/** How `readNumericCell` left the column: numeric; numeric, no longer a timestamp; categorical from this cell on. */
const NUMBER_KEPT = 0;
const NO_LONGER_TIMESTAMP = 1;
const BECAME_TEXT = 2;

/**
 * A numeric column's cell that is not a plain number: empty, a timestamp, a number the plain reader
 * declined, a missing value, or invalid (read as missing, unless the column has too many to stay
 * numeric: then it turns categorical and the cell is the caller's to encode as text).
 * @throws InputError for a bad timestamp
 */
function readNumericCell(context: RecordContext, column: ColumnState, row: number, line: number, start: number, end: number, flag: number, capacity: number): number {
  const { bytes } = context;
  const values = column.values!;
  if (start === end) {
    values[row] = NaN;
    return NUMBER_KEPT;
  }
  const isMissing = () => context.missing.bytes(bytes, start, end);
  let kept = NUMBER_KEPT;
  if (column.timestamp) {
    const ms = flag & ESCAPED ? NaN : parseTimestampBytes(bytes, start, end);
    if (!Number.isNaN(ms)) {
      values[row] = ms;
      column.parsedTimestamps++;
      return NUMBER_KEPT;
    }
    if (isMissing()) {
      values[row] = NaN;
      return NUMBER_KEPT;
    }
    // Epoch numbers stay numbers, as without the option (their unit is the caller's to judge).
    if (column.parsedTimestamps > 0 || flag & ESCAPED || parseNumberBytes(bytes, start, end) === undefined) {
      badTimestamp(context.fileName, row, line, column.name, fieldText(bytes, start, end, flag));
    }
    column.timestamp = false;
    column.forced = own(context.kinds, column.name);
    kept = NO_LONGER_TIMESTAMP;
  }
  const value = flag & ESCAPED ? undefined : parseNumberBytes(bytes, start, end);
  if (value !== undefined || isMissing()) {
    values[row] = value ?? NaN;
    return kept;
  }
  // Invalid: missing in a numeric column, unless there are too many for it to stay numeric.
  column.invalid++;
  if (column.examples.length < MAX_EXAMPLES) {
    column.examples.push({ value: fieldText(bytes, start, end, flag), row: row + 1, line });
  }
  if (column.forced === 'numeric' || column.invalid <= context.maxInvalid) {
    values[row] = NaN;
    return kept;
  }
  switchToCategorical(column, row, capacity, bytes);
  return BECAME_TEXT;
}

/**
 * Decides the kind of the numeric columns with invalid cells, now that their share is known: few
 * stay missing; more turn the column categorical, or fail a column forced numeric.
 * @throws InputError naming the first invalid cell of a column declared numeric
 */
function settleMixedColumns(context: RecordContext, columns: ColumnState[], rows: number, capacity: number): void {
  for (const column of columns) {
    if (!column.numeric || column.invalid === 0) continue;
    if (fewInvalid(column.invalid, presentCells(column.values!, rows) + column.invalid)) continue;
    if (column.forced === 'numeric') {
      const first = column.examples[0];
      throw new InputError(
        `${context.fileName}: row ${first.row} (line ${first.line}), column ${quoteValue(column.name)}: ` +
          `value ${quoteValue(first.value)} is not a finite number, but the column is declared numeric` +
          (column.invalid > 1 ? ` (${column.invalid.toLocaleString('en-US')} such values, more than the ${MAX_INVALID_SHARE * 100}% read as missing)` : ''),
        { file: context.fileName, line: first.line, row: first.row, column: column.name, value: first.value },
      );
    }
    switchToCategorical(column, rows, capacity, context.bytes);
  }
}

/** Re-reads, as text, the rows of switched columns that were first read as numbers. */
function rereadSwitched(context: RecordContext, columns: ColumnState[], dataStart: number): void {
  const switched = columns.filter((c) => c.codes !== null && c.switchedAtRow > 0);
  if (switched.length === 0) return;
  const until = Math.max(...switched.map((c) => c.switchedAtRow));
  const again = new Tokenizer(context.bytes, context.delimiter, context.fileName, dataStart, columns.length);
  const indices = switched.map((c) => columns.indexOf(c));
  for (let r = 0; r < until; r++) {
    again.next();
    for (let k = 0; k < switched.length; k++) {
      const column = switched[k];
      if (r >= column.switchedAtRow) continue;
      const f = indices[k];
      encodeField(column, context.bytes, again.starts[f], again.ends[f], again.flags[f], context.missing, r);
    }
  }
}

/** What was read in a column: invalid cells of a numeric one, numbers among the texts of a categorical one. */
function columnReading(file: string, column: Column, state: ColumnSummary, rows: number): ColumnReading {
  const { forced } = state;
  if (column.kind === 'numeric') {
    const present = presentCells(column.values, rows);
    return { file, name: column.name, kind: 'numeric', forced, nonMissing: present + state.invalid, numbers: present, invalid: state.invalid, examples: state.examples };
  }
  return { file, name: column.name, kind: 'categorical', forced, ...textReading(column.codes, column.dictionary) };
}

/** The present (not NaN, so not missing) cells among a numeric column's first `rows`. */
export function presentCells(values: Float64Array, rows = values.length): number {
  let present = 0;
  for (let r = 0; r < rows; r++) if (values[r] === values[r]) present++;
  return present;
}

/** Line breaks (LF, and CR not followed by LF) from `start`: records after it are at most this + 1. */
export function countLineBreaks(bytes: Buffer, start: number): number {
  let breaks = 0;
  for (let at = bytes.indexOf(LF, start); at >= 0; at = bytes.indexOf(LF, at + 1)) breaks++;
  for (let at = bytes.indexOf(CR, start); at >= 0; at = bytes.indexOf(CR, at + 1)) if (bytes[at + 1] !== LF) breaks++;
  return breaks;
}

function badTimestamp(fileName: string, row: number, line: number, column: string, text: string): never {
  throw new InputError(
    `${fileName}: row ${row + 1} (line ${line}), column ${quoteValue(column)}: value ${quoteValue(text)} is not a timestamp ` +
      '(expected an ISO date or date-time such as 2024-01-23, 2024-01-23T14:05:00Z or 2024-01-23 14:05:00+01:00)',
    { file: fileName, line, row: row + 1, column, value: text },
  );
}

/** Rows expected after `start`, from the mean length of up to the first 1,000 lines (+10%). */
function estimateRows(bytes: Buffer, start: number): number {
  let pos = start;
  let lines = 0;
  while (lines < 1000) {
    const at = bytes.indexOf(LF, pos);
    if (at < 0) break;
    pos = at + 1;
    lines++;
  }
  if (lines === 0) return 16;
  const mean = (pos - start) / lines;
  return Math.ceil(((bytes.length - start) / mean) * 1.1) + 16;
}
