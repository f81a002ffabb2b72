/**
 * How many population standard deviations above the mean of n past values a new value must lie to
 * be as unusual as a kσ excursion of a normal, when the mean and σ are estimated from those n
 * values: the upper Student-t prediction bound for one new observation,
 * mean + t_{n−1}(1 − α)·s·√(1 + 1/n) with s the sample std (ddof 1) and α = P(Z > k), written
 * as a multiple of the population std (ddof 0): t·√((n + 1)/(n − 1)).
 *
 * Why not plain k: σ from a few windows is itself uncertain, and a new window's distance from an
 * estimated mean varies more than σ says. Under normality, mean + 3σ from 6 windows is exceeded by
 * 2.6% of in-control windows, not 0.13%; this multiple keeps the rate at 0.13% for any n.
 *
 * @example
 * predictionMultiplier(3, 12);   // ≈ 4.185 (12 windows: mean + 4.185σ is the 3σ level)
 * predictionMultiplier(3, 200);  // ≈ 3.053
 * predictionMultiplier(0, 12);   // 0 (the mean itself)
 * predictionMultiplier(40, 12);  // Infinity (the normal tail underflows)
 */
import { normalSurvival, studentTInverseSurvival } from '../stats';

export function predictionMultiplier(k: number, windows: number): number {
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`predictionMultiplier: k must be a finite number >= 0, got ${k}`);
  if (!Number.isInteger(windows) || windows < 2) {
    throw new RangeError(`predictionMultiplier: windows must be an integer >= 2 (a std needs two windows), got ${windows}`);
  }
  if (k === 0) return 0;
  const tail = normalSurvival(k);
  // Beyond k ≈ 38 the normal tail underflows to 0: no finite bound is that unusual.
  if (tail === 0) return Infinity;
  return studentTInverseSurvival(tail, windows - 1) * Math.sqrt((windows + 1) / (windows - 1));
}
