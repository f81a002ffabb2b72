/** `--reference-rows`, `--current-rows` (slices of one time-ordered file) and `--exclude`. */
import { resolveRowSlice, sliceRows } from '../../lambda/core/dataset';
import { csvText, run, sample, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// One file: 400 stable rows, then 300 shifted rows, plus an id column that always "drifts".
const rows = [...sample(400), ...sample(300, 5, ['a', 'd', 'd'])].map((r, i) => [i, ...r]);
const file = tmp.write('history.csv', csvText(['id', 'x', 'c'], rows));
const compare = (...args: string[]) => run(['compare', ...args], tmp.dir);

describe('driftwatch compare on slices of one file', () => {
  it('compares the first rows with the last rows of the same file', async () => {
    const result = await compare('--reference', file, '--reference-rows', ':400', '--current', file, '--current-rows', '-300:', '--exclude', 'id', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.reference.rows).toBe(400);
    expect(report.current.rows).toBe(300);
    expect(report.features.map((f: { name: string }) => f.name).sort()).toEqual(['c', 'x']);
    expect(report.summary.drifted).toEqual(expect.arrayContaining(['x', 'c']));
  });

  it('finds nothing between two stable stretches', async () => {
    const result = await compare('--reference', file, '--reference-rows', '0:200', '--current', file, '--current-rows', '200:400', '--exclude', 'id');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Status: ok.');
  });

  it('rejects a malformed or empty range, naming the option, the value and the file', async () => {
    const bad = await compare('--reference', file, '--reference-rows', 'first-100', '--current', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--reference-rows: row range "first-100" is not START:END');
    expect(bad.stderr).toContain('history.csv');
    const empty = await compare('--reference', file, '--current', file, '--current-rows', '900:');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--current-rows: row range "900:" selects no rows of 700');
  });

  it('warns when an excluded column is in neither file', async () => {
    const result = await compare('--reference', file, '--current', file, '--exclude', 'id,nope');
    expect(result.stderr).toContain('--exclude names column "nope", which neither file has');
  });
});

describe('resolveRowSlice / sliceRows', () => {
  it('reads Python-style slices', () => {
    expect(resolveRowSlice(':20000', 41188)).toEqual({ start: 0, end: 20000 });
    expect(resolveRowSlice('-10000:', 41188)).toEqual({ start: 31188, end: 41188 });
    expect(resolveRowSlice('5:-5', 20)).toEqual({ start: 5, end: 15 });
    expect(resolveRowSlice(':', 3)).toEqual({ start: 0, end: 3 });
  });

  it('slices every column without copying', () => {
    const values = Float64Array.of(1, 2, 3, 4);
    const sliced = sliceRows(
      { rowCount: 4, columns: [{ kind: 'numeric', name: 'x', values }, { kind: 'categorical', name: 'c', codes: Int32Array.of(0, 1, 0, -1), dictionary: ['a', 'b'] }] },
      { start: 1, end: 3 },
    );
    expect(sliced.rowCount).toBe(2);
    const x = sliced.columns[0];
    expect(x.kind === 'numeric' && Array.from(x.values)).toEqual([2, 3]);
    expect(x.kind === 'numeric' && x.values.buffer).toBe(values.buffer);
    const c = sliced.columns[1];
    expect(c.kind === 'categorical' && Array.from(c.codes)).toEqual([1, 0]);
  });
});
