/**
 * Window metrics from the label-join aggregates (`performanceQuery` → `parsePerformanceRows`),
 * through the core's metric functions.
 */
import { classificationFromConfusion, confusionFromCounts, regressionFromSums, type Direction } from '../core/metrics';
import type { Task } from '../core/schema/record-schema';
import type { PerformanceAggregates } from '../sql/performance-query';

export interface MetricValue {
  readonly value: number | null;
  readonly samples: number;
  readonly direction: Direction;
}

const orNull = (value: number | null, samples: number) => (samples > 0 ? value : null);

/**
 * The task's metrics for one window. A metric with no rows behind it (e.g. recall with no positive
 * label in the window) is null, never 0, so it cannot look like a collapse.
 */
export function windowMetrics(perf: PerformanceAggregates, task: Exclude<Task, 'ranking'>, positiveLabel?: string): Record<string, MetricValue> {
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

