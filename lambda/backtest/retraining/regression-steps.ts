/**
 * The replay's steps for a regression model, pure: the holdout's metrics as MLflow's default
 * regressor metrics name them (`mlflow.evaluate` with model_type "regressor"), and the shadow
 * comparison's paired loss sums as the shadow query computes them in production
 * (`lambda/sql/shadow-query.ts`: |e|, e², |e|/|y| over y ≠ 0, on rows both models answered).
 */
import { regressionFromSums, regressionSums } from '../../core/metrics/regression';
import type { PairedLossSums } from '../../core/promotion/compare-shadow';

/** Rows with a target and, in every one of `answers`, a predicted value. */
function answeredRows(targets: Float64Array, answers: readonly Float64Array[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < targets.length; i++) if (Number.isFinite(targets[i]) && answers.every((a) => Number.isFinite(a[i]))) out.push(i);
  return out;
}

/**
 * A model's metrics on the labelled rows: mean_absolute_error, mean_squared_error,
 * root_mean_squared_error, r2_score, max_error and mean_absolute_percentage_error (over rows with
 * y ≠ 0, left out when every target is 0; r2_score left out when the targets are constant).
 */
export function regressionHoldoutMetrics(targets: Float64Array, values: Float64Array): Record<string, number> {
  const rows = answeredRows(targets, [values]);
  if (rows.length === 0) return {};
  const y = rows.map((i) => targets[i]);
  const yhat = rows.map((i) => values[i]);
  const sums = regressionSums(y, yhat);
  const m = regressionFromSums(sums);
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const out: Record<string, number> = {
    mean_absolute_error: m.mae as number,
    mean_squared_error: sums.sumSquaredError / sums.count,
    root_mean_squared_error: m.rmse as number,
    max_error: y.reduce((worst, v, k) => Math.max(worst, Math.abs(v - yhat[k])), 0),
  };
  if (m.mape !== null) out.mean_absolute_percentage_error = m.mape;
  if (total > 0) out.r2_score = 1 - sums.sumSquaredError / total;
  return out;
}

const LOSSES: Readonly<Record<string, (e: number, y: number) => number | null>> = {
  mae: (e) => Math.abs(e),
  rmse: (e) => e * e,
  mape: (e, y) => (y === 0 ? null : Math.abs(e) / Math.abs(y)),
};

/**
 * The paired t-test's sums for a shadow metric (mae, rmse, mape) over the rows with a target that
 * both models answered.
 * @throws Error naming a metric that is not a regression shadow metric
 */
export function pairedLossSums(targets: Float64Array, champion: Float64Array, candidate: Float64Array, metric: string): PairedLossSums {
  const loss = Object.hasOwn(LOSSES, metric) ? LOSSES[metric] : undefined;
  if (!loss) throw new Error(`shadow metric ${JSON.stringify(metric)} is not one a regression shadow compares (${Object.keys(LOSSES).join(', ')})`);
  let count = 0;
  let championLoss = 0;
  let candidateLoss = 0;
  let sumSquaredDiff = 0;
  for (const i of answeredRows(targets, [champion, candidate])) {
    const a = loss(targets[i] - champion[i], targets[i]);
    const b = loss(targets[i] - candidate[i], targets[i]);
    if (a === null || b === null) continue;
    count++;
    championLoss += a;
    candidateLoss += b;
    sumSquaredDiff += (a - b) ** 2;
  }
  return { count, championLoss, candidateLoss, sumSquaredDiff };
}
