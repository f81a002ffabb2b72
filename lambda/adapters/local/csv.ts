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
import type { CategoricalColumn, Column, Dataset, FeatureKind, NumericColumn } from '../../core/types';
import { InputError, quoteValue } from './errors';
import { fewInvalid, MAX_EXAMPLES, MAX_INVALID_SHARE, MissingMatcher, textReading, type CellExample, type ColumnReading } from './inference';
import { ByteCodes } from './byte-codes';
import { delimiterByte, oneColumnHint } from './csv-delimiter';
import { ESCAPED, fieldText, LF, CR, Tokenizer } from './csv-tokenizer';
import { parseNumberBytes } from './number';
import { PLAIN_RECORD_DECLINED, PlainNumbers, readPlainRecord } from './csv-plain-record';
import { markEpochMs, parseTimestampBytes } from './timestamp';

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

/** Per-column parse state while reading. */
interface ColumnState {
  readonly name: string;
  forced: FeatureKind | undefined;
  /** Read as a timestamp (epoch ms in `values`); cleared when the first value is a plain number. */
  timestamp: boolean;
  /** Timestamps parsed so far. */
  parsedTimestamps: number;
  numeric: boolean;
  values: Float64Array | null;
  codes: Int32Array | null;
  dictionary: Map<string, number> | null;
  labels: string[] | null;
  /** The codes of the byte strings seen so far (see byte-codes.ts). */
  byteCodes: ByteCodes | null;
  /** Rows before this one were read as numbers and must be re-read as text. */
  switchedAtRow: number;
  /** Cells of the numeric column that are not numbers (read as NaN), and the first few of them. */
  invalid: number;
  examples: CellExample[];
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
  const fileName = options.fileName ?? '<csv>';
  const delimiter = delimiterByte(options.delimiter ?? ',');
  const kinds = options.kinds ?? {};
  const timestamps = new Set(options.timestamps ?? []);
  const missing = new MissingMatcher(options.missingValues);
  const isMissing = (start: number, end: number) => start === end || missing.bytes(bytes, start, end);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new InputError(
      `${fileName}: the data is gzip-compressed (it starts with the gzip magic bytes); readDataset and ` +
        'readFileBytes decompress it, parseCsv takes the CSV text',
      { file: fileName },
    );
  }
  let begin = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) begin = 3;

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
  const width = names.length;
  if (width === 1) {
    const other = oneColumnHint(names[0], delimiter);
    if (other) options.onNotice?.(`${fileName}: ${other}`);
  }
  const dataStart = tokenizer.pos;
  const dataLine = tokenizer.line;

  // Row capacity from the average length of the first lines; arrays grow if it was too small.
  let capacity = estimateRows(bytes, dataStart);
  const columns: ColumnState[] = names.map((name) => {
    const timestamp = timestamps.has(name);
    const forced = timestamp ? 'numeric' : own(kinds, name);
    const numeric = forced !== 'categorical';
    return {
      name,
      forced,
      timestamp,
      parsedTimestamps: 0,
      numeric,
      values: numeric ? new Float64Array(capacity) : null,
      codes: numeric ? null : new Int32Array(capacity),
      dictionary: numeric ? null : new Map(),
      labels: numeric ? null : [],
      byteCodes: numeric ? null : new ByteCodes(bytes),
      switchedAtRow: 0,
      invalid: 0,
      examples: [],
    };
  });
  // No more records than line breaks + 1: more invalid cells than 1% of that cannot stay numeric.
  const maxInvalid = MAX_INVALID_SHARE * (countLineBreaks(bytes, dataStart) + 1);

  const data = new Tokenizer(bytes, delimiter, fileName, dataStart, width);
  data.line = dataLine;
  // Plain records (csv-plain-record.ts) are read in one pass, their numbers parsed on the way.
  const plainNumeric = new Uint8Array(width);
  const plain = new PlainNumbers(width);
  const markPlainNumeric = () => columns.forEach((c, i) => (plainNumeric[i] = c.numeric && !c.timestamp ? 1 : 0));
  markPlainNumeric();
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
      const start = starts[c];
      const end = ends[c];
      if (column.numeric) {
        const values = column.values!;
        if (plain.parsed[c] === 1) {
          values[row] = plain.values[c];
          continue;
        }
        if (start === end) {
          values[row] = NaN;
          continue;
        }
        if (column.timestamp) {
          const ms = flags[c] & ESCAPED ? NaN : parseTimestampBytes(bytes, start, end);
          if (!Number.isNaN(ms)) {
            values[row] = ms;
            column.parsedTimestamps++;
            continue;
          }
          if (isMissing(start, end)) {
            values[row] = NaN;
            continue;
          }
          // Epoch numbers stay numbers, as without the option (their unit is the caller's to judge).
          if (column.parsedTimestamps > 0 || flags[c] & ESCAPED || parseNumberBytes(bytes, start, end) === undefined) {
            badTimestamp(fileName, row, data.recordLine, column.name, fieldText(bytes, start, end, flags[c]));
          }
          column.timestamp = false;
          column.forced = own(kinds, column.name);
          markPlainNumeric();
        }
        const value = flags[c] & ESCAPED ? undefined : parseNumberBytes(bytes, start, end);
        if (value !== undefined) {
          values[row] = value;
          continue;
        }
        if (isMissing(start, end)) {
          values[row] = NaN;
          continue;
        }
        // Invalid: missing in a numeric column, unless there are too many for it to stay numeric.
        column.invalid++;
        if (column.examples.length < MAX_EXAMPLES) {
          column.examples.push({ value: fieldText(bytes, start, end, flags[c]), row: row + 1, line: data.recordLine });
        }
        if (column.forced === 'numeric' || column.invalid <= maxInvalid) {
          values[row] = NaN;
          continue;
        }
        switchToCategorical(column, row, capacity, bytes);
        markPlainNumeric();
      }
      encodeField(column, bytes, start, end, flags[c], missing, row);
    }
    row++;
  }

  // Decide the kind of numeric columns with invalid cells, now that the share is known.
  for (const column of columns) {
    if (!column.numeric || column.invalid === 0) continue;
    const values = column.values!;
    let present = 0;
    for (let r = 0; r < row; r++) if (values[r] === values[r]) present++;
    if (fewInvalid(column.invalid, present + column.invalid)) continue;
    if (column.forced === 'numeric') {
      const first = column.examples[0];
      throw new InputError(
        `${fileName}: row ${first.row} (line ${first.line}), column ${quoteValue(column.name)}: ` +
          `value ${quoteValue(first.value)} is not a finite number, but the column is declared numeric` +
          (column.invalid > 1 ? ` (${column.invalid.toLocaleString('en-US')} such values, more than the ${MAX_INVALID_SHARE * 100}% read as missing)` : ''),
        { file: fileName, line: first.line, row: first.row, column: column.name, value: first.value },
      );
    }
    switchToCategorical(column, row, capacity, bytes);
  }

  // Re-read, as text, the rows of switched columns that were first read as numbers.
  const switched = columns.filter((c) => c.codes !== null && c.switchedAtRow > 0);
  if (switched.length > 0) {
    const until = Math.max(...switched.map((c) => c.switchedAtRow));
    const again = new Tokenizer(bytes, delimiter, fileName, dataStart, width);
    const indices = switched.map((c) => names.indexOf(c.name));
    for (let r = 0; r < until; r++) {
      again.next();
      for (let k = 0; k < switched.length; k++) {
        const column = switched[k];
        if (r >= column.switchedAtRow) continue;
        const f = indices[k];
        encodeField(column, bytes, again.starts[f], again.ends[f], again.flags[f], missing, r);
      }
    }
  }

  const result = { rowCount: row, columns: columns.map((c) => finish(c, row)) };
  if (options.onColumn) {
    result.columns.forEach((column, i) => options.onColumn!(reading(fileName, column, columns[i], row)));
  }
  return result;
}

/** What was read in a column: invalid cells of a numeric one, numbers among the texts of a categorical one. */
function reading(file: string, column: Column, state: ColumnState, rows: number): ColumnReading {
  const forced = state.forced !== undefined || state.timestamp;
  if (column.kind === 'numeric') {
    let present = 0;
    for (let r = 0; r < rows; r++) if (column.values[r] === column.values[r]) present++;
    return { file, name: column.name, kind: 'numeric', forced, nonMissing: present + state.invalid, numbers: present, invalid: state.invalid, examples: state.examples };
  }
  return { file, name: column.name, kind: 'categorical', forced, ...textReading(column.codes, column.dictionary) };
}

/** Line breaks (LF, and CR not followed by LF) from `start`: records after it are at most this + 1. */
function countLineBreaks(bytes: Buffer, start: number): number {
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

/**
 * Encodes the categorical cell `bytes[start, end)`: from the column's byte cache when these bytes were
 * seen before; else from the decoded text (missing, or a category), the result cached. A field with
 * `""` inside is decoded every time (its text is not its bytes).
 */
function encodeField(column: ColumnState, bytes: Buffer, start: number, end: number, flag: number, missing: MissingMatcher, row: number): void {
  const cache = flag & ESCAPED ? null : column.byteCodes!;
  const known = cache?.get(start, end);
  if (known !== undefined) {
    column.codes![row] = known;
    return;
  }
  const text = fieldText(bytes, start, end, flag);
  encode(column, missing.text(text) ? null : text, row);
  cache?.set(start, end, column.codes![row]);
}

function encode(column: ColumnState, text: string | null, row: number): void {
  if (text === null) {
    column.codes![row] = -1;
    return;
  }
  let code = column.dictionary!.get(text);
  if (code === undefined) {
    code = column.labels!.length;
    column.labels!.push(text);
    column.dictionary!.set(text, code);
  }
  column.codes![row] = code;
}

function switchToCategorical(column: ColumnState, row: number, capacity: number, bytes: Buffer): void {
  column.numeric = false;
  column.values = null;
  column.codes = new Int32Array(capacity);
  column.dictionary = new Map();
  column.labels = [];
  column.byteCodes = new ByteCodes(bytes);
  column.switchedAtRow = row;
}

function growColumn(column: ColumnState, capacity: number): void {
  if (column.values) {
    const next = new Float64Array(capacity);
    next.set(column.values);
    column.values = next;
  }
  if (column.codes) {
    const next = new Int32Array(capacity);
    next.set(column.codes);
    column.codes = next;
  }
}

function finish(column: ColumnState, rows: number): Column {
  // Copy only when the over-allocation is large; otherwise a view of the right length is enough.
  const fit = <T extends Float64Array | Int32Array>(a: T): T =>
    (a.length - rows > rows / 4 ? a.slice(0, rows) : a.subarray(0, rows)) as T;
  if (column.numeric) {
    const numeric: NumericColumn = { kind: 'numeric', name: column.name, values: fit(column.values!) };
    return column.timestamp ? markEpochMs(numeric) : numeric;
  }
  const categorical: CategoricalColumn = {
    kind: 'categorical',
    name: column.name,
    codes: fit(column.codes!),
    dictionary: column.labels!,
  };
  return categorical;
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
