/**
 * How a reader decides what a cell means and what kind a column is, shared by the CSV and Parquet
 * readers so both follow one rule:
 *
 * - **Missing values**: a cell is missing when, with surrounding spaces and tabs removed, it is one of
 *   `DEFAULT_MISSING_VALUES` (pandas' default `na_values` plus `-` and `?`), or of the list the caller
 *   gives instead (`missingValues`; the empty cell is always missing).
 * - **Numeric or categorical**: a column is numeric when its non-missing cells are finite decimal
 *   numbers, all but at most `MAX_INVALID_SHARE` (1%) of them. Those few other cells (`1,5`, `1e309`,
 *   `１２`, `12 kg`) are **invalid**: read as missing, counted, and reported with a notice. With more,
 *   the column is categorical — and when some of its cells are numbers, a notice says so, since a
 *   column of numbers compared category by category is rarely what was meant.
 * - A column whose kind is forced (`kinds`) is read as that kind; a forced numeric column with more
 *   than 1% invalid cells is an error naming the first one.
 */
import type { FeatureKind } from '../../core/types';
import { quoteValue } from './errors';
import { parseNumberBytes } from './number';

/**
 * Cells read as missing by default: pandas' `na_values` (`''`, `NA`, `N/A`, `n/a`, `NaN`, `nan`,
 * `-NaN`, `-nan`, `null`, `NULL`, `None`, `#N/A`, `#N/A N/A`, `#NA`, `<NA>`, `1.#IND`, `-1.#IND`,
 * `1.#QNAN`, `-1.#QNAN`), `NAN`, and the placeholders `-` and `?` (UCI's missing marker).
 */
export const DEFAULT_MISSING_VALUES: readonly string[] = [
  '', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'NAN', '-NaN', '-nan', 'null', 'NULL', 'None', '#N/A', '#N/A N/A', '#NA', '<NA>',
  '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN', '-', '?',
];

/** A numeric column may hold at most this share of invalid cells (of its non-missing cells). */
export const MAX_INVALID_SHARE = 0.01;

/** Whether `invalid` of `nonMissing` cells is few enough for the column to stay numeric. */
export function fewInvalid(invalid: number, nonMissing: number): boolean {
  return invalid <= MAX_INVALID_SHARE * nonMissing;
}

const SPACE = 0x20;
const TAB = 0x09;

/** Tests cells against a list of missing markers, on bytes, building a string only for short cells. */
export class MissingMatcher {
  private readonly markers: Set<string>;
  private readonly maxBytes: number;

  constructor(values: readonly string[] = DEFAULT_MISSING_VALUES) {
    this.markers = new Set(values.map((v) => v.trim()));
    this.maxBytes = Math.max(0, ...[...this.markers].map((m) => Buffer.byteLength(m, 'utf8')));
  }

  /** Whether `bytes[start, end)` is missing: empty or a marker once spaces and tabs are trimmed. */
  bytes(bytes: Uint8Array, start: number, end: number): boolean {
    while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
    while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
    if (start === end) return true;
    if (end - start > this.maxBytes) return false;
    return this.markers.has(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8'));
  }

  /** The same test on a string. */
  text(text: string): boolean {
    let t = text;
    const edge = (c: number) => c === SPACE || c === TAB;
    if (t.length > 0 && (edge(t.charCodeAt(0)) || edge(t.charCodeAt(t.length - 1)))) t = t.replace(/^[ \t]+|[ \t]+$/g, '');
    if (t.length === 0) return true;
    return t.length <= this.maxBytes && this.markers.has(t);
  }
}

/** A cell that is not what its column holds, where it is. */
export interface CellExample {
  readonly value: string;
  /** 1-based data row. */
  readonly row: number;
  /** 1-based line in a CSV file. */
  readonly line?: number;
  /** How many cells hold this value (categorical columns: the most frequent non-numbers). */
  readonly count?: number;
}

/** What a reader found in one column: its kind and why. */
export interface ColumnReading {
  readonly file: string;
  readonly name: string;
  readonly kind: FeatureKind;
  /** The kind was given (`kinds`, a timestamp column), not inferred. */
  readonly forced: boolean;
  /** Parquet: the column's type in the file (DOUBLE, BIGINT, VARCHAR, ...). */
  readonly type?: string;
  /** Non-missing cells, invalid ones included. */
  readonly nonMissing: number;
  /** Cells that are finite numbers. */
  readonly numbers: number;
  /** Numeric columns: cells that are not numbers, read as missing. */
  readonly invalid: number;
  /** The first invalid cells (numeric), or the most frequent non-number values (categorical). */
  readonly examples: readonly CellExample[];
}

/** Invalid cells kept as examples per column. */
export const MAX_EXAMPLES = 3;

/** Why a number-like cell is not read as a number, when it can be told. */
export function invalidHint(value: string): string | null {
  const t = value.trim();
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)[eE][-+]?\d+$/.test(t)) return 'beyond the range of a double';
  if (/^[-+]?(Infinity|inf|INF|Inf)$/.test(t)) return 'not finite';
  if (/[\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9\u0966-\u096F]/.test(t)) return 'non-ASCII digits';
  if (/^[-+]?\d{1,3}([,.' \u00A0\u202F]\d{3})+([.,]\d+)?$/.test(t)) return 'a thousands separator?';
  if (/^[-+]?\d*,\d+$/.test(t)) return 'a decimal comma?';
  return null;
}

function where(e: CellExample): string {
  return e.line !== undefined ? `line ${e.line}` : `row ${e.row}`;
}

function share(part: number, whole: number): string {
  const p = (100 * part) / whole;
  return `${p >= 1 ? p.toFixed(1) : p >= 0.01 ? p.toFixed(2) : p.toExponential(0)}%`;
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * The notice for a column whose kind was inferred from mixed values (numbers and other cells), or
 * whose invalid cells were read as missing; null when the column holds one kind of value.
 *
 * @example "data.csv: column \"amount\" read as numeric: 2 of 5,000 values (0.04%) are not numbers and count as missing: \"1,5\" (line 12; a decimal comma?), \"1e309\" (line 40; beyond the range of a double)"
 */
export function readingNotice(r: ColumnReading): string | null {
  const column = `${r.file}: column ${quoteValue(r.name)}`;
  if (r.kind === 'numeric' && r.invalid > 0) {
    const examples = r.examples
      .map((e) => {
        const hint = invalidHint(e.value);
        return `${quoteValue(e.value, 40)} (${where(e)}${hint ? `; ${hint}` : ''})`;
      })
      .join(', ');
    return (
      `${column} read as numeric: ${n(r.invalid)} of ${n(r.nonMissing)} values (${share(r.invalid, r.nonMissing)}) are not numbers and ` +
      `count as missing: ${examples}${r.invalid > r.examples.length ? ', ...' : ''}`
    );
  }
  if (r.kind === 'categorical' && !r.forced && r.numbers > 0 && r.numbers < r.nonMissing) {
    const others = r.nonMissing - r.numbers;
    const examples = r.examples.map((e) => `${quoteValue(e.value, 40)} ×${n(e.count ?? 1)}`).join(', ');
    return (
      `${column} read as categorical: ${n(r.numbers)} of ${n(r.nonMissing)} values are numbers, but ${n(others)} ` +
      `(${share(others, r.nonMissing)}, more than the ${MAX_INVALID_SHARE * 100}% a numeric column may hold) are not: ${examples}` +
      `${others > r.examples.reduce((a, e) => a + (e.count ?? 1), 0) ? ', ...' : ''}; ` +
      'if they mean "missing", add them to the missing values (compare --missing-values, backtest "missingValues")'
    );
  }
  return null;
}

/**
 * Of a categorical column's cells: how many are not missing, how many are finite numbers, and the
 * most frequent values that are not numbers (counted by code, each distinct text parsed once).
 */
export function textReading(codes: Int32Array, dictionary: readonly string[]): Pick<ColumnReading, 'nonMissing' | 'numbers' | 'invalid' | 'examples'> {
  const perCode = new Float64Array(dictionary.length);
  const firstRow = new Int32Array(dictionary.length).fill(-1);
  let nonMissing = 0;
  for (let r = 0; r < codes.length; r++) {
    const code = codes[r];
    if (code < 0) continue;
    nonMissing++;
    if (perCode[code]++ === 0) firstRow[code] = r;
  }
  let numbers = 0;
  const others: CellExample[] = [];
  dictionary.forEach((text, code) => {
    if (perCode[code] === 0) return;
    const bytes = Buffer.from(text, 'utf8');
    if (parseNumberBytes(bytes, 0, bytes.length) !== undefined) numbers += perCode[code];
    else others.push({ value: text, row: firstRow[code] + 1, count: perCode[code] });
  });
  others.sort((a, b) => (b.count as number) - (a.count as number) || a.row - b.row);
  return { nonMissing, numbers, invalid: 0, examples: numbers > 0 ? others.slice(0, MAX_EXAMPLES) : [] };
}
