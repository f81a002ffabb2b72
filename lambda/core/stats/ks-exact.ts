/**
 * Exact null distribution of the two-sided two-sample Kolmogorov–Smirnov statistic, following
 * scipy 1.17's `_compute_prob_outside_square` (equal sizes) and `_compute_outer_prob_inside_method`
 * (unequal sizes). Both count lattice paths from (0, 0) to (n1, n2) that leave the band
 * |x/n1 − y/n2| < h/lcm(n1, n2), as proportions, so nothing overflows.
 *
 * References: Hodges J.L., "The Significance Probability of the Smirnov Two-Sample Test",
 * Arkiv för Matematik 3(43), 1958; Viehmann T., "Numerically more stable computation of the
 * p-values for the two-sample Kolmogorov-Smirnov test", arXiv:2102.08037.
 *
 * @example
 * probOutsideSquare(5, 3);       // P(D_{5,5} ≥ 3/5) = 0.357142857...
 * probOutsideBand(3, 4, 1, 8);   // P(D_{3,4} ≥ 8/12) = 0.4
 */

/**
 * P(D_{n,n} ≥ h/n) for two samples of n each:
 *   2·Σ_k (−1)^(k+1) C(2n, n − k·h)/C(2n, n), evaluated by Horner's scheme on ratios.
 */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * P(D_{m,n} ≥ h/lcm(m, n)) for samples of m and n (g = gcd(m, n)): the proportion of lattice
 * paths that do not stay strictly inside the band. Computes 1 − (inside proportion) directly,
 * column by column over a sliding window, which is Viehmann's numerically stable recursion.
 * Cost O(m · window) with window ≈ 2·h/(m/g).
 */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj && j < lenA; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      const end = Math.min(maxj - minj + (lastlen - curlen), lenA);
      for (let q = maxj - minj; q < end; q++) A[q] = 1;
    }
  }
  return A[maxj - minj - 1];
}
