/**
 * Cutting history into batches (the unit the hourly Lambda profiles) and windows (what is scored).
 *
 * - Row windows: each window of W rows is a synthetic UTC day starting 2000-01-01, cut into 24
 *   hourly batches of ceil(W / 24) rows, so the very same hourly SQL and day windows apply.
 * - Time windows: a row's batch is the real UTC hour of its timestamp; windows of `every` hours are
 *   aligned to UTC midnight of the first day with data. Windows without rows are left out.
 */
import { InputError, quoteValue } from '../adapters/local/errors';
import { isEpochMs, parseTimestampText } from '../adapters/local/timestamp';
import type { Column } from '../core/types';

export const HOUR_MS = 3_600_000;
/** Row windows are synthetic days from this instant. */
export const SYNTHETIC_EPOCH_MS = Date.UTC(2000, 0, 1);

export type { Batching, WindowSpan } from '../monitor/windowing';
export { timeBatching, rowsByWindow } from '../monitor/windowing';
import type { Batching, WindowSpan } from '../monitor/windowing';

/**
 * Row windows over rows [firstRow, rowCount) of the data.
 * @example rowBatching(10, 110, 50).windows.map((w) => [w.startRow, w.endRow]) // [[10, 60], [60, 110]]
 */
export function rowBatching(firstRow: number, rowCount: number, windowRows: number): Batching {
  const n = rowCount - firstRow;
  const batchRows = Math.ceil(windowRows / 24);
  const epochHour = SYNTHETIC_EPOCH_MS / HOUR_MS;
  const hourOfRow = new Float64Array(n);
  const windowOfRow = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const w = Math.floor(r / windowRows);
    windowOfRow[r] = w;
    hourOfRow[r] = epochHour + w * 24 + Math.floor((r - w * windowRows) / batchRows);
  }
  const windows: WindowSpan[] = [];
  for (let w = 0; w * windowRows < n; w++) {
    const start = firstRow + w * windowRows;
    const end = Math.min(rowCount, start + windowRows);
    windows.push({
      index: w,
      startHour: epochHour + w * 24,
      endHour: epochHour + (w + 1) * 24,
      startRow: start,
      endRow: end,
      rows: end - start,
      partial: end - start < windowRows,
    });
  }
  return { hourOfRow, windowOfRow, windows };
}

/** Epoch seconds, or milliseconds when the magnitude says so (above 10^11, i.e. after 1973 in ms). */
function epochMs(value: number): number {
  return Math.abs(value) >= 1e11 ? value : value * 1000;
}

/**
 * Numbers in a window column are epoch seconds (or milliseconds) from 1973 on, or before 1967: a
 * smaller magnitude (row ids, counts, 0..5000) is not a time, and read as seconds it would put every
 * row in January 1970.
 */
export const MIN_EPOCH_SECONDS = 1e8;

/**
 * The times a window column may hold: from 0001-01-01 to before 9999-12-01 — the hourly partitions
 * (dt=YYYY-MM-DD) name four-digit years, and a month is left for the last window's end.
 */
export const FIRST_TIME_MS = Date.parse('0001-01-01T00:00:00Z');
export const END_TIME_MS = Date.parse('9999-12-01T00:00:00Z');

function describeMs(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `${ms} ms since 1970` : d.toISOString();
}

/**
 * The hour (since 1970, UTC) of every row of a timestamp column in [firstRow, rowCount): a column
 * read as timestamps (epoch milliseconds, see `readDataset`'s `timestamps`), numbers (epoch seconds
 * or milliseconds, told apart by magnitude), or ISO texts.
 *
 * @throws InputError naming the row and value: a missing or unparseable value, a number too small to
 *   be epoch seconds (`MIN_EPOCH_SECONDS`: the column is not a time), or a time outside
 *   [0001-01-01, 9999-12-01) (`FIRST_TIME_MS`, `END_TIME_MS`), which the hourly partitions cannot hold —
 *   one such row would otherwise empty every window's SQL range and read as "no drift".
 */
export function hoursOf(column: Column, firstRow: number, rowCount: number, file: string): Float64Array {
  const n = rowCount - firstRow;
  const hours = new Float64Array(n);
  const fail = (row: number, value: string): never => {
    throw new InputError(
      `${file}: row ${row + 1}: the window column ${quoteValue(column.name)} holds ${value}, not a timestamp ` +
        '(expected an ISO date or date-time such as 2010-03-01T13:45:00Z, or epoch seconds)',
      { file, row: row + 1, column: column.name, value },
    );
  };
  const outside = (row: number, ms: number, value: string): never => {
    throw new InputError(
      `${file}: row ${row + 1}: the window column ${quoteValue(column.name)} holds ${value} (${describeMs(ms)}), outside the times ` +
        'the hourly partitions (dt=YYYY-MM-DD) can hold: from 0001-01-01 to before 9999-12-01; correct or remove the row',
      { file, row: row + 1, column: column.name, value },
    );
  };
  const check = (row: number, ms: number, value: () => string) => {
    if (!(ms >= FIRST_TIME_MS && ms < END_TIME_MS)) outside(row, ms, value());
    return Math.floor(ms / HOUR_MS);
  };
  if (column.kind === 'numeric') {
    const marked = isEpochMs(column);
    for (let r = 0; r < n; r++) {
      const v = column.values[firstRow + r];
      if (!Number.isFinite(v)) fail(firstRow + r, Number.isNaN(v) ? 'a missing value' : String(v));
      if (!marked && Math.abs(v) < MIN_EPOCH_SECONDS) {
        throw new InputError(
          `${file}: row ${firstRow + r + 1}: the window column ${quoteValue(column.name)} holds the number ${v}, which as epoch seconds is ` +
            `${describeMs(v * 1000)}: the column looks like a number, not a time (epoch seconds are read from magnitude ` +
            `${MIN_EPOCH_SECONDS.toLocaleString('en-US')} on, i.e. from 1973; give ISO date-times such as 2010-03-01T13:45:00Z, or choose the time column)`,
          { file, row: firstRow + r + 1, column: column.name, value: String(v) },
        );
      }
      hours[r] = check(firstRow + r, marked ? v : epochMs(v), () => String(v));
    }
    return hours;
  }
  const parsed = column.dictionary.map(parseTimestampText);
  for (let r = 0; r < n; r++) {
    const code = column.codes[firstRow + r];
    if (code < 0) fail(firstRow + r, 'a missing value');
    const ms = parsed[code];
    if (Number.isNaN(ms)) fail(firstRow + r, quoteValue(column.dictionary[code]));
    hours[r] = check(firstRow + r, ms, () => quoteValue(column.dictionary[code]));
  }
  return hours;
}

/**
 * Time windows the data covers only in part — the first when the data starts after its start, the
 * last when the data ends before its end — are marked partial, as a short last row window is.
 */
export function markPartialWindows(batching: Batching): Batching {
  const { windows, hourOfRow } = batching;
  if (windows.length === 0) return batching;
  let first = Infinity;
  let last = -Infinity;
  for (const h of hourOfRow) {
    if (h < first) first = h;
    if (h > last) last = h;
  }
  const marked = windows.map((w, i) => ({
    ...w,
    partial: (i === 0 && first > w.startHour) || (i === windows.length - 1 && last + 1 < w.endHour),
  }));
  return { ...batching, windows: marked };
}
