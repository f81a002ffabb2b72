/**
 * The training data of `driftwatch reference`: the model's feature columns read from the file (by
 * name, with the kinds the config forces), renamed to their SQL ids, and the data cut into the
 * windows its drift bands are fitted on — the same cut as the backtest's (`referenceWindows`).
 */
import { InputError } from '../../adapters/local/errors';
import { readingNotice } from '../../adapters/local/inference';
import { readDataset } from '../../adapters/local/read-dataset';
import { hoursOf } from '../../backtest/batches';
import { findColumn, sliceColumn, withKind } from '../../backtest/columns';
import { parseEvery, type BacktestConfig } from '../../backtest/config';
import { referenceWindows } from '../../backtest/drift-bands';
import { dict } from '../../core/own';
import { driftTestProblem } from '../../core/schema/drift-test';
import { resolveThresholds } from '../../core/severity';
import type { Column, Dataset, FeatureKind } from '../../core/types';
import { driftBandsEnabled, type ReferenceWindows } from '../../monitor/drift-bands';
import type { MonitorFeature, MonitorModel } from '../../monitor/model';
import { UsageError } from '../io';
import type { ReferenceArgs, WindowOption } from './args';
import type { ModelDraft } from './model';

/** Without --window-rows, row windows cut the data into this many. */
export const DEFAULT_ROW_WINDOWS = 20;

export interface ReferenceData {
  readonly model: MonitorModel;
  /** The feature columns, named by id. */
  readonly data: Dataset;
  /** The drift bands' windows; null when the model turns the bands off. */
  readonly windows: ReferenceWindows | null;
  /** The cut in words (`windows of 2,059 rows`, `1d windows over event_time`). */
  readonly windowing: string;
  /** What reading the data decided about the model's columns (`readingNotice`), for stderr. */
  readonly notices: readonly string[];
}

/**
 * Reads the file; its messages name the file as the user wrote it, not its absolute path. What the
 * reader decided about the model's columns (cells counted as missing, a kind inferred from mixed
 * values, a delimiter that finds one column) goes to `notices`, as compare and backtest say it.
 */
async function readData(args: ReferenceArgs, file: string, draft: ModelDraft, notices: string[]): Promise<Dataset> {
  // Keyed by column names: `__proto__` and `toString` are names too.
  const kinds = dict<FeatureKind>();
  for (const f of draft.features) if (f.kind !== undefined) kinds[f.name] = f.kind;
  const time = args.window.kind === 'time' ? args.window.column : undefined;
  const timestamps = time !== undefined && !Object.hasOwn(kinds, time) ? [time] : [];
  const used = new Set([...draft.features.map((f) => f.name), ...(time !== undefined ? [time] : [])]);
  const data = await readDataset(file, {
    delimiter: args.delimiter,
    kinds,
    timestamps,
    missingValues: args.missingValues,
    onColumn: (reading) => {
      const notice = used.has(reading.name) ? readingNotice({ ...reading, file: args.data }) : null;
      if (notice) notices.push(notice);
    },
    onNotice: (message) => notices.push(message.split(file).join(args.data)),
  }).catch((error: unknown) => {
    if (error instanceof InputError) throw new InputError(error.message.split(file).join(args.data), { ...error.details, file: args.data });
    throw error;
  });
  if (data.rowCount === 0) throw new InputError(`${args.data}: the file has a header but no data rows`, { file: args.data });
  // A smaller reference would leave every window of the monitor unjudged ("too few rows").
  if (data.rowCount < draft.minRows) {
    throw new InputError(
      `${args.data}: ${data.rowCount.toLocaleString('en-US')} rows, fewer than the ${draft.minRows.toLocaleString('en-US')} a reference needs ` +
        `(the monitor judges no window against a smaller one: ${draft.env === null ? 'the documented minimum' : `monitor.minRows of model ${draft.modelId} in ${draft.configName}`}); give more training rows`,
      { file: args.data },
    );
  }
  return data;
}

/** A platform model's missing column: say where its name comes from. */
function withHint<T>(draft: ModelDraft, find: () => T): T {
  try {
    return find();
  } catch (error) {
    if (!(error instanceof InputError) || draft.env === null) throw error;
    throw new InputError(`${error.message}; the data's columns must carry the feature names of model ${draft.modelId} in ${draft.configName}`, error.details);
  }
}

/** Every feature found in the data with its kind; a pinned test or thresholds that do not fit are named. */
function featureColumns(draft: ModelDraft, data: Dataset, file: string): { features: MonitorFeature[]; columns: Column[] } {
  const features: MonitorFeature[] = [];
  const columns: Column[] = [];
  for (const f of draft.features) {
    const found = withHint(draft, () => findColumn(data, f.name, 'feature', file));
    const kind = f.kind ?? found.kind;
    const misfit = f.test === undefined ? null : driftTestProblem(f.test, kind);
    if (misfit) throw new InputError(`${draft.configName}: features.${f.name}.test: ${misfit} (${f.name} reads as ${kind} in ${file})`, { file: draft.configName });
    try {
      resolveThresholds(f.name, f.thresholds);
    } catch (error) {
      throw new InputError(`${draft.configName}: features.${f.name}.thresholds: ${(error as Error).message}`, { file: draft.configName });
    }
    columns.push(sliceColumn(withKind(found, kind, 'feature', file), 0, data.rowCount, f.id));
    features.push({ ...f, kind });
  }
  return { features, columns };
}

/** The window option as a backtest window (the drift bands are cut exactly as the backtest cuts them). */
function backtestWindow(option: WindowOption, draft: ModelDraft, rows: number): BacktestConfig['window'] {
  if (option.kind === 'rows') return { rows: option.rows ?? Math.max(1, Math.floor(rows / DEFAULT_ROW_WINDOWS)) };
  const every = option.every ?? draft.defaultEvery;
  if (parseEvery(every) === null) throw new UsageError(`--every ${JSON.stringify(every)} is not a span such as 1h, 6h, 1d, 7d or 2w`);
  return { column: option.column, every };
}

function cutWindows(args: ReferenceArgs, draft: ModelDraft, raw: Dataset, data: Dataset): { windows: ReferenceWindows; windowing: string } {
  const window = backtestWindow(args.window, draft, data.rowCount);
  // referenceWindows reads only `window`; the rest makes it a whole BacktestConfig.
  const config: BacktestConfig = { features: [], reference: { rows: data.rowCount }, window };
  if ('rows' in window) return { windows: referenceWindows(config, data, null), windowing: `windows of ${window.rows.toLocaleString('en-US')} rows` };
  const hours = hoursOf(findColumn(raw, window.column, 'window', args.data), 0, raw.rowCount, args.data);
  return { windows: referenceWindows(config, data, hours), windowing: `${window.every} windows over ${window.column}` };
}

/**
 * Reads `--data` for the draft model and cuts its drift-band windows.
 * @throws InputError naming the file, the missing column or the bad value; UsageError for a bad --every
 */
export async function readReferenceData(args: ReferenceArgs, file: string, draft: ModelDraft): Promise<ReferenceData> {
  const notices: string[] = [];
  const raw = await readData(args, file, draft, notices);
  const { features, columns } = featureColumns(draft, raw, args.data);
  const model = draft.build(features);
  const data: Dataset = { rowCount: raw.rowCount, columns };
  if (!driftBandsEnabled(model.driftBands)) return { model, data, windows: null, windowing: 'disabled', notices };
  return { model, data, ...cutWindows(args, draft, raw, data), notices };
}
