/**
 * The per-column state the CSV reader (csv.ts) fills while it reads: a numeric column's values, or a
 * categorical column's codes and dictionary, with what was mixed in it; and the finished `Column`.
 */
import { own } from '../../core/own';
import type { CategoricalColumn, Column, FeatureKind, NumericColumn } from '../../core/types';
import type { CellExample, MissingMatcher } from './inference';
import { ByteCodes } from './byte-codes';
import { ESCAPED, fieldText } from './csv-tokenizer';
import { markEpochMs } from './timestamp';

/** Per-column parse state while reading. */
export interface ColumnState {
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
  /** Read as numbers first, then turned categorical. */
  switched: boolean;
  /** Cells of the numeric column that are not numbers (read as NaN), and the first few of them. */
  invalid: number;
  examples: CellExample[];
}

/** A column's state before its first cell: a timestamp, the kind it is forced to, or numeric until shown otherwise. */
export function newColumn(name: string, kinds: Readonly<Record<string, FeatureKind>>, timestamps: ReadonlySet<string>, capacity: number, bytes: Buffer): ColumnState {
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
    switched: false,
    invalid: 0,
    examples: [],
  };
}

/**
 * Encodes the categorical cell `bytes[start, end)`: from the column's byte cache when these bytes were
 * seen before; else from the decoded text (missing, or a category), the result cached. A field with
 * `""` inside is decoded every time (its text is not its bytes).
 */
export function encodeField(column: ColumnState, bytes: Buffer, start: number, end: number, flag: number, missing: MissingMatcher, row: number): void {
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

/** From `row` on the column holds text; the rows before it are re-read as text at the end. */
export function switchToCategorical(column: ColumnState, row: number, capacity: number, bytes: Buffer): void {
  column.numeric = false;
  column.values = null;
  column.codes = new Int32Array(capacity);
  column.dictionary = new Map();
  column.labels = [];
  column.byteCodes = new ByteCodes(bytes);
  column.switchedAtRow = row;
  column.switched = true;
}

export function growColumn(column: ColumnState, capacity: number): void {
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

export function finish(column: ColumnState, rows: number): Column {
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
