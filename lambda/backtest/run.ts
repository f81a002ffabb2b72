/**
 * `runBacktest`: replays history through the monitor exactly as production would see it — the same
 * hourly profile SQL (all hours in one grouped scan), the same window merge and profile comparison,
 * the same label-join performance SQL, calibration, ADWIN state carried between windows and the same
 * alert decisions — and returns one result per window plus the alerts that would have fired.
 */
import * as path from 'path';
import { InputError } from '../adapters/local/errors';
import { openDuckDbEngine, type DuckDbEngine } from '../adapters/local/duckdb-engine';
import { readDataset } from '../adapters/local/read-dataset';
import { Adwin, type AdwinState } from '../core/adwin';
import { decideAlerts, featurePagingStatus, signalKey, type Alert, type AlertState, type Resolution, type Signal } from '../core/alerts';
import { calibrate, ratioToBaseline, statusFor, type Calibration } from '../core/calibration';
import { compareProfiles } from '../core/compare';
import { distanceOf } from '../core/compare/assemble';
import { fitDatasetProfile } from '../core/profile';
import type { ModelRecordSpec } from '../core/schema/record-schema';
import { CRITICAL_IMPORTANCE_CRITICAL, DRIFTED_IMPORTANCE_CRITICAL, resolveThresholds, worst, type ResolvedThresholds } from '../core/severity';
import { PROFILE_FORMAT, type Column, type Dataset, type DatasetProfile, type DriftReport, type FeatureKind, type FeatureSpec, type Status } from '../core/types';
import type { TableEngine } from '../ports/query-engine';
import { groupedProfileAccumulator, psiEdgesAreFineEdges, rowsToColumns, type ResultColumns } from '../sql/grouped-profile';
import type { PredictionAggregates } from '../sql/parse-profile';
import { parsePerformanceRows, performanceQuery } from '../sql/performance-query';
import { profileQuery } from '../sql/profile-query';
import { HOUR_MS, hoursOf, rowBatching, rowsByWindow, timeBatching, type Batching, type WindowSpan } from './batches';
import { featureIdentifiers, findColumn, sliceColumn, sqlName, toCategorical, toNumeric, withKind } from './columns';
import { BacktestConfigError, DEFAULT_BASELINE_WINDOWS, DEFAULT_MODEL_ID, inferTask, parseEvery, type BacktestConfig, type BacktestTask } from './config';
import { calibrateDrift, driftBandsEnabled, referenceWindows, reportDriftBands, type CalibratedDrift } from './drift-bands';
import { dropHistory, loadHistory } from './load';
import { builtInMetrics, businessMetrics, defaultKeyMetric, windowMetrics, type MetricValue } from './performance';
import {
  BACKTEST_FORMAT,
  type BacktestCalibration,
  type BacktestMetric,
  type BacktestResult,
  type BacktestWindow,
  type BacktestWindowFeature,
} from './types';

export interface RunBacktestInput {
  /** The data: feature columns plus the prediction/label columns the config names. */
  readonly data: Dataset;
  readonly config: BacktestConfig;
  readonly onProgress?: (message: string) => void;
  /** A table-capable engine (DuckDB); left out, an in-memory DuckDB is opened and closed. */
  readonly engine?: TableEngine;
  /** How messages name the data (usually its path). @default 'data' */
  readonly dataName?: string;
  /** The reference when `config.reference` is `{ file }` (read from that path, relative to `baseDir`, otherwise). */
  readonly reference?: Dataset;
  /** Directory `config.reference.file` is resolved against. @default process.cwd() */
  readonly baseDir?: string;
}

/** ADWIN proxies: the mean score, and the positive rate of a binary classifier. */
const PROXIES = { meanScore: 'mean_score', positiveRate: 'positive_rate' } as const;

let runs = 0;

/** Numbers in messages: up to 4 significant decimals, thousands separated for counts. */
function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (Number.isInteger(x) && Math.abs(x) >= 1000) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  return a !== 0 && (a < 0.001 || a >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** ", raised to the reference's variation over N windows" for a feature whose thresholds the drift band raised. */
function bandNote(p: Prepared, id: string): string {
  const bands = p.drift.bands;
  return bands?.ok && p.drift.raised.has(id) ? `, raised to the reference's variation over ${bands.windows} windows` : '';
}

/** "; month, emp.var.rate count as one (the same fact in the reference)" for each group of re-encodings. */
function redundantNote(groups: readonly (readonly string[])[] | undefined, p: Prepared): string {
  if (!groups || groups.length === 0) return '';
  const named = groups.map((g) => g.map((id) => p.originalName.get(id) ?? id).join(', '));
  return `; ${named.map((g) => `${g} count as one`).join('; ')} (the same fact in the reference)`;
}

function spanLabel(w: WindowSpan): string {
  if (w.startRow !== null) return `rows ${w.startRow.toLocaleString('en-US')}–${(w.endRow as number).toLocaleString('en-US')}`;
  const iso = (h: number) => new Date(h * HOUR_MS).toISOString().replace(':00:00.000Z', 'h').replace('T00h', '');
  return `${iso(w.startHour)} – ${iso(w.endHour)}`;
}

interface Prepared {
  readonly task: BacktestTask | null;
  readonly modelId: string;
  readonly featureIds: string[];
  readonly originalName: Map<string, string>;
  readonly specsById: Record<string, FeatureSpec>;
  readonly features: Column[];
  readonly prediction: Column | null;
  readonly predictedLabel: Column | null;
  readonly label: Column | null;
  readonly reference: DatasetProfile;
  readonly referenceRows: number;
  /** The thresholds each feature is judged by (by id), and the drift bands behind them. */
  readonly drift: CalibratedDrift;
  readonly firstRow: number;
  readonly batching: Batching;
  readonly dataRows: number;
  /** ADWIN proxies tracked: mean score with a prediction column, positive rate for a binary classifier. */
  readonly proxies: readonly string[];
}

async function prepare(input: RunBacktestInput): Promise<Prepared> {
  const { data, config } = input;
  const file = input.dataName ?? 'data';
  const featureIds = featureIdentifiers(config.features.map((f) => f.name), 'config');
  const features = config.features.map((f, i) => {
    const column = withKind(findColumn(data, f.name, 'feature', file), f.kind, 'feature', file);
    return sliceColumn(column, 0, data.rowCount, featureIds[i]);
  });
  const labelled = config.label !== undefined;
  const anyModelColumn = config.prediction !== undefined || config.predictedLabel !== undefined || labelled;
  const task = anyModelColumn ? inferTask(config) : null;
  const classification = task === 'binary_classification' || task === 'multiclass_classification';
  const prediction = config.prediction ? toNumeric(findColumn(data, config.prediction, 'prediction', file), 'prediction', file) : null;
  const predictedLabel = config.predictedLabel ? toCategorical(findColumn(data, config.predictedLabel, 'predictedLabel', file)) : null;
  const labelColumn = config.label ? findColumn(data, config.label, 'label', file) : null;
  const label = labelColumn ? (classification ? toCategorical(labelColumn) : toNumeric(labelColumn, 'label', file)) : null;

  let referenceData: Dataset;
  let firstRow: number;
  let referenceHours: Float64Array | null = null;
  if ('rows' in config.reference) {
    const rows = config.reference.rows;
    if (rows >= data.rowCount) {
      throw new InputError(
        `${file}: reference.rows is ${rows} but the data has ${data.rowCount} rows, which leaves no rows for windows`,
        { file },
      );
    }
    referenceData = { rowCount: rows, columns: features.map((c) => sliceColumn(c, 0, rows)) };
    firstRow = rows;
    if ('column' in config.window) referenceHours = hoursOf(findColumn(data, config.window.column, 'window', file), 0, rows, file);
  } else {
    const refName = (config.reference as { file: string }).file;
    const refFile = path.resolve(input.baseDir ?? process.cwd(), refName);
    const raw = input.reference ?? (await readDataset(refFile, { delimiter: config.delimiter, kinds: kindsOf(config), timestamps: timestampsOf(config) }));
    if (raw.rowCount === 0) throw new InputError(`${refName}: the reference has no rows`, { file: refName });
    referenceData = {
      rowCount: raw.rowCount,
      columns: config.features.map((f, i) =>
        sliceColumn(withKind(findColumn(raw, f.name, 'feature', refName), f.kind, 'feature', refName), 0, raw.rowCount, featureIds[i]),
      ),
    };
    firstRow = 0;
    const timeColumn = 'column' in config.window ? raw.columns.find((c) => c.name === (config.window as { column: string }).column) : undefined;
    if (timeColumn) referenceHours = hoursOf(timeColumn, 0, raw.rowCount, refName);
  }
  if (data.rowCount - firstRow <= 0) throw new InputError(`${file}: the data has no rows to backtest`, { file });
  const reference = fitDatasetProfile(referenceData);

  let batching: Batching;
  if ('rows' in config.window) {
    batching = rowBatching(firstRow, data.rowCount, config.window.rows);
  } else {
    const every = parseEvery(config.window.every) as number;
    const hours = hoursOf(findColumn(data, config.window.column, 'window', file), firstRow, data.rowCount, file);
    batching = timeBatching(hours, every);
  }

  const specsById: Record<string, FeatureSpec> = {};
  const originalName = new Map<string, string>();
  config.features.forEach((f, i) => {
    try {
      resolveThresholds(f.name, f.thresholds);
    } catch (error) {
      throw new BacktestConfigError('config', [`features[${i}].thresholds: ${(error as Error).message}`]);
    }
    originalName.set(featureIds[i], f.name);
  });
  const drift = calibrateDrift(
    config.driftBands,
    reference,
    driftBandsEnabled(config.driftBands) ? referenceWindows(config, referenceData, referenceHours) : null,
    new Map(config.features.map((f, i) => [featureIds[i], { thresholds: f.thresholds, test: f.test }])),
  );
  config.features.forEach((f, i) => {
    specsById[featureIds[i]] = { kind: f.kind, importance: f.importance, thresholds: drift.thresholdsById.get(featureIds[i]), test: f.test };
  });
  return {
    task,
    modelId: config.modelId ?? DEFAULT_MODEL_ID,
    featureIds,
    originalName,
    specsById,
    features,
    prediction,
    predictedLabel,
    label,
    reference,
    referenceRows: referenceData.rowCount,
    drift,
    firstRow,
    batching,
    dataRows: data.rowCount,
    proxies: [
      ...(prediction ? [PROXIES.meanScore] : []),
      ...(task === 'binary_classification' && config.positiveLabel !== undefined && predictedLabel ? [PROXIES.positiveRate] : []),
    ],
  };
}

/** The parts of a config that say how to read the data. */
export type ReadableColumns = Pick<BacktestConfig, 'features' | 'window' | 'prediction' | 'predictedLabel' | 'label' | 'task' | 'positiveLabel'>;

/** The kinds `readDataset` should force for the configured columns. */
export function kindsOf(config: ReadableColumns): Record<string, FeatureKind> {
  const kinds: Record<string, FeatureKind> = {};
  for (const f of config.features) kinds[f.name] = f.kind;
  const task = inferTask(config);
  const classification = task !== 'regression';
  if (config.prediction) kinds[config.prediction] = 'numeric';
  if (config.predictedLabel) kinds[config.predictedLabel] = 'categorical';
  if (config.label) kinds[config.label] = classification ? 'categorical' : 'numeric';
  return kinds;
}

/**
 * The columns `readDataset` should read as timestamps: a time window's column, unless it is also a
 * configured column with a kind of its own (then it is read as that kind and parsed by `hoursOf`).
 */
export function timestampsOf(config: ReadableColumns): string[] {
  if (!('column' in config.window)) return [];
  return config.window.column in kindsOf(config) ? [] : [config.window.column];
}

interface WindowWork {
  readonly span: WindowSpan;
  readonly report: DriftReport;
  readonly metrics: Record<string, MetricValue>;
  readonly labelled: number;
  readonly proxies: { meanScore: number | null; positiveRate: number | null };
  readonly concept: { proxy: string; before: number; after: number }[];
}

/** Pools per-batch prediction aggregates: mean score over rows, positive rate over labelled predictions. */
function pooledProxies(batches: readonly PredictionAggregates[]): { meanScore: number | null; positiveRate: number | null } {
  let count = 0;
  let sum = 0;
  let positive = 0;
  let predicted = 0;
  let anyRate = false;
  for (const b of batches) {
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

/**
 * Runs the backtest over a dataset already in memory.
 *
 * @example
 *   const result = await runBacktest({ data, config: parseBacktestConfig(json) });
 *   result.alerts.filter((a) => a.kind === 'drift'); // [{ window: 9, severity: 'critical', feature: 'euribor3m', ... }]
 */
export async function runBacktest(input: RunBacktestInput): Promise<BacktestResult> {
  const { config } = input;
  const progress = input.onProgress ?? (() => undefined);
  const p = await prepare(input);
  const { batching } = p;
  const windows = batching.windows;
  const spec: ModelRecordSpec = {
    modelId: sqlName(p.modelId),
    task: p.task ?? 'regression',
    features: p.features.map((c) => ({ name: c.name, kind: c.kind })),
  };
  const classification = p.task === 'binary_classification' || p.task === 'multiclass_classification';
  const engine = input.engine ?? (await openDuckDbEngine());
  const prefix = `bt${++runs}_${process.pid}`;
  const monitored = batching.hourOfRow.length;
  let tables;
  try {
    progress(`loading ${monitored.toLocaleString('en-US')} rows into DuckDB…`);
    tables = await loadHistory(engine, {
      prefix,
      modelId: p.modelId,
      features: p.features,
      prediction: p.prediction,
      predictedLabel: classification ? p.predictedLabel : null,
      label: p.label,
      firstRow: p.firstRow,
      hourOfRow: batching.hourOfRow,
      reference: p.reference,
    });

    let minHour = Infinity;
    let maxHour = -Infinity;
    for (const h of batching.hourOfRow) {
      if (h < minHour) minHour = h;
      if (h > maxHour) maxHour = h;
    }
    const distinctHours = new Set(batching.hourOfRow).size;
    progress(`profiling ${windows.length} windows (${distinctHours.toLocaleString('en-US')} hourly batches) in one query…`);
    // Profile at the coarsest grain that tiles the windows: whole UTC days (row windows are
    // synthetic days) give up to 24× fewer result rows than hours. Rows are added straight into
    // their window's profile as they stream in: no per-hour profile is ever held.
    const groupBy = 'rows' in config.window || (parseEvery(config.window.every) as number) % 24 === 0 ? 'day' : 'hour';
    const hours = { start: new Date(minHour * HOUR_MS), end: new Date((maxHour + 1) * HOUR_MS) };
    const targetOf = (dt: string, hour: string | null) => windowAt(windows, Date.parse(`${dt}T${hour ?? '00'}:00:00Z`) / HOUR_MS);
    const positiveLabel = config.positiveLabel;
    // PSI edges are fine edges when the core fitted the reference (k/10 = 100k/1000, the same
    // doubles): group by fine bin only and derive the PSI bin; otherwise group by both.
    const fineBinsOnly = psiEdgesAreFineEdges(p.reference);
    const profiled = groupedProfileAccumulator(p.reference, { targets: windows.length, targetOf, positiveLabel, fineBinsOnly });
    const profileSpec = { ...spec, task: classification ? spec.task : 'regression' } as const;
    await queryChunks(
      engine,
      profileQuery({
        spec: profileSpec,
        reference: p.reference,
        table: { table: tables.predictions },
        hours,
        groupBy,
        fineBinsOnly,
        bins: { kind: 'table', table: { table: tables.referenceBins }, referenceId: tables.referenceId },
      }),
      profiled.add,
    );
    const grouped = profiled.result();
    const profiles = grouped.profiles;
    let partitions = grouped.partitions;
    if (groupBy === 'day' && (p.prediction || (classification && p.predictedLabel))) {
      // ADWIN stays hourly: the same profile SQL with no features gives, per hour, the rows and
      // the prediction aggregates only (a narrow scan of two columns).
      const hourly = groupedProfileAccumulator(NO_FEATURES, { targets: windows.length, targetOf, positiveLabel });
      await queryChunks(
        engine,
        profileQuery({ spec: { ...profileSpec, features: [] }, reference: NO_FEATURES, table: { table: tables.predictions }, hours, groupBy: 'hour' }),
        hourly.add,
      );
      partitions = hourly.result().partitions;
    }
    // Each window's hourly prediction aggregates, in time order.
    const batchesOf: PredictionAggregates[][] = windows.map(() => []);
    for (const part of partitions) batchesOf[part.target].push(part.predictions);

    // Rows per window (for business metrics, which read rows).
    const rowsOf: Int32Array[] | null = config.metrics && config.metrics.length > 0 ? rowsByWindow(batching) : null;
    const business = {
      prediction: p.prediction,
      predictedLabel: p.predictedLabel,
      label: p.label,
      data: new Map(input.data.columns.map((c) => [c.name, c] as const)),
    };

    const adwinState: Partial<Record<string, AdwinState>> = {};
    const work: WindowWork[] = [];
    const every = Math.max(1, Math.ceil(windows.length / 10)); // about ten progress lines per run
    for (const span of windows) {
      if ((span.index + 1) % every === 0 || span.index === windows.length - 1) progress(`window ${span.index + 1}/${windows.length}`);
      const batches = batchesOf[span.index];
      const report = compareProfiles(p.reference, profiles[span.index], { features: p.specsById });

      // Concept drift: ADWIN per proxy, one update per hourly batch, state resumed from JSON as the
      // scheduled Lambda would between runs.
      const concept: WindowWork['concept'] = [];
      for (const proxy of p.proxies) {
        const pick = proxy === PROXIES.meanScore ? (b: PredictionAggregates) => b.meanScore : (b: PredictionAggregates) => b.positiveRate;
        const state = adwinState[proxy];
        const adwin = state ? Adwin.fromJSON(state) : new Adwin();
        for (const b of batches) {
          const x = pick(b);
          if (x === null) continue;
          const before = adwin.estimation;
          if (adwin.update(x)) concept.push({ proxy, before, after: adwin.estimation });
        }
        adwinState[proxy] = adwin.toJSON();
      }

      let metrics: Record<string, MetricValue> = {};
      let labelled = 0;
      if (p.label && tables.labels && p.task) {
        const rows = await engine.query(
          performanceQuery({
            spec,
            predictionTable: { table: tables.predictions },
            labelTable: { table: tables.labels },
            window: { start: new Date(span.startHour * HOUR_MS), end: new Date(span.endHour * HOUR_MS) },
            labelLookbackDays: 0,
          }),
        );
        const perf = parsePerformanceRows(rows, spec);
        labelled = perf.labelled;
        metrics = windowMetrics(perf, p.task, config.positiveLabel);
      }
      if (rowsOf) {
        const rows = rowsOf[span.index].map((r) => r + p.firstRow);
        metrics = { ...metrics, ...businessMetrics(config.metrics ?? [], business, rows) };
      }
      work.push({ span, report, metrics, labelled, proxies: pooledProxies(batches), concept });
    }
    return assemble(p, config, work);
  } finally {
    if (input.engine) {
      if (tables) await dropHistory(input.engine, tables);
    } else {
      await engine.close();
    }
  }
}

/** A profile with no features: the profile query then aggregates only rows and predictions. */
const NO_FEATURES: DatasetProfile = { format: PROFILE_FORMAT, rowCount: 0, features: [] };

/** The index of the window holding `hour` (windows are in time order and do not overlap). */
function windowAt(windows: readonly WindowSpan[], hour: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (windows[mid].startHour <= hour) lo = mid;
    else hi = mid - 1;
  }
  const w = windows[lo];
  if (!w || !(hour >= w.startHour && hour < w.endHour)) {
    throw new Error(`backtest: the profile query returned hour ${new Date(hour * HOUR_MS).toISOString()}, which is in no window`);
  }
  return lo;
}

/** Streams a query's result as column chunks: natively on DuckDB, from row objects on any other engine. */
async function queryChunks(engine: TableEngine, sql: string, onChunk: (columns: ResultColumns, rowCount: number) => void): Promise<void> {
  const chunked = engine as Partial<Pick<DuckDbEngine, 'queryChunks'>>;
  if (chunked.queryChunks) return chunked.queryChunks(sql, onChunk);
  const rows = await engine.query(sql);
  onChunk(rowsToColumns(rows), rows.length);
}

function metricNames(p: Prepared, config: BacktestConfig): { name: string; direction: 'higher_is_better' | 'lower_is_better' }[] {
  const names = p.label && p.task ? builtInMetrics(p.task) : [];
  for (const m of config.metrics ?? []) {
    if (names.some((n) => n.name === m.name)) {
      throw new BacktestConfigError('config', [`metrics: ${JSON.stringify(m.name)} is a built-in metric of a ${p.task}; choose another name`]);
    }
    names.push({ name: m.name, direction: m.direction });
  }
  return names;
}

/** Calibration, statuses, signals and alerts over the measured windows. */
function assemble(p: Prepared, config: BacktestConfig, work: readonly WindowWork[]): BacktestResult {
  const baselineWindows = config.baseline?.windows ?? DEFAULT_BASELINE_WINDOWS;
  const names = metricNames(p, config);
  const keyMetric = config.keyMetric ?? (p.label && p.task ? defaultKeyMetric(p.task) : names[0]?.name ?? null);
  if (config.keyMetric !== undefined && !names.some((n) => n.name === config.keyMetric)) {
    throw new BacktestConfigError('config', [
      `keyMetric: ${JSON.stringify(config.keyMetric)} is not a metric of this backtest (${names.map((n) => n.name).join(', ') || 'none: configure label or metrics'})`,
    ]);
  }

  const calibration: Record<string, BacktestCalibration> = {};
  const calibrated: Record<string, Calibration> = {};
  const baselineWork = work.slice(0, baselineWindows);
  for (const { name, direction } of names) {
    const windows = baselineWork.map((w) => ({ value: w.metrics[name]?.value ?? null, sampleSize: w.metrics[name]?.samples ?? 0 }));
    const r = calibrate(name, direction, windows, { minWindows: baselineWindows, minSamples: config.baseline?.minSamples });
    if (r.ok) {
      calibration[name] = { ok: true, ...r.calibration };
      calibrated[name] = r.calibration;
    } else {
      const tooFewWindows = work.length < baselineWindows ? ` (the backtest has only ${work.length} windows)` : '';
      calibration[name] = { ok: false, metric: name, reason: r.error.kind, message: `${r.error.message}${tooFewWindows}` };
    }
  }

  let state: AlertState = {};
  const alerts: Alert[] = [];
  const resolutions: Resolution[] = [];
  const windows: BacktestWindow[] = work.map((w) => {
    const index = w.span.index;
    const where = `window ${index} (${spanLabel(w.span)})`;
    const model = `model ${p.modelId}`;
    const inBaseline = index < baselineWindows;

    const features: BacktestWindowFeature[] = w.report.features.map((f) => {
      const distance = distanceOf(f, f.test);
      return {
        name: p.originalName.get(f.name) ?? f.name,
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
      };
    });
    const drifted = w.report.summary.drifted.map((n) => p.originalName.get(n) ?? n);

    const metrics: Record<string, BacktestMetric> = {};
    const signals: Signal[] = [];
    const summary = w.report.summary;
    signals.push({
      kind: 'drift',
      status: summary.status,
      value: summary.driftedImportance,
      message:
        `${model}: dataset drift ${summary.status} in ${where}: ${drifted.length} of ${features.length} features drifted` +
        `${drifted.length ? ` (${drifted.slice(0, 5).join(', ')}${drifted.length > 5 ? ', ...' : ''})` : ''}, ` +
        `${(summary.driftedImportance * 100).toFixed(0)}% of the importance drifted (critical at ${DRIFTED_IMPORTANCE_CRITICAL * 100}% drifted or ${CRITICAL_IMPORTANCE_CRITICAL * 100}% critical)` +
        `${redundantNote(summary.redundant, p)}; baseline: reference of ${p.referenceRows.toLocaleString('en-US')} rows`,
    });
    for (const [i, f] of features.entries()) {
      const t = p.drift.thresholdsById.get(w.report.features[i].name) as ResolvedThresholds;
      signals.push({
        kind: 'drift',
        feature: f.name,
        // A feature pages when it turns critical and resolves once back to ok (not while it hovers
        // in warning); its warnings count in the dataset-level signal.
        status: featurePagingStatus(f.status, state[signalKey({ kind: 'drift', feature: f.name })]),
        value: f.psi,
        threshold: t.psiCritical,
        message:
          `${model}: feature ${JSON.stringify(f.name)} drift critical in ${where}: PSI ${num(f.psi)} ` +
          `(warning ${num(t.psiWarning)}, critical ${num(t.psiCritical)}${bandNote(p, w.report.features[i].name)}; importance ${(f.importance * 100).toFixed(0)}%)` +
          `${f.reasons.length ? `: ${f.reasons.join('; ')}` : ''}; baseline: reference of ${p.referenceRows.toLocaleString('en-US')} rows`,
      });
    }
    for (const { name, direction } of names) {
      const m = w.metrics[name];
      if (!m) continue;
      const cal = calibrated[name];
      const status = !inBaseline && cal && m.value !== null ? statusFor(m.value, cal) : null;
      metrics[name] = {
        value: m.value,
        samples: m.samples,
        direction,
        status,
        ratio: cal && m.value !== null ? ratioToBaseline(m.value, cal) : null,
      };
      if (status !== null && cal) {
        const side = direction === 'higher_is_better' ? 'below' : 'above';
        const threshold = status === 'critical' ? cal.critical : cal.warning;
        signals.push({
          kind: 'performance',
          metric: name,
          status,
          value: m.value,
          threshold: status === 'ok' ? cal.warning : threshold,
          baseline: cal.baseline,
          message:
            `${model}: ${name} ${num(m.value)} is ${status} in ${where}: ${side} the ${status} threshold ${num(threshold)} ` +
            `(baseline ${num(cal.baseline)} from windows 0–${Math.min(baselineWindows, work.length) - 1}, warning ${num(cal.warning)}, critical ${num(cal.critical)}; ${m.samples.toLocaleString('en-US')} rows)`,
        });
      }
    }
    for (const proxy of p.proxies) {
      const first = w.concept.find((c) => c.proxy === proxy);
      signals.push({
        kind: 'concept',
        metric: proxy,
        status: first ? 'warning' : 'ok',
        value: first?.after ?? null,
        baseline: first?.before ?? null,
        message: first
          ? `${model}: concept drift suspected in ${where}: ADWIN detected a change in ${proxy.replace('_', ' ')} ` +
            `(running mean ${num(first.before)} before the cut, ${num(first.after)} after)`
          : `${model}: ${proxy} stable in ${where}`,
      });
    }

    const decided = decideAlerts(state, signals, index);
    state = decided.state;
    alerts.push(...decided.alerts);
    resolutions.push(...decided.resolutions);

    let status: Status = summary.status;
    for (const m of Object.values(metrics)) if (m.status) status = worst(status, m.status);
    return {
      index,
      start: w.span.startRow ?? new Date(w.span.startHour * HOUR_MS).toISOString(),
      end: w.span.endRow ?? new Date(w.span.endHour * HOUR_MS).toISOString(),
      rows: w.span.rows,
      status,
      partial: w.span.partial,
      baseline: inBaseline,
      labelled: w.labelled,
      drift: { status: summary.status, drifted, driftedImportance: summary.driftedImportance },
      features,
      metrics,
      proxies: w.proxies,
      concept: [...new Set(w.concept.map((c) => c.proxy))],
    };
  });

  const overall = windows.reduce<Status>((s, w) => worst(s, w.status), 'ok');
  const firstCritical = alerts.find((a) => a.kind === 'drift' && a.severity === 'critical');
  return {
    format: BACKTEST_FORMAT,
    modelId: p.modelId,
    task: p.task,
    data: { rows: p.dataRows },
    reference: { rows: p.referenceRows, ...('file' in config.reference ? { file: config.reference.file } : {}) },
    window: config.window,
    baseline: { windows: baselineWindows },
    keyMetric,
    driftBands: reportDriftBands(p.drift, (id) => p.originalName.get(id) ?? id),
    calibration,
    windows,
    alerts,
    resolutions,
    summary: {
      windows: windows.length,
      status: overall,
      alerts: {
        critical: alerts.filter((a) => a.severity === 'critical').length,
        warning: alerts.filter((a) => a.severity === 'warning').length,
      },
      firstCriticalWindow: firstCritical ? firstCritical.window : null,
    },
  };
}

export interface RunBacktestFileInput {
  readonly dataPath: string;
  readonly config: BacktestConfig;
  /** Overrides `config.delimiter`. */
  readonly delimiter?: string;
  readonly onProgress?: (message: string) => void;
  readonly engine?: TableEngine;
  /** Directory a relative `reference.file` is resolved against. @default the data file's directory's cwd: process.cwd() */
  readonly baseDir?: string;
}

/**
 * Reads a CSV or Parquet file (the configured columns with the configured kinds) and runs the backtest.
 * @example const result = await runBacktestFile({ dataPath: 'bank.csv', config, delimiter: ';' });
 */
export async function runBacktestFile(input: RunBacktestFileInput): Promise<BacktestResult> {
  const progress = input.onProgress ?? (() => undefined);
  const delimiter = input.delimiter ?? input.config.delimiter;
  progress(`reading ${input.dataPath}…`);
  const data = await readDataset(input.dataPath, { delimiter, kinds: kindsOf(input.config), timestamps: timestampsOf(input.config) });
  const result = await runBacktest({
    data,
    config: { ...input.config, delimiter },
    onProgress: input.onProgress,
    engine: input.engine,
    dataName: input.dataPath,
    baseDir: input.baseDir,
  });
  return { ...result, data: { ...result.data, file: input.dataPath } };
}
