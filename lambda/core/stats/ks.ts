/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp(a, b)` (scipy
 * 1.17) in statistic and p-value.
 *
 * - Statistic: the largest absolute difference between the two empirical CDFs, found by one
 *   merge walk over sorted copies (ties are handled by advancing both samples past a value
 *   before comparing, as scipy's `searchsorted(side='right')` does).
 * - p-value, method 'auto': exact when both samples have at most 10,000 values (MAX_AUTO_N),
 *   otherwise asymptotic. Exact rounds the statistic to the lattice h/lcm(n1, n2) and counts
 *   lattice paths; asymptotic evaluates the one-sample distribution `kstwo.sf(d, round(en))` with
 *   en = n1·n2/(n1 + n2). As in scipy, 'exact' falls back to 'asymp' when lcm(n1, n2) does not fit
 *   in an int32 or when the exact computation does not give a probability.
 *
 * Inputs must not contain NaN (drop missing values first; `ks2samp` throws if they do). Sorting copies costs
 * O(n log n); two samples of 1,000,000 values take well under a second.
 *
 * Two scipy behaviours are kept on purpose: an explicit 'asymp' with n1 = n2 = 1 gives a NaN
 * p-value (round(en) = 0 is outside kstwo's domain), and an explicit 'exact' on large unequal
 * samples whose lcm fits in an int32 costs O(max(n1, n2) · d · min(n1, n2)). 'auto' has neither.
 *
 * @example
 * import { ks2samp } from './ks';
 * const r = ks2samp(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([3, 4, 5, 6, 7, 8]));
 * // r.statistic === 0.5, r.pValue ≈ 0.35714 (exact: 5/14)
 */
import type { TestResult } from '../types';
import { kstwoSf } from './kolmogorov';
import { probOutsideBand, probOutsideSquare } from './ks-exact';

export type KsMethod = 'auto' | 'exact' | 'asymp';

/** 'auto' is exact when max(n1, n2) is at most this (scipy's MAX_AUTO_N). */
export const KS_MAX_AUTO_N = 10_000;
const INT32_MAX = 2 ** 31 - 1;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy's np.round: halves go to the nearest even integer. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkSampleSize(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`KS test: ${name} must be a positive integer sample size, got ${n}`);
  }
}

function checkMethod(method: string): void {
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') {
    throw new RangeError(`KS test: method must be 'auto', 'exact' or 'asymp', got '${method}'`);
  }
}

function checkSample(name: string, sample: Float64Array): void {
  if (sample.length === 0) {
    throw new RangeError(`ks2samp: ${name} is empty; the KS test needs at least one value in each sample`);
  }
}

/** Statistic and p-value from a computed statistic d (scipy's p-value logic after the walk). */
function ksTestFromStatistic(d: number, n1: number, n2: number, method: KsMethod): TestResult {
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: KsMethod = method;
  let statistic = d;
  if (mode === 'auto') {
    mode = Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp';
  } else if (mode === 'exact' && n1g >= INT32_MAX / n2g) {
    mode = 'asymp'; // lcm(n1, n2) too large for the lattice
  }
  if (mode === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1 };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic, pValue: prob };
    // Not a probability: fall back to the asymptotic distribution, as scipy does.
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const prob = kstwoSf(statistic, roundHalfEven(en));
  return { statistic, pValue: Math.min(1, Math.max(0, prob)) };
}

/**
 * The KS statistic max |F_a(x) − F_b(x)| for samples already sorted ascending (no NaN).
 * Callers that sorted once and test many times use this to skip the copies.
 *
 * @example
 * ksStatisticSorted(Float64Array.from([1, 2, 3]), Float64Array.from([2, 3, 4])); // 1/3
 */
export function ksStatisticSorted(sortedA: Float64Array, sortedB: Float64Array): number {
  checkSample('sortedA', sortedA);
  checkSample('sortedB', sortedB);
  const n1 = sortedA.length;
  const n2 = sortedB.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0; // max of F_a − F_b (0 is reached at the largest value)
  let minDiff = 0; // min of F_a − F_b
  while (i < n1 && j < n2) {
    const a = sortedA[i];
    const b = sortedB[j];
    const v = a <= b ? a : b;
    while (i < n1 && sortedA[i] <= v) i++;
    while (j < n2 && sortedB[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    else if (diff < minDiff) minDiff = diff;
  }
  // Once one sample is exhausted its CDF is 1 and the other's only rises towards 1: the gap
  // only shrinks, so the extremes are already recorded.
  const minS = Math.min(1, Math.max(0, -minDiff));
  return minS > maxDiff ? minS : maxDiff;
}

/**
 * p-value of the two-sided two-sample KS test for a statistic computed elsewhere (for example
 * from two histograms on the same bins), with the same method selection as `ks2samp`.
 * In exact mode the statistic is first rounded to the nearest multiple of 1/lcm(n1, n2).
 *
 * @example
 * ksPValue(0.5, 5, 6);            // ≈ 0.35714 (exact)
 * ksPValue(0.01, 50_000, 60_000); // ≈ 0.0084957 (asymptotic)
 */
export function ksPValue(statistic: number, n1: number, n2: number, method: KsMethod = 'auto'): number {
  if (!(statistic >= 0 && statistic <= 1)) {
    throw new RangeError(`ksPValue: statistic must be in [0, 1], got ${statistic}`);
  }
  checkSampleSize('n1', n1);
  checkSampleSize('n2', n2);
  checkMethod(method);
  return ksTestFromStatistic(statistic, n1, n2, method).pValue;
}

/**
 * Two-sided two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(a, b, method=method)`.
 * The inputs are not modified. In exact mode the statistic is the lattice value h/lcm(n1, n2)
 * that scipy reports.
 *
 * @example
 * ks2samp(Float64Array.from([0.1, 0.4, 0.7]), Float64Array.from([0.2, 0.5, 0.9, 1.3]));
 * // { statistic: 0.5, pValue: ≈ 0.65714 }
 */
export function ks2samp(a: Float64Array, b: Float64Array, method: KsMethod = 'auto'): TestResult {
  checkSample('a', a);
  checkSample('b', b);
  checkMethod(method);
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  // Typed-array sort puts NaN last, so one look per sample finds any missing value.
  if (Number.isNaN(sortedA[sortedA.length - 1])) throw new RangeError('ks2samp: a contains NaN; drop missing values first');
  if (Number.isNaN(sortedB[sortedB.length - 1])) throw new RangeError('ks2samp: b contains NaN; drop missing values first');
  const d = ksStatisticSorted(sortedA, sortedB);
  return ksTestFromStatistic(d, a.length, b.length, method);
}
