import { WASSERSTEIN_MIN_SCALE } from '../defaults';
import { sortedNonMissing } from './quantile';

/**
 * Exact Wasserstein-1 distance between the empirical distributions of two ascending NaN-free
 * arrays: ∫ |F_ref(x) − F_cur(x)| dx, integrated over the merged sorted values in one linear pass
 * (the same sum as `scipy.stats.wasserstein_distance`, which uses searchsorted on the merge).
 */
export function wassersteinSorted(referenceSorted: Float64Array, currentSorted: Float64Array): number {
  const n = referenceSorted.length;
  const m = currentSorted.length;
  if (n === 0) throw new Error('wasserstein: the reference has no non-missing values');
  if (m === 0) throw new Error('wasserstein: the current data has no non-missing values');
  let i = 0;
  let j = 0;
  let x = Math.min(referenceSorted[0], currentSorted[0]);
  let sum = 0;
  while (i < n || j < m) {
    // Counts of values ≤ x on each side (searchsorted 'right').
    while (i < n && referenceSorted[i] <= x) i++;
    while (j < m && currentSorted[j] <= x) j++;
    if (i === n && j === m) break;
    const next = Math.min(i < n ? referenceSorted[i] : Infinity, j < m ? currentSorted[j] : Infinity);
    sum += Math.abs(i / n - j / m) * (next - x);
    x = next;
  }
  return sum;
}

/**
 * Exact Wasserstein-1 distance between two samples, as `scipy.stats.wasserstein_distance(ref, cur)`.
 * Missing values (NaN) are excluded. Sorts copies: O((n + m) log(n + m)).
 *
 * @example wasserstein(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8)) // 5
 */
export function wasserstein(reference: Float64Array, current: Float64Array): number {
  return wassersteinSorted(sortedNonMissing(reference), sortedNonMissing(current));
}

/** Population standard deviation (ddof = 0, as `np.std`), two-pass for accuracy; NaN excluded. */
export function populationStd(values: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      sum += v;
      n++;
    }
  }
  if (n === 0) throw new Error('populationStd: no non-missing values');
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) squares += (v - mean) * (v - mean);
  }
  return Math.sqrt(squares / n);
}

/**
 * Wasserstein-1 divided by the reference's scale, max(population std of reference, 0.001), so the
 * distance reads in reference standard deviations and a constant reference does not divide by 0.
 */
export function normalizedWassersteinSorted(referenceSorted: Float64Array, currentSorted: Float64Array): number {
  const w = wassersteinSorted(referenceSorted, currentSorted);
  return w / Math.max(populationStd(referenceSorted), WASSERSTEIN_MIN_SCALE);
}

/**
 * Wasserstein-1 / max(population std of reference, `WASSERSTEIN_MIN_SCALE`); NaN excluded.
 *
 * @example normalizedWasserstein(Float64Array.of(0, 2), Float64Array.of(1, 3)) // 1
 */
export function normalizedWasserstein(reference: Float64Array, current: Float64Array): number {
  return normalizedWassersteinSorted(sortedNonMissing(reference), sortedNonMissing(current));
}
