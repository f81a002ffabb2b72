/**
 * Data columns for the backtest: the configured columns found by name (with a clear error when one
 * is missing), coerced to the kind the config says, and each feature mapped to an SQL identifier.
 */
import { oneColumnHint } from '../adapters/local/csv';
import { InputError, quoteValue } from '../adapters/local/errors';
import { isIdentifier } from '../core/schema/identifier';
import type { CategoricalColumn, Column, Dataset, FeatureKind, NumericColumn } from '../core/types';
import { BacktestConfigError } from './config';

/** Columns of the prediction table that a feature's identifier must not take. */
const RESERVED = new Set([
  'prediction_id', 'model_id', 'model_version', 'variant', 'event_time', 'prediction', 'predicted_label',
  'label', 'label_time', 'dt', 'hour', 'row_id', 'batch',
]);

/**
 * An SQL identifier for a column name: lower case, every character outside [a-z0-9_] becomes `_`,
 * `f_` in front when it does not start with a letter or is a reserved column of the record.
 *
 * @example sqlName('emp.var.rate') // 'emp_var_rate'
 * @example sqlName('2nd score') // 'f_2nd_score'
 */
export function sqlName(name: string): string {
  let id = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z]/.test(id) || RESERVED.has(id)) id = `f_${id}`;
  id = id.slice(0, 128);
  if (!isIdentifier(id)) throw new Error(`sqlName: cannot map ${JSON.stringify(name)} to an identifier`);
  return id;
}

/**
 * Identifiers for the feature names, in order. Two names that map to the same identifier are a
 * config error naming both.
 */
export function featureIdentifiers(names: readonly string[], source: string): string[] {
  const byId = new Map<string, number>();
  const problems: string[] = [];
  const ids = names.map((name, i) => {
    const id = sqlName(name);
    const first = byId.get(id);
    if (first !== undefined) {
      problems.push(
        `features[${i}].name: ${JSON.stringify(name)} and features[${first}].name ${JSON.stringify(names[first])} both map to the SQL column ${id}; rename one`,
      );
    } else byId.set(id, i);
    return id;
  });
  if (problems.length > 0) throw new BacktestConfigError(source, problems);
  return ids;
}

/** A column of `dataset` by name; the error lists the available columns. */
export function findColumn(dataset: Dataset, name: string, role: string, file: string): Column {
  const column = dataset.columns.find((c) => c.name === name);
  if (column) return column;
  const names = dataset.columns.map((c) => quoteValue(c.name, 40));
  const list = names.slice(0, 25).join(', ') + (names.length > 25 ? ', ...' : '');
  const hint = dataset.columns.length === 1 ? oneColumnHint(dataset.columns[0].name, 0x2c) ?? oneColumnHint(dataset.columns[0].name, 0x3b) : null;
  throw new InputError(`${file}: the ${role} column ${quoteValue(name)} is not in the data (columns: ${list})${hint ? `; ${hint}` : ''}`, { file, column: name });
}

/** Numbers as category text, the way they print (`1`, `0.5`); NaN stays missing. */
export function toCategorical(column: Column): CategoricalColumn {
  if (column.kind === 'categorical') return column;
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(column.values.length);
  column.values.forEach((v, i) => {
    if (Number.isNaN(v)) {
      codes[i] = -1;
      return;
    }
    const text = String(v);
    let code = index.get(text);
    if (code === undefined) {
      code = dictionary.length;
      index.set(text, code);
      dictionary.push(text);
    }
    codes[i] = code;
  });
  return { kind: 'categorical', name: column.name, codes, dictionary };
}

/**
 * Reads a categorical column as numbers when every value parses as one (e.g. a CSV column read as text
 * because of a stray value would already have failed that test, so this mostly serves Datasets built
 * in memory). Otherwise an error naming the column and the first non-numeric value.
 */
export function toNumeric(column: Column, role: string, file: string): NumericColumn {
  if (column.kind === 'numeric') return column;
  const parsed = column.dictionary.map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  const bad = parsed.findIndex((v, i) => !Number.isFinite(v) && column.dictionary[i].trim() !== '');
  if (bad >= 0) {
    const row = column.codes.findIndex((c) => c === bad);
    throw new InputError(
      `${file}: the ${role} column ${quoteValue(column.name)} must be numeric, but row ${row + 1} holds ${quoteValue(column.dictionary[bad])}`,
      { file, column: column.name, row: row + 1, value: column.dictionary[bad] },
    );
  }
  const values = Float64Array.from(column.codes, (c) => (c < 0 ? Number.NaN : parsed[c]));
  return { kind: 'numeric', name: column.name, values };
}

/** The column with the kind the config says. */
export function withKind(column: Column, kind: FeatureKind, role: string, file: string): Column {
  return kind === 'numeric' ? toNumeric(column, role, file) : toCategorical(column);
}

/** Rows [start, end) of a column (views, no copy), renamed. */
export function sliceColumn(column: Column, start: number, end: number, name = column.name): Column {
  return column.kind === 'numeric'
    ? { kind: 'numeric', name, values: column.values.subarray(start, end) }
    : { kind: 'categorical', name, codes: column.codes.subarray(start, end), dictionary: column.dictionary };
}

/**
 * Detaches the columns' buffers (structuredClone's transfer), so their memory is freed at the next
 * collection however many views of them are still referenced; every view then reads as empty. Only
 * buffers of 64 KiB or more: a smaller one may be a slice of Node's shared Buffer pool.
 */
export function releaseColumns(columns: readonly (Column | null)[]): void {
  const buffers = new Set<ArrayBuffer>();
  for (const c of columns) {
    const view = c === null ? null : c.kind === 'numeric' ? c.values : c.codes;
    // Not instanceof: a buffer made in another realm (a vm context, jest) is an ArrayBuffer too.
    if (view && Object.prototype.toString.call(view.buffer) === '[object ArrayBuffer]' && view.buffer.byteLength >= 1 << 16) buffers.add(view.buffer as ArrayBuffer);
  }
  if (buffers.size > 0) structuredClone([...buffers], { transfer: [...buffers] });
}
