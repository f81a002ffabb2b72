/**
 * The US census employment set as NannyML ships it (test/datasets/us_census_ma_employment.source.txt): the 2015
 * reference file, then the 2016–2018 analysis file with its targets joined on `id`, as one dataset in the
 * files' row order (the backtest's reference is the first 68,785 rows, the 2015 ones).
 */
import { readDataset } from '../../lambda/adapters/local';
import type { CategoricalColumn, Column, Dataset } from '../../lambda/core/types';
import { datasetFile } from '../support/datasets';

export const CENSUS_REFERENCE_ROWS = 68_785;

function concatColumns(a: Column, b: Column): Column {
  if (a.kind === 'numeric' && b.kind === 'numeric') {
    const values = new Float64Array(a.values.length + b.values.length);
    values.set(a.values);
    values.set(b.values, a.values.length);
    return { kind: 'numeric', name: a.name, values };
  }
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    const dictionary = [...a.dictionary];
    const index = new Map(dictionary.map((v, i) => [v, i]));
    const remap = b.dictionary.map((v) => {
      if (!index.has(v)) index.set(v, dictionary.push(v) - 1);
      return index.get(v)!;
    });
    const codes = new Int32Array(a.codes.length + b.codes.length);
    codes.set(a.codes);
    for (let i = 0; i < b.codes.length; i++) codes[a.codes.length + i] = b.codes[i] < 0 ? -1 : remap[b.codes[i]];
    return { kind: 'categorical', name: a.name, dictionary, codes } satisfies CategoricalColumn;
  }
  throw new Error(`column ${JSON.stringify(a.name)} is ${a.kind} in one file and ${b.kind} in the other`);
}

/** Reference rows, then analysis rows with `employed` from the analysis targets (checked to be in the same id order). */
export async function loadCensus(): Promise<Dataset> {
  const reference = await readDataset(datasetFile('us_census_ma_employment_MA_reference.pq'));
  const analysis = await readDataset(datasetFile('us_census_ma_employment_MA_analysis.pq'));
  const targets = await readDataset(datasetFile('us_census_ma_employment_MA_analysis_target.pq'));
  const column = (d: Dataset, name: string) => {
    const c = d.columns.find((x) => x.name === name);
    if (!c) throw new Error(`census: no column ${JSON.stringify(name)}`);
    return c;
  };
  const ids = column(analysis, 'id');
  const targetIds = column(targets, 'id');
  if (ids.kind !== 'numeric' || targetIds.kind !== 'numeric' || ids.values.length !== targetIds.values.length || ids.values.some((v, i) => v !== targetIds.values[i])) {
    throw new Error('census: the analysis targets are not in the analysis rows\' id order');
  }
  if (reference.rowCount !== CENSUS_REFERENCE_ROWS) throw new Error(`census: the reference has ${reference.rowCount} rows, expected ${CENSUS_REFERENCE_ROWS}`);
  const withTarget: Dataset = { rowCount: analysis.rowCount, columns: [...analysis.columns, column(targets, 'employed')] };
  return {
    rowCount: reference.rowCount + analysis.rowCount,
    columns: reference.columns.map((c) => concatColumns(c, column(withTarget, c.name))),
  };
}
