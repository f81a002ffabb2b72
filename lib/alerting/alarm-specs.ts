/**
 * What a model's alarms are, as plain data: the metric (from the monitor's catalogue, or the monitor's
 * own health), the threshold, how CloudWatch evaluates it and where it routes. `ModelAlarms` turns each
 * spec into an alarm; the stack-size estimate counts them; the tests read them back from the template.
 *
 * Periods follow how often each metric is emitted (`lambda/monitor/metrics.ts`):
 * - window metrics (DriftStatus, FeatureDriftStatus, MetricRatio, LabelCoverage) are emitted once per
 *   score run, stamped at the window's end: period = the `schedules.score` rate, 1 datapoint of 1, so
 *   each alarm follows the latest run. Missing data is not breaching: no datapoint means no verdict
 *   (calibrating, too few rows, the ratio before calibration), never drift.
 * - PredictionCount is emitted once per profiled hour (re-emitted when re-profiled: Maximum): period
 *   1 hour, `hours` of `hours` datapoints ≤ 0, missing data breaching (no profile run is no traffic seen).
 * - the functions' Errors (Sum over 1 hour) and the dead-letter queue's visible messages (Maximum over
 *   5 minutes), as the monitor's metric methods give them; missing data is not breaching.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ModelConfig, OwnerConfig } from '../../config/schema';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import { METRIC, METRICS_NAMESPACE, possibleMetrics } from '../../lambda/monitor/metrics';
import { metricsOf } from '../../lambda/monitor/model';
import { SIGNAL, type Severity } from './naming';
import { schedulePeriod } from './schedule-period';
import {
  MONITOR_HEALTH_THRESHOLDS, RATIO_THRESHOLDS, STATUS_THRESHOLDS,
  type CoverageThreshold, type CustomAlarmOptions, type MonitorHealthThresholds, type NoTrafficThreshold, type SeverityThresholds, type StatusThreshold,
} from './thresholds';

/** A metric of the monitor's catalogue, with the statistic the alarm aggregates it by. */
export interface CatalogueMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Maximum' | 'Minimum';
}

export type AlarmSource =
  | { readonly kind: 'catalogue'; readonly metric: CatalogueMetric }
  | { readonly kind: 'function-errors' }
  | { readonly kind: 'dead-letters' };

/**
 * Where an alarm goes. `page`: Warning to the model owner's warning topic, Critical through the
 * model-critical composite to the owner's critical topic. `notify`: both to the owner's warning topic.
 * `owner`: Warning and Critical to that owner's warning and critical topics.
 */
export type AlarmRoute = { readonly kind: 'page' | 'notify' } | { readonly kind: 'owner'; readonly owner: OwnerConfig };

export interface AlarmSpec {
  readonly signal: string;
  readonly severity: Severity;
  readonly source: AlarmSource;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly route: AlarmRoute;
  readonly description: string;
}

/** What every spec of one model needs. */
export interface SpecContext {
  readonly env: string;
  readonly model: ModelConfig;
}

const PAGE: AlarmRoute = { kind: 'page' };
const HOUR = Duration.hours(1);
const C = cloudwatch.ComparisonOperator;
const MISSING = cloudwatch.TreatMissingData;

/** The score schedule's rate: the period of every window metric's alarm. */
export function windowPeriod(model: ModelConfig): Duration {
  return schedulePeriod(model.schedules.score, `model ${model.id}: schedules.score`);
}

/** The catalogue entry of `name` whose dimensions include `match`. @throws Error when the monitor never emits it */
export function catalogueMetric(ctx: SpecContext, name: string, match: Record<string, string>, statistic: CatalogueMetric['statistic']): CatalogueMetric {
  const monitorModel = monitorModelFromConfig(ctx.env, ctx.model);
  const found = possibleMetrics(monitorModel, ctx.model.monitor.windows.map((w) => w.name)).find(
    (m) => m.name === name && Object.entries(match).every(([k, v]) => m.dimensions[k] === v),
  );
  if (!found) throw new Error(`model ${ctx.model.id}: the monitor emits no ${name} with ${JSON.stringify(match)} (per-feature metrics exist for the top ${ctx.model.monitor.topK} features only)`);
  return { namespace: METRICS_NAMESPACE, name, dimensions: found.dimensions, statistic };
}

function evaluation(options: CustomAlarmOptions, period: Duration, missing: cloudwatch.TreatMissingData) {
  const evaluationPeriods = options.evaluationPeriods ?? 1;
  return { period: options.period ?? period, evaluationPeriods, datapointsToAlarm: options.datapointsToAlarm ?? evaluationPeriods, treatMissingData: options.treatMissingData ?? missing };
}

function each<T>(thresholds: SeverityThresholds<T>, build: (severity: Severity, t: T) => AlarmSpec): AlarmSpec[] {
  return (['Warning', 'Critical'] as const).flatMap((s) => (thresholds[s] ? [build(s, thresholds[s] as T)] : []));
}

function about(ctx: SpecContext, text: string): string {
  return `Driftwatch ${ctx.env}/${ctx.model.id}: ${text}`.slice(0, 1024);
}

function statusSpecs(ctx: SpecContext, signal: string, metric: CatalogueMetric, what: string, thresholds: SeverityThresholds<StatusThreshold>, route: AlarmRoute): AlarmSpec[] {
  return each(thresholds, (severity, t) => ({
    signal, severity, route, source: { kind: 'catalogue', metric }, threshold: t.minStatus, comparison: C.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ...evaluation(t, windowPeriod(ctx.model), MISSING.NOT_BREACHING),
    description: about(ctx, `${what} (${metric.name}: 0 ok, 1 warning, 2 critical) >= ${t.minStatus}, from the latest score run (${ctx.model.schedules.score}); no datapoint (calibrating, too few rows) is not drift.`),
  }));
}

/** Dataset drift of one window: Maximum of DriftStatus ≥ 1 / ≥ 2. */
export function datasetDriftSpecs(ctx: SpecContext, window: string, thresholds = STATUS_THRESHOLDS): AlarmSpec[] {
  const metric = catalogueMetric(ctx, METRIC.driftStatus, { Window: window }, 'Maximum');
  return statusSpecs(ctx, SIGNAL.drift(window), metric, `dataset drift in window ${window}`, thresholds, PAGE);
}

/** The route of a feature's alarms from `alerting.features` (page when left out). */
export function featureRoute(model: ModelConfig, feature: string): AlarmRoute {
  const r = model.alerting.features[feature];
  if (!r || r.route === 'page') return PAGE;
  if (r.route === 'notify') return { kind: 'notify' };
  if (!r.owner) throw new Error(`model ${model.id}: alerting.features.${feature} routes to "owner" without one`);
  return { kind: 'owner', owner: r.owner };
}

/** One top-K feature's drift in one window: Maximum of FeatureDriftStatus ≥ 1 / ≥ 2. */
export function featureDriftSpecs(ctx: SpecContext, window: string, feature: string, thresholds = STATUS_THRESHOLDS, route = featureRoute(ctx.model, feature)): AlarmSpec[] {
  const metric = catalogueMetric(ctx, METRIC.featureDriftStatus, { Window: window, Feature: feature }, 'Maximum');
  return statusSpecs(ctx, SIGNAL.feature(feature, window), metric, `drift of feature ${feature} in window ${window}`, thresholds, route);
}

/** A performance or business metric's ratio to its calibrated baseline: Minimum of MetricRatio ≤ 0.9 / ≤ 0.8. */
export function metricRatioSpecs(ctx: SpecContext, window: string, name: string, thresholds = RATIO_THRESHOLDS): AlarmSpec[] {
  const metric = catalogueMetric(ctx, METRIC.metricRatio, { Window: window, Metric: name }, 'Minimum');
  return each(thresholds, (severity, t) => ({
    signal: SIGNAL.metric(name, window), severity, route: PAGE, source: { kind: 'catalogue', metric }, threshold: t.maxRatio, comparison: C.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    ...evaluation(t, windowPeriod(ctx.model), MISSING.NOT_BREACHING),
    description: about(ctx, `${name} in window ${window} at or below ${t.maxRatio} of its calibrated baseline (MetricRatio, lower is worse); none is published while the baseline calibrates.`),
  }));
}

/** Labelled rows / rows of one window below the floor: Minimum of LabelCoverage < floor. */
export function labelCoverageSpecs(ctx: SpecContext, window: string, thresholds: SeverityThresholds<CoverageThreshold>): AlarmSpec[] {
  const metric = catalogueMetric(ctx, METRIC.labelCoverage, { Window: window }, 'Minimum');
  return each(thresholds, (severity, t) => ({
    signal: SIGNAL.labelCoverage(window), severity, route: PAGE, source: { kind: 'catalogue', metric }, threshold: t.minCoverage, comparison: C.LESS_THAN_THRESHOLD,
    ...evaluation(t, windowPeriod(ctx.model), MISSING.NOT_BREACHING),
    description: about(ctx, `label coverage of window ${window} below ${t.minCoverage}: the performance metrics rest on too few labels.`),
  }));
}

/** No predictions for `hours` hours: Maximum of PredictionCount ≤ 0 in each of `hours` 1-hour periods, missing data breaching. */
export function noTrafficSpecs(ctx: SpecContext, thresholds: SeverityThresholds<NoTrafficThreshold>): AlarmSpec[] {
  const metric = catalogueMetric(ctx, METRIC.predictionCount, {}, 'Maximum');
  return each(thresholds, (severity, t) => ({
    signal: SIGNAL.noTraffic, severity, route: PAGE, source: { kind: 'catalogue', metric }, threshold: 0, comparison: C.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    period: HOUR, evaluationPeriods: t.hours, datapointsToAlarm: t.hours, treatMissingData: MISSING.BREACHING,
    description: about(ctx, `no predictions profiled in each of the last ${t.hours} hours (PredictionCount; no datapoint counts as none).`),
  }));
}

/** The monitor's own health: Warning on failed attempts (function Errors), Critical on runs in the dead-letter queue. */
export function monitorHealthSpecs(ctx: SpecContext, thresholds: MonitorHealthThresholds = MONITOR_HEALTH_THRESHOLDS): AlarmSpec[] {
  const out: AlarmSpec[] = [];
  const base = { signal: SIGNAL.monitorHealth, route: PAGE, comparison: C.GREATER_THAN_THRESHOLD } as const;
  if (thresholds.Warning) {
    out.push({ ...base, severity: 'Warning', source: { kind: 'function-errors' }, threshold: thresholds.Warning.maxErrors, ...evaluation(thresholds.Warning, HOUR, MISSING.NOT_BREACHING),
      description: about(ctx, `more than ${thresholds.Warning.maxErrors} failed profile or score attempts in an hour (Lambda retries them; see the functions' logs).`) });
  }
  if (thresholds.Critical) {
    out.push({ ...base, severity: 'Critical', source: { kind: 'dead-letters' }, threshold: thresholds.Critical.maxMessages, ...evaluation(thresholds.Critical, Duration.minutes(5), MISSING.NOT_BREACHING),
      description: about(ctx, 'monitor runs failed after their retries and wait in the dead-letter queue (with the event and the error): an hour or window went unmonitored; redrive or purge the queue to resolve.') });
  }
  return out;
}

/**
 * The alarms `model.alerting` asks for: per window, dataset drift, each top-K feature's drift, each
 * metric's ratio and (with labels, floor above 0) label coverage; no traffic; the monitor's health.
 */
export function defaultAlarmSpecs(env: string, model: ModelConfig): AlarmSpec[] {
  const ctx = { env, model };
  const monitorModel = monitorModelFromConfig(env, model);
  const windows = model.monitor.windows.map((w) => w.name);
  const byName = (name: string) => possibleMetrics(monitorModel, windows).filter((m) => m.name === name);
  const floor = model.alerting.labelCoverageFloor;
  return [
    ...windows.flatMap((w) => datasetDriftSpecs(ctx, w)),
    ...byName(METRIC.featureDriftStatus).flatMap((m) => featureDriftSpecs(ctx, m.dimensions.Window, m.dimensions.Feature)),
    ...windows.flatMap((w) => metricsOf(monitorModel).flatMap((m) => metricRatioSpecs(ctx, w, m.name))),
    ...(monitorModel.columns.label && floor > 0 ? windows.flatMap((w) => labelCoverageSpecs(ctx, w, { Warning: { minCoverage: floor } })) : []),
    ...noTrafficSpecs(ctx, { Warning: { hours: model.alerting.noTrafficHours } }),
    ...monitorHealthSpecs(ctx),
  ];
}
