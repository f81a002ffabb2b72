import type { Column, Dataset } from '../types';

/** A row range: 0-based start, exclusive end. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Resolves a Python-style slice `START:END` against `rowCount`: either side may be empty, negative
 * numbers count from the end, results are clamped to [0, rowCount]. Returns the range or a problem.
 *
 * @example resolveRowSlice('-10000:', 41188) // { start: 31188, end: 41188 }
 */
export function resolveRowSlice(slice: string, rowCount: number): RowRange {
  const match = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*$/.exec(slice);
  if (!match) throw new Error(`row range ${JSON.stringify(slice)} is not START:END (e.g. 0:20000, :20000, -10000:)`);
  const at = (text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    return Math.min(rowCount, Math.max(0, n < 0 ? rowCount + n : n));
  };
  const start = at(match[1], 0);
  const end = at(match[2], rowCount);
  if (end <= start) throw new Error(`row range ${JSON.stringify(slice)} selects no rows of ${rowCount}`);
  return { start, end };
}

/** The rows [start, end) of every column, without copying (views over the same buffers). */
export function sliceRows(dataset: Dataset, range: RowRange): Dataset {
  const { start, end } = range;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end >= start && end <= dataset.rowCount)) {
    throw new Error(`row range [${start}, ${end}) is outside the dataset's ${dataset.rowCount} rows`);
  }
  const columns = dataset.columns.map((column): Column =>
    column.kind === 'numeric'
      ? { ...column, values: column.values.subarray(start, end) }
      : { ...column, codes: column.codes.subarray(start, end) },
  );
  return { rowCount: end - start, columns };
}
