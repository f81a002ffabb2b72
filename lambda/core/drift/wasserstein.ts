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

/**
 * Above this magnitude (2^480 ≈ 3e144) squares and differences of values could overflow a double
 * (1.8e308): the measures then work on the values scaled by a power of two, exactly.
 */
export const OVERFLOW_SAFE_MAGNITUDE = 2 ** 480;

/** The largest |value| of an array (NaN skipped). */
export function maxMagnitude(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

/** A power of two that brings `magnitude` below OVERFLOW_SAFE_MAGNITUDE (1 when it already is). */
export function safeScale(magnitude: number): number {
  if (!(magnitude > OVERFLOW_SAFE_MAGNITUDE) || !Number.isFinite(magnitude)) return 1;
  return 2 ** -(Math.ceil(Math.log2(magnitude)) - 480 + 1);
}

function scaled(values: Float64Array, factor: number): Float64Array {
  return Float64Array.from(values, (v) => v * factor);
}

/**
 * Population standard deviation (ddof = 0, as `np.std`), two-pass for accuracy; NaN excluded.
 * Values beyond ±3e144 (whose squares would overflow) are scaled by a power of two first, so a
 * column near ±1.8e308 has its real σ, not Infinity or NaN.
 */
export function populationStd(values: Float64Array): number {
  const factor = safeScale(maxMagnitude(values));
  if (factor !== 1) return populationStd(scaled(values, factor)) / factor;
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
  // Near ±1.8e308 the gaps between values overflow: measure on both samples scaled by one power of
  // two (W and σ scale alike, so the ratio is the same; the 0.001 floor is in the data's units).
  const factor = safeScale(Math.max(maxMagnitude(referenceSorted), maxMagnitude(currentSorted)));
  if (factor !== 1) {
    const r = scaled(referenceSorted, factor);
    return wassersteinSorted(r, scaled(currentSorted, factor)) / Math.max(populationStd(r), WASSERSTEIN_MIN_SCALE * factor);
  }
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
