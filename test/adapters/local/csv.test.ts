import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCsv } from '../../../lambda/adapters/local/csv';
import { InputError } from '../../../lambda/adapters/local/errors';
import { readDataset } from '../../../lambda/adapters/local/read-dataset';
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../../../lambda/core/types';
import { CENSUS_REFERENCE } from '../../support/datasets';

const csv = (text: string, options = {}) => parseCsv(Buffer.from(text, 'utf8'), { fileName: 'f.csv', ...options });
const column = (dataset: Dataset, name: string): Column => {
  const found = dataset.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
};
const numbers = (dataset: Dataset, name: string) => Array.from((column(dataset, name) as NumericColumn).values);
const labels = (dataset: Dataset, name: string) => {
  const c = column(dataset, name) as CategoricalColumn;
  expect(c.kind).toBe('categorical');
  return Array.from(c.codes, (code) => (code < 0 ? null : c.dictionary[code]));
};
const errorOf = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
};

describe('parseCsv', () => {
  it('infers numeric and categorical columns and treats empty/NA/NaN/null as missing', () => {
    const d = csv('x,y,z\n1,a,\n2.5,NA,NaN\nnull,b,3\n');
    expect(d.rowCount).toBe(3);
    expect(d.columns.map((c) => c.kind)).toEqual(['numeric', 'categorical', 'numeric']);
    expect(numbers(d, 'x')).toEqual([1, 2.5, NaN]);
    expect(labels(d, 'y')).toEqual(['a', null, 'b']);
    expect(numbers(d, 'z')).toEqual([NaN, NaN, 3]);
  });

  it('handles quotes, escaped quotes, delimiters and newlines inside quotes, CRLF and a BOM', () => {
    const d = csv('\uFEFF"name","n"\r\n"a ""quoted"" one",1\r\n"x;y\nz","2"\r\n');
    expect(d.columns.map((c) => c.name)).toEqual(['name', 'n']);
    expect(labels(d, 'name')).toEqual(['a "quoted" one', 'x;y\nz']);
    expect(numbers(d, 'n')).toEqual([1, 2]);
  });

  it('uses the given delimiter (the bank marketing file is ;-separated)', () => {
    const d = csv('"age";"job"\n56;"housemaid"\n57;"services"\n', { delimiter: ';' });
    expect(numbers(d, 'age')).toEqual([56, 57]);
    expect(labels(d, 'job')).toEqual(['housemaid', 'services']);
    expect(numbers(csv('a\tb\n1\t2\n', { delimiter: 'tab' }), 'b')).toEqual([2]);
  });

  it('switches a column to categorical at its first non-number and keeps the earlier texts as written', () => {
    const d = csv('v\n1.0\n1\n007\nx\n');
    expect(labels(d, 'v')).toEqual(['1.0', '1', '007', 'x']);
  });

  it('treats Infinity as text: the column is categorical unless declared numeric', () => {
    expect(csv('v\n1\nInfinity\n').columns[0].kind).toBe('categorical');
    const error = errorOf(() => csv('v\n1\nInfinity\n', { kinds: { v: 'numeric' } }));
    expect(error.message).toBe('f.csv: row 2 (line 3), column "v": value "Infinity" is not a finite number, but the column is declared numeric');
    expect(error.details).toMatchObject({ file: 'f.csv', row: 2, line: 3, column: 'v', value: 'Infinity' });
  });

  it('forces a numeric-looking column to categorical when asked', () => {
    const d = csv('code\n01\n1\n', { kinds: { code: 'categorical' } });
    expect(labels(d, 'code')).toEqual(['01', '1']);
  });

  it('names file, line and field counts for a ragged row', () => {
    expect(errorOf(() => csv('a,b\n1,2\n3,4,5\n')).message).toBe('f.csv: line 3: expected 2 fields (as in the header), found 3');
    expect(errorOf(() => csv('a,b\n1,2\n3\n')).message).toBe('f.csv: line 3: expected 2 fields (as in the header), found 1');
  });

  it('counts lines inside quoted fields when naming a line', () => {
    expect(errorOf(() => csv('a,b\n"x\ny",2\n3\n')).message).toMatch(/^f\.csv: line 4: /);
  });

  it('reports an unterminated quote with the line where it opens', () => {
    expect(errorOf(() => csv('a,b\n1,2\n"open,3\n4,5\n')).message).toBe(
      'f.csv: line 3: unterminated quoted field (a \'"\' opens a field that never closes)',
    );
  });

  it('rejects duplicate header names, naming the column', () => {
    expect(errorOf(() => csv('a,b,a\n1,2,3\n')).message).toBe(
      'f.csv: line 1: duplicate column name "a" (header fields 1 and 3); column names must be unique',
    );
  });

  it('reads a header-only file as zero rows, and rejects an empty file', () => {
    const d = csv('a,b\n');
    expect(d.rowCount).toBe(0);
    expect(d.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(errorOf(() => csv('')).message).toBe('f.csv: the file is empty (expected a header row)');
    expect(errorOf(() => csv('\uFEFF\n\n')).message).toMatch(/empty/);
  });

  it('skips blank lines and accepts a last line without a newline', () => {
    expect(numbers(csv('a\n1\n\n2'), 'a')).toEqual([1, 2]);
  });

  it('reads a 1 MB field', () => {
    const long = 'x'.repeat(1 << 20);
    const d = csv(`a,b\n"${long}",1\n${long},2\n`);
    expect(labels(d, 'a')).toEqual([long, long]);
    expect(numbers(d, 'b')).toEqual([1, 2]);
  });

  it('dictionary-encodes 100,000 distinct categories', () => {
    const lines = ['id,n'];
    for (let i = 0; i < 100_000; i++) lines.push(`c${i},${i}`);
    const d = csv(lines.join('\n'));
    const id = column(d, 'id') as CategoricalColumn;
    expect(id.dictionary.length).toBe(100_000);
    expect(id.dictionary[id.codes[99_999]]).toBe('c99999');
    expect(d.rowCount).toBe(100_000);
  });

  it('grows its arrays when the first lines underestimate the row count', () => {
    const lines = ['v'];
    for (let i = 0; i < 1000; i++) lines.push('x'.repeat(50));
    for (let i = 0; i < 5000; i++) lines.push('1');
    const d = csv(lines.join('\n'));
    expect(d.rowCount).toBe(6000);
    expect(labels(d, 'v')[5999]).toBe('1');
  });
});

describe('readDataset', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-read-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names a missing file and an empty file', async () => {
    await expect(readDataset(path.join(dir, 'nope.csv'))).rejects.toThrow(`${path.join(dir, 'nope.csv')}: file not found`);
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '');
    await expect(readDataset(empty)).rejects.toThrow(`${empty}: the file is empty (expected a header row)`);
  });

  it('reads a CSV with a delimiter', async () => {
    const file = path.join(dir, 'a.csv');
    fs.writeFileSync(file, 'a;b\n1;x\n');
    const d = await readDataset(file, { delimiter: ';' });
    expect(d.columns.map((c) => c.kind)).toEqual(['numeric', 'categorical']);
  });

  it('reads Parquet through DuckDB: numeric types as numbers, strings as categories', async () => {
    const file = CENSUS_REFERENCE;
    const d = await readDataset(file);
    expect(d.rowCount).toBe(68_785);
    expect(d.columns).toHaveLength(21);
    const kinds = Object.fromEntries(d.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ id: 'numeric', AGEP: 'numeric', SCHL: 'categorical', RELP: 'categorical', predicted_probability: 'numeric' });
    expect(numbers(d, 'AGEP').slice(0, 3)).toEqual([62, 48, 47]);
    expect(labels(d, 'RELP').slice(0, 3)).toEqual(['17', '0', '1']);
    const forced = await readDataset(file, { kinds: { SCHL: 'numeric', year: 'categorical' } });
    expect(numbers(forced, 'SCHL').slice(0, 2)).toEqual([16, 21]);
    expect(labels(forced, 'year')[0]).toBe('2015');
  });

  it('names the file when a Parquet file is corrupt', async () => {
    const file = path.join(dir, 'bad.parquet');
    fs.writeFileSync(file, 'PAR1 not really');
    await expect(readDataset(file)).rejects.toThrow(`${file}: not a readable Parquet file`);
  });
});

describe('readDataset on Parquet with infinities', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-pq-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a float column holding Infinity as categorical, and names row, column and value when forced numeric', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const file = path.join(dir, 'inf.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * FROM (VALUES (1.5::DOUBLE, 1), ('inf'::DOUBLE, 2), (NULL, 3)) t(x, n)) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const d = await readDataset(file);
    expect(labels(d, 'x')).toEqual(['1.5', 'Infinity', null]);
    expect(numbers(d, 'n')).toEqual([1, 2, 3]);
    await expect(readDataset(file, { kinds: { x: 'numeric' } })).rejects.toThrow(
      `${file}: row 2, column "x": value "Infinity" is not a finite number, but the column is declared numeric`,
    );
  });
});
