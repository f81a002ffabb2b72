/**
 * How a backtest reads its data: which columns as which kind or as timestamps, the notices a mixed
 * column gets, the rows put in time order, and the checks a binary classifier's classes must pass
 * before anything is replayed.
 */
import { InputError } from '../adapters/local/errors';
import { readingNotice, type ColumnReading } from '../adapters/local/inference';
import type { ReadOptions } from '../adapters/local/read-dataset';
import { isEpochMs, markEpochMs } from '../adapters/local/timestamp';
import { dict } from '../core/own';
import type { CategoricalColumn, Column, Dataset, FeatureKind } from '../core/types';
import { HOUR_MS, hoursOf } from './batches';
import { findColumn } from './columns';
import { inferTask, type BacktestConfig } from './config';

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
export function checkBinaryClasses(config: BacktestConfig, label: CategoricalColumn | null, predicted: CategoricalColumn | null, file: string): void {
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
