import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sortedNonMissing } from '../../../lambda/core/drift';
import type { Dataset } from '../../../lambda/core/types';
import { InputError } from '../../../lambda/adapters/local/errors';
import type { ColumnReading } from '../../../lambda/adapters/local/inference';
import { readDataset, type ReadOptions } from '../../../lambda/adapters/local/read-dataset';
import { readDatasetInWorker, worthWorkers } from '../../../lambda/adapters/local/read-in-worker';
import { isEpochMs } from '../../../lambda/adapters/local/timestamp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-worker-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

/**
 * 2,000 rows: a numeric column with missing cells and one invalid cell, one with 3% text (so it
 * becomes categorical, with a notice), a categorical one with quoted and escaped values, a timestamp.
 */
const rows = Array.from({ length: 2000 }, (_, i) => {
  const x = i % 97 === 0 ? 'NA' : i === 5 ? '"1,5"' : String(((i * 7919) % 2000) / 7 - 100);
  const mixed = i % 33 === 0 ? 'unknown' : String(i % 10);
  const label = i % 3 === 0 ? '"say ""hi"""' : i % 3 === 1 ? '"a,b"' : `level_${i % 7}`;
  return [x, mixed, label, `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`, i % 4 === 0 ? '?' : String(i % 5)].join(',');
});
const file = write('data.csv', ['x,mixed,label,time,small', ...rows].join('\n') + '\n');

/** What readDataset gives and calls back with, by a given reader. */
async function readWith(reader: typeof readDataset, target: string, options: ReadOptions = {}) {
  const readings: ColumnReading[] = [];
  const notices: string[] = [];
  const skipped: string[] = [];
  const dataset = await reader(target, { ...options, onColumn: (r) => readings.push(r), onNotice: (m) => notices.push(m), onSkip: (n) => skipped.push(n) });
  return { dataset, readings, notices, skipped };
}

const plain = (dataset: Dataset) => dataset.columns.map((c) => ({ ...c, ...(c.kind === 'numeric' ? { values: Array.from(c.values) } : { codes: Array.from(c.codes) }) }));

describe('readDatasetInWorker (compare reads the second large file in a worker thread)', () => {
  it('gives the dataset, the column readings and the callbacks of reading the file in this thread', async () => {
    const options: ReadOptions = { timestamps: ['time'], kinds: { small: 'categorical' }, skip: ['nothing', 'small'] };
    const here = await readWith(readDataset, file, { ...options, skip: ['nothing'] });
    const there = await readWith(readDatasetInWorker, file, { ...options, skip: ['nothing'] });
    expect(there.dataset.rowCount).toBe(2000);
    expect(plain(there.dataset)).toEqual(plain(here.dataset));
    expect(there.readings).toEqual(here.readings);
    expect(there.notices).toEqual(here.notices);
    expect(there.readings.find((r) => r.name === 'x')?.invalid).toBe(1);
    expect(there.dataset.columns.map((c) => c.kind)).toEqual(['numeric', 'categorical', 'categorical', 'numeric', 'categorical']);
    // The timestamp column keeps its mark across threads.
    expect(there.dataset.columns.filter(isEpochMs).map((c) => c.name)).toEqual(['time']);
    const skipped = await readWith(readDatasetInWorker, file, options);
    expect(skipped.skipped).toEqual(['small']);
    expect(skipped.dataset.columns.map((c) => c.name)).toEqual(['x', 'mixed', 'label', 'time']);
  });

  it('hands over the numeric columns already sorted, equal to sorting them here', async () => {
    const { dataset } = await readWith(readDatasetInWorker, file);
    const x = dataset.columns[0];
    if (x.kind !== 'numeric') throw new Error('x should be numeric');
    const expected = Array.from(x.values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    expect(Array.from(sortedNonMissing(x.values))).toEqual(expected);
    expect(sortedNonMissing(x.values)).toBe(sortedNonMissing(x.values));
  });

  it('throws the InputError reading here throws, with its message and details', async () => {
    const ragged = write('ragged.csv', 'a,b\n1,2\n3\n');
    const here = await readDataset(ragged).catch((e: unknown) => e);
    const there = await readDatasetInWorker(ragged).catch((e: unknown) => e);
    expect(there).toBeInstanceOf(InputError);
    expect((there as InputError).message).toBe((here as InputError).message);
    expect((there as InputError).message).toBe(`${ragged}: line 3: expected 2 fields (as in the header), found 1`);
    expect((there as InputError).details).toEqual((here as InputError).details);
    const missing = await readDatasetInWorker(path.join(dir, 'absent.csv')).catch((e: unknown) => e);
    expect((missing as InputError).message).toBe(`${path.join(dir, 'absent.csv')}: file not found`);
  });

  it('is used only for regular files large enough to repay a thread', () => {
    expect(worthWorkers([file, file], 1000)).toBe(true);
    expect(worthWorkers([file, file])).toBe(false);
    expect(worthWorkers([file, path.join(dir, 'absent.csv')], 1000)).toBe(false);
    expect(worthWorkers([file, dir], 1000)).toBe(false);
  });
});
