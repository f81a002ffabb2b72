/**
 * Distributions of the Kolmogorov–Smirnov statistics used by the two-sample test's asymptotic
 * branch, following scipy 1.17:
 * - `kstwoSf(d, n)`: P(D_n ≥ d) for the two-sided one-sample statistic D_n with n observations
 *   (`scipy.stats.kstwo.sf`), by the algorithm selection of Simard & L'Ecuyer (2011): Ruben–Gambino
 *   closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion,
 *   the Pelz–Good expansion, or twice the one-sided Smirnov tail, depending on n and n·d².
 * - `smirnovSf(n, d)`: P(D_n⁺ ≥ d), the exact one-sided tail (`scipy.special.smirnov`), by the
 *   Birnbaum–Tingey sum, each term in Loader's saddle-point form.
 *
 * References: Simard R., L'Ecuyer P., "Computing the Two-Sided Kolmogorov-Smirnov Distribution",
 * J. Stat. Software 39(11), 2011; Marsaglia, Tsang & Wang, J. Stat. Software 8(18), 2003;
 * Pomeranz, CACM 17(12), 1974; Pelz & Good, JRSS B 38(2), 1976; scipy's `_ksstats.py` and
 * `xsf/cephes/kolmogorov.h`; Loader C., "Fast and Accurate Computation of Binomial
 * Probabilities", 2000.
 *
 * @example
 * kstwoSf(0.1, 100);   // ≈ 0.25269 (scipy.stats.kstwo.sf(0.1, 100))
 * smirnovSf(100, 0.1); // ≈ 0.12659 (scipy.special.smirnov(100, 0.1))
 */
import { lnGamma, stirlingCorrection } from './gamma';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const HALF_LN_2PI = 0.5 * LOG_2PI;
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
/** cephes MINLOG = ln(2^-1022): exp() of anything smaller underflows. */
const CEPHES_MINLOG = -7.08396418532264106224e2;
/** Above this n, scipy's smirnov switches to an approximation (too slow to sum). */
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/** x · 2^e without intermediate overflow or underflow (Math has no ldexp). */
function ldexp(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
  }
  return r * 2 ** k;
}

/** Stirling coefficients B_2j/(2j(2j−1)) for j = 8..1, highest power first (scipy's _STIRLING_COEFFS). */
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

/** log(n!/n^n) by Stirling's series with n·log(n) removed up-front. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const y = rn / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * y + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/* ------------------------------------------------------------------------------------------ */
/* Smirnov one-sided tail                                                                      */
/* ------------------------------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------------------------------ */
/* Two-sided one-sample distribution (kstwo)                                                   */
/* ------------------------------------------------------------------------------------------ */

/** m×m row-major product. */
function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[row + k];
      if (aik === 0) continue;
      const bRow = k * m;
      for (let j = 0; j < m; j++) out[row + j] += aik * b[bRow + j];
    }
  }
  return out;
}

/** CDF P(D_n ≤ d) by Durbin's matrix algorithm as arranged by Marsaglia, Tsang & Wang. */
function cdfDurbinMatrix(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  // v[j] = (1 − h^(j+1))/(j+1)!, w[j] = 1/j!, last entry of v corrected for the corner.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;

  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let Hpwr: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  const kk = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H, m);
      expnt += Hexpnt;
    }
    H = matmul(H, H, m);
    Hexpnt *= 2;
    if (Math.abs(H[kk]) > E128) {
      for (let i = 0; i < H.length; i++) H[i] /= E128;
      Hexpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = Hpwr[kk];
  // Multiply by n!/n^n, rescaling to stay away from underflow.
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return Math.min(1, Math.max(0, p));
}

/** Endpoints of the non-zero window of row i in Pomeranz's recursion. */
function pomeranzWindow(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** CDF P(D_n ≤ x) by Pomeranz's recursion (used for n ≤ 140). */
function cdfPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  // Almost-Poisson weights (g/n)^m/m!, (2g/n)^m/m!, ((1−2g)/n)^m/m!.
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gOverN) / m;
    twogpower[m] = (twogpower[m - 1] * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * oneMinusTwoGOverN) / m;
  }

  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzWindow(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzWindow(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // Entries conv[convStart .. convStart+convLen) of the full convolution of
      // V0[k1−V0s .. k1−V0s+ln2) with pwrs[0 .. ln2).
      const base = k1 - V0s;
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let max = 0;
      for (let q = 0; q < convLen; q++) {
        const idx = convStart + q;
        let s = 0;
        const lo = Math.max(0, idx - ln2 + 1);
        const hi = Math.min(idx, ln2 - 1);
        for (let r = lo; r <= hi; r++) {
          const src = base + r;
          if (src >= 0 && src < npwrs) s += V0[src] * pwrs[idx - r];
        }
        V1[q] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < EM128) {
        for (let q = 0; q < npwrs; q++) V1[q] *= E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return Math.min(1, Math.max(0, ans));
}

/** CDF P(D_n ≤ x) by the Pelz–Good asymptotic expansion (large n, small x). */
function cdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Horner scheme over odd m = 2k − 1 of c_m q^(m²).
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = Math.pow(q, 8 * k);
    K[0] = K[0] * qpower + 1;
    K[1] = K[1] * qpower + (k1a + k1b * m2);
    K[2] = K[2] * qpower + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3] * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const denominators = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT_2PI) / denominators[i];

  // Terms over all integers k for K2 and K3.
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qpw = Math.pow(q, k2);
    const kpi = Math.PI * k;
    k2extra += k2 * qpw;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qpw;
  }
  K[2] += (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / Math.pow(n, i / 2);
  return sum;
}

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** scipy's `_kolmogn(n, x, cdf=False)`: survival function of D_n inside its support. */
function kolmognSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n)); // Ruben–Gambino
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x)); // exact: the two one-sided events are disjoint

  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - cdfDurbinMatrix(n, x));
    if (nxSquared <= 4) return clip01(1 - cdfPomeranz(n, x));
    return clip01(2 * smirnovSf(n, x)); // Miller's approximation
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxSquared >= 18) cdf = 1;
  else if (n <= 100000 && n * Math.pow(x, 1.5) <= 1.4) cdf = cdfDurbinMatrix(n, x);
  else cdf = cdfPelzGood(n, x);
  return clip01(1 - clip01(cdf));
}

/**
 * P(D_n ≥ d) for the two-sided one-sample Kolmogorov–Smirnov statistic with n observations,
 * as `scipy.stats.kstwo.sf(d, n)`. Returns NaN when n is not a positive integer (as scipy does).
 *
 * @example
 * kstwoSf(0.05, 1000); // ≈ 0.013012
 */
export function kstwoSf(d: number, n: number): number {
  if (Number.isNaN(d) || !(n >= 1) || !Number.isInteger(n)) return NaN;
  // rv_continuous.sf: 1 at or below the support's lower end 0.5/n, 0 at or above 1.
  if (d <= 0.5 / n) return 1;
  if (d >= 1) return 0;
  return kolmognSf(n, d);
}
