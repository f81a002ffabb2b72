/**
 * Regression metrics. Every metric is a function of a few sums, so SQL can aggregate them
 * (`count(*)`, `sum(abs(y - yhat))`, ...) per hour, hours merge by adding, and the same
 * `regressionFromSums` turns any window's sums into metrics.
 *
 * Error convention: e = y − ŷ (label minus prediction); `meanError` is ŷ − y, the bias (positive
 * when the model over-predicts).
 *
 * MAPE (as a fraction: 0.05 = 5%, like scikit-learn's mean_absolute_percentage_error) divides by
 * |y|, undefined for y = 0: rows with y = 0 are left out of MAPE only (they still count in MAE,
 * RMSE and the weighted error) and their number is reported as `mapeExcluded`; when every target
 * is 0, MAPE is null. scikit-learn instead divides by max(|y|, eps), which turns one zero target
 * into an error of ~10^15 and drowns the metric; leaving them out and saying how many is honest.
 *
 * Weighted MAPE (a.k.a. WAPE) = Σ|y − ŷ| / Σ|y| = Σ wᵢ·|eᵢ|/|yᵢ| with wᵢ = |yᵢ| / Σ|y|: the mean
 * percentage error with each row weighted by its value. A $50 error on a $100 item is not a $50
 * error on a $10,000 item: MAE scores the two alike, MAPE scores the cheap item's 50% miss 100×
 * worse than the expensive item's 0.5% miss and so lets cheap items dominate (and explodes near
 * y = 0). WAPE weighs each percentage error by the money at stake, i.e. it is the error per dollar
 * of business, the number a revenue or cost model is accountable for, and it stays defined with
 * zero targets as long as one target is non-zero. Null when Σ|y| = 0.
 */

/** Sufficient statistics for the regression metrics. All fields add up across windows. */
export interface RegressionSums {
  /** Rows with both a label and a prediction. */
  readonly count: number;
  /** Σ|y − ŷ| */
  readonly sumAbsError: number;
  /** Σ(y − ŷ)² */
  readonly sumSquaredError: number;
  /** Σ(ŷ − y), for the bias. */
  readonly sumError: number;
  /** Σ|y − ŷ| / |y| over rows with y ≠ 0. */
  readonly sumAbsPercentError: number;
  /** Rows with y = 0 (left out of MAPE). */
  readonly zeroTargets: number;
  /** Σ|y| */
  readonly sumAbsTarget: number;
}

export interface RegressionMetrics {
  readonly count: number;
  /** Mean absolute error; null when count = 0 (same for every metric below). */
  readonly mae: number | null;
  /** Root mean squared error. */
  readonly rmse: number | null;
  /** Mean absolute percentage error as a fraction, over rows with y ≠ 0. */
  readonly mape: number | null;
  /** Rows left out of MAPE because y = 0. */
  readonly mapeExcluded: number;
  /** Σ|y − ŷ| / Σ|y|; null when Σ|y| = 0. */
  readonly weightedMape: number | null;
  /** Mean of ŷ − y (positive: over-prediction). */
  readonly meanError: number | null;
}

export const EMPTY_REGRESSION_SUMS: RegressionSums = {
  count: 0,
  sumAbsError: 0,
  sumSquaredError: 0,
  sumError: 0,
  sumAbsPercentError: 0,
  zeroTargets: 0,
  sumAbsTarget: 0,
};

/**
 * The sums of `RegressionSums` over paired targets and predictions.
 * @throws when lengths differ or a value is not a finite number (the message names the row).
 */
export function regressionSums(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionSums {
  if (yTrue.length !== yPred.length) {
    throw new Error(`yTrue has ${yTrue.length} rows but yPred has ${yPred.length}`);
  }
  let sumAbsError = 0;
  let sumSquaredError = 0;
  let sumError = 0;
  let sumAbsPercentError = 0;
  let zeroTargets = 0;
  let sumAbsTarget = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    const p = yPred[i];
    if (!Number.isFinite(y)) throw new Error(`yTrue[${i}] must be a finite number, got ${y}`);
    if (!Number.isFinite(p)) throw new Error(`yPred[${i}] must be a finite number, got ${p}`);
    const e = y - p;
    const abs = Math.abs(e);
    sumAbsError += abs;
    sumSquaredError += e * e;
    sumError += p - y;
    sumAbsTarget += Math.abs(y);
    if (y === 0) zeroTargets += 1;
    else sumAbsPercentError += abs / Math.abs(y);
  }
  return { count: yTrue.length, sumAbsError, sumSquaredError, sumError, sumAbsPercentError, zeroTargets, sumAbsTarget };
}

/** Adds the sums of two windows (e.g. two hours). */
export function mergeRegressionSums(a: RegressionSums, b: RegressionSums): RegressionSums {
  return {
    count: a.count + b.count,
    sumAbsError: a.sumAbsError + b.sumAbsError,
    sumSquaredError: a.sumSquaredError + b.sumSquaredError,
    sumError: a.sumError + b.sumError,
    sumAbsPercentError: a.sumAbsPercentError + b.sumAbsPercentError,
    zeroTargets: a.zeroTargets + b.zeroTargets,
    sumAbsTarget: a.sumAbsTarget + b.sumAbsTarget,
  };
}

/** Checks sums that come from outside (SQL, JSON) before using them. */
export function validateRegressionSums(s: RegressionSums): void {
  for (const key of Object.keys(EMPTY_REGRESSION_SUMS) as (keyof RegressionSums)[]) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`regression sums: ${key} must be a finite number, got ${String(v)}`);
    if (key !== 'sumError' && v < 0) throw new Error(`regression sums: ${key} must be >= 0, got ${v}`);
  }
  if (!Number.isInteger(s.count) || !Number.isInteger(s.zeroTargets)) {
    throw new Error(`regression sums: count and zeroTargets must be integers, got ${s.count} and ${s.zeroTargets}`);
  }
  if (s.zeroTargets > s.count) throw new Error(`regression sums: zeroTargets ${s.zeroTargets} exceeds count ${s.count}`);
}

/**
 * Metrics from sums (the path SQL aggregates take).
 * @example regressionFromSums(regressionSums([100, 10000], [50, 9950])).weightedMape // 100 / 10100
 */
export function regressionFromSums(s: RegressionSums): RegressionMetrics {
  validateRegressionSums(s);
  const n = s.count;
  const nonZero = n - s.zeroTargets;
  return {
    count: n,
    mae: n === 0 ? null : s.sumAbsError / n,
    rmse: n === 0 ? null : Math.sqrt(s.sumSquaredError / n),
    mape: nonZero === 0 ? null : s.sumAbsPercentError / nonZero,
    mapeExcluded: s.zeroTargets,
    weightedMape: s.sumAbsTarget === 0 ? null : s.sumAbsError / s.sumAbsTarget,
    meanError: n === 0 ? null : s.sumError / n,
  };
}

/** Regression metrics from paired targets and predictions. */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  return regressionFromSums(regressionSums(yTrue, yPred));
}
