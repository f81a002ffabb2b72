/**
 * `runBacktest`: replays history through the monitor engine (`lambda/monitor`) exactly as production
 * would see it — the reference fitted by the engine (prepare.ts), the same profile SQL (grouped scans over
 * runs of windows), the same window measures, label-join performance SQL and decisions (calibration, ADWIN state
 * carried between windows, alerts) — and returns one result per window plus the alerts that would
 * have fired. What is here is only what replaying history needs: reading the data, loading it into
 * DuckDB, cutting windows, business metrics over rows in memory, and the replay's summary.
 */
import { openDuckDbEngine } from '../adapters/local/duckdb-engine';
import { readDataset } from '../adapters/local/read-dataset';
import type { Alert, Resolution } from '../core/alerts';
import { worst } from '../core/severity';
import type { Dataset, DatasetProfile, Status } from '../core/types';
import { calibrateBaseline, decideWindow, type DecideContext } from '../monitor/decide';
import { reportDriftBands } from '../monitor/drift-bands';
import { hourSpanLabel } from '../monitor/messages';
import { metricsOf, defaultKeyMetric, type MonitorModel } from '../monitor/model';
import type { MetricValue } from '../monitor/performance';
import type { PerformanceAggregates } from '../sql';
import { createFineGrid, type MonitorTables } from '../monitor/profile';
import { quoteIdentifier } from '../core/schema/identifier';
import type { TableRef } from '../sql/table';
import { featureSpecs, measureWindow, type HourBatch } from '../monitor/score';
import { initialState, type MonitorState } from '../monitor/state';
import type { MonitorWindow } from '../monitor/types';
import type { TableEngine } from '../ports/query-engine';
import { businessMetrics } from './business';
import { HOUR_MS, rowsByWindow, type WindowSpan } from './batches';
import { releaseColumns } from './columns';
import { BacktestConfigError, parseEvery, type BacktestConfig } from './config';
import { historyRuns, scanHistory, type RunScan } from './history-scan';
import { prepare, type Prepared } from './prepare';
import { dropHistory, loadHistory } from './load';
import { BACKTEST_FORMAT, type BacktestCalibration, type BacktestResult } from './types';
import { collect, readOptionsOf } from './read-data';

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
 * The backtest's own engine: history compressed once loaded, insertion order not kept (every query it
 * runs groups; the load keeps its order by appending), which lets DuckDB hold less while it
 * aggregates, and no common subplans, so each part of the grid profile query streams the rows it
 * reads (duckdb-engine.ts).
 */
export const BACKTEST_DUCKDB = { compress: true, preserveInsertionOrder: false, commonSubplans: false } as const;

function spanLabel(w: WindowSpan): string {
  if (w.startRow !== null) return `rows ${w.startRow.toLocaleString('en-US')}–${(w.endRow as number).toLocaleString('en-US')}`;
  return hourSpanLabel(new Date(w.startHour * HOUR_MS), new Date(w.endHour * HOUR_MS));
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
  let fineGrid: TableRef | null = null;
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
    const loadedTables: MonitorTables = {
      predictions: { table: loaded.predictions },
      labels: loaded.labels ? { table: loaded.labels } : null,
      referenceBins: { table: loaded.referenceBins },
    };
    // The reference's fine grid, made once for all the scans below (each would build it again).
    fineGrid = await createFineGrid(engine, model, p.reference, loadedTables, `${prefix}_fine_grid`);
    const tables: MonitorTables = { ...loadedTables, fineGrid };

    const scans = historyRuns(model, windows).length;
    progress(
      `profiling ${windows.length} windows (${new Set(batching.hourOfRow).size.toLocaleString('en-US')} hourly batches) in ${scans === 1 ? 'one query' : `${scans} queries`}…`,
    );
    // Profile at the coarsest grain that tiles the windows: whole UTC days (row windows are
    // synthetic days) give up to 24× fewer result rows than hours.
    const groupBy = 'rows' in config.window || (parseEvery(config.window.every) as number) % 24 === 0 ? 'day' : 'hour';
    // Each run's windows are measured and decided while the engine scans the next run.
    const judge = windowJudge(p, config, ctx, progress);
    await scanHistory(engine, { model, reference: p.reference, tables, windows, groupBy, onRun: judge.add });
    const judged = judge.result();
    return summarize(p, config, ctx, judged.state, judged.windows, judged.alerts, judged.resolutions);
  } finally {
    if (input.engine) {
      if (fineGrid) await input.engine.run(`DROP TABLE IF EXISTS ${quoteIdentifier(fineGrid.table)}`);
      if (loaded) await dropHistory(input.engine, loaded);
    } else {
      await engine.close();
    }
  }
}

/**
 * Measures and decides the windows in order, a run of them at a time as their scan comes in, the
 * monitor's state carried from one window to the next as the Lambdas carry it; business metrics read
 * each window's rows.
 */
function windowJudge(p: Prepared, config: BacktestConfig, ctx: DecideContext, progress: (message: string) => void) {
  const { batching, model } = p;
  const windows = batching.windows;
  // Rows per window (for business metrics, which read rows).
  const rowsOf: Int32Array[] | null = config.metrics && config.metrics.length > 0 ? rowsByWindow(batching) : null;
  const business = { prediction: p.prediction, predictedLabel: p.predictedLabel, label: p.label, data: new Map(p.data.columns.map((c) => [c.name, c] as const)) };
  const specs = featureSpecs(model, p.reference);
  let state: MonitorState = initialState(model.modelId, 'backtest');
  const judged: MonitorWindow[] = [];
  const alerts: Alert[] = [];
  const resolutions: Resolution[] = [];
  const every = Math.max(1, Math.ceil(windows.length / 10)); // about ten progress lines per run
  const judgeWindow = (span: WindowSpan, profile: DatasetProfile, batches: HourBatch[], performance: PerformanceAggregates | null) => {
    if ((span.index + 1) % every === 0 || span.index === windows.length - 1) progress(`window ${span.index + 1}/${windows.length}`);
    const engineSpan = {
      index: span.index,
      start: new Date(span.startHour * HOUR_MS),
      end: new Date(span.endHour * HOUR_MS),
      label: spanLabel(span),
      ...(span.startRow !== null && { startRow: span.startRow, endRow: span.endRow as number }),
      partial: span.partial,
    };
    let rowMetrics: Record<string, MetricValue> = {};
    if (rowsOf) rowMetrics = businessMetrics(config.metrics ?? [], business, rowsOf[span.index].map((r) => r + p.firstRow));
    const measures = measureWindow(model, p.reference, engineSpan, profile, batches, performance, rowMetrics, specs);
    const decided = decideWindow(state, { ...measures, rows: span.rows }, ctx);
    state = decided.state;
    judged.push(decided.window);
    alerts.push(...decided.alerts);
    resolutions.push(...decided.resolutions);
  };
  return {
    /** Judges a run's windows (runs come in window order). */
    add(run: RunScan): void {
      // Each window's hourly prediction aggregates, in time order.
      const batchesOf: HourBatch[][] = run.profiles.map(() => []);
      for (const part of run.partitions) {
        batchesOf[part.target - run.first].push({ hour: `${part.dt}T${part.hour ?? '00'}:00:00.000Z`, predictions: part.predictions });
      }
      for (let w = run.first; w < run.end; w++) {
        const i = w - run.first;
        judgeWindow(windows[w], run.profiles[i], batchesOf[i], run.performances ? run.performances[i] : null);
      }
    },
    result: () => ({ state, windows: judged, alerts, resolutions }),
  };
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
