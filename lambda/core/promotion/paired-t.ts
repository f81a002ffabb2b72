/**
 * The paired t-test on per-row loss differences d = loss(champion) − loss(candidate), from the sums
 * SQL can return without shipping rows: n, Σd, Σd². For regression losses (|e| for MAE, e² for RMSE,
 * |e|/|y| for MAPE) this is the Diebold–Mariano test with no autocorrelation term: with the shadow's
 * hundreds of rows the mean difference is close to normal, so the t distribution's tails are right.
 * t = mean(d) / (s(d) / √n), s with n − 1, dof n − 1, two-sided — `scipy.stats.ttest_rel(champion, candidate)`.
 * A positive t means the candidate's loss is lower.
 *
 * @example
 * pairedTFromSums({ count: 4, sumDiff: 2, sumSquaredDiff: 1.5 }); // t ≈ 2.449, p ≈ 0.0917
 * @throws RangeError naming a count below 2 or a non-finite sum
 */
import { studentTSurvival } from '../stats/student-t';

export interface DifferenceSums {
  readonly count: number;
  readonly sumDiff: number;
  readonly sumSquaredDiff: number;
}

export interface PairedTResult {
  readonly meanDifference: number;
  readonly statistic: number;
  readonly pValue: number;
}

export function pairedTFromSums(s: DifferenceSums): PairedTResult {
  if (!Number.isInteger(s.count) || s.count < 2) throw new RangeError(`pairedTFromSums: count must be an integer ≥ 2, got ${s.count}`);
  for (const [name, v] of [['sumDiff', s.sumDiff], ['sumSquaredDiff', s.sumSquaredDiff]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`pairedTFromSums: ${name} must be finite, got ${v}`);
  }
  const n = s.count;
  const mean = s.sumDiff / n;
  // Σ(d − mean)² = Σd² − n·mean²; clamped at 0 against rounding when every d is equal.
  const variance = Math.max(0, (s.sumSquaredDiff - n * mean * mean) / (n - 1));
  const se = Math.sqrt(variance / n);
  if (se === 0 || se < Math.abs(mean) * 1e-12) {
    return mean === 0 ? { meanDifference: 0, statistic: 0, pValue: 1 } : { meanDifference: mean, statistic: mean > 0 ? Infinity : -Infinity, pValue: 0 };
  }
  const t = mean / se;
  return { meanDifference: mean, statistic: t, pValue: Math.min(1, 2 * studentTSurvival(Math.abs(t), n - 1)) };
}
