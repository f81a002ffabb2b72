/**
 * The reference cut into windows of the monitoring size, for its drift bands (`drift-bands.ts`):
 * consecutive row runs, or the same time spans as the windows. The backtest, `driftwatch reference`
 * and the reference fitted from production all cut it here.
 */
import { sliceRows } from '../core/dataset';
import type { Column, Dataset } from '../core/types';
import type { ReferenceWindows } from './drift-bands';
import { rowsByWindow, timeBatching } from './windowing';

/** Row windows of `rows` rows, or time windows of `everyHours` over a time column (named in messages, with its span as written). */
export type ReferenceWindowing = { readonly rows: number } | { readonly column: string; readonly every: string; readonly everyHours: number };

/**
 * At most this many reference windows are measured (evenly spaced over the reference when it holds
 * more): a standard deviation is well estimated long before, and a long reference of hourly
 * windows would otherwise cost thousands of comparisons.
 */
export const MAX_REFERENCE_WINDOWS = 200;

/** Evenly spaced picks when there are more than the cap (first and last kept). */
function capped<T>(items: readonly T[]): T[] {
  if (items.length <= MAX_REFERENCE_WINDOWS) return [...items];
  return Array.from({ length: MAX_REFERENCE_WINDOWS }, (_, k) => items[Math.round((k * (items.length - 1)) / (MAX_REFERENCE_WINDOWS - 1))]);
}

/**
 * Row windows: consecutive runs of `window.rows` reference rows (a last, shorter run is left out:
 * its PSI would carry more sampling noise than a real window's). Time windows: the reference rows
 * grouped by the same `every` spans over their hours; spans holding under half the median rows (a
 * partial day at either end) are left out for the same reason. At most MAX_REFERENCE_WINDOWS.
 */
export function cutReferenceWindows(window: ReferenceWindowing, reference: Dataset, referenceHours: Float64Array | null): ReferenceWindows {
  if ('rows' in window) {
    const size = window.rows;
    const starts: number[] = [];
    for (let start = 0; start + size <= reference.rowCount; start += size) starts.push(start);
    return { ok: true, windows: capped(starts).map((start) => sliceRows(reference, { start, end: start + size })) };
  }
  if (!referenceHours) {
    return { ok: false, reason: `the reference has no column ${JSON.stringify(window.column)} to cut it into ${window.every} windows` };
  }
  const rowsOf = rowsByWindow(timeBatching(referenceHours, window.everyHours));
  const sizes = rowsOf.map((r) => r.length).sort((a, b) => a - b);
  const median = sizes.length > 0 ? sizes[Math.floor(sizes.length / 2)] : 0;
  const windows = capped(rowsOf.filter((rows) => rows.length * 2 >= median)).map((rows) => takeRows(reference, rows));
  return { ok: true, windows };
}

/** The listed rows of every column (copies). */
function takeRows(dataset: Dataset, rows: Int32Array): Dataset {
  // Plain loops: TypedArray.from with a map function is several times slower on large columns.
  const columns = dataset.columns.map((c): Column => {
    if (c.kind === 'numeric') {
      const values = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) values[i] = c.values[rows[i]];
      return { ...c, values };
    }
    const codes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) codes[i] = c.codes[rows[i]];
    return { ...c, codes };
  });
  return { rowCount: rows.length, columns };
}

