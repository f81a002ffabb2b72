/**
 * What a backtest needs before it replays anything: the data in time order, the configured columns
 * found and converted, the reference rows (the first rows, or a reference file), the windows, the
 * engine's model, and the reference fitted by the engine as the Lambdas fit it.
 */
import * as path from 'path';
import { InputError } from '../adapters/local/errors';
import { readDataset } from '../adapters/local/read-dataset';
import { END_PARTITION_MS } from '../sql/partition';
import { importanceShares, resolveThresholds } from '../core/severity';
import { MIN_ROWS } from '../core/defaults';
import type { CategoricalColumn, Column, Dataset } from '../core/types';
import { driftBandsEnabled } from '../monitor/drift-bands';
import type { MonitorModel } from '../monitor/model';
import { fitReference, type MonitorReference } from '../monitor/reference';
import { HOUR_MS, hoursOf, markPartialWindows, rowBatching, timeBatching, type Batching } from './batches';
import { featureIdentifiers, findColumn, sliceColumn, toCategorical, toNumeric, withKind } from './columns';
import { BacktestConfigError, DEFAULT_BASELINE_WINDOWS, DEFAULT_MODEL_ID, inferTask, parseEvery, type BacktestConfig, type BacktestTask } from './config';
import { referenceWindows } from './drift-bands';
import { checkBinaryClasses, collect, inTimeOrder, readOptionsOf } from './read-data';

export interface Prepared {
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

export interface PrepareInput {
  readonly data: Dataset;
  readonly config: BacktestConfig;
  /** How messages name the data. @default 'data' */
  readonly dataName?: string;
  /** The reference when `config.reference` is `{ file }` (read from that path, relative to `baseDir`, otherwise). */
  readonly reference?: Dataset;
  /** @default process.cwd() */
  readonly baseDir?: string;
  readonly notices?: readonly string[];
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

/** Reads the configured columns, the reference and the windows, and fits the reference. @throws InputError, BacktestConfigError */
export async function prepare(input: PrepareInput): Promise<Prepared> {
  const { config } = input;
  const file = input.dataName ?? 'data';
  const notices = [...(input.notices ?? [])];
  const data = inTimeOrder(input.data, config, file, notices);
  const featureIds = featureIdentifiers(config.features.map((f) => f.name), 'config');
  const features = config.features.map((f, i) => {
    const column = withKind(findColumn(data, f.name, 'feature', file), f.kind, 'feature', file);
    return sliceColumn(column, 0, data.rowCount, featureIds[i]);
  });
  const { task, classification, prediction, predictedLabel, label } = modelColumns(config, data, file);
  const ref = await referenceRows(input, data, features, featureIds, notices);
  if (data.rowCount - ref.firstRow <= 0) throw new InputError(`${file}: the data has no rows to backtest`, { file });
  const batching = batchingOf(config, data, ref.firstRow, file);
  checkThresholds(config);
  const model = backtestModel(config, featureIds, task, {
    prediction: prediction !== null,
    predictedLabel: classification && predictedLabel !== null,
    label: label !== null,
  });
  const assumed = importanceShares(model.features.map((f) => f.id), Object.fromEntries(model.features.map((f) => [f.id, { importance: f.importance }]))).note;
  if (assumed) notices.push(`config: ${assumed}`);
  const windows = driftBandsEnabled(config.driftBands) ? referenceWindows(config, ref.data, ref.hours) : null;
  const reference = fitReference(model, ref.data, windows, { source: 'file' in config.reference ? config.reference.file : `rows 0–${ref.data.rowCount}`, createdAt: new Date(0) });
  const importancesGiven = config.features.some((f) => f.importance !== undefined);
  if (reference.profile.redundancySkipped && !importancesGiven) notices.push(`reference: ${reference.profile.redundancySkipped}`);
  return { model, features, prediction, predictedLabel, label, reference, firstRow: ref.firstRow, batching, dataRows: data.rowCount, notices, data };
}

/** The task and the prediction, predicted-label and label columns the config names, converted to their kinds. */
function modelColumns(config: BacktestConfig, data: Dataset, file: string) {
  const labelled = config.label !== undefined;
  const anyModelColumn = config.prediction !== undefined || config.predictedLabel !== undefined || labelled;
  const task = anyModelColumn ? inferTask(config) : null;
  const classification = task === 'binary_classification' || task === 'multiclass_classification';
  const prediction = config.prediction ? toNumeric(findColumn(data, config.prediction, 'prediction', file), 'prediction', file) : null;
  const predictedLabel = config.predictedLabel ? toCategorical(findColumn(data, config.predictedLabel, 'predictedLabel', file)) : null;
  const labelColumn = config.label ? findColumn(data, config.label, 'label', file) : null;
  const label = labelColumn ? (classification ? toCategorical(labelColumn) : toNumeric(labelColumn, 'label', file)) : null;
  if (task === 'binary_classification') checkBinaryClasses(config, label as CategoricalColumn | null, predictedLabel, file);
  return { task, classification, prediction, predictedLabel, label };
}

/**
 * The reference's feature rows and hours (for drift bands' windows): the data's first `reference.rows`
 * rows, or the reference file's rows; `firstRow` is the data's first monitored row.
 */
async function referenceRows(input: PrepareInput, data: Dataset, features: readonly Column[], featureIds: readonly string[], notices: string[]): Promise<{ data: Dataset; firstRow: number; hours: Float64Array | null }> {
  const { config } = input;
  const file = input.dataName ?? 'data';
  if ('rows' in config.reference) {
    const rows = config.reference.rows;
    if (rows >= data.rowCount) {
      throw new InputError(`${file}: reference.rows is ${rows} but the data has ${data.rowCount} rows, which leaves no rows for windows`, { file });
    }
    const hours = 'column' in config.window ? hoursOf(findColumn(data, config.window.column, 'window', file), 0, rows, file) : null;
    return { data: { rowCount: rows, columns: features.map((c) => sliceColumn(c, 0, rows)) }, firstRow: rows, hours };
  }
  const refName = config.reference.file;
  const refFile = path.resolve(input.baseDir ?? process.cwd(), refName);
  const raw = input.reference ?? (await readDataset(refFile, { ...readOptionsOf(config), onColumn: collect(notices, config, refName) }));
  if (raw.rowCount === 0) throw new InputError(`${refName}: the reference has no rows`, { file: refName });
  const columns = config.features.map((f, i) =>
    sliceColumn(withKind(findColumn(raw, f.name, 'feature', refName), f.kind, 'feature', refName), 0, raw.rowCount, featureIds[i]),
  );
  const timeColumn = 'column' in config.window ? raw.columns.find((c) => c.name === (config.window as { column: string }).column) : undefined;
  return { data: { rowCount: raw.rowCount, columns }, firstRow: 0, hours: timeColumn ? hoursOf(timeColumn, 0, raw.rowCount, refName) : null };
}

/** The windows over the monitored rows: by row count, or by time on the window column. */
function batchingOf(config: BacktestConfig, data: Dataset, firstRow: number, file: string): Batching {
  if ('rows' in config.window) return rowBatching(firstRow, data.rowCount, config.window.rows);
  const every = parseEvery(config.window.every) as number;
  const hours = hoursOf(findColumn(data, config.window.column, 'window', file), firstRow, data.rowCount, file);
  const batching = markPartialWindows(timeBatching(hours, every));
  const last = batching.windows[batching.windows.length - 1];
  if (last && last.endHour * HOUR_MS >= END_PARTITION_MS) {
    throw new InputError(
      `${file}: windows of ${config.window.every} on ${JSON.stringify(config.window.column)} reach past the end of 9999, which the hourly partitions cannot name; choose a shorter "every"`,
      { file },
    );
  }
  return batching;
}

/** Every feature's thresholds resolve (a config error names the feature's index). */
function checkThresholds(config: BacktestConfig): void {
  config.features.forEach((f, i) => {
    try {
      resolveThresholds(f.name, f.thresholds);
    } catch (error) {
      throw new BacktestConfigError('config', [`features[${i}].thresholds: ${(error as Error).message}`]);
    }
  });
}
