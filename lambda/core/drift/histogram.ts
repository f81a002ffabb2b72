/** Counting values into bins defined by interior edges: bin i = [edges[i-1], edges[i]). */

/**
 * The bin of `value`: the number of edges ≤ value (Python's `bisect_right`), so a value equal to
 * an edge goes to the bin above it. Result in 0..edges.length.
 *
 * @example binIndex(2, [1, 2, 3]) // 2
 */
export function binIndex(value: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts of `values` in the edges.length + 1 bins; missing values (NaN) are skipped.
 *
 * @example histogram(Float64Array.of(0, 1, 1.5, NaN, 9), [1, 2]) // [1, 2, 1]
 */
export function histogram(values: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue; // NaN = missing
    counts[binIndex(v, edges)]++;
  }
  return counts;
}

/**
 * Counts of an ascending NaN-free array in the bins, by one merge pass (O(n + bins)) instead of a
 * binary search per value. Same result as `histogram`.
 */
export function histogramSorted(sorted: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (bin < edges.length && edges[bin] <= sorted[i]) {
      counts[bin] += i - start;
      start = i;
      bin++;
    }
  }
  counts[bin] += sorted.length - start;
  return counts;
}
