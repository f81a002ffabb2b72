/**
 * Issue 14, class 1: a numeric column never silently becomes categorical. Generated columns of
 * numbers with a few missing markers and invalid cells (decimal comma, thousands separator,
 * full-width digits, 1e309, units) must read as numeric, with the invalid cells missing, counted
 * and reported; the drift verdict must be the one the same data gives without those cells.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_MISSING_VALUES, parseCsv, readDataset, readingNotice, type ColumnReading } from '../../../lambda/adapters/local';
import { compareDatasets } from '../../../lambda/core/compare';
import type { Dataset, NumericColumn } from '../../../lambda/core/types';
import { csvText, run } from '../../cli/helpers';
import { syntheticConfig, syntheticHistory } from '../../backtest/synthetic';

/** Cells that are not numbers but sit in numeric columns in the wild. */
const invalidToken = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 99 })).map(([a, b]) => `${a},${b}`), // decimal comma
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a},${String(b).padStart(3, '0')}`), // thousands
  fc.integer({ min: 0, max: 9999 }).map((v) => String(v).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))), // full-width digits
  fc.constantFrom('1e309', '-1e400', '2E+999', 'Infinity', '-inf'),
  fc.integer({ min: 0, max: 500 }).map((v) => `${v} kg`),
  fc.constantFrom('n.a.', 'missing?', '#VALUE!', '12..5', '0x1F'),
);
/** A default missing marker, sometimes with spaces around it. */
const marker = fc.tuple(fc.constantFrom(...DEFAULT_MISSING_VALUES), fc.constantFrom('', ' ', '  ')).map(([m, pad]) => `${pad}${m}${pad}`);
const finite = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }));

/** A column of numbers with `bad` cells (invalid tokens) and `gaps` cells (missing markers) at random rows. */
const mixedColumn = fc
  .record({
    values: fc.array(finite, { minLength: 200, maxLength: 2000 }),
    invalid: fc.array(invalidToken, { minLength: 1, maxLength: 20 }),
    missing: fc.array(marker, { maxLength: 20 }),
    seed: fc.integer(),
  })
  .map(({ values, invalid, missing, seed }) => {
    const n = values.length;
    // At most 1% of the non-missing cells may be invalid.
    const k = Math.min(invalid.length, Math.floor(0.01 * (n - missing.length)));
    const cells: string[] = values.map((v) => String(v));
    const kindOf: ('number' | 'invalid' | 'missing')[] = cells.map(() => 'number');
    let s = seed >>> 0;
    const pick = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n;
    const place = (tokens: string[], kind: 'invalid' | 'missing') => {
      for (const token of tokens) {
        let at = pick();
        while (kindOf[at] !== 'number') at = (at + 1) % n;
        cells[at] = token;
        kindOf[at] = kind;
      }
    };
    place(invalid.slice(0, k), 'invalid');
    place(missing, 'missing');
    return { values, cells, kindOf, invalid: k };
  });

const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csvOf = (cells: readonly string[]) => Buffer.from(`x,c\n${cells.map((cell, i) => `${quote(cell)},${'abc'[i % 3]}`).join('\n')}\n`);

function readWithReadings(bytes: Buffer): { dataset: Dataset; readings: Map<string, ColumnReading> } {
  const readings = new Map<string, ColumnReading>();
  const dataset = parseCsv(bytes, { fileName: 'f.csv', onColumn: (r) => readings.set(r.name, r) });
  return { dataset, readings };
}

describe('numeric columns with stray cells (CSV)', () => {
  it('stay numeric: invalid cells and missing markers read as missing, the numbers as written', () => {
    fc.assert(
      fc.property(mixedColumn, ({ values, cells, kindOf, invalid }) => {
        const { dataset, readings } = readWithReadings(csvOf(cells));
        const x = dataset.columns[0] as NumericColumn;
        expect(x.kind).toBe('numeric');
        kindOf.forEach((kind, i) => {
          if (kind === 'number') expect(x.values[i]).toBe(Number(String(values[i])));
          else expect(x.values[i]).toBeNaN();
        });
        const reading = readings.get('x') as ColumnReading;
        expect(reading.invalid).toBe(invalid);
        expect(reading.nonMissing).toBe(kindOf.filter((k) => k !== 'missing').length);
        // A notice exactly when cells were set aside as invalid; it names the first one and its line.
        const notice = readingNotice(reading);
        if (invalid === 0) expect(notice).toBeNull();
        else {
          const first = kindOf.indexOf('invalid');
          expect(notice).toContain(`f.csv: column "x" read as numeric: ${invalid} of`);
          expect(notice).toContain(`${JSON.stringify(cells[first])} (line ${first + 2}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('give the drift verdict of the same data without the stray cells', () => {
    fc.assert(
      fc.property(mixedColumn, fc.double({ min: 0, max: 3, noNaN: true }), ({ values, cells, kindOf }, shift) => {
        // Stray cells (missing and invalid) of at most 2%: below the missing rate's warning level.
        fc.pre(kindOf.filter((k) => k !== 'number').length <= 0.02 * kindOf.length);
        const reference = parseCsv(csvOf(values.map((v) => String(v + 0.5 * Math.sin(v)))));
        const withCells = parseCsv(csvOf(cells.map((c, i) => (kindOf[i] === 'number' ? String(values[i] + shift) : c))));
        const clean = parseCsv(csvOf(values.filter((_, i) => kindOf[i] === 'number').map((v) => String(v + shift))));
        const a = compareDatasets(reference, withCells, { redundant: [] });
        const b = compareDatasets(reference, clean, { redundant: [] });
        const x = (r: typeof a) => r.features.find((f) => f.name === 'x')!;
        expect(x(a).kind).toBe('numeric');
        expect(x(a).psi).toBe(x(b).psi);
        expect(x(a).ks).toEqual(x(b).ks);
        // The stray cells show only in the missing rate (at most 2% here: below its warning level).
        expect(x(a).status).toBe(x(b).status);
      }),
      { numRuns: 40 },
    );
  });

  it('become categorical beyond 1% invalid cells, with a notice that the values were mostly numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1000 }), fc.double({ min: 0.011, max: 0.5, noNaN: true }), invalidToken, (n, share, token) => {
        const bad = Math.ceil(share * n);
        const cells = Array.from({ length: n }, (_, i) => (i % Math.floor(n / bad) === 0 && i / Math.floor(n / bad) < bad ? token : String(i)));
        const invalid = cells.filter((c) => c === token).length;
        fc.pre(invalid > 0.01 * n);
        const { dataset, readings } = readWithReadings(csvOf(cells));
        expect(dataset.columns[0].kind).toBe('categorical');
        const notice = readingNotice(readings.get('x') as ColumnReading) as string;
        expect(notice).toContain(`f.csv: column "x" read as categorical: ${(n - invalid).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} values are numbers`);
        expect(notice).toContain(`${JSON.stringify(token)} ×${invalid}`);
      }),
      { numRuns: 100 },
    );
  });

  it('declared numeric, count their invalid cells as missing up to 1% and name the first beyond it', () => {
    const cells = Array.from({ length: 500 }, (_, i) => String(i));
    cells[7] = '1,5';
    const d = parseCsv(csvOf(cells), { fileName: 'f.csv', kinds: { x: 'numeric' } });
    expect((d.columns[0] as NumericColumn).values[7]).toBeNaN();
    for (let i = 10; i < 20; i++) cells[i] = '-1e999';
    expect(() => parseCsv(csvOf(cells), { fileName: 'f.csv', kinds: { x: 'numeric' } })).toThrow(
      'f.csv: row 8 (line 9), column "x": value "1,5" is not a finite number, but the column is declared numeric (11 such values, more than the 1% read as missing)',
    );
  });

  it('read a configured list of missing values instead of the default one', () => {
    const bytes = Buffer.from('x,c\n1,None\nunknown,a\n3,-\n');
    const d = parseCsv(bytes, { missingValues: ['unknown'] });
    expect(Array.from((d.columns[0] as NumericColumn).values)).toEqual([1, NaN, 3]);
    expect(d.columns[1]).toMatchObject({ kind: 'categorical', dictionary: ['None', 'a', '-'] });
    expect(Array.from(parseCsv(bytes).columns[1].kind === 'categorical' ? (parseCsv(bytes).columns[1] as { codes: Int32Array }).codes : [])).toEqual([-1, 0, -1]);
  });
});

describe('Parquet columns', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-kinds-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function writeParquet(file: string, select: string): Promise<string> {
    const out = path.join(dir, file);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (${select}) TO '${out.replace(/'/g, "''")}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    return out;
  }

  it('stay numeric with a few infinities (read as missing, reported) and text missing markers are missing', async () => {
    const file = await writeParquet(
      'inf.parquet',
      `SELECT CASE WHEN i = 7 THEN 'inf'::DOUBLE ELSE i::DOUBLE END AS x, CASE WHEN i % 10 = 0 THEN 'n/a' ELSE 'v' || (i % 3) END AS c FROM range(500) t(i)`,
    );
    const readings: ColumnReading[] = [];
    const d = await readDataset(file, { onColumn: (r) => readings.push(r) });
    const x = d.columns[0] as NumericColumn;
    expect(x.kind).toBe('numeric');
    expect(x.values[7]).toBeNaN();
    expect(readings[0]).toMatchObject({ kind: 'numeric', type: 'DOUBLE', invalid: 1, nonMissing: 500 });
    expect(readingNotice(readings[0])).toContain('column "x" read as numeric: 1 of 500 values (0.20%) are not numbers and count as missing: "Infinity" (row 8; not finite)');
    expect(d.columns[1]).toMatchObject({ kind: 'categorical' });
    expect(readings[1].nonMissing).toBe(450);
  });

  it('typed differently in the two files: numbers in text compare as numeric, each with a notice', async () => {
    const tmp = path.dirname(await writeParquet('a.parquet', 'SELECT i::DOUBLE AS x, i::BIGINT AS n FROM range(300) t(i)'));
    await writeParquet('b.parquet', `SELECT CAST(i + 0.5 AS VARCHAR) AS x, (i + 0.5)::DOUBLE AS n FROM range(300) t(i)`);
    await writeParquet('c.parquet', `SELECT 'id-' || i AS x, i::DOUBLE AS n FROM range(300) t(i)`);
    const numeric = await run(['compare', '--reference', 'a.parquet', '--current', 'b.parquet', '--format', 'json'], tmp);
    expect(numeric.stderr).toContain('driftwatch: notice: column "x" is numeric (DOUBLE) in a.parquet but categorical (VARCHAR) in b.parquet; its values in b.parquet are numbers, so it is compared as numeric\n');
    expect(numeric.stderr).toContain('driftwatch: notice: column "n" is BIGINT in a.parquet but DOUBLE in b.parquet; compared as numeric\n');
    expect(JSON.parse(numeric.stdout).features.map((f: { kind: string }) => f.kind)).toEqual(['numeric', 'numeric']);
    const text = await run(['compare', '--reference', 'a.parquet', '--current', 'c.parquet', '--format', 'json'], tmp);
    expect(text.stderr).toContain('driftwatch: notice: column "x" is numeric (DOUBLE) in a.parquet but categorical (VARCHAR) in c.parquet; compared as categorical in both');
  });
});

describe('driftwatch compare and backtest print the notice', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-kinds-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compare: the column stays numeric and the notice names the cells; --missing-values replaces the list', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => `${i === 3 ? '"1,5"' : i === 9 ? 'n/a' : i === 11 ? 'unknown' : (i * 7919) % 400},${'abc'[i % 3]}`);
    fs.writeFileSync(path.join(dir, 'cur.csv'), `x,c\n${rows.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'ref.csv'), `x,c\n${rows.map((_, i) => `${(i * 31) % 400},${'abc'[i % 3]}`).join('\n')}\n`);
    const r = await run(['compare', '--reference', 'ref.csv', '--current', 'cur.csv', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).features.find((f: { name: string }) => f.name === 'x').kind).toBe('numeric');
    expect(r.stderr).toBe(
      'driftwatch: notice: cur.csv: column "x" read as numeric: 2 of 399 values (0.50%) are not numbers and count as missing: "1,5" (line 5; a decimal comma?), "unknown" (line 13)\n',
    );
    const custom = await run(['compare', '--reference', 'ref.csv', '--current', 'cur.csv', '--missing-values', 'n/a,unknown', '--format', 'json'], dir);
    expect(custom.stderr).toContain('1 of 398 values (0.25%) are not numbers and count as missing: "1,5" (line 5; a decimal comma?)\n');
  });

  it('backtest: a configured numeric column with a stray cell runs, with the notice in the report', async () => {
    const data = syntheticHistory();
    const header = data.columns.map((c) => c.name);
    const rows = Array.from({ length: data.rowCount }, (_, i) =>
      data.columns.map((c) => (c.name === 'x1' && i === 4321 ? '"1,5"' : c.name === 'x2' && i === 99 ? '?' : c.kind === 'numeric' ? c.values[i] : c.dictionary[c.codes[i]])),
    );
    fs.writeFileSync(path.join(dir, 'history.csv'), csvText(header, rows));
    fs.writeFileSync(path.join(dir, 'backtest.json'), JSON.stringify(syntheticConfig));
    const r = await run(['backtest', '--data', 'history.csv', '--config', 'backtest.json', '--format', 'json', '-q'], dir);
    expect(r.code).toBe(0);
    const notice = 'history.csv: column "x1" read as numeric: 1 of 8,000 values (0.01%) are not numbers and count as missing: "1,5" (line 4323; a decimal comma?)';
    expect(r.stderr).toBe(`driftwatch backtest: notice: ${notice}\n`);
    expect(JSON.parse(r.stdout).notices).toEqual([notice]);
    const text = await run(['backtest', '--data', 'history.csv', '--config', 'backtest.json', '-q'], dir);
    expect(text.stdout).toContain(`Notices:\n  ${notice}\n`);
  }, 60_000);
});
