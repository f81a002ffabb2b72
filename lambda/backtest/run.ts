/**
 * `runBacktest`: replays history through the monitor engine (`lambda/monitor`) exactly as production
 * would see it — the reference fitted by the engine, the same profile SQL (all hours in one grouped
 * scan), the same window measures, label-join performance SQL and decisions (calibration, ADWIN state
 * carried between windows, alerts) — and returns one result per window plus the alerts that would
 * have fired. What is here is only what replaying history needs: reading the data, loading it into
 * DuckDB, cutting windows, business metrics over rows in memory, and the replay's summary.
 */
import * as path from 'path';
import { InputError } from '../adapters/local/errors';
import { openDuckDbEngine } from '../adapters/local/duckdb-engine';
import { readDataset } from '../adapters/local/read-dataset';
import { END_PARTITION_MS } from '../sql/partition';
import type { Alert, Resolution } from '../core/alerts';
import { importanceShares, resolveThresholds, worst } from '../core/severity';
import { MIN_ROWS } from '../core/defaults';
import type { CategoricalColumn, Column, Dataset, Status } from '../core/types';
import { calibrateBaseline, decideWindow, type DecideContext } from '../monitor/decide';
import { driftBandsEnabled, reportDriftBands } from '../monitor/drift-bands';
import { hourSpanLabel } from '../monitor/messages';
import { metricsOf, defaultKeyMetric, type MonitorModel } from '../monitor/model';
import type { MetricValue } from '../monitor/performance';
import type { MonitorTables } from '../monitor/profile';
import { fitReference, type MonitorReference } from '../monitor/reference';
import { featureSpecs, measureWindow, type HourBatch } from '../monitor/score';
import { initialState, type MonitorState } from '../monitor/state';
import type { MonitorWindow } from '../monitor/types';
import type { TableEngine } from '../ports/query-engine';
import { businessMetrics } from './business';
import { HOUR_MS, hoursOf, markPartialWindows, rowBatching, rowsByWindow, timeBatching, type Batching, type WindowSpan } from './batches';
import { featureIdentifiers, findColumn, releaseColumns, sliceColumn, toCategorical, toNumeric, withKind } from './columns';
import { BacktestConfigError, DEFAULT_BASELINE_WINDOWS, DEFAULT_MODEL_ID, inferTask, parseEvery, type BacktestConfig, type BacktestTask } from './config';
import { referenceWindows } from './drift-bands';
import { historyRuns, scanHistory } from './history-scan';
import { dropHistory, loadHistory } from './load';
import { BACKTEST_FORMAT, type BacktestCalibration, type BacktestResult } from './types';
import { checkBinaryClasses, collect, inTimeOrder, readOptionsOf } from './read-data';

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
  /** What reading `data` found in the configured columns (`readingNotice`), carried into the result. */
  readonly notices?: readonly string[];
  /**
   * The caller reads `data` no more (the CLI without a retraining replay): once the rows are in
   * DuckDB, the columns' buffers are released instead of held beside DuckDB's copy for the whole
   * replay (a million rows × 20 features: about 185 MB), and `data` reads as empty afterwards.
   * Ignored with business metrics, which read the rows window by window. @default false
   */
  readonly releaseData?: boolean;
}

let runs = 0;

/**
 * The backtest's own engine: history compressed once loaded (it is scanned once per run of windows),
 * and insertion order not kept (every query it runs groups; the load keeps its order by appending),
 * which lets DuckDB hold less while it aggregates.
 */
const BACKTEST_DUCKDB = { compress: true, preserveInsertionOrder: false } as const;

function spanLabel(w: WindowSpan): string {
  if (w.startRow !== null) return `rows ${w.startRow.toLocaleString('en-US')}–${(w.endRow as number).toLocaleString('en-US')}`;
  return hourSpanLabel(new Date(w.startHour * HOUR_MS), new Date(w.endHour * HOUR_MS));
}

interface Prepared {
  readonly model: MonitorModel;
  readonly features: Column[];
  readonly prediction: Column | null;
  readonly predictedLabel: Column | null;
  readonly label: Column | null;
  readonly reference: MonitorReference;
  readonly firstRow: number;
  readonly batching: Batching;
  readonly dataRows: number;
  readonly notices: readonly string[];
  /** The data as replayed (sorted by time when it was not in time order). */
  readonly data: Dataset;
}

/** The engine's model from a backtest config: feature ids are the columns' SQL names. */
function backtestModel(config: BacktestConfig, featureIds: readonly string[], task: BacktestTask | null, columns: MonitorModel['columns']): MonitorModel {
  return {
    env: 'local',
    modelId: config.modelId ?? DEFAULT_MODEL_ID,
    task,
    features: config.features.map((f, i) => ({ id: featureIds[i], name: f.name, kind: f.kind, importance: f.importance, thresholds: f.thresholds, test: f.test })),
    positiveLabel: config.positiveLabel,
    columns,
    businessMetrics: config.metrics ?? [],
    baseline: { windows: config.baseline?.windows ?? DEFAULT_BASELINE_WINDOWS, minSamples: config.baseline?.minSamples },
    driftBands: config.driftBands,
    topK: config.features.length,
    // History has no empty windows (they are left out); a window below the minimum says "too few rows".
    minRows: config.minRows ?? MIN_ROWS,
  };
}

async function prepare(input: RunBacktestInput): Promise<Prepared> {
  const { config } = input;
  const file = input.dataName ?? 'data';
  const notices = [...(input.notices ?? [])];
  const data = inTimeOrder(input.data, config, file, notices);
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
  if (task === 'binary_classification') checkBinaryClasses(config, label as CategoricalColumn | null, predictedLabel, file);

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
    const raw = input.reference ?? (await readDataset(refFile, { ...readOptionsOf(config), onColumn: collect(notices, config, refName) }));
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

  let batching: Batching;
  if ('rows' in config.window) {
    batching = rowBatching(firstRow, data.rowCount, config.window.rows);
  } else {
    const every = parseEvery(config.window.every) as number;
    const hours = hoursOf(findColumn(data, config.window.column, 'window', file), firstRow, data.rowCount, file);
    batching = markPartialWindows(timeBatching(hours, every));
    const last = batching.windows[batching.windows.length - 1];
    if (last && last.endHour * HOUR_MS >= END_PARTITION_MS) {
      throw new InputError(
        `${file}: windows of ${config.window.every} on ${JSON.stringify(config.window.column)} reach past the end of 9999, which the hourly partitions cannot name; choose a shorter "every"`,
        { file },
      );
    }
  }

  config.features.forEach((f, i) => {
    try {
      resolveThresholds(f.name, f.thresholds);
    } catch (error) {
      throw new BacktestConfigError('config', [`features[${i}].thresholds: ${(error as Error).message}`]);
    }
  });
  const model = backtestModel(config, featureIds, task, {
    prediction: prediction !== null,
    predictedLabel: classification && predictedLabel !== null,
    label: label !== null,
  });
  const assumed = importanceShares(model.features.map((f) => f.id), Object.fromEntries(model.features.map((f) => [f.id, { importance: f.importance }]))).note;
  if (assumed) notices.push(`config: ${assumed}`);
  const windows = driftBandsEnabled(config.driftBands) ? referenceWindows(config, referenceData, referenceHours) : null;
  const reference = fitReference(model, referenceData, windows, { source: 'file' in config.reference ? config.reference.file : `rows 0–${referenceData.rowCount}`, createdAt: new Date(0) });
  const importancesGiven = config.features.some((f) => f.importance !== undefined);
  if (reference.profile.redundancySkipped && !importancesGiven) notices.push(`reference: ${reference.profile.redundancySkipped}`);
  return { model, features, prediction, predictedLabel, label, reference, firstRow, batching, dataRows: data.rowCount, notices, data };
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
  const { batching, model } = p;
  const windows = batching.windows;
  const ctx: DecideContext = { model, reference: p.reference, metrics: metricsWithKeyCheck(model, config) };
  const engine = input.engine ?? (await openDuckDbEngine(BACKTEST_DUCKDB));
  const prefix = `bt${++runs}_${process.pid}`;
  let loaded;
  try {
    progress(`loading ${batching.hourOfRow.length.toLocaleString('en-US')} rows into DuckDB…`);
    loaded = await loadHistory(engine, {
      prefix,
      modelId: model.modelId,
      features: p.features,
      prediction: p.prediction,
      predictedLabel: model.columns.predictedLabel ? p.predictedLabel : null,
      label: p.label,
      firstRow: p.firstRow,
      hourOfRow: batching.hourOfRow,
      reference: p.reference.profile,
      referenceId: p.reference.referenceId,
    });
    if (input.releaseData && !(config.metrics && config.metrics.length > 0)) {
      releaseColumns([...input.data.columns, ...p.data.columns, ...p.features, p.prediction, p.predictedLabel, p.label]);
    }
    const tables: MonitorTables = {
      predictions: { table: loaded.predictions },
      labels: loaded.labels ? { table: loaded.labels } : null,
      referenceBins: { table: loaded.referenceBins },
    };

    const scans = historyRuns(model, windows).length;
    progress(
      `profiling ${windows.length} windows (${new Set(batching.hourOfRow).size.toLocaleString('en-US')} hourly batches) in ${scans === 1 ? 'one query' : `${scans} queries`}…`,
    );
    // Profile at the coarsest grain that tiles the windows: whole UTC days (row windows are
    // synthetic days) give up to 24× fewer result rows than hours.
    const groupBy = 'rows' in config.window || (parseEvery(config.window.every) as number) % 24 === 0 ? 'day' : 'hour';
    const scanned = await scanHistory(engine, { model, reference: p.reference, tables, windows, groupBy });
    const performances = scanned.performances;
    // Each window's hourly prediction aggregates, in time order.
    const batchesOf: HourBatch[][] = windows.map(() => []);
    for (const part of scanned.partitions) {
      batchesOf[part.target].push({ hour: `${part.dt}T${part.hour ?? '00'}:00:00.000Z`, predictions: part.predictions });
    }

    // Rows per window (for business metrics, which read rows).
    const rowsOf: Int32Array[] | null = config.metrics && config.metrics.length > 0 ? rowsByWindow(batching) : null;
    const business = { prediction: p.prediction, predictedLabel: p.predictedLabel, label: p.label, data: new Map(p.data.columns.map((c) => [c.name, c] as const)) };
    const specs = featureSpecs(model, p.reference);

    let state: MonitorState = initialState(model.modelId, 'backtest');
    const judged: MonitorWindow[] = [];
    const alerts: Alert[] = [];
    const resolutions: Resolution[] = [];
    const every = Math.max(1, Math.ceil(windows.length / 10)); // about ten progress lines per run
    for (const span of windows) {
      if ((span.index + 1) % every === 0 || span.index === windows.length - 1) progress(`window ${span.index + 1}/${windows.length}`);
      const engineSpan = {
        index: span.index,
        start: new Date(span.startHour * HOUR_MS),
        end: new Date(span.endHour * HOUR_MS),
        label: spanLabel(span),
        ...(span.startRow !== null && { startRow: span.startRow, endRow: span.endRow as number }),
        partial: span.partial,
      };
      const performance = performances ? performances[span.index] : null;
      let rowMetrics: Record<string, MetricValue> = {};
      if (rowsOf) rowMetrics = businessMetrics(config.metrics ?? [], business, rowsOf[span.index].map((r) => r + p.firstRow));
      const measures = measureWindow(model, p.reference, engineSpan, scanned.profiles[span.index], batchesOf[span.index], performance, rowMetrics, specs);
      const decided = decideWindow(state, { ...measures, rows: span.rows }, ctx);
      state = decided.state;
      judged.push(decided.window);
      alerts.push(...decided.alerts);
      resolutions.push(...decided.resolutions);
    }
    return summarize(p, config, ctx, state, judged, alerts, resolutions);
  } finally {
    if (input.engine) {
      if (loaded) await dropHistory(input.engine, loaded);
    } else {
      await engine.close();
    }
  }
}

/** The metrics judged, after checking the configured key metric is one of them. */
function metricsWithKeyCheck(model: MonitorModel, config: BacktestConfig) {
  let names;
  try {
    names = metricsOf(model);
  } catch (error) {
    throw new BacktestConfigError('config', [(error as Error).message]);
  }
  if (config.keyMetric !== undefined && !names.some((n) => n.name === config.keyMetric)) {
    throw new BacktestConfigError('config', [
      `keyMetric: ${JSON.stringify(config.keyMetric)} is not a metric of this backtest (${names.map((n) => n.name).join(', ') || 'none: configure label or metrics'})`,
    ]);
  }
  return names;
}

/** The replay's report: calibration as it ended, drift bands, the windows, alerts and a summary. */
function summarize(
  p: Prepared,
  config: BacktestConfig,
  ctx: DecideContext,
  state: MonitorState,
  windows: readonly MonitorWindow[],
  alerts: readonly Alert[],
  resolutions: readonly Resolution[],
): BacktestResult {
  const { model } = p;
  const baselineWindows = model.baseline.windows;
  // Calibration as the last window left it; a baseline that never completed says why, with the count.
  const calibration: Record<string, BacktestCalibration> = { ...(state.calibration ?? calibrateBaseline(ctx, state.baseline)) };
  if (windows.length < baselineWindows) {
    for (const [name, c] of Object.entries(calibration)) {
      if (!c.ok) calibration[name] = { ...c, message: `${c.message} (the backtest has only ${windows.length} windows)` };
    }
  }
  const names = ctx.metrics;
  const keyMetric = config.keyMetric ?? (model.columns.label && model.task ? defaultKeyMetric(model.task) : names[0]?.name ?? null);
  const overall = windows.reduce<Status>((s, w) => worst(s, w.status), 'ok');
  const firstCritical = alerts.find((a) => a.kind === 'drift' && a.severity === 'critical');
  const nameOf = new Map(model.features.map((f) => [f.id, f.name]));
  return {
    format: BACKTEST_FORMAT,
    modelId: model.modelId,
    task: model.task,
    data: { rows: p.dataRows },
    reference: { rows: p.reference.rows, ...('file' in config.reference ? { file: config.reference.file } : {}) },
    window: config.window,
    baseline: { windows: baselineWindows },
    ...(p.notices.length > 0 && { notices: p.notices }),
    keyMetric,
    driftBands: reportDriftBands(p.reference.drift, (id) => nameOf.get(id) ?? id),
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
  const config = { ...input.config, delimiter };
  const notices: string[] = [];
  const data = await readDataset(input.dataPath, { ...readOptionsOf(config), onColumn: collect(notices, config, input.dataPath) });
  const result = await runBacktest({
    data,
    config,
    onProgress: input.onProgress,
    engine: input.engine,
    dataName: input.dataPath,
    baseDir: input.baseDir,
    notices,
  });
  return { ...result, data: { ...result.data, file: input.dataPath } };
}
