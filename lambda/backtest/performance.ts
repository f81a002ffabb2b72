/**
 * Window metrics from the label-join aggregates (`performanceQuery` → `parsePerformanceRows`),
 * through the core's metric functions, and business metrics from the window's labelled rows.
 */
import {
  businessAggregates,
  businessMetricColumns,
  businessMetricFromAggregates,
  classificationFromConfusion,
  confusionFromCounts,
  regressionFromSums,
  type BusinessMetricSpec,
  type Direction,
  type Row,
} from '../core/metrics';
import type { Column } from '../core/types';
import type { PerformanceAggregates } from '../sql/performance-query';
import type { BacktestTask } from './config';

export interface MetricValue {
  readonly value: number | null;
  readonly samples: number;
  readonly direction: Direction;
}

/** The built-in metrics of a task, in display order. */
export function builtInMetrics(task: BacktestTask): { name: string; direction: Direction }[] {
  const higher = (name: string) => ({ name, direction: 'higher_is_better' as const });
  const lower = (name: string) => ({ name, direction: 'lower_is_better' as const });
  if (task === 'binary_classification') return ['accuracy', 'precision', 'recall', 'f1', 'macro_f1'].map(higher);
  if (task === 'multiclass_classification') return ['accuracy', 'macro_f1'].map(higher);
  return ['mae', 'rmse', 'mape'].map(lower);
}

/** The metric the timeline shows by default. */
export function defaultKeyMetric(task: BacktestTask): string {
  return task === 'binary_classification' ? 'f1' : task === 'multiclass_classification' ? 'macro_f1' : 'mae';
}

const orNull = (value: number | null, samples: number) => (samples > 0 ? value : null);

/**
 * The task's metrics for one window. A metric with no rows behind it (e.g. recall with no positive
 * label in the window) is null, never 0, so it cannot look like a collapse.
 */
export function windowMetrics(perf: PerformanceAggregates, task: BacktestTask, positiveLabel?: string): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  const put = (name: string, value: number | null, samples: number, direction: Direction = 'higher_is_better') => {
    out[name] = { value: orNull(value, samples), samples, direction };
  };
  if (task === 'regression') {
    const e = perf.errors ?? { count: 0, sumError: 0, sumAbsError: 0, sumSquaredError: 0, sumAbsPercentError: 0, zeroLabelCount: 0, sumAbsLabel: 0 };
    const m = regressionFromSums({
      count: e.count,
      sumAbsError: e.sumAbsError,
      sumSquaredError: e.sumSquaredError,
      sumError: e.sumError,
      sumAbsPercentError: e.sumAbsPercentError,
      zeroTargets: e.zeroLabelCount,
      sumAbsTarget: e.sumAbsLabel,
    });
    put('mae', m.mae, e.count, 'lower_is_better');
    put('rmse', m.rmse, e.count, 'lower_is_better');
    put('mape', m.mape, e.count - e.zeroLabelCount, 'lower_is_better');
    return out;
  }
  // Predictions without a predicted label cannot be scored; they count only in coverage.
  const cells = (perf.confusion ?? [])
    .filter((c) => c.predicted !== null)
    .map((c) => ({ label: c.actual, prediction: c.predicted as string, count: c.count }));
  const m = classificationFromConfusion(confusionFromCounts(cells));
  put('accuracy', m.accuracy, m.support);
  if (task === 'binary_classification') {
    const positive = m.perClass.find((c) => c.class === positiveLabel);
    put('precision', positive?.precision ?? null, positive?.predicted ?? 0);
    put('recall', positive?.recall ?? null, positive?.support ?? 0);
    put('f1', positive?.f1 ?? null, positive ? m.support : 0);
  }
  put('macro_f1', m.macro.f1, m.support);
  return out;
}

/** Where business metrics read their columns: the model's outputs, the label, and data columns. */
export interface BusinessSource {
  readonly prediction: Column | null;
  readonly predictedLabel: Column | null;
  readonly label: Column | null;
  /** Data columns by their name in the file. */
  readonly data: ReadonlyMap<string, Column>;
}

function cell(column: Column, row: number): string | number | null {
  if (column.kind === 'numeric') {
    const v = column.values[row];
    return Number.isNaN(v) ? null : v;
  }
  const code = column.codes[row];
  return code < 0 ? null : column.dictionary[code];
}

/**
 * Business metrics over the given data rows (labelled rows when a label is configured), evaluated by
 * the core's declarative metric code. Column names resolve to `prediction`, `predicted_label`,
 * `label`, then data columns.
 */
export function businessMetrics(
  specs: readonly BusinessMetricSpec[],
  source: BusinessSource,
  rows: ArrayLike<number>,
): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const spec of specs) {
    const columns = businessMetricColumns(spec).map((name) => {
      const column =
        name === 'prediction' ? source.prediction : name === 'predicted_label' ? source.predictedLabel : name === 'label' ? source.label : source.data.get(name);
      if (!column) throw new Error(`business metric ${JSON.stringify(spec.name)}: column ${JSON.stringify(name)} is not in the data`);
      return [name, column] as const;
    });
    const objects: Row[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (source.label && cell(source.label, r) === null) continue;
      const o: Record<string, string | number | null> = {};
      for (const [name, column] of columns) o[name] = cell(column, r);
      objects.push(o);
    }
    const value = businessMetricFromAggregates(spec, businessAggregates(spec, objects));
    const a = value.aggregates;
    const samples = spec.kind === 'rate' || spec.kind === 'ratio' ? (spec.kind === 'rate' ? a.denominator : objects.length) : spec.kind === 'mean' ? a.count : objects.length;
    out[spec.name] = { value: value.value, samples: Math.round(samples), direction: spec.direction };
  }
  return out;
}
