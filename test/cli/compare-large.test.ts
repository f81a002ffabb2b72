import * as fs from 'fs';
import { readDataset } from '../../lambda/adapters/local/read-dataset';
import { WORKER_MIN_BYTES } from '../../lambda/adapters/local/read-in-worker';
import { MIN_ROWS } from '../../lambda/core/defaults';
import { compareDatasets } from '../../lambda/core/compare';
import { renderJson } from '../../lambda/report';
import { prng } from '../support/random';
import { run, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A file just over the size at which compare reads the two files at once (the current one in a worker thread). */
function largeCsv(name: string, seed: number, shift: number): string {
  const random = prng(seed);
  const lines = ['a,b,c,d,e,f,g,label'];
  let size = 0;
  while (size < WORKER_MIN_BYTES + 4096) {
    const row = [0, 1, 2, 3, 4, 5, 6].map((k) => (random() * (10 + k) + (k === 0 ? shift : 0)).toFixed(5));
    row.push(random() < 0.01 ? 'NA' : `level_${Math.floor(random() * (shift > 0 ? 30 : 20))}`);
    const line = row.join(',');
    lines.push(line);
    size += line.length + 1;
  }
  return tmp.write(name, `${lines.join('\n')}\n`);
}

const reference = largeCsv('reference.csv', 1, 0);
const current = largeCsv('current.csv', 2, 0.5);

describe('driftwatch compare on two large files (read at once, one in a worker thread)', () => {
  it('reports what reading the files one after the other and comparing them reports', async () => {
    expect(fs.statSync(reference).size).toBeGreaterThanOrEqual(WORKER_MIN_BYTES);
    const result = await run(['compare', '--reference', reference, '--current', current, '--format', 'json']);
    const expected = compareDatasets(await readDataset(reference), await readDataset(current), { features: {}, minRows: MIN_ROWS });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(renderJson(expected));
    expect(result.code).toBe(1);
  });

  it("names the reference's error first when both files are wrong, as when they are read in turn", async () => {
    const badReference = tmp.write('bad-reference.csv', `${fs.readFileSync(reference, 'utf8')}1,2\n`);
    const badCurrent = tmp.write('bad-current.csv', `${fs.readFileSync(current, 'utf8')}"open\n`);
    const both = await run(['compare', '--reference', badReference, '--current', badCurrent]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^driftwatch compare: error: .*bad-reference\.csv: line \d+: expected 8 fields \(as in the header\), found 2\n$/);
    const onlyCurrent = await run(['compare', '--reference', reference, '--current', badCurrent]);
    expect(onlyCurrent.code).toBe(2);
    expect(onlyCurrent.stderr).toMatch(/^driftwatch compare: error: .*bad-current\.csv: line \d+: unterminated quoted field/);
  });
});
