import { checkCounts } from './counts';

/**
 * Jensen–Shannon distance (the square root of the divergence) in base 2, so it lies in [0, 1],
 * between the proportions of two count vectors on the same bins. No smoothing: 0·log 0 = 0.
 * Same as `scipy.spatial.distance.jensenshannon(p, q, base=2)`.
 *
 * Throws `EmptyDistributionError` naming the side whose total is 0.
 *
 * @example jensenShannon([1, 0], [0, 1]) // 1
 */
export function jensenShannon(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  const { referenceTotal, currentTotal } = checkCounts('jensenShannon', referenceCounts, currentCounts);
  let left = 0;
  let right = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const p = referenceCounts[i] / referenceTotal;
    const q = currentCounts[i] / currentTotal;
    const m = (p + q) / 2;
    // scipy's rel_entr(x, m): x·ln(x/m) for x > 0, and 0 for x = 0 (m > 0 whenever x > 0).
    if (p > 0) left += p * Math.log(p / m);
    if (q > 0) right += q * Math.log(q / m);
  }
  const divergence = (left + right) / Math.LN2 / 2;
  // Rounding can leave a divergence of −1e-17 for identical inputs; the distance is then 0, not NaN.
  return divergence > 0 ? Math.min(1, Math.sqrt(divergence)) : 0;
}
