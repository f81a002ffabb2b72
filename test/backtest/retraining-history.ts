/**
 * A history for the retraining replay with two injected changes: 2,000 reference rows, then 16
 * windows of 500 rows. From row 5,000 (window 6) x1 shifts by +1.5 and the label stops following
 * x1 (which the logged model scores) and follows x2 instead: a retrain on fresh rows learns it.
 * From row 7,000 (window 10) x2 shifts by +2 (more drift, the same rule).
 */
import type { CategoricalColumn, Dataset, NumericColumn } from '../../lambda/core/types';
import { parseBacktestConfig, type BacktestConfig } from '../../lambda/backtest';
import { lcg } from './synthetic';

export const REFERENCE_ROWS = 2000;
export const WINDOW_ROWS = 500;
export const WINDOWS = 16;
export const CHANGE_ROW = 5000;
export const CHANGE_WINDOW = (CHANGE_ROW - REFERENCE_ROWS) / WINDOW_ROWS;
export const SECOND_CHANGE_ROW = 7000;
export const SECOND_CHANGE_WINDOW = (SECOND_CHANGE_ROW - REFERENCE_ROWS) / WINDOW_ROWS;

/** A standard normal draw (Box–Muller). */
export const normal = (rand: () => number) => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());

export function categorical(name: string, values: string[]): CategoricalColumn {
  const dictionary = [...new Set(values)].sort();
  const index = new Map(dictionary.map((v, i) => [v, i]));
  return { kind: 'categorical', name, codes: Int32Array.from(values, (v) => index.get(v) as number), dictionary };
}

/** x1, x2, segment, score and predicted (the logged model: P(yes) = σ(3·x1)), label. */
export function retrainingHistory(): Dataset {
  const n = REFERENCE_ROWS + WINDOWS * WINDOW_ROWS;
  const rand = lcg(7);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const score = new Float64Array(n);
  const segment: string[] = [];
  const predicted: string[] = [];
  const label: string[] = [];
  for (let i = 0; i < n; i++) {
    const z = normal(rand);
    const u = normal(rand);
    x1[i] = z + (i >= CHANGE_ROW ? 1.5 : 0);
    x2[i] = u + (i >= SECOND_CHANGE_ROW ? 2 : 0);
    segment.push(['a', 'b', 'c'][Math.floor(rand() * 3)]);
    score[i] = 1 / (1 + Math.exp(-3 * x1[i]));
    predicted.push(score[i] >= 0.5 ? 'yes' : 'no');
    const signal = i >= CHANGE_ROW ? x2[i] : z;
    label.push(rand() < 1 / (1 + Math.exp(-4 * signal)) ? 'yes' : 'no');
  }
  const numeric = (name: string, values: Float64Array): NumericColumn => ({ kind: 'numeric', name, values });
  return {
    rowCount: n,
    columns: [numeric('x1', x1), numeric('x2', x2), categorical('segment', segment), numeric('score', score), categorical('predicted', predicted), categorical('label', label)],
  };
}

/** The backtest config with a retraining section (`retraining` replaces the default one, fields merged over it). */
export function retrainingConfig(retraining: Record<string, unknown> = {}): BacktestConfig {
  return parseBacktestConfig({
    modelId: 'retrain-synthetic',
    features: [
      { name: 'x1', kind: 'numeric', importance: 0.4 },
      { name: 'x2', kind: 'numeric', importance: 0.4 },
      { name: 'segment', kind: 'categorical', importance: 0.2 },
    ],
    reference: { rows: REFERENCE_ROWS },
    window: { rows: WINDOW_ROWS },
    prediction: 'score',
    predictedLabel: 'predicted',
    label: 'label',
    positiveLabel: 'yes',
    keyMetric: 'accuracy',
    baseline: { windows: 3 },
    retraining: { shadow: { minLabelledRows: 200 }, training: { rows: 500 }, ...retraining },
  });
}
