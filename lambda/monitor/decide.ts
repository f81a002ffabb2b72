/**
 * Step 3 of the engine, pure: from a window's measures and the state the previous window left,
 * decide everything — calibration once the baseline is complete, metric statuses against it, ADWIN
 * on the hourly proxies (each hour once), since when each feature drifts, the signals and the alerts
 * they raise or resolve. No I/O: the Lambda and the backtest hand it the same inputs and get the
 * same window, alerts and next state.
 */
import { Adwin } from '../core/adwin';
import { decideAlerts, featurePagingStatus, signalKey, type Alert, type Resolution, type Signal } from '../core/alerts';
import { calibrate, persistLoweredFloor, ratioToBaseline, statusFor, type Calibration } from '../core/calibration';
import { distanceOf } from '../core/compare/assemble';
import { CRITICAL_IMPORTANCE_CRITICAL, DRIFTED_IMPORTANCE_CRITICAL, worst } from '../core/severity';
import { dict } from '../core/own';
import type { Status } from '../core/types';
import type { Direction } from '../core/metrics';
import { thresholdsOf } from './drift-bands';
import { bandNote, num, redundantNote } from './messages';
import { PROXIES, proxiesOf, type MonitorModel } from './model';
import type { MonitorReference } from './reference';
import type { HourBatch, WindowMeasures } from './score';
import type { MonitorState } from './state';
import type { CalibrationReport, MonitorWindow, WindowFeature, WindowMetric } from './types';

export interface DecideContext {
  readonly model: MonitorModel;
  readonly reference: MonitorReference;
  /** Every metric judged, with its direction (`metricsOf(model)`). */
  readonly metrics: readonly { readonly name: string; readonly direction: Direction }[];
}

export interface Decided {
  readonly state: MonitorState;
  readonly window: MonitorWindow;
  readonly alerts: readonly Alert[];
  readonly resolutions: readonly Resolution[];
}

/** A window's start as results name it: the row offset of a row window, else the ISO time. */
function startOf(m: WindowMeasures): number | string {
  return m.span.startRow ?? m.span.start.toISOString();
}

/** Calibrates every metric on the baseline windows collected so far (refusals say why). */
export function calibrateBaseline(
  ctx: DecideContext,
  baseline: MonitorState['baseline'],
): Record<string, CalibrationReport> {
  const out = dict<CalibrationReport>(); // metric names are keys: `__proto__` too
  for (const { name, direction } of ctx.metrics) {
    const windows = Object.hasOwn(baseline, name) ? baseline[name] : [];
    const r = calibrate(name, direction, windows, { minWindows: ctx.model.baseline.windows, minSamples: ctx.model.baseline.minSamples });
    out[name] = r.ok ? { ok: true, ...r.calibration } : { ok: false, metric: name, reason: r.error.kind, message: r.error.message };
  }
  return out;
}

/** ADWIN per proxy over the hours not fed before; the detections with the running means around each cut. */
function feedAdwin(model: MonitorModel, state: MonitorState, batches: readonly HourBatch[]) {
  const fresh = batches.filter((b) => state.adwinFedThrough === null || b.hour > state.adwinFedThrough);
  const adwin: Record<string, MonitorState['adwin'][string]> = { ...state.adwin };
  const detections: { proxy: string; before: number; after: number }[] = [];
  for (const proxy of proxiesOf(model)) {
    const pick = proxy === PROXIES.meanScore ? (b: HourBatch) => b.predictions.meanScore : (b: HourBatch) => b.predictions.positiveRate;
    const detector = Object.hasOwn(adwin, proxy) ? Adwin.fromJSON(adwin[proxy]) : new Adwin();
    for (const b of fresh) {
      const x = pick(b);
      if (x === null) continue;
      const before = detector.estimation;
      if (detector.update(x)) detections.push({ proxy, before, after: detector.estimation });
    }
    adwin[proxy] = detector.toJSON();
  }
  const fedThrough = fresh.length > 0 ? fresh[fresh.length - 1].hour : state.adwinFedThrough;
  return { adwin, fedThrough, detections };
}

/** Pools hourly aggregates: mean score over rows, positive rate over labelled predictions. */
function pooledProxies(batches: readonly HourBatch[]): MonitorWindow['proxies'] {
  let count = 0;
  let sum = 0;
  let positive = 0;
  let predicted = 0;
  let anyRate = false;
  for (const { predictions: b } of batches) {
    count += b.count;
    sum += b.sum;
    if (b.positiveRate !== null) {
      anyRate = true;
      const n = Object.values(b.labelCounts).reduce((a, c) => a + c, 0);
      positive += b.positiveRate * n;
      predicted += n;
    }
  }
  return { meanScore: count > 0 ? sum / count : null, positiveRate: anyRate && predicted > 0 ? positive / predicted : null };
}

/** The features as results show them: display names, impact order, since when each drifts. */
function windowFeatures(ctx: DecideContext, m: WindowMeasures, since: Record<string, number | string>): WindowFeature[] {
  const nameOf = new Map(ctx.model.features.map((f) => [f.id, f.name]));
  return m.report.features.map((f) => {
    const name = nameOf.get(f.name) ?? f.name;
    const distance = distanceOf(f, f.test);
    return {
      name,
      kind: f.kind,
      status: f.status,
      psi: f.psi,
      impact: f.impact,
      importance: f.importance,
      jensenShannon: f.jensenShannon,
      pValue: f.ks?.pValue ?? f.chiSquared?.pValue ?? null,
      missingRate: f.missingRate.current,
      reasons: f.reasons,
      ...(f.test !== undefined && { test: f.test }),
      ...(distance !== null && { distance }),
      ...(Object.hasOwn(since, name) && { since: since[name] }),
    };
  });
}

/** Since when each feature drifts: kept while it stays in warning or critical, cleared once ok. */
function nextSince(previous: MonitorState['since'], m: WindowMeasures, nameOf: (id: string) => string): Record<string, number | string> {
  const since = dict<number | string>(); // feature names are keys: `__proto__` too
  for (const f of m.report.features) {
    const name = nameOf(f.name);
    if (f.status !== 'ok') since[name] = Object.hasOwn(previous, name) ? previous[name] : startOf(m);
  }
  return since;
}

/** The drift signals: the dataset, then each feature (paging with hysteresis). */
function driftSignals(ctx: DecideContext, m: WindowMeasures, state: MonitorState, features: readonly WindowFeature[], where: string): Signal[] {
  const model = `model ${ctx.model.modelId}`;
  const summary = m.report.summary;
  const nameOf = (id: string) => ctx.model.features.find((f) => f.id === id)?.name ?? id;
  const drifted = summary.drifted.map(nameOf);
  const referenceNote = `baseline: reference of ${ctx.reference.rows.toLocaleString('en-US')} rows`;
  const signals: Signal[] = [
    {
      kind: 'drift',
      status: summary.status,
      value: summary.driftedImportance,
      message:
        `${model}: dataset drift ${summary.status} in ${where}: ${drifted.length} of ${features.length} features drifted` +
        `${drifted.length ? ` (${drifted.slice(0, 5).join(', ')}${drifted.length > 5 ? ', ...' : ''})` : ''}, ` +
        `${(summary.driftedImportance * 100).toFixed(0)}% of the importance drifted (critical at ${DRIFTED_IMPORTANCE_CRITICAL * 100}% drifted or ${CRITICAL_IMPORTANCE_CRITICAL * 100}% critical)` +
        `${redundantNote(summary.redundant, nameOf)}; ${referenceNote}`,
    },
  ];
  for (const [i, f] of features.entries()) {
    const id = m.report.features[i].name;
    const t = thresholdsOf(ctx.reference.drift, id);
    signals.push({
      kind: 'drift',
      feature: f.name,
      // A feature pages when it turns critical and resolves once back to ok (not while it hovers
      // in warning); its warnings count in the dataset-level signal.
      status: featurePagingStatus(f.status, state.alerts[signalKey({ kind: 'drift', feature: f.name })]),
      value: f.psi,
      threshold: t.psiCritical,
      message:
        `${model}: feature ${JSON.stringify(f.name)} drift critical in ${where}: PSI ${num(f.psi)} ` +
        `(warning ${num(t.psiWarning)}, critical ${num(t.psiCritical)}${bandNote(ctx.reference.drift, id)}; importance ${(f.importance * 100).toFixed(0)}%)` +
        `${f.reasons.length ? `: ${f.reasons.join('; ')}` : ''}; ${referenceNote}`,
    });
  }
  return signals;
}

/**
 * The rows performance is judged on: the labelled rows when the model has a label (its metrics and
 * business metrics are computed over them), else every row (business metrics over predictions).
 */
function performanceRows(model: MonitorModel, m: Pick<WindowMeasures, 'rows' | 'labelled'>): number {
  return model.columns.label ? m.labelled : m.rows;
}

/**
 * Metric values with their status against the calibration (null during the baseline), and their
 * signals. With fewer rows behind them than `model.minRows` (`tooFewRows`) the values are kept but
 * not judged: no status, no ratio to the baseline (the alarms' MetricRatio is not published), no
 * signal, so a window with a handful of labels neither alerts nor resolves on performance.
 */
function judgeMetrics(ctx: DecideContext, m: WindowMeasures, calibration: MonitorState['calibration'], inBaseline: boolean, where: string, tooFewRows: boolean) {
  const metrics = dict<WindowMetric>();
  const signals: Signal[] = [];
  const baselineWindows = ctx.model.baseline.windows;
  for (const { name, direction } of ctx.metrics) {
    if (!Object.hasOwn(m.metrics, name)) continue;
    const v = m.metrics[name];
    const report = calibration && Object.hasOwn(calibration, name) ? calibration[name] : null;
    const cal: Calibration | null = report?.ok && !tooFewRows ? report : null;
    const status = !inBaseline && cal && v.value !== null ? statusFor(v.value, cal) : null;
    metrics[name] = { value: v.value, samples: v.samples, direction, status, ratio: cal && v.value !== null ? ratioToBaseline(v.value, cal) : null };
    if (status === null || !cal) continue;
    const side = direction === 'higher_is_better' ? 'below' : 'above';
    const threshold = status === 'critical' ? cal.critical : cal.warning;
    signals.push({
      kind: 'performance',
      metric: name,
      status,
      value: v.value,
      threshold: status === 'ok' ? cal.warning : threshold,
      baseline: cal.baseline,
      message:
        `model ${ctx.model.modelId}: ${name} ${num(v.value)} is ${status} in ${where}: ${side} the ${status} threshold ${num(threshold)} ` +
        `(baseline ${num(cal.baseline)} from windows 0–${baselineWindows - 1}, warning ${num(cal.warning)}, critical ${num(cal.critical)}; ${v.samples.toLocaleString('en-US')} rows)`,
    });
  }
  return { metrics, signals };
}

/** One concept-drift signal per proxy: warning in a window where ADWIN cut its window. */
function conceptSignals(ctx: DecideContext, detections: readonly { proxy: string; before: number; after: number }[], where: string): Signal[] {
  return proxiesOf(ctx.model).map((proxy) => {
    const first = detections.find((c) => c.proxy === proxy);
    return {
      kind: 'concept' as const,
      metric: proxy,
      status: first ? ('warning' as const) : ('ok' as const),
      value: first?.after ?? null,
      baseline: first?.before ?? null,
      message: first
        ? `model ${ctx.model.modelId}: concept drift suspected in ${where}: ADWIN detected a change in ${proxy.replace('_', ' ')} ` +
          `(running mean ${num(first.before)} before the cut, ${num(first.after)} after)`
        : `model ${ctx.model.modelId}: ${proxy} stable in ${where}`,
    };
  });
}

/**
 * The lowered effect-size floor over consecutive windows (`persistLoweredFloor`): features over it for
 * long enough turn critical, and the runs go to the next state. A window that judges no drift (no
 * traffic, too few rows) keeps the runs as they were. The dataset-level status keeps the default
 * floors: it asks whether enough of the model's signal moved, the lowered floor is one feature's.
 */
function judgeLoweredFloor(state: MonitorState, m: WindowMeasures, ctx: DecideContext, judged: boolean) {
  const previous = state.lowered ?? {};
  if (!judged) return { m, lowered: previous };
  const importanceConfigured = ctx.model.features.some((f) => (f.importance ?? 0) > 0);
  const persisted = persistLoweredFloor(m.report.features, ctx.reference.drift.lowered ?? {}, previous, { importanceConfigured });
  return { m: { ...m, report: { ...m.report, features: persisted.features } }, lowered: persisted.runs };
}

/**
 * Decides one window. A window with no rows raises the traffic signal and judges nothing else; one
 * with fewer than `model.minRows` rows judges no drift ("too few rows"), so neither can alert on drift;
 * one with fewer than `model.minRows` labelled rows (every row without a label) judges no performance
 * (`performanceSample`), however many rows it holds.
 *
 * @example
 *   let state = initialState('fraud', '1d');
 *   for (const m of measuredWindows) { const d = decideWindow(state, m, ctx); alerts.push(...d.alerts); state = d.state; }
 */
export function decideWindow(state: MonitorState, measured: WindowMeasures, ctx: DecideContext): Decided {
  const index = state.windows;
  const where = `window ${index} (${measured.span.label})`;
  const nameOf = (id: string) => ctx.model.features.find((f) => f.id === id)?.name ?? id;
  const inBaseline = state.calibration === null;
  const noTraffic = measured.rows === 0;
  const tooFew = !noTraffic && measured.rows < ctx.model.minRows;
  const { m, lowered } = judgeLoweredFloor(state, measured, ctx, !noTraffic && !tooFew);

  // Performance needs as many rows behind it (labelled rows, with a label) as drift does.
  const judgedRows = performanceRows(ctx.model, m);
  const tooFewForPerformance = ctx.metrics.length > 0 && judgedRows < ctx.model.minRows;

  const since = noTraffic || tooFew ? { ...state.since } : nextSince(state.since, m, nameOf);
  const features = windowFeatures(ctx, m, since);
  const { metrics, signals: metricSignals } = judgeMetrics(ctx, m, state.calibration, inBaseline, where, tooFewForPerformance);
  const fed = feedAdwin(ctx.model, state, m.batches);
  const signals: Signal[] = [
    {
      kind: 'traffic',
      status: noTraffic ? 'warning' : 'ok',
      value: m.rows,
      message: noTraffic ? `model ${ctx.model.modelId}: no predictions in ${where}` : `model ${ctx.model.modelId}: ${m.rows} predictions in ${where}`,
    },
    ...(noTraffic || tooFew ? [] : driftSignals(ctx, m, state, features, where)),
    ...metricSignals,
    ...conceptSignals(ctx, fed.detections, where),
  ];
  const decided = decideAlerts(state.alerts, signals, index);

  const { baseline, calibration } = nextBaseline(state, m, ctx, index);

  const window = windowRecord(m, ctx, { index, inBaseline, noTraffic, tooFew, tooFewForPerformance, judgedRows }, features, metrics, fed.detections);
  const next: MonitorState = {
    ...state,
    windows: index + 1,
    lastEnd: m.span.end.toISOString(),
    alerts: decided.state,
    adwin: fed.adwin,
    adwinFedThrough: fed.fedThrough,
    baseline: calibration === null ? baseline : {},
    calibration,
    since,
    lowered,
  };
  return { state: next, window, alerts: decided.alerts, resolutions: decided.resolutions };
}

/** The metrics' baseline with this window's values while it lasts, and the calibration once it is complete. */
function nextBaseline(state: MonitorState, m: WindowMeasures, ctx: DecideContext, index: number): Pick<MonitorState, 'baseline' | 'calibration'> {
  if (state.calibration !== null) return { baseline: state.baseline, calibration: state.calibration };
  const baseline = Object.fromEntries(
    ctx.metrics.map(({ name }) => {
      const v = Object.hasOwn(m.metrics, name) ? m.metrics[name] : undefined;
      const before = Object.hasOwn(state.baseline, name) ? state.baseline[name] : [];
      return [name, [...before, { value: v?.value ?? null, sampleSize: v?.samples ?? 0 }]];
    }),
  );
  return { baseline, calibration: index + 1 >= ctx.model.baseline.windows ? calibrateBaseline(ctx, baseline) : null };
}

/** How much of the window was judged: its index, the baseline, and the samples too small for drift or performance. */
interface Judged {
  readonly index: number;
  readonly inBaseline: boolean;
  readonly noTraffic: boolean;
  readonly tooFew: boolean;
  readonly tooFewForPerformance: boolean;
  readonly judgedRows: number;
}

/** The window as reported: its status (the worst of drift and metrics), drift, features, metrics and samples. */
function windowRecord(m: WindowMeasures, ctx: DecideContext, j: Judged, features: MonitorWindow['features'], metrics: MonitorWindow['metrics'], detections: readonly { proxy: string }[]): MonitorWindow {
  const nameOf = (id: string) => ctx.model.features.find((f) => f.id === id)?.name ?? id;
  const unjudged = j.noTraffic || j.tooFew;
  const summary = m.report.summary;
  const driftStatus: Status = unjudged ? 'ok' : summary.status;
  let status: Status = driftStatus;
  for (const v of Object.values(metrics)) if (v.status) status = worst(status, v.status);
  return {
    index: j.index,
    start: startOf(m),
    end: m.span.endRow ?? m.span.end.toISOString(),
    rows: m.rows,
    status,
    partial: m.span.partial ?? false,
    baseline: j.inBaseline,
    labelled: m.labelled,
    drift: { status: driftStatus, drifted: unjudged ? [] : summary.drifted.map(nameOf), driftedImportance: unjudged ? 0 : summary.driftedImportance },
    features,
    metrics,
    proxies: pooledProxies(m.batches),
    concept: [...new Set(detections.map((c) => c.proxy))],
    ...(j.noTraffic && { sample: { rows: 0, minRows: ctx.model.minRows, reason: 'no traffic: no predictions in the window' } }),
    ...(j.tooFew && { sample: { rows: m.rows, minRows: ctx.model.minRows, reason: `too few rows: ${m.rows} < ${ctx.model.minRows}, drift not judged` } }),
    ...(j.tooFewForPerformance && {
      performanceSample: {
        rows: j.judgedRows,
        minRows: ctx.model.minRows,
        reason: `too few rows: ${j.judgedRows}${ctx.model.columns.label ? ' labelled' : ''} < ${ctx.model.minRows}, performance not judged`,
      },
    }),
    ...(m.span.hours && { hours: m.span.hours }),
  };
}
