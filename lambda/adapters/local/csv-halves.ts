/**
 * One large CSV read on two cores: the records after a line break near the middle are parsed in
 * another thread while this thread parses the ones before it, and the two parts are joined into
 * exactly the dataset one parse of the whole gives. Where the parts cannot be joined to exactly
 * that — a column read as numbers in one part and as text in the other, a column turned categorical
 * in either, invalid cells too many across both, an error in either part, a part without rows — the
 * whole is parsed again in this thread, so the result, the notices and the errors are always those
 * of `parseCsv`; the second parse costs time only in those cases.
 */
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../../core/types';
import { countLineBreaks, dataStartOf, parseCsv, parseCsvParts, presentCells, reportColumns, type ColumnSummary, type CsvOptions, type CsvParts } from './csv';
import { fewInvalid, MAX_EXAMPLES } from './inference';
import { isEpochMs, markEpochMs } from './timestamp';

const LF = 0x0a;
const QUOTE = 0x22;

/** Quotes in bytes [from, to) (a scan bounded by `to`, not the file's end). */
function quotesIn(bytes: Buffer, from: number, to: number): number {
  const part = bytes.subarray(from, to);
  let n = 0;
  for (let at = part.indexOf(QUOTE); at >= 0; at = part.indexOf(QUOTE, at + 1)) n++;
  return n;
}

/**
 * The share of the records this thread parses: a little over half, because the other thread starts
 * later (its modules load, it reads its part from the file). Measured on 155 MB (a million rows × 21
 * columns): at one half, this thread waited 130 ms for the other.
 */
export const FIRST_SHARE = 0.53;

/**
 * Where the second part starts: after the first line feed past `share` of the records that has an
 * even number of quotes before it (so, in a well-formed file, outside any quoted field); null when
 * there is none. A split inside a quoted field after all (a stray quote in an unquoted field) makes
 * the first part end in an open quote, which is an error there, and the whole is parsed again.
 */
export function splitPoint(bytes: Buffer, dataStart: number, share = 0.5): number | null {
  let from = dataStart + Math.floor((bytes.length - dataStart) * share);
  let quotes = quotesIn(bytes, 0, from);
  for (let lf = bytes.indexOf(LF, from); lf >= 0 && lf + 1 < bytes.length; lf = bytes.indexOf(LF, lf + 1)) {
    quotes += quotesIn(bytes, from, lf);
    from = lf;
    if (quotes % 2 === 0) return lf + 1;
  }
  return null;
}

function joinNumeric(a: NumericColumn, b: NumericColumn): NumericColumn {
  const values = new Float64Array(a.values.length + b.values.length);
  values.set(a.values);
  values.set(b.values, a.values.length);
  const joined: NumericColumn = { kind: 'numeric', name: a.name, values };
  return isEpochMs(a) ? markEpochMs(joined) : joined;
}

/** Rows [from, to) of a part's categorical column, put at `offset` in the joined column. */
interface Rows {
  readonly column: CategoricalColumn;
  readonly from: number;
  readonly to: number;
  readonly offset: number;
}

/**
 * Two parts' categorical columns as one, the words numbered in order of first appearance over the
 * row ranges in the order given: the order one parse gives its dictionary.
 */
function joinCategorical(name: string, rowCount: number, order: readonly Rows[]): CategoricalColumn {
  const dictionary: string[] = [];
  const codeOf = new Map<string, number>();
  const codes = new Int32Array(rowCount);
  const renumbered = new Map<CategoricalColumn, Int32Array>();
  for (const { column, from, to, offset } of order) {
    let map = renumbered.get(column);
    if (!map) renumbered.set(column, (map = new Int32Array(column.dictionary.length).fill(-1)));
    for (let r = from; r < to; r++) {
      const code = column.codes[r];
      if (code < 0) {
        codes[offset + r] = code;
        continue;
      }
      let joined = map[code];
      if (joined < 0) {
        const word = column.dictionary[code];
        joined = codeOf.get(word) ?? -1;
        if (joined < 0) {
          joined = dictionary.length;
          dictionary.push(word);
          codeOf.set(word, joined);
        }
        map[code] = joined;
      }
      codes[offset + r] = joined;
    }
  }
  return { kind: 'categorical', name, codes, dictionary };
}

/**
 * The order one parse numbers a categorical column's words in, or null when the parts cannot tell it.
 * A column declared categorical: the rows in order. A column that turned categorical at row k of the
 * first part (more invalid cells than the whole file allows): one parse turns it at the same row,
 * reads every later row as text and re-reads rows [0, k) at the end, so the first part's rows from
 * k, the second part's rows, then the first part's rows before k (the second part must be text too).
 * Turned later (in the second part, or once the share was known): the parts cannot tell where.
 */
function categoricalOrder(a: CategoricalColumn, b: CategoricalColumn, sa: ColumnSummary, sb: ColumnSummary): Rows[] | null {
  const na = a.codes.length;
  const nb = b.codes.length;
  if (!sa.switched && !sb.switched) return [{ column: a, from: 0, to: na, offset: 0 }, { column: b, from: 0, to: nb, offset: na }];
  if (!sa.switched || sa.switchedAtRow >= na) return null;
  const k = sa.switchedAtRow;
  return [
    { column: a, from: k, to: na, offset: 0 },
    { column: b, from: 0, to: nb, offset: na },
    { column: a, from: 0, to: k, offset: 0 },
  ];
}

/**
 * The two parts as one parse of the whole would have read them, or null where it would have read a
 * column otherwise (then the whole must be parsed again).
 */
export function joinParts(first: CsvParts, second: CsvParts): CsvParts | null {
  const a = first.dataset;
  const b = second.dataset;
  if (a.rowCount === 0 || b.rowCount === 0 || a.columns.length !== b.columns.length) return null;
  const lineBreaks = first.lineBreaks + second.lineBreaks;
  const columns: Column[] = [];
  const summaries: ColumnSummary[] = [];
  for (let i = 0; i < a.columns.length; i++) {
    const [ca, cb] = [a.columns[i], b.columns[i]];
    const [sa, sb] = [first.summaries[i], second.summaries[i]];
    if (ca.name !== cb.name || ca.kind !== cb.kind || sa.timestamp !== sb.timestamp || sa.forced !== sb.forced) return null;
    if (ca.kind === 'categorical') {
      const order = categoricalOrder(ca, cb as CategoricalColumn, sa, sb);
      if (!order) return null;
      columns.push(joinCategorical(ca.name, a.rowCount + b.rowCount, order));
      summaries.push(sa);
      continue;
    }
    const column = joinNumeric(ca, cb as NumericColumn);
    const invalid = sa.invalid + sb.invalid;
    // Too many invalid cells for the column to stay numeric: one parse reads it as categorical, or
    // (declared numeric) fails. (More than the file allows while reading is too many by this test too:
    // the file's line breaks are at least its cells.)
    if (invalid > 0 && !fewInvalid(invalid, presentCells(column.values) + invalid)) return null;
    const shifted = sb.examples.map((e) => ({ ...e, row: e.row + a.rowCount, ...(e.line !== undefined && { line: e.line + first.lineBreaks }) }));
    columns.push(column);
    summaries.push({ ...sa, invalid, examples: [...sa.examples, ...shifted].slice(0, MAX_EXAMPLES) });
  }
  return { dataset: { rowCount: a.rowCount + b.rowCount, columns }, summaries, lineBreaks };
}

/**
 * Parses the records from `start` on (with the header, bytes [0, headerEnd)) as
 * `parseCsvParts(bytes, options, fileLineBreaks)` would, in another thread: read-in-worker.ts's
 * `parsePartInWorker`, or, in tests, this thread.
 */
export type SecondPart = (headerEnd: number, start: number, fileLineBreaks: number) => Promise<CsvParts>;

/** Below this many bytes of records one thread reads the file: another would cost more to start than it saves. */
export const HALVES_MIN_BYTES = 8 * 1024 * 1024;

/**
 * `parseCsv(bytes, options)`, the records after the middle parsed by `second` while this thread
 * parses the others. Same dataset, callbacks and errors as `parseCsv`.
 * @example await parseCsvInHalves(bytes, { fileName: file }, (headerEnd, start, lineBreaks) => parsePartInWorker(file, options, headerEnd, start, lineBreaks))
 */
export async function parseCsvInHalves(bytes: Buffer, options: CsvOptions, second: SecondPart, minBytes = HALVES_MIN_BYTES): Promise<Dataset> {
  // An error in the header is the whole parse's: let it throw from there.
  let dataStart: number;
  try {
    dataStart = dataStartOf(bytes, options);
  } catch {
    return parseCsv(bytes, options);
  }
  const split = bytes.length - dataStart >= minBytes ? splitPoint(bytes, dataStart, FIRST_SHARE) : null;
  if (split === null) return parseCsv(bytes, options);
  const fileLineBreaks = countLineBreaks(bytes, dataStart);
  const later = second(dataStart, split, fileLineBreaks).catch(() => null);
  const notices: string[] = [];
  let first: CsvParts | null = null;
  try {
    const parse = { ...options, onColumn: undefined, onNotice: (message: string) => notices.push(message) };
    first = parseCsvParts(bytes.subarray(0, split), parse, fileLineBreaks);
  } catch {
    // Parsed again whole below (after the other part has ended: no thread outlives the call).
  }
  const rest = await later;
  const joined = first && rest ? joinParts(first, rest) : null;
  if (!joined) return parseCsv(bytes, options);
  for (const message of notices) options.onNotice?.(message);
  return reportColumns(joined, options);
}
