/**
 * McNemar's exact test: did two classifiers scored on the SAME rows differ in how often they are right?
 * Only the discordant rows carry information — `b` rows the champion got right and the candidate wrong,
 * `c` the other way round; under "no difference" each discordant row is a fair coin, so
 * c ~ Binomial(b + c, ½) and the two-sided p-value is min(1, 2·P(X ≤ min(b, c))).
 * This is `statsmodels.stats.contingency_tables.mcnemar(table, exact=True)` and
 * `scipy.stats.binomtest(c, b + c, 0.5).pvalue`, which agree for p = ½.
 *
 * @example
 * mcnemarExact(10, 25).pValue; // ≈ 0.0167
 * @throws RangeError when b or c is not a non-negative integer (naming which)
 */
import { regularizedBeta } from '../stats/beta';

export interface McNemarResult {
  /** Rows the champion got right and the candidate wrong. */
  readonly championOnly: number;
  /** Rows the candidate got right and the champion wrong. */
  readonly candidateOnly: number;
  readonly pValue: number;
}

/** P(X ≤ k) for X ~ Binomial(n, ½): I_½(n − k, k + 1). */
function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  return regularizedBeta(0.5, n - k, k + 1);
}

export function mcnemarExact(championOnly: number, candidateOnly: number): McNemarResult {
  for (const [name, v] of [['championOnly (b)', championOnly], ['candidateOnly (c)', candidateOnly]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`mcnemarExact: ${name} must be a non-negative integer, got ${v}`);
  }
  const n = championOnly + candidateOnly;
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(championOnly, candidateOnly), n));
  return { championOnly, candidateOnly, pValue };
}
