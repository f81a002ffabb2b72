/**
 * The one-sided Kolmogorov–Smirnov tail P(D_n⁺ ≥ d), exact (`scipy.special.smirnov`): the
 * Birnbaum–Tingey sum, each term in Loader's saddle-point form.
 *
 * References: scipy's `xsf/cephes/kolmogorov.h`; Loader C., "Fast and Accurate Computation of
 * Binomial Probabilities", 2000.
 *
 * @example
 * smirnovSf(100, 0.1); // ≈ 0.12659 (scipy.special.smirnov(100, 0.1))
 */
import { lnGamma, stirlingCorrection } from './gamma';

const LOG_2PI = Math.log(2 * Math.PI);
const HALF_LN_2PI = 0.5 * LOG_2PI;
/** cephes MINLOG = ln(2^-1022): exp() of anything smaller underflows. */
const CEPHES_MINLOG = -7.08396418532264106224e2;
/** Above this n, scipy's smirnov switches to an approximation (too slow to sum). */
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/** Stirling coefficients B_2j/(2j(2j−1)) for j = 8..1, highest power first (scipy's _STIRLING_COEFFS). */
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

/** log(n!/n^n) by Stirling's series with n·log(n) removed up-front. */
export function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const y = rn / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * y + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Splits a double into two halves whose products are exact (Dekker). */
function split(a: number): [number, number] {
  const t = 134217729 * a; // 2^27 + 1
  const hi = t - (t - a);
  return [hi, a - hi];
}

/** floor(n·x) and the fractional part of n·x, computed exactly (n·x carried as a double-double). */
function floorAndFraction(n: number, x: number): { floor: number; alpha: number } {
  const p = n * x;
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const e = nh * xh - p + nh * xl + nl * xh + nl * xl;
  let fl = Math.floor(p);
  let alpha: number;
  if (fl === p) {
    if (e < 0) {
      fl -= 1;
      alpha = 1 + e;
    } else {
      alpha = e;
    }
  } else {
    alpha = p - fl + e;
  }
  if (alpha >= 1) {
    fl += 1;
    alpha = 0;
  }
  return { floor: fl, alpha };
}

/** Stirling error log(k!) − [(k + ½) ln k − k + ½ ln 2π] for an integer k ≥ 1. */
function stirlingError(k: number): number {
  if (k >= 10) return stirlingCorrection(k);
  return lnGamma(k + 1) - (k + 0.5) * Math.log(k) + k - HALF_LN_2PI;
}

/** Loader's deviance term x·ln(x/M) + M − x, by a series when x ≈ M so nothing cancels. */
function binomialDeviance(x: number, M: number): number {
  if (Math.abs(x - M) < 0.1 * (x + M)) {
    const v = (x - M) / (x + M);
    const v2 = v * v;
    let s = (x - M) * v;
    let ej = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / M) + M - x;
}

/**
 * One Birnbaum–Tingey term A_v = C(n, v) p^(v−1) q^(n−v) with p = d + v/n, q = 1 − p, written as
 * binom(v; n, p)/p and evaluated with Loader's saddle-point form (relative error ~1e-14 even for
 * n in the millions, where lnΓ differences would lose 1e-9). n·p and n·q come from the exact
 * integer and fractional parts of n·d.
 */
function birnbaumTingeyTerm(n: number, nxfl: number, alpha: number, v: number): number {
  const np = nxfl + v + alpha;
  const nq = n - nxfl - v - alpha;
  if (v === 0) return Math.exp(n * Math.log(nq / n) - Math.log(np / n));
  const logPmf =
    stirlingError(n) -
    stirlingError(v) -
    stirlingError(n - v) -
    binomialDeviance(v, np) -
    binomialDeviance(n - v, nq);
  return (Math.exp(logPmf) * Math.sqrt(n / (2 * Math.PI * v * (n - v)))) / (np / n);
}

/**
 * h·Σ_k f(peak + k·h), walking out from the peak until the remaining terms cannot matter (scipy's
 * rule: remaining count × term < ε × sum). Also returns the sum over even k (the same rule with
 * step 2h). `reachedEdge` tells that a walk hit the end of the range while terms still mattered.
 */
function stepSum(
  f: (v: number) => number,
  peak: number,
  lo: number,
  hi: number,
  h: number,
): { all: number; even: number; reachedEdge: boolean } {
  const first = f(peak);
  let all = first;
  let even = first;
  let reachedEdge = false;
  for (const direction of [1, -1]) {
    let previous = first;
    let k = 1;
    for (; ; k++) {
      const v = peak + direction * k * h;
      if (v < lo || v >= hi) {
        reachedEdge = reachedEdge || previous > Number.EPSILON * 1e-3 * all;
        break;
      }
      const t = f(v);
      all += t;
      if (k % 2 === 0) even += t;
      const remaining = direction > 0 ? (hi - v) / h : (v - lo) / h;
      if (t <= previous && 4 * remaining * t < Number.EPSILON * 1e-2 * all) break;
      previous = t;
    }
  }
  return { all: h * all, even: 2 * h * even, reachedEdge };
}

/**
 * Σ f(v) over integers for a wide, smooth, unimodal f (the Birnbaum–Tingey terms for large n,
 * where ~n/2 terms matter): the trapezoid rule with step h converges to the integer sum like
 * exp(−2π²σ²/h²) for a bump of width σ, so a step of a few percent of σ is exact to rounding.
 * The result is accepted only when steps h and 2h agree to 1e-13 (the error at h is then far
 * smaller still); otherwise h is halved. Returns undefined to ask for the plain sum (narrow f,
 * or a bump that does not fall to negligible values inside the range).
 */
function coarseBirnbaumTingeySum(f: (v: number) => number, peak: number, nTerms: number): number | undefined {
  if (nTerms < 2000) return undefined;
  const probe = Math.floor(Math.sqrt(nTerms));
  if (peak - probe < 0 || peak + probe >= nTerms) return undefined;
  const curvature = (Math.log(f(peak + probe)) - 2 * Math.log(f(peak)) + Math.log(f(peak - probe))) / (probe * probe);
  if (!(curvature < 0)) return undefined;
  let h = Math.floor(1 / Math.sqrt(-curvature) / 16); // σ/16
  while (h >= 4) {
    const { all, even, reachedEdge } = stepSum(f, peak, 0, nTerms, h);
    if (reachedEdge) return undefined;
    if (Math.abs(all - even) <= 1e-13 * all) return all;
    h = Math.floor(h / 2);
  }
  return undefined;
}

/**
 * P(D_n⁺ ≥ d): exact one-sided Kolmogorov–Smirnov tail (`scipy.special.smirnov(n, d)`), using
 *   P = d · Σ_{v=0}^{⌈n(1−d)⌉−1} C(n,v) (d + v/n)^(v−1) (1 − d − v/n)^(n−v).
 * The terms form a bump peaking near v = n(½ − d); the sum starts there and walks outwards until
 * the terms no longer matter. For large n the bump is ~n wide, and a self-checked coarse trapezoid
 * sum replaces the O(n) term-by-term sum (same value to ~1e-14 relative).
 */
export function smirnovSf(n: number, d: number): number {
  if (!(n > 0 && d >= 0 && d <= 1)) return NaN;
  if (n === 1) return 1 - d;
  if (d === 0) return 1;
  if (d === 1) return 0;
  const { floor: nxfl, alpha } = floorAndFraction(n, d);
  // x <= 1/n: closed form, cdf = x (1 + x)^(n-1).
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    return Math.min(1, Math.max(0, 1 - d * Math.exp((n - 1) * Math.log1p(d))));
  }
  if (-2 * n * d * d < CEPHES_MINLOG) return 0;
  // x >= 1 - 1/n: only the first term survives.
  if (nxfl >= n - 1) return Math.min(1, Math.max(0, Math.pow(1 - d, n)));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * d + 1, 2) / 18 / n;
    const sf = logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
    return Math.min(1, Math.max(0, sf));
  }
  // Terms v = 0 .. nTerms−1 are those with d + v/n < 1.
  const nTerms = n - nxfl;
  const peak = Math.min(nTerms - 1, Math.max(0, Math.round(n * (0.5 - d))));
  const term = (v: number): number => birnbaumTingeyTerm(n, nxfl, alpha, v);
  const sum = coarseBirnbaumTingeySum(term, peak, nTerms) ?? stepSum(term, peak, 0, nTerms, 1).all;
  return Math.min(1, Math.max(0, d * sum));
}
