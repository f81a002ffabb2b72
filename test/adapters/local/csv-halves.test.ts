/**
 * Reading one CSV in two parts (csv-halves.ts) must give exactly what one parse gives: the dataset,
 * every column's reading, the notices and the errors. Checked on generated files with every kind of
 * column the reader infers (numbers, numbers with missing or a few invalid cells, text, numbers
 * mixed with text that turn categorical at a row or once their share is known, timestamps), quoted
 * fields with delimiters, quotes and line breaks inside, blank lines, CRLF, ragged rows and bad
 * timestamps; then through a real worker thread on a file large enough to be split.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import type { Dataset } from '../../../lambda/core/types';
import { dataStartOf, parseCsv, parseCsvParts, type CsvOptions } from '../../../lambda/adapters/local/csv';
import { HALVES_MIN_BYTES, joinParts, parseCsvInHalves, splitPoint, type SecondPart } from '../../../lambda/adapters/local/csv-halves';
import type { ColumnReading } from '../../../lambda/adapters/local/inference';
import { readDataset, type ReadOptions } from '../../../lambda/adapters/local/read-dataset';
import { isEpochMs } from '../../../lambda/adapters/local/timestamp';

const plain = (dataset: Dataset) => ({
  rowCount: dataset.rowCount,
  columns: dataset.columns.map((c) => ({ ...c, epochMs: isEpochMs(c), ...(c.kind === 'numeric' ? { values: Array.from(c.values) } : { codes: Array.from(c.codes) }) })),
});

/** The second part parsed in this thread, as the worker parses it. */
const inThisThread =
  (bytes: Buffer, options: CsvOptions): SecondPart =>
  async (headerEnd, start, fileLineBreaks) =>
    parseCsvParts(Buffer.concat([bytes.subarray(0, headerEnd), bytes.subarray(start)]), { ...options, onColumn: undefined, onNotice: undefined }, fileLineBreaks);

/** What a reader gives: the dataset and its callbacks, or the error's message. */
async function outcome(read: (options: CsvOptions) => Dataset | Promise<Dataset>, options: CsvOptions) {
  const readings: ColumnReading[] = [];
  const notices: string[] = [];
  try {
    const dataset = await read({ ...options, onColumn: (r) => readings.push(r), onNotice: (m) => notices.push(m) });
    return { dataset: plain(dataset), readings, notices };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const COLUMN_KINDS = ['number', 'withMissing', 'fewInvalid', 'text', 'mixedEarly', 'mixedLate', 'quoted', 'timestamp', 'epoch'] as const;
type ColumnKind = (typeof COLUMN_KINDS)[number];

/** One cell of a column of `kind` at row `r` (`seed` varies the words). */
function cell(kind: ColumnKind, r: number, seed: number, rows: number): string {
  const v = (r * 7919 + seed * 104_729) % 1000;
  switch (kind) {
    case 'number':
      return String(v / 8 - 40);
    case 'withMissing':
      return v % 7 === 0 ? (v % 2 ? 'NA' : '') : String(v);
    case 'fewInvalid':
      // One invalid cell per 200 rows: under 1%, read as missing.
      return r % 200 === 199 ? 'oops' : String(v);
    case 'text':
      return `w${v % (3 + seed)}`;
    case 'mixedEarly':
      // Text from the first rows: more invalid cells than the file allows early on.
      return r % 3 === 0 ? String(v) : `t${v % 5}`;
    case 'mixedLate':
      // Numbers, then text near the end: turns categorical late, or once the share is known.
      return r >= rows - Math.ceil(rows / 20) ? `late${v % 4}` : String(v % 50);
    case 'quoted':
      return ['"a,b"', '"say ""hi"""', '"two\nlines"', `q${v % 6}`, '""'][v % 5];
    case 'timestamp':
      return `2024-0${1 + (v % 9)}-1${v % 10}T0${v % 10}:00:00Z`;
    case 'epoch':
      return String(1_700_000_000_000 + v * 3_600_000);
  }
}

const csvFile = fc.record({
  kinds: fc.array(fc.constantFrom(...COLUMN_KINDS), { minLength: 1, maxLength: 5 }),
  rows: fc.integer({ min: 1, max: 700 }),
  seed: fc.integer({ min: 0, max: 50 }),
  crlf: fc.boolean(),
  blankEvery: fc.constantFrom(0, 0, 37),
  // A ragged row or a bad timestamp somewhere, or none.
  fault: fc.option(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), kind: fc.constantFrom('ragged', 'badTime') }), { freq: 4 }),
  force: fc.constantFrom('none', 'numeric', 'categorical'),
});

type GeneratedFile = typeof csvFile extends fc.Arbitrary<infer T> ? T : never;

function build(f: GeneratedFile) {
  const names = f.kinds.map((k, i) => `${k}_${i}`);
  const eol = f.crlf ? '\r\n' : '\n';
  const lines = [names.join(',')];
  const faultRow = f.fault ? Math.floor(f.fault.at * f.rows) : -1;
  for (let r = 0; r < f.rows; r++) {
    const cells = f.kinds.map((k) => cell(k, r, f.seed, f.rows));
    if (r === faultRow && f.fault?.kind === 'ragged') cells.push('extra');
    if (r === faultRow && f.fault?.kind === 'badTime') {
      const t = f.kinds.indexOf('timestamp');
      if (t >= 0) cells[t] = 'not-a-time';
    }
    lines.push(cells.join(','));
    if (f.blankEvery && r % f.blankEvery === 0) lines.push('');
  }
  const options: CsvOptions = {
    fileName: 'gen.csv',
    timestamps: names.filter((_, i) => f.kinds[i] === 'timestamp' || f.kinds[i] === 'epoch'),
    kinds: f.force === 'none' ? {} : { [names[0]]: f.force as 'numeric' | 'categorical' },
  };
  return { bytes: Buffer.from(lines.join(eol) + eol), options };
}

describe('parseCsvInHalves', () => {
  it('gives what one parse gives (dataset, readings, notices, errors) on generated files', async () => {
    let joined = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(csvFile, async (f) => {
        const { bytes, options } = build(f);
        const whole = await outcome((o) => parseCsv(bytes, o), options);
        const halves = await outcome((o) => parseCsvInHalves(bytes, o, inThisThread(bytes, o), 0), options);
        expect(halves).toEqual(whole);
        // And the join itself, where it answers, is the one parse (not only the fallback).
        runs++;
        const split = splitPoint(bytes, dataStartOf(bytes, options));
        if (split === null || 'error' in whole) return;
        const lineBreaks = parseCsvParts(bytes, options).lineBreaks;
        const parts = joinParts(parseCsvParts(bytes.subarray(0, split), options, lineBreaks), await inThisThread(bytes, options)(dataStartOf(bytes, options), split, lineBreaks));
        if (!parts) return;
        joined++;
        expect(plain(parts.dataset)).toEqual(whole.dataset);
      }),
      { numRuns: 300, seed: 20261203 },
    );
    // Many generated files join (the others have an error, or a column the parts cannot settle).
    expect(joined).toBeGreaterThan(runs / 5);
  });

  it('joins a text column turned categorical in the first part, words numbered as one parse numbers them', async () => {
    const rows = Array.from({ length: 3000 }, (_, r) => `${r % 13 === 0 ? 'x' : r},w${(r * 31) % 17},${r % 2 ? 'a' : 'b'}`);
    const bytes = Buffer.from(['n,t,c', ...rows].join('\n') + '\n');
    const options: CsvOptions = { fileName: 'mixed.csv', kinds: { c: 'categorical' } };
    const dataStart = dataStartOf(bytes, options);
    const split = splitPoint(bytes, dataStart) as number;
    const lineBreaks = parseCsvParts(bytes, options).lineBreaks;
    const first = parseCsvParts(bytes.subarray(0, split), options, lineBreaks);
    expect(first.summaries[1]).toMatchObject({ switched: true });
    expect(first.summaries[1].switchedAtRow).toBeLessThan(first.dataset.rowCount);
    const parts = joinParts(first, await inThisThread(bytes, options)(dataStart, split, lineBreaks));
    expect(parts).not.toBeNull();
    expect(plain(parts!.dataset)).toEqual(plain(parseCsv(bytes, options)));
  });

  it('finds no split inside a quoted field, and none in a file without a line break past the middle', () => {
    const text = 'a,b\n1,"x\ny\nz\nw\nv\nu\nt"\n2,q\n';
    const bytes = Buffer.from(text);
    const split = splitPoint(bytes, 4) as number;
    expect(text.slice(0, split).endsWith('t"\n')).toBe(true);
    expect(splitPoint(Buffer.from('a,b\n1,2'), 4)).toBeNull();
  });
});

describe('readDataset with twoThreads (the backtest reads its history on two cores)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-halves-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Past HALVES_MIN_BYTES of records, so a worker thread parses the second half.
  const rowsNeeded = Math.ceil(HALVES_MIN_BYTES / 40) + 1000;
  const rows = Array.from({ length: rowsNeeded }, (_, r) => `${(r * 7919) % 100_003},${r % 97 === 0 ? 'NA' : (r % 1000) / 3},w${r % 211},2024-02-0${1 + (r % 9)}T12:00:00Z`);
  const file = path.join(dir, 'large.csv');
  fs.writeFileSync(file, ['id,x,word,time', ...rows].join('\n') + '\n');

  async function read(target: string, options: ReadOptions) {
    const readings: ColumnReading[] = [];
    try {
      const dataset = await readDataset(target, { ...options, onColumn: (r) => readings.push(r) });
      return { dataset: plain(dataset), readings };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  it('gives the dataset and readings of one thread', async () => {
    const options: ReadOptions = { timestamps: ['time'], kinds: { x: 'numeric' } };
    const two = await read(file, { ...options, twoThreads: true });
    expect(two).toEqual(await read(file, options));
    expect((two as { dataset: { rowCount: number } }).dataset.rowCount).toBe(rowsNeeded);
  }, 60_000);

  it('reports an error in the second half as one thread does, with its line', async () => {
    const bad = path.join(dir, 'bad.csv');
    const lines = ['id,x,word,time', ...rows];
    const at = Math.floor(lines.length * 0.8);
    lines[at] = `${lines[at]},extra`;
    fs.writeFileSync(bad, lines.join('\n') + '\n');
    const two = await read(bad, { twoThreads: true });
    expect(two).toEqual(await read(bad, {}));
    expect((two as { error: string }).error).toContain(`line ${at + 1}: expected 4 fields (as in the header), found 5`);
  }, 60_000);
});
