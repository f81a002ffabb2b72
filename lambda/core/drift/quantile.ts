/**
 * Reference quantiles and the bin edges built from them, bit-for-bit with numpy's default
 * `np.quantile(x, q)` (method 'linear', Hyndman & Fan type 7).
 */
import { sortedWithoutNaN } from './sort';

/** Sorted copies made ahead of time, by the array they sort (see `rememberSorted`). */
const presorted = new WeakMap<Float64Array, Float64Array>();

/**
 * Records that `sorted` is `sortedNonMissing(values)`, computed elsewhere, so that
 * `sortedNonMissing(values)` returns it instead of sorting again. Why: `driftwatch compare` reads the
 * second file in a worker thread, which sorts that file's columns while this thread reads the first
 * one; the sort is then off the main thread. The caller vouches for `sorted`, and neither array may
 * change afterwards (the readers' columns never do; a slice of a column is a new array, not found here).
 *
 * @example rememberSorted(column.values, sortedInWorker); sortedNonMissing(column.values) === sortedInWorker // true
 */
export function rememberSorted(values: Float64Array, sorted: Float64Array): void {
  presorted.set(values, sorted);
}

/**
 * Copies `values`, drops the missing ones (NaN) and sorts ascending. Sort once, then pass the
 * sorted array to every measure that needs order (edges, Wasserstein, KS). The result is shared
 * (a copy sorted ahead of time, see `rememberSorted`, is returned as is): read it, do not change it.
 *
 * @example sortedNonMissing(Float64Array.of(3, NaN, 1)) // Float64Array [1, 3]
 */
export function sortedNonMissing(values: Float64Array): Float64Array {
  const known = presorted.get(values);
  if (known !== undefined) return known;
  return sortedWithoutNaN(values);
}

/**
 * The q-quantile of an ascending array without NaN, computed exactly as numpy's 'linear' method
 * does: virtual index `(n − 1)·q`, then numpy's `_lerp`, which interpolates from the upper
 * neighbour when the weight is at least 0.5 (so results match numpy to the last bit).
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantileSorted: empty array has no quantiles');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantileSorted: q is ${q}; it must be in [0, 1]`);
  const virtual = (n - 1) * q;
  let previous = Math.floor(virtual);
  let next = previous + 1;
  if (virtual < 0) {
    previous = 0;
    next = 0;
  } else if (virtual >= n - 1) {
    previous = n - 1;
    next = n - 1;
  }
  const gamma = virtual - Math.floor(virtual);
  const a = sorted[previous];
  const b = sorted[next];
  const diff = b - a;
  // numpy's lerp; from ±1.8e308 to ∓1.8e308 the difference overflows, then weigh the two ends instead.
  if (!Number.isFinite(diff)) return a * (1 - gamma) + b * gamma;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * Interior bin edges at the reference quantiles k/bins, k = 1..bins−1, de-duplicated (ascending,
 * as `np.unique(np.quantile(x, np.arange(1, bins) / bins))`). A constant column yields one edge.
 *
 * @param sortedValues ascending, without NaN (see `sortedNonMissing`)
 * @example quantileEdges(Float64Array.of(1, 2, 3, 4, 5), 4) // [2, 3, 4]
 */
export function quantileEdges(sortedValues: Float64Array, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new Error(`quantileEdges: bins is ${bins}; it must be an integer >= 1`);
  }
  if (sortedValues.length === 0) {
    throw new Error('quantileEdges: no values (the reference has no non-missing values)');
  }
  const raw: number[] = [];
  for (let k = 1; k < bins; k++) raw.push(quantileSorted(sortedValues, k / bins));
  // Lerp is monotone up to rounding; sort anyway so de-duplication can compare neighbours.
  raw.sort((x, y) => x - y);
  const edges: number[] = [];
  for (const edge of raw) {
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}
