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
import { readingNotice, type ColumnReading } from '../adapters/local/inference';
import { readDataset, type ReadOptions } from '../adapters/local/read-dataset';
import { isEpochMs, markEpochMs } from '../adapters/local/timestamp';
import { END_PARTITION_MS } from '../sql/partition';
import type { Alert, Resolution } from '../core/alerts';
import { importanceShares, resolveThresholds, worst } from '../core/severity';
import { MIN_ROWS } from '../core/defaults';
import { dict } from '../core/own';
import type { CategoricalColumn, Column, Dataset, FeatureKind, Status } from '../core/types';
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
import { HOUR_MS, hoursOf, rowBatching, rowsByWindow, timeBatching, type Batching, type WindowSpan } from './batches';
import { featureIdentifiers, findColumn, sliceColumn, toCategorical, toNumeric, withKind } from './columns';
import { BacktestConfigError, DEFAULT_BASELINE_WINDOWS, DEFAULT_MODEL_ID, inferTask, parseEvery, type BacktestConfig, type BacktestTask } from './config';
import { referenceWindows } from './drift-bands';
import { historyRuns, scanHistory } from './history-scan';
import { dropHistory, loadHistory } from './load';
import { BACKTEST_FORMAT, type BacktestCalibration, type BacktestResult } from './types';

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
 * Time windows the data covers only in part — the first when the data starts after its start, the
 * last when the data ends before its end — are marked partial, as a short last row window is.
 */
function markPartialWindows(batching: Batching): Batching {
  const { windows, hourOfRow } = batching;
  if (windows.length === 0) return batching;
  let first = Infinity;
  let last = -Infinity;
  for (const h of hourOfRow) {
    if (h < first) first = h;
    if (h > last) last = h;
  }
  const marked = windows.map((w, i) => ({
    ...w,
    partial: (i === 0 && first > w.startHour) || (i === windows.length - 1 && last + 1 < w.endHour),
  }));
  return { ...batching, windows: marked };
}

/**
 * The data in time order. With the reference as the first rows and time windows, rows out of order
 * would put all of history in the reference (and drift would vanish): they are sorted by hour
 * (stable: rows of one hour keep their order), with a notice naming the first row out of order.
 * Row windows and a reference file have no order to check.
 */
export function inTimeOrder(data: Dataset, config: Pick<BacktestConfig, 'reference' | 'window'>, file: string, notices: string[]): Dataset {
  if (!('rows' in config.reference) || !('column' in config.window)) return data;
  const name = config.window.column;
  const hours = hoursOf(findColumn(data, name, 'window', file), 0, data.rowCount, file);
  let first = -1;
  for (let r = 1; r < hours.length && first < 0; r++) if (hours[r] < hours[r - 1]) first = r;
  if (first < 0) return data;
  const order = Array.from({ length: data.rowCount }, (_, i) => i).sort((a, b) => hours[a] - hours[b] || a - b);
  const hour = (h: number) => new Date(h * HOUR_MS).toISOString().slice(0, 13) + 'h';
  notices.push(
    `${file}: the rows are not in time order on ${JSON.stringify(name)} (row ${(first + 1).toLocaleString('en-US')}, in hour ${hour(hours[first])}, ` +
      `comes after a row in hour ${hour(hours[first - 1])}); sorted by ${JSON.stringify(name)} (rows of one hour keep their order) ` +
      `before taking the first ${config.reference.rows.toLocaleString('en-US')} rows as the reference and cutting the windows`,
  );
  const columns = data.columns.map((c): Column => {
    if (c.kind === 'categorical') return { ...c, codes: Int32Array.from(order, (i) => c.codes[i]) };
    const sorted: Column = { kind: 'numeric', name: c.name, values: Float64Array.from(order, (i) => c.values[i]) };
    return isEpochMs(c) ? markEpochMs(sorted) : sorted;
  });
  return { rowCount: data.rowCount, columns };
}

/** How `readDataset` should read a backtest's data: the configured kinds, the time column, the missing values. */
export function readOptionsOf(config: ReadableColumns & Pick<BacktestConfig, 'delimiter' | 'missingValues'>): ReadOptions {
  return { delimiter: config.delimiter, kinds: kindsOf(config), timestamps: timestampsOf(config), missingValues: config.missingValues };
}

/**
 * An `onColumn` that words a notice (`readingNotice`) for each configured column read with mixed
 * values (the other columns of the file are not monitored: nothing to say about them).
 */
export function collect(notices: string[], config: ReadableColumns, file: string): (reading: ColumnReading) => void {
  const used = new Set([...Object.keys(kindsOf(config)), ...('column' in config.window ? [config.window.column] : [])]);
  return (reading) => {
    const notice = used.has(reading.name) ? readingNotice({ ...reading, file }) : null;
    if (notice) notices.push(notice);
  };
}

/** The classes a categorical column holds (codes in use), in order of first appearance. */
function classesOf(column: CategoricalColumn): string[] {
  const used = new Set<number>();
  for (const c of column.codes) if (c >= 0) used.add(c);
  return [...new Set([...used].map((c) => column.dictionary[c]))];
}

const listed = (values: readonly string[]) => values.slice(0, 10).map((v) => JSON.stringify(v)).join(', ') + (values.length > 10 ? `, ... (${values.length})` : '');

/**
 * A binary classifier's data must fit it: the label (and predicted label) columns hold at most two
 * classes — three would be scored as multiclass — and the positive label occurs in the labels (or,
 * without labels, in the predictions) — a positive label that never occurs (labels 1/0, Parquet
 * booleans, against "yes") makes F1 vanish and the positive rate read 0.
 * @throws InputError naming the column, the classes found and the positive label
 */
function checkBinaryClasses(config: BacktestConfig, label: CategoricalColumn | null, predicted: CategoricalColumn | null, file: string): void {
  const columns = [
    ...(label ? [{ role: 'label', name: config.label as string, classes: classesOf(label) }] : []),
    ...(predicted ? [{ role: 'predictedLabel', name: config.predictedLabel as string, classes: classesOf(predicted) }] : []),
  ];
  for (const c of columns) {
    if (c.classes.length > 2) {
      throw new InputError(
        `${file}: the ${c.role} column ${JSON.stringify(c.name)} holds ${c.classes.length} classes (${listed(c.classes)}) but the task is binary_classification; ` +
          'set "task": "multiclass_classification", or map the classes to two',
        { file, column: c.name },
      );
    }
  }
  const positive = config.positiveLabel;
  const judged = columns[0];
  if (positive !== undefined && judged && !judged.classes.includes(positive)) {
    throw new InputError(
      `${file}: positiveLabel ${JSON.stringify(positive)} never occurs in the ${judged.role} column ${JSON.stringify(judged.name)} (its classes: ${listed(judged.classes) || 'none'}); ` +
        'set positiveLabel to one of them (as written in the file, e.g. "1" or "true")',
      { file, column: judged.name, value: positive },
    );
  }
}

/** The parts of a config that say how to read the data. */
export type ReadableColumns = Pick<BacktestConfig, 'features' | 'window' | 'prediction' | 'predictedLabel' | 'label' | 'task' | 'positiveLabel'>;

/** The kinds `readDataset` should force for the configured columns. */
export function kindsOf(config: ReadableColumns): Record<string, FeatureKind> {
  // Keyed by column names: `__proto__` and `constructor` are names too.
  const kinds = dict<FeatureKind>();
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
  return Object.hasOwn(kindsOf(config), config.window.column) ? [] : [config.window.column];
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
