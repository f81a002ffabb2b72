/** Rows of the history as the replay hands them around: labelled rows, the label's classes, a served model's columns. */
import { sliceRows, type RowRange } from '../../core/dataset/slice-rows';
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../../core/types';
import type { Predictions } from './trainer';

/** The label of each row of `range` as text, null when missing. */
export function labelsOf(column: Column, range: RowRange): (string | null)[] {
  const out: (string | null)[] = [];
  for (let r = range.start; r < range.end; r++) {
    if (column.kind === 'categorical') out.push(column.codes[r] < 0 ? null : column.dictionary[column.codes[r]]);
    else out.push(Number.isFinite(column.values[r]) ? String(column.values[r]) : null);
  }
  return out;
}

/** A numeric label's value on each row of `range`, NaN when missing (a regression's targets). */
export function targetsOf(column: Column, range: RowRange): Float64Array {
  if (column.kind !== 'numeric') throw new Error(`label ${JSON.stringify(column.name)}: a regression needs a numeric label column, the data's is categorical`);
  return column.values.slice(range.start, range.end);
}

/** The classes the label takes, in order of first appearance. */
export function classesOf(column: Column): string[] {
  return [...new Set(labelsOf(column, { start: 0, end: column.kind === 'categorical' ? column.codes.length : column.values.length }).filter((l): l is string => l !== null))];
}

/** The rows of `range` whose label is present (copied), for training. */
export function labelledRows(data: Dataset, label: Column, range: RowRange): Dataset {
  const keep = labelsOf(label, range).flatMap((l, i) => (l === null ? [] : [range.start + i]));
  if (keep.length === range.end - range.start) return sliceRows(data, range);
  const columns = data.columns.map((c): Column =>
    c.kind === 'numeric' ? { ...c, values: Float64Array.from(keep, (r) => c.values[r]) } : { ...c, codes: Int32Array.from(keep, (r) => c.codes[r]) },
  );
  return { rowCount: keep.length, columns };
}

/** A column of classes from predictions. */
export function labelColumn(name: string, labels: readonly string[]): CategoricalColumn {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(labels, (l) => {
    let code = index.get(l);
    if (code === undefined) {
      code = dictionary.push(l) - 1;
      index.set(l, code);
    }
    return code;
  });
  return { kind: 'categorical', name, dictionary, codes };
}

/** The data with the model-output columns replaced by a model's predictions (a column without a value from the model is dropped). */
export function withPredictions(data: Dataset, p: Predictions, columns: { readonly prediction?: string; readonly predictedLabel?: string }): Dataset {
  const replaced = new Set([columns.prediction, columns.predictedLabel].filter((c): c is string => c !== undefined));
  const added: Column[] = [];
  if (columns.predictedLabel) added.push(labelColumn(columns.predictedLabel, p.labels));
  const numbers = p.values ?? p.scores;
  if (columns.prediction && numbers) added.push({ kind: 'numeric', name: columns.prediction, values: numbers } satisfies NumericColumn);
  return { rowCount: data.rowCount, columns: [...data.columns.filter((c) => !replaced.has(c.name)), ...added] };
}

/** The predictions logged in the data (the model that served the history): classes, or a regression's values. */
export function loggedPredictions(data: Dataset, range: RowRange, columns: { readonly prediction?: string; readonly predictedLabel?: string }, regression = false): Predictions {
  if (regression) {
    const values = data.columns.find((c) => c.name === columns.prediction);
    if (!values || values.kind !== 'numeric') throw new Error(`the data has no numeric prediction column ${JSON.stringify(columns.prediction)}: the replay needs the logged model's predicted values`);
    return { labels: [], scores: null, values: values.values.slice(range.start, range.end) };
  }
  const predicted = data.columns.find((c) => c.name === columns.predictedLabel);
  if (!predicted) throw new Error(`the data has no predictedLabel column ${JSON.stringify(columns.predictedLabel)}: the replay needs the logged model's classes`);
  const score = columns.prediction ? data.columns.find((c) => c.name === columns.prediction) : undefined;
  const labels = labelsOf(predicted, range).map((l) => l ?? '');
  return { labels, scores: score && score.kind === 'numeric' ? score.values.slice(range.start, range.end) : null };
}
