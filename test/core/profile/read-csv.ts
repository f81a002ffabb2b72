import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../../../lambda/core/types';
import { readDatasetText, type DatasetName } from '../../support/datasets';

/**
 * A tiny CSV reader for the test datasets: one record per line, `separator`-split, surrounding
 * double quotes removed (neither file has separators or quotes inside a field). Columns named in
 * `numeric` become Float64Array (empty or "?" → NaN), those in `categorical` are dictionary-encoded.
 */
export function readCsv(
  file: DatasetName,
  separator: string,
  numeric: readonly string[],
  categorical: readonly string[] = [],
): Dataset {
  const lines = readDatasetText(file).split(/\r?\n/).filter((l) => l.length > 0);
  const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);
  const header = lines[0].split(separator).map(unquote);
  const rows = lines.length - 1;
  const index = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file} has no column ${name}; it has ${header.join(', ')}`);
    return i;
  };
  const numericColumns = numeric.map((name) => ({ name, i: index(name), values: new Float64Array(rows) }));
  const categoricalColumns = categorical.map((name) => ({
    name,
    i: index(name),
    codes: new Int32Array(rows),
    dictionary: [] as string[],
    lookup: new Map<string, number>(),
  }));
  for (let r = 0; r < rows; r++) {
    const fields = lines[r + 1].split(separator);
    for (const c of numericColumns) {
      const raw = unquote(fields[c.i]);
      c.values[r] = raw === '' || raw === '?' ? NaN : Number(raw);
    }
    for (const c of categoricalColumns) {
      const raw = unquote(fields[c.i]);
      if (raw === '') {
        c.codes[r] = -1;
        continue;
      }
      let code = c.lookup.get(raw);
      if (code === undefined) {
        code = c.dictionary.length;
        c.dictionary.push(raw);
        c.lookup.set(raw, code);
      }
      c.codes[r] = code;
    }
  }
  const columns: Column[] = [
    ...numericColumns.map((c): NumericColumn => ({ kind: 'numeric', name: c.name, values: c.values })),
    ...categoricalColumns.map((c): CategoricalColumn => ({ kind: 'categorical', name: c.name, codes: c.codes, dictionary: c.dictionary })),
  ];
  return { rowCount: rows, columns };
}

/** Rows [start, end) of a dataset (views, no copy). */
export function sliceRows(dataset: Dataset, start: number, end: number): Dataset {
  return {
    rowCount: end - start,
    columns: dataset.columns.map((c): Column =>
      c.kind === 'numeric'
        ? { ...c, values: c.values.subarray(start, end) }
        : { ...c, codes: c.codes.subarray(start, end) },
    ),
  };
}

export function numericColumn(dataset: Dataset, name: string): Float64Array {
  const column = dataset.columns.find((c) => c.name === name);
  if (!column || column.kind !== 'numeric') throw new Error(`no numeric column ${name}`);
  return column.values;
}
