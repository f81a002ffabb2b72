import { chiSquaredHomogeneity } from '../stats';
import type { Column } from '../types';

/** Number of missing entries: NaN in a numeric column, code −1 in a categorical one. */
export function countMissing(column: Column): number {
  let missing = 0;
  if (column.kind === 'numeric') {
    const values = column.values;
    for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) missing++;
  } else {
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) missing++;
  }
  return missing;
}

/** Number of rows of a column. */
export function columnLength(column: Column): number {
  return column.kind === 'numeric' ? column.values.length : column.codes.length;
}

/**
 * Share of missing entries in a column, in [0, 1]. An empty column has rate 0 (nothing is missing;
 * emptiness is the no-traffic signal, reported elsewhere).
 */
export function missingRate(column: Column): number {
  const total = columnLength(column);
  return total === 0 ? 0 : countMissing(column) / total;
}

export interface MissingRateChange {
  readonly reference: number;
  readonly current: number;
  /** current − reference: positive when more values are missing now. */
  readonly change: number;
}

/**
 * Missing rates of both sides and their absolute change, from counts (as profiles keep them).
 * A side with 0 rows has rate 0.
 *
 * @example missingRateChange(1, 100, 30, 100) // { reference: 0.01, current: 0.3, change: 0.29 }
 */
export function missingRateChange(
  referenceMissing: number,
  referenceTotal: number,
  currentMissing: number,
  currentTotal: number,
): MissingRateChange {
  const reference = rate('reference', referenceMissing, referenceTotal);
  const current = rate('current', currentMissing, currentTotal);
  return { reference, current, change: current - reference };
}

function rate(side: string, missing: number, total: number): number {
  if (!(total >= 0) || !Number.isFinite(total)) throw new Error(`missingRateChange: ${side} total is ${total}`);
  if (!(missing >= 0 && missing <= total)) {
    throw new Error(`missingRateChange: ${side} missing is ${missing}; it must be in [0, ${side} total ${total}]`);
  }
  return total === 0 ? 0 : missing / total;
}

/**
 * Two-sided p-value that two missing rates differ by chance: the pooled two-proportion z-test, which is
 * the chi-squared test on the 2×2 table [missing, present] × [reference, current] without Yates'
 * correction (`scipy.stats.chi2_contingency(..., correction=False)`). 1 when a side has no rows or
 * nothing (or everything) is missing on both sides.
 *
 * @example missingRatePValue(0, 4000, 34, 336) // ≈ 1e-70: 0 % → 10 % is no chance
 */
export function missingRatePValue(referenceMissing: number, referenceTotal: number, currentMissing: number, currentTotal: number): number {
  rate('reference', referenceMissing, referenceTotal);
  rate('current', currentMissing, currentTotal);
  return chiSquaredHomogeneity(
    [referenceMissing, referenceTotal - referenceMissing],
    [currentMissing, currentTotal - currentMissing],
  ).pValue;
}
