/**
 * A regression history for the retraining replay: 2,000 reference rows, then 16 windows of 500 rows
 * (the windows of retraining-history.ts). The logged model predicts y = 10 + 3·x1 + 2·[segment b],
 * the rule of the reference rows. From row 5,000 (window 6) x1 shifts by +1.5 (the drift that
 * triggers) and the target stops following x1 and follows x2 instead: y = 10 + 3·x2 + 2·[segment b],
 * so the served linear model's error grows and a retrain on fresh rows learns the new rule. From
 * row 7,000 (window 10) x2 shifts by +2 (more drift, the same rule).
 */
import type { Dataset, NumericColumn } from '../../lambda/core/types';
import { parseBacktestConfig, type BacktestConfig } from '../../lambda/backtest';
import { CHANGE_ROW, REFERENCE_ROWS, SECOND_CHANGE_ROW, WINDOW_ROWS, WINDOWS, categorical, normal, retrainingConfig } from './retraining-history';
import { lcg } from './synthetic';

export { CHANGE_WINDOW, REFERENCE_ROWS, SECOND_CHANGE_WINDOW, WINDOW_ROWS, WINDOWS } from './retraining-history';

/** The target's noise (its standard deviation): the error a model of the right rule still makes. */
export const NOISE = 1;

/** x1, x2, segment, prediction (the logged model's value), y. */
export function regressionHistory(): Dataset {
  const n = REFERENCE_ROWS + WINDOWS * WINDOW_ROWS;
  const rand = lcg(11);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const prediction = new Float64Array(n);
  const y = new Float64Array(n);
  const segment: string[] = [];
  for (let i = 0; i < n; i++) {
    const z = normal(rand);
    x1[i] = z + (i >= CHANGE_ROW ? 1.5 : 0);
    x2[i] = normal(rand) + (i >= SECOND_CHANGE_ROW ? 2 : 0);
    const s = ['a', 'b', 'c'][Math.floor(rand() * 3)];
    segment.push(s);
    const bump = s === 'b' ? 2 : 0;
    prediction[i] = 10 + 3 * x1[i] + bump;
    y[i] = 10 + 3 * (i >= CHANGE_ROW ? x2[i] : z) + bump + NOISE * normal(rand);
  }
  const numeric = (name: string, values: Float64Array): NumericColumn => ({ kind: 'numeric', name, values });
  return { rowCount: n, columns: [numeric('x1', x1), numeric('x2', x2), categorical('segment', segment), numeric('prediction', prediction), numeric('y', y)] };
}

/** The regression backtest config with a retraining section (fields merged over the test's defaults); `top` overrides top-level fields. */
export function regressionConfig(retraining: Record<string, unknown> = {}, top: Record<string, unknown> = {}): BacktestConfig {
  // The classifier's features, reference, windows and baseline: the same monitor over other answers.
  const { features, reference, window, baseline } = JSON.parse(JSON.stringify(retrainingConfig()));
  return parseBacktestConfig({
    modelId: 'retrain-regression',
    features,
    reference,
    window,
    baseline,
    prediction: 'prediction',
    label: 'y',
    retraining: { shadow: { minLabelledRows: 200 }, training: { rows: 500 }, ...retraining },
    ...top,
  });
}
