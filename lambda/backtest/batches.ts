/**
 * Cutting history into batches (the unit the hourly Lambda profiles) and windows (what is scored).
 *
 * - Row windows: each window of W rows is a synthetic UTC day starting 2000-01-01, cut into 24
 *   hourly batches of ceil(W / 24) rows, so the very same hourly SQL and day windows apply.
 * - Time windows: a row's batch is the real UTC hour of its timestamp; windows of `every` hours are
 *   aligned to UTC midnight of the first day with data. Windows without rows are left out.
 */
import { InputError, quoteValue } from '../adapters/local/errors';
import type { Column } from '../core/types';

export const HOUR_MS = 3_600_000;
/** Row windows are synthetic days from this instant. */
export const SYNTHETIC_EPOCH_MS = Date.UTC(2000, 0, 1);

export interface WindowSpan {
  /** Output index (0-based, in time order). */
  readonly index: number;
  /** Hours since 1970 (UTC): [startHour, endHour). */
  readonly startHour: number;
  readonly endHour: number;
  /** Row windows: 0-based row offsets in the data [startRow, endRow); time windows: null. */
  readonly startRow: number | null;
  readonly endRow: number | null;
  readonly rows: number;
  readonly partial: boolean;
}

export interface Batching {
  /** For each monitored row i (data row `firstRow + i`): its batch hour (hours since 1970). */
  readonly hourOfRow: Float64Array;
  /** For each monitored row: its window's output index. */
  readonly windowOfRow: Int32Array;
  readonly windows: readonly WindowSpan[];
}

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

/**
 * Milliseconds since 1970 of a timestamp text: ISO dates and date-times (`2010-03-01`,
 * `2010-03-01T13:45:00`, `2010-03-01 13:45`, with or without `Z`/offset; no offset means UTC).
 * NaN when it is not one.
 */
export function parseTimestampText(text: string): number {
  const t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (!m) return Number.NaN;
  const iso = m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`;
  return Date.parse(iso);
}

/**
 * `parseTimestampText` for many texts: the common `YYYY-MM-DDTHH:MM:SS[Z]` form (also with a space)
 * is read digit by digit on top of its date parsed once per day; a log's times rarely repeat but
 * its dates do. Anything else goes through `parseTimestampText`.
 */
function timestampParser(): (text: string) => number {
  const days = new Map<string, number>();
  const digit = (t: string, i: number) => t.charCodeAt(i) - 48;
  const two = (t: string, i: number) => {
    const a = digit(t, i);
    const b = digit(t, i + 1);
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
  };
  return (text) => {
    const t = text;
    const n = t.length;
    if ((n !== 19 && !(n === 20 && t[19] === 'Z')) || (t[10] !== 'T' && t[10] !== ' ') || t[13] !== ':' || t[16] !== ':') {
      return parseTimestampText(text);
    }
    const date = t.slice(0, 10);
    let day = days.get(date);
    if (day === undefined) {
      day = parseTimestampText(date);
      days.set(date, day);
    }
    const h = two(t, 11);
    const m = two(t, 14);
    const sec = two(t, 17);
    if (!(h < 24 && m < 60 && sec < 60) || Number.isNaN(day)) return parseTimestampText(text);
    return day + ((h * 60 + m) * 60 + sec) * 1000;
  };
}

/** Epoch seconds, or milliseconds when the magnitude says so (above 10^11, i.e. after 1973 in ms). */
function epochMs(value: number): number {
  return Math.abs(value) >= 1e11 ? value : value * 1000;
}

/** The hour (since 1970, UTC) of every row of a timestamp column in [firstRow, rowCount). */
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
  if (column.kind === 'numeric') {
    for (let r = 0; r < n; r++) {
      const v = column.values[firstRow + r];
      if (!Number.isFinite(v)) fail(firstRow + r, Number.isNaN(v) ? 'a missing value' : String(v));
      hours[r] = Math.floor(epochMs(v) / HOUR_MS);
    }
    return hours;
  }
  const parsed = column.dictionary.map(timestampParser());
  for (let r = 0; r < n; r++) {
    const code = column.codes[firstRow + r];
    if (code < 0) fail(firstRow + r, 'a missing value');
    const ms = parsed[code];
    if (Number.isNaN(ms)) fail(firstRow + r, quoteValue(column.dictionary[code]));
    hours[r] = Math.floor(ms / HOUR_MS);
  }
  return hours;
}

/** Time windows of `everyHours` over the rows' hours, aligned to UTC midnight of the first day with data. */
export function timeBatching(hourOfRow: Float64Array, everyHours: number): Batching {
  let min = Infinity;
  for (const h of hourOfRow) if (h < min) min = h;
  const origin = Math.floor(min / 24) * 24;
  const keyOfRow = new Float64Array(hourOfRow.length);
  const counts = new Map<number, number>();
  hourOfRow.forEach((h, r) => {
    const k = Math.floor((h - origin) / everyHours);
    keyOfRow[r] = k;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const indexOfKey = new Map(keys.map((k, i) => [k, i]));
  const windowOfRow = Int32Array.from(keyOfRow, (k) => indexOfKey.get(k) as number);
  const windows = keys.map((k, index) => ({
    index,
    startHour: origin + k * everyHours,
    endHour: origin + (k + 1) * everyHours,
    startRow: null,
    endRow: null,
    rows: counts.get(k) as number,
    partial: false,
  }));
  return { hourOfRow, windowOfRow, windows };
}
