/**
 * Pearson's chi-squared test of homogeneity between a reference and a current histogram of a
 * categorical feature, as `scipy.stats.chi2_contingency([reference, current], correction=False)`,
 * and the chi-squared survival function it needs.
 *
 * Categories counted in neither histogram are dropped first: scipy would refuse a table with a
 * zero expected frequency, and a category nobody saw carries no evidence. A category seen only in
 * the current data (an "unseen" category) keeps a finite contribution because its expected count
 * under homogeneity is positive.
 *
 * @example
 * import { chiSquaredHomogeneity } from './chi-squared';
 * const r = chiSquaredHomogeneity([50, 30, 20, 0], [40, 30, 20, 10]);
 * // r.dof === 3 (four categories seen), r.statistic ≈ 11.111, r.pValue ≈ 0.01114
 */
import type { ChiSquaredResult } from '../types';
import { regularizedGammaQ } from './gamma';

/**
 * Upper tail P(X > x) of the chi-squared distribution with `dof` degrees of freedom, as
 * `scipy.stats.chi2.sf(x, dof)`: the regularized upper incomplete gamma Q(dof/2, x/2).
 * Accurate to ~1e-13 relative over dof ≤ 100,000 and x ≤ 1e7.
 *
 * @example
 * chiSquaredSurvival(3.841458820694124, 1); // ≈ 0.05
 */
export function chiSquaredSurvival(x: number, dof: number): number {
  if (!(dof > 0) || !Number.isFinite(dof)) {
    throw new RangeError(`chiSquaredSurvival: dof must be a positive finite number, got ${dof}`);
  }
  if (Number.isNaN(x)) throw new RangeError(`chiSquaredSurvival: x must be a number, got ${x}`);
  return regularizedGammaQ(dof / 2, x / 2);
}

function checkCounts(name: string, counts: readonly number[]): void {
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0) || !Number.isFinite(c)) {
      throw new RangeError(`chiSquaredHomogeneity: ${name}[${i}] must be a finite count >= 0, got ${c}`);
    }
  }
}

const NO_TEST: ChiSquaredResult = { statistic: 0, pValue: 1, dof: 0 };

/**
 * Chi-squared test of homogeneity on the 2×k table [reference; current], without Yates'
 * correction. `reference[i]` and `current[i]` count the same category i.
 *
 * - Columns where both counts are 0 are dropped, and dof = k − 1 over the columns left.
 * - With at most one column left, or when one side has no observations at all, there is nothing
 *   to compare: the result is statistic 0, p-value 1, dof 0 (never NaN, never infinite).
 *
 * @example
 * chiSquaredHomogeneity([10, 20, 30], [20, 40, 60]); // { statistic: 0, pValue: 1, dof: 2 }
 */
export function chiSquaredHomogeneity(reference: readonly number[], current: readonly number[]): ChiSquaredResult {
  if (reference.length !== current.length) {
    throw new RangeError(
      `chiSquaredHomogeneity: reference and current must count the same categories, got lengths ${reference.length} and ${current.length}`,
    );
  }
  checkCounts('reference', reference);
  checkCounts('current', current);

  let referenceTotal = 0;
  let currentTotal = 0;
  let columns = 0;
  for (let i = 0; i < reference.length; i++) {
    if (reference[i] + current[i] > 0) {
      columns++;
      referenceTotal += reference[i];
      currentTotal += current[i];
    }
  }
  if (columns <= 1 || referenceTotal === 0 || currentTotal === 0) return NO_TEST;

  // Expected counts under homogeneity: row total × column total / grand total (scipy's expected_freq).
  const total = referenceTotal + currentTotal;
  let referenceSum = 0;
  let currentSum = 0;
  for (let i = 0; i < reference.length; i++) {
    const columnTotal = reference[i] + current[i];
    if (columnTotal === 0) continue;
    const expectedReference = (referenceTotal * columnTotal) / total;
    const expectedCurrent = (currentTotal * columnTotal) / total;
    const dr = reference[i] - expectedReference;
    const dc = current[i] - expectedCurrent;
    referenceSum += (dr * dr) / expectedReference;
    currentSum += (dc * dc) / expectedCurrent;
  }
  const statistic = referenceSum + currentSum;
  const dof = columns - 1;
  return { statistic, pValue: chiSquaredSurvival(statistic, dof), dof };
}
