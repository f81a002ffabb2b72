/**
 * The monitor's CloudWatch metrics: one catalogue, so the alarms and dashboards (lib/) and the
 * engine name the same metrics. Namespace `Driftwatch`; every metric carries `Env` and `Model`.
 *
 * | metric              | unit    | dimensions                         | from                           |
 * |---------------------|---------|------------------------------------|--------------------------------|
 * | PredictionCount     | Count   | Env, Model                         | each profiled hour (re-profiling re-emits an hour: alarm on Maximum) |
 * | WindowRows          | Count   | Env, Model, Window                 | each scored window             |
 * | DriftStatus         | None    | Env, Model, Window                 | 0 ok, 1 warning, 2 critical    |
 * | DriftedImportance   | None    | Env, Model, Window                 | share of importance drifted    |
 * | LabelCoverage       | None    | Env, Model, Window                 | labelled / rows (with labels)  |
 * | FeaturePsi          | None    | Env, Model, Window, Feature        | top-K features only            |
 * | FeatureDriftStatus  | None    | Env, Model, Window, Feature        | top-K features only            |
 * | MetricValue         | None    | Env, Model, Window, Metric         | each performance metric        |
 * | MetricRatio         | None    | Env, Model, Window, Metric         | value / baseline, once calibrated |
 * | ConceptDrift        | Count   | Env, Model, Window, Proxy          | ADWIN detections               |
 *
 * Per model: 1 + W × (4 + 2K + 2M + P) metrics (W windows, K top features, M metrics, P proxies);
 * `metricCount(model)` computes it, and a test holds it to the data actually emitted.
 */
import type { MetricDatum } from '../ports/metrics-sink';
import type { Status } from '../core/types';
import { metricsOf, proxiesOf, topFeatures, type MonitorModel } from './model';
import type { MonitorWindow } from './types';

export const METRICS_NAMESPACE = 'Driftwatch';

export const METRIC = {
  predictionCount: 'PredictionCount',
  windowRows: 'WindowRows',
  driftStatus: 'DriftStatus',
  driftedImportance: 'DriftedImportance',
  labelCoverage: 'LabelCoverage',
  featurePsi: 'FeaturePsi',
  featureDriftStatus: 'FeatureDriftStatus',
  metricValue: 'MetricValue',
  metricRatio: 'MetricRatio',
  conceptDrift: 'ConceptDrift',
} as const;

/** A status as a number alarms can compare: ok 0, warning 1, critical 2. */
export const STATUS_VALUE: Readonly<Record<Status, number>> = { ok: 0, warning: 1, critical: 2 };

/** Every metric (name and dimensions) a model can emit with these windows: the billed custom metrics. */
export function possibleMetrics(model: MonitorModel, windows: readonly string[]): { name: string; dimensions: Record<string, string> }[] {
  const base = { Env: model.env, Model: model.modelId };
  const out: { name: string; dimensions: Record<string, string> }[] = [{ name: METRIC.predictionCount, dimensions: base }];
  for (const Window of windows) {
    const w = { ...base, Window };
    for (const name of [METRIC.windowRows, METRIC.driftStatus, METRIC.driftedImportance, METRIC.labelCoverage]) out.push({ name, dimensions: w });
    for (const f of topFeatures(model)) for (const name of [METRIC.featurePsi, METRIC.featureDriftStatus]) out.push({ name, dimensions: { ...w, Feature: f.name } });
    for (const m of metricsOf(model)) for (const name of [METRIC.metricValue, METRIC.metricRatio]) out.push({ name, dimensions: { ...w, Metric: m.name } });
    for (const proxy of proxiesOf(model)) out.push({ name: METRIC.conceptDrift, dimensions: { ...w, Proxy: proxy } });
  }
  return out;
}

/** How many custom metrics a model bills: 1 + W × (4 + 2K + 2M + P), as `possibleMetrics` lists them. */
export function metricCount(model: MonitorModel, windows: number): number {
  return possibleMetrics(model, Array.from({ length: windows }, (_, i) => `${i + 1}d`)).length;
}

/** The hourly traffic metric. */
export function hourMetrics(model: MonitorModel, hour: Date, rows: number): MetricDatum[] {
  return [{ name: METRIC.predictionCount, unit: 'Count', value: rows, dimensions: { Env: model.env, Model: model.modelId }, timestamp: hour }];
}

/**
 * A judged window's metrics, stamped at the window's end. Drift metrics only when drift was judged
 * (not for a window with too few rows); per-feature metrics only for the top-K by importance.
 */
export function windowMetricData(model: MonitorModel, windowName: string, w: MonitorWindow, at: Date): MetricDatum[] {
  const base = { Env: model.env, Model: model.modelId, Window: windowName };
  const out: MetricDatum[] = [];
  const put = (name: string, value: number | null, unit: MetricDatum['unit'], extra: Record<string, string> = {}) => {
    if (value === null || !Number.isFinite(value)) return;
    out.push({ name, unit, value, dimensions: { ...base, ...extra }, timestamp: at });
  };
  put(METRIC.windowRows, w.rows, 'Count');
  if (!w.sample) {
    put(METRIC.driftStatus, STATUS_VALUE[w.drift.status], 'None');
    put(METRIC.driftedImportance, w.drift.driftedImportance, 'None');
    const byName = new Map(w.features.map((f) => [f.name, f]));
    for (const f of topFeatures(model)) {
      const judged = byName.get(f.name);
      if (!judged) continue;
      put(METRIC.featurePsi, judged.psi, 'None', { Feature: f.name });
      put(METRIC.featureDriftStatus, STATUS_VALUE[judged.status], 'None', { Feature: f.name });
    }
  }
  if (model.columns.label && w.rows > 0) put(METRIC.labelCoverage, w.labelled / w.rows, 'None');
  for (const [name, m] of Object.entries(w.metrics)) {
    put(METRIC.metricValue, m.value, 'None', { Metric: name });
    put(METRIC.metricRatio, m.ratio, 'None', { Metric: name });
  }
  for (const proxy of proxiesOf(model)) put(METRIC.conceptDrift, w.concept.includes(proxy) ? 1 : 0, 'Count', { Proxy: proxy });
  return out;
}
