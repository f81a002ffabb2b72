/**
 * A backtest config from the platform config (`config/<env>.ts`, validated by `config/validate`):
 * one model's features, task, prediction and label mapped onto a BacktestConfig. The data file is
 * expected to hold the record contract's columns (`prediction`, `predicted_label`, `label`); the
 * reference and the windows come from the caller (CLI flags) since the platform config describes
 * production, not history.
 */
import { validateConfig, ConfigValidationError } from '../../config/validate';
import type { DriftwatchConfig } from '../../config/schema';
import type { FeatureKind } from '../core/types';
import { BacktestConfigError, parseBacktestConfig, readConfigModule, type BacktestConfig } from './config';
import { kindsOf, timestampsOf, type ReadableColumns } from './read-data';

export interface PlatformBacktestOptions {
  readonly modelId: string;
  /** Reference: the first N rows. @default a quarter of the data (needs `dataRows`) */
  readonly referenceRows?: number;
  /** Row windows of N rows. @default 20 windows over the rows after the reference (needs `dataRows`) */
  readonly windowRows?: number;
  /** Time windows over this column, of `every` (instead of row windows). */
  readonly windowColumn?: string;
  readonly every?: string;
  /** Rows in the data, for the defaults. */
  readonly dataRows?: number;
  /** Column names of the data: the prediction and label roles are only set when their column exists. */
  readonly columns?: readonly string[];
  readonly delimiter?: string;
}

/**
 * Maps one model of a validated platform config to a backtest config.
 * @throws BacktestConfigError when the model does not exist or is a ranking model (not backtested yet).
 * @example backtestConfigFromPlatform(config, { modelId: 'fraud_detector', referenceRows: 10000, windowRows: 2000 })
 */
export function backtestConfigFromPlatform(platform: DriftwatchConfig, options: PlatformBacktestOptions, source = 'config'): BacktestConfig {
  const model = platform.models.find((m) => m.id === options.modelId);
  if (!model) {
    throw new BacktestConfigError(source, [`--model ${JSON.stringify(options.modelId)}: no such model (models: ${platform.models.map((m) => m.id).join(', ')})`]);
  }
  if (model.task === 'ranking') {
    throw new BacktestConfigError(source, [`models[${platform.models.indexOf(model)}].task: ranking models cannot be backtested yet (binary, multiclass and regression can)`]);
  }
  const has = (column: string) => options.columns === undefined || options.columns.includes(column);
  const classification = model.task !== 'regression';
  const rows = options.dataRows;
  const referenceRows = options.referenceRows ?? (rows !== undefined ? Math.max(1, Math.floor(rows / 4)) : undefined);
  if (referenceRows === undefined) throw new BacktestConfigError(source, ['reference: give --reference-rows N']);
  let window: BacktestConfig['window'] | null = timeWindow(options);
  if (!window) {
    const windowRows = options.windowRows ?? (rows !== undefined ? Math.max(1, Math.ceil((rows - referenceRows) / 20)) : undefined);
    if (windowRows === undefined) throw new BacktestConfigError(source, ['window: give --window-rows N']);
    window = { rows: windowRows };
  }
  const json = {
    modelId: model.id,
    task: model.task,
    features: model.features.map((f) => ({
      name: f.name,
      kind: f.kind,
      ...(f.importance !== undefined ? { importance: f.importance } : {}),
      ...(f.thresholds !== undefined ? { thresholds: f.thresholds } : {}),
      ...(f.test !== undefined ? { test: f.test } : {}),
    })),
    reference: { rows: referenceRows },
    window,
    ...(has('prediction') ? { prediction: 'prediction' } : {}),
    ...(classification && has('predicted_label') ? { predictedLabel: 'predicted_label' } : {}),
    ...(has('label') && (!classification || has('predicted_label')) ? { label: 'label' } : {}),
    ...(model.task === 'binary_classification' && model.label.positiveClass !== undefined ? { positiveLabel: model.label.positiveClass } : {}),
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(model.driftBands !== undefined ? { driftBands: model.driftBands } : {}),
    minRows: model.monitor.minRows,
  };
  return parseBacktestConfig(json, `${source} (model ${model.id})`);
}

/**
 * How to read a platform model's data before the backtest config exists (it needs the data's row
 * count and columns): the features' kinds, the record contract's columns with theirs, and the time
 * window's column as timestamps — so a numeric-looking category is not read as a number, and a
 * column of ISO times is parsed once into epoch milliseconds instead of a dictionary of strings.
 * An unknown model gives no hints (backtestConfigFromPlatform then names it).
 *
 * @example platformReadOptions(config, { modelId: 'fraud_detector', windowColumn: 'event_time' })
 */
export function platformReadOptions(
  platform: DriftwatchConfig,
  options: Pick<PlatformBacktestOptions, 'modelId' | 'windowColumn' | 'every'>,
): { kinds: Record<string, FeatureKind>; timestamps: string[] } {
  const model = platform.models.find((m) => m.id === options.modelId);
  const window = timeWindow(options) ?? { rows: 1 };
  if (!model) return { kinds: {}, timestamps: 'column' in window ? [window.column] : [] };
  // The record contract's columns, as backtestConfigFromPlatform maps them when they are present.
  const columns: ReadableColumns = {
    features: model.features,
    window,
    task: model.task === 'ranking' ? undefined : model.task,
    prediction: 'prediction',
    predictedLabel: model.task === 'regression' ? undefined : 'predicted_label',
    label: 'label',
  };
  return { kinds: kindsOf(columns), timestamps: timestampsOf(columns) };
}

/** The time window the options ask for (`--window-column` / `--every`), or null for row windows. */
function timeWindow(options: Pick<PlatformBacktestOptions, 'windowColumn' | 'every'>): { column: string; every: string } | null {
  if (options.windowColumn === undefined && options.every === undefined) return null;
  return { column: options.windowColumn ?? 'event_time', every: options.every ?? '1d' };
}

/** Loads `config/<env>.ts`, validates it as the CDK app does, and maps one model. */
export async function loadPlatformBacktestConfig(file: string, options: PlatformBacktestOptions): Promise<BacktestConfig> {
  const raw = await readConfigModule(file);
  let platform: DriftwatchConfig;
  try {
    platform = validateConfig(raw, file);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new BacktestConfigError(file, error.problems);
    throw error;
  }
  return backtestConfigFromPlatform(platform, options, file);
}

/** Whether a loaded module looks like a platform config (it has `models`) rather than a backtest config. */
export function isPlatformConfig(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && Array.isArray((raw as { models?: unknown }).models);
}
