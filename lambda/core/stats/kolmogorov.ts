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
import { cdfDurbinMatrix, cdfPelzGood, cdfPomeranz } from './kolmogorov-cdf';
import { logFactorialOverPower, smirnovSf } from './smirnov';

export { smirnovSf } from './smirnov';

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
