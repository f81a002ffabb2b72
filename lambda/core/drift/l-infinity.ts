import { checkCounts } from './counts';

/**
 * L∞ distance between the proportions of two count vectors: max over bins of |p_ref − p_cur|.
 * This is SageMaker Model Monitor's distance for categorical features (its default
 * `categorical_drift_method` "LInfinity", computed by Deequ's `categoricalLInfinityDistance` over
 * the union of categories). In [0, 1].
 *
 * @example lInfinity([50, 50], [80, 20]) // 0.3
 */
export function lInfinity(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  const { referenceTotal, currentTotal } = checkCounts('lInfinity', referenceCounts, currentCounts);
  let max = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const d = Math.abs(referenceCounts[i] / referenceTotal - currentCounts[i] / currentTotal);
    if (d > max) max = d;
  }
  return max;
}

/**
 * L∞ distance between the two empirical CDFs read at the bin boundaries: max over k of
 * |F_ref(bin ≤ k) − F_cur(bin ≤ k)|, with cumulative proportions.
 *
 * Parity with SageMaker Model Monitor: for numerical features its data-quality
 * `distribution_constraints` compare "the maximum absolute difference between the cumulative
 * distribution functions of two distributions" (`comparison_method` `linf_simple`, the default
 * `comparison_threshold` is 0.1). Its container (Deequ `Distance.numericalDistance`) evaluates the
 * two CDFs only at the items kept by each side's KLL quantile sketch, so its value is itself a
 * sketch-based lower estimate of the KS statistic. We evaluate the CDFs at our fine reference
 * quantile bins instead (1000 bins), which is the same quantity with a known error: see
 * `profileDrift` for the bound. `linf_robust` is `lInfinityRobust` below.
 *
 * @example lInfinityCdf([25, 25, 50], [50, 25, 25]) // 0.25
 */
export function lInfinityCdf(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  const { referenceTotal, currentTotal } = checkCounts('lInfinityCdf', referenceCounts, currentCounts);
  let refCumulative = 0;
  let curCumulative = 0;
  let max = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    refCumulative += referenceCounts[i];
    curCumulative += currentCounts[i];
    const d = Math.abs(refCumulative / referenceTotal - curCumulative / currentTotal);
    if (d > max) max = d;
  }
  return max;
}

/**
 * SageMaker Model Monitor's `linf_robust`: the simple L∞ distance minus the two-sample KS critical
 * term, max(0, linf − c(α)·sqrt((n + m)/(n·m))), where c(α) = sqrt(−ln(α/2)/2) for a given α and
 * 1.8 by default (α ≈ 0.003), as in Deequ's `Distance.selectMetrics`. Small samples thus need a
 * larger distance before they count.
 *
 * @param alpha optional significance level in (0, 1); leave out for Deequ's default c(α) = 1.8
 */
export function lInfinityRobust(
  lInfinitySimple: number,
  referenceCount: number,
  currentCount: number,
  alpha?: number,
): number {
  if (!(referenceCount > 0)) throw new Error(`lInfinityRobust: referenceCount is ${referenceCount}; it must be > 0`);
  if (!(currentCount > 0)) throw new Error(`lInfinityRobust: currentCount is ${currentCount}; it must be > 0`);
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) {
    throw new Error(`lInfinityRobust: alpha is ${alpha}; it must be in (0, 1)`);
  }
  const cAlpha = alpha === undefined ? 1.8 : Math.sqrt((-Math.log(alpha / 2) * 1) / 2);
  const n = referenceCount;
  const m = currentCount;
  return Math.max(0, lInfinitySimple - cAlpha * Math.sqrt((n + m) / (n * m)));
}
