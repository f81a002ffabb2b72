/**
 * The engine's view of a model: what to profile, how to judge it and what to call things. Built from
 * a platform config entry (`monitorModelFromConfig`, the Lambdas) or from a backtest config
 * (`lambda/backtest`), so both drivers hand the engine the same shape.
 */
import type { BusinessMetricSpec, Direction } from '../core/metrics';
import type { DriftBandSettingsInput } from '../core/schema/drift-bands';
import { toIdentifier } from '../core/schema/identifier';
import type { ModelRecordSpec, Task } from '../core/schema/record-schema';
import type { DriftTest, DriftThresholds, FeatureKind } from '../core/types';

/** ADWIN proxies: the mean score, and the positive rate of a binary classifier. */
export const PROXIES = { meanScore: 'mean_score', positiveRate: 'positive_rate' } as const;
export type Proxy = (typeof PROXIES)[keyof typeof PROXIES];

export interface MonitorFeature {
  /** The SQL column (a validated identifier); profiles and thresholds are keyed by it. */
  readonly id: string;
  /** The name people see (a data file's column name in the backtest; the id in production). */
  readonly name: string;
  readonly kind: FeatureKind;
  readonly importance?: number;
  readonly thresholds?: DriftThresholds;
  readonly test?: DriftTest;
}

export interface MonitorModel {
  /** Environment name ('prod'); 'local' in the backtest. */
  readonly env: string;
  readonly modelId: string;
  /** null when the data has no model columns (drift only). */
  readonly task: Exclude<Task, 'ranking'> | null;
  readonly features: readonly MonitorFeature[];
  /** The positive class of a binary classifier. */
  readonly positiveLabel?: string;
  /** Which model columns the logs carry. */
  readonly columns: { readonly prediction: boolean; readonly predictedLabel: boolean; readonly label: boolean };
  /** Declarative business metrics over labelled rows. */
  readonly businessMetrics: readonly BusinessMetricSpec[];
  /** Windows that calibrate the performance thresholds, and the labelled rows they need. */
  readonly baseline: { readonly windows: number; readonly minSamples?: number };
  readonly driftBands?: DriftBandSettingsInput;
  /** Per-feature metrics only for this many features, by importance. */
  readonly topK: number;
  /** Below this many rows a window says "too few rows" instead of judging drift. */
  readonly minRows: number;
}

/** Whether the model's labels and predicted labels are classes. */
export function isClassifier(model: Pick<MonitorModel, 'task'>): boolean {
  return model.task === 'binary_classification' || model.task === 'multiclass_classification';
}

/** The ADWIN proxies this model can feed. */
export function proxiesOf(model: MonitorModel): Proxy[] {
  return [
    ...(model.columns.prediction ? [PROXIES.meanScore] : []),
    ...(model.task === 'binary_classification' && model.positiveLabel !== undefined && model.columns.predictedLabel ? [PROXIES.positiveRate] : []),
  ];
}

/** The record-layout slice the SQL needs (feature ids as the columns). */
export function recordSpecOf(model: MonitorModel): ModelRecordSpec {
  return {
    modelId: toIdentifier(model.modelId),
    task: model.task ?? 'regression',
    features: model.features.map((f) => ({ name: f.id, kind: f.kind })),
  };
}

/** The built-in metrics of a task, in display order. */
export function builtInMetrics(task: Exclude<Task, 'ranking'>): { name: string; direction: Direction }[] {
  const higher = (name: string) => ({ name, direction: 'higher_is_better' as const });
  const lower = (name: string) => ({ name, direction: 'lower_is_better' as const });
  if (task === 'binary_classification') return ['accuracy', 'precision', 'recall', 'f1', 'macro_f1'].map(higher);
  if (task === 'multiclass_classification') return ['accuracy', 'macro_f1'].map(higher);
  return ['mae', 'rmse', 'mape'].map(lower);
}

/** The metric a timeline shows and the fleet view ranks by, by default. */
export function defaultKeyMetric(task: Exclude<Task, 'ranking'>): string {
  return task === 'binary_classification' ? 'f1' : task === 'multiclass_classification' ? 'macro_f1' : 'mae';
}

/**
 * Every metric the model is judged on: the task's built-in ones when labels are logged, then the
 * business metrics. A business metric may not take a built-in's name.
 * @throws Error naming the clash
 */
export function metricsOf(model: MonitorModel): { name: string; direction: Direction }[] {
  const names = model.columns.label && model.task ? builtInMetrics(model.task) : [];
  for (const m of model.businessMetrics) {
    if (names.some((n) => n.name === m.name)) {
      throw new Error(`metrics: ${JSON.stringify(m.name)} is a built-in metric of a ${model.task}; choose another name`);
    }
    names.push({ name: m.name, direction: m.direction });
  }
  return names;
}

/** The features for per-feature metrics: the top-K by importance (ties in config order). */
export function topFeatures(model: MonitorModel): MonitorFeature[] {
  const ranked = model.features.map((f, i) => ({ f, i, w: f.importance ?? 0 }));
  ranked.sort((a, b) => b.w - a.w || a.i - b.i);
  return ranked.slice(0, model.topK).map((r) => r.f);
}
