import { PSI_EPSILON } from '../defaults';
import { checkCounts } from './counts';

/**
 * Population Stability Index of the current counts against the reference counts on the same bins.
 *
 * Proportions are count / total per side; a proportion of exactly 0 becomes `PSI_EPSILON` (1e-4)
 * on either side, without renormalising, then PSI = Σ (cur − ref) · ln(cur / ref). Always ≥ 0
 * (each term is (a − b)·ln(a / b) ≥ 0), and 0 for identical proportions.
 *
 * Throws `EmptyDistributionError` naming the side whose total is 0: PSI of an empty distribution
 * is undefined, and silently returning 0 would hide an outage (callers check counts first).
 *
 * @example psi([50, 50], [90, 10]) // ≈ 0.879
 */
export function psi(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  const { referenceTotal, currentTotal } = checkCounts('psi', referenceCounts, currentCounts);
  let sum = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const ref = referenceCounts[i] / referenceTotal || PSI_EPSILON;
    const cur = currentCounts[i] / currentTotal || PSI_EPSILON;
    sum += (cur - ref) * Math.log(cur / ref);
  }
  return sum;
}
