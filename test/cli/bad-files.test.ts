/**
 * Issue 14, class 10: inputs that gave a stack trace ("unexpected error") or an unclear message.
 * Every variant here must exit 2 with a message naming the file and what to do — never a stack.
 */
import { spawn, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { csvText, run, sample, tempDir } from './helpers';

const tmp = tempDir('driftwatch-bad-files-');
afterAll(() => tmp.cleanup());
const ok = tmp.write('ok.csv', csvText(['x', 'c'], sample(300)));
const backtestConfig = tmp.write('bt.json', JSON.stringify({ features: [{ name: 'x', kind: 'numeric' }], reference: { rows: 100 }, window: { rows: 100 } }));

async function expectRefused(argv: string[], message: string | RegExp) {
  const r = await run(argv, tmp.dir);
  expect(r.stderr).not.toContain('unexpected error');
  expect(r.code).toBe(2);
  if (typeof message === 'string') expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
}

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(tmp.dir, name);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (${select}) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return file;
}

describe('files that are not CSV text', () => {
  it('binary files (a NUL byte early on) are named as such, not "expected 1 fields"', async () => {
    const samples = fc.sample(fc.tuple(fc.uint8Array({ minLength: 10, maxLength: 3000 }), fc.nat()), { numRuns: 12, seed: 10 });
    for (const [k, [bytes, at]] of samples.entries()) {
      const data = Buffer.from(bytes);
      // Not Parquet, gzip or ZIP (those are recognised), with a NUL somewhere in the first bytes.
      data[0] = 0x41;
      data[1 + (at % (data.length - 1))] = 0;
      const file = tmp.write(`bin${k}.dat`, data);
      await expectRefused(['compare', '--reference', file, '--current', ok], `${file}: not a text file (a NUL byte at offset`);
      await expectRefused(['backtest', '--data', file, '--config', backtestConfig, '-q'], `${file}: not a text file`);
    }
  }, 60_000);

  it('ZIP archives and files of white space say so', async () => {
    const zip = tmp.write('data.zip', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 7)]));
    await expectRefused(['compare', '--reference', zip, '--current', ok], `${zip}: a ZIP archive, not CSV or Parquet: unzip it first`);
    const blanks = fc.sample(fc.stringMatching(/^[ \t\r\n]{1,200}$/), { numRuns: 10, seed: 11 });
    for (const [k, text] of blanks.entries()) {
      const file = tmp.write(`blank${k}.csv`, text);
      await expectRefused(['compare', '--reference', ok, '--current', file], `${file}: the file holds only white space (expected a header row)`);
    }
  });

  it('an unreadable file names the reason the system gives', async () => {
    // Root reads any file whatever its mode: a symlink loop is an error for every user (ELOOP).
    const loop = path.join(tmp.dir, 'loop-a.csv');
    fs.symlinkSync(path.join(tmp.dir, 'loop-b.csv'), loop);
    fs.symlinkSync(loop, path.join(tmp.dir, 'loop-b.csv'));
    await expectRefused(['compare', '--reference', loop, '--current', ok], `${loop}: cannot read the file (ELOOP: too many symbolic links encountered)`);
    await expectRefused(['backtest', '--data', loop, '--config', backtestConfig], `${loop}: cannot read the file (ELOOP`);
  });

  it('a pipe (FIFO) is read to its end, not taken as empty by its size', async () => {
    const fifo = path.join(tmp.dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat "${ok}" > "${fifo}"`], { stdio: 'ignore' });
    const r = await run(['compare', '--reference', fifo, '--current', ok], tmp.dir);
    writer.kill();
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Compared pipe.csv (300 rows)'.replace('pipe.csv', fifo));
  });
});

describe('Parquet files the reader did not handle', () => {
  it('with no rows: "a header but no data rows", whatever the column types', async () => {
    const types = ['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'DATE', 'BIGINT[]', 'STRUCT(a INTEGER)'];
    const samples = fc.sample(fc.uniqueArray(fc.constantFrom(...types), { minLength: 1, maxLength: 4 }), { numRuns: 6, seed: 12 });
    for (const [k, chosen] of samples.entries()) {
      const select = chosen.map((t, i) => `CAST(NULL AS ${t}) AS c${i}`).join(', ');
      const file = await parquet(`empty${k}.parquet`, `SELECT ${select} WHERE false`);
      await expectRefused(['compare', '--reference', file, '--current', ok], `${file}: the file has a header but no data rows`);
    }
  });

  it('with nested columns (LIST, STRUCT, MAP): read as text, excludable, refused as numeric by name', async () => {
    const file = await parquet('nested.parquet', `SELECT i::DOUBLE AS x, [i, i + 1] AS l, {'a': i} AS s, MAP {'k': i} AS m, [i * 0.5] AS d FROM range(300) t(i)`);
    const all = await run(['compare', '--reference', file, '--current', file, '--format', 'json'], tmp.dir);
    expect(all.stderr).not.toContain('unexpected error');
    expect(JSON.parse(all.stdout).features.map((f: { name: string; kind: string }) => `${f.name}:${f.kind}`).sort()).toEqual(['d:categorical', 'l:categorical', 'm:categorical', 's:categorical', 'x:numeric']);
    const excluded = await run(['compare', '--reference', file, '--current', file, '--exclude', 'l,s,m,d', '--format', 'json'], tmp.dir);
    expect(excluded.stderr).toBe('');
    expect(JSON.parse(excluded.stdout).features.map((f: { name: string }) => f.name)).toEqual(['x']);
    const config = tmp.write('nested-numeric.json', JSON.stringify({ features: { l: { kind: 'numeric' } } }));
    await expectRefused(['compare', '--reference', file, '--current', file, '--config', config], 'column "l" is a nested Parquet column (BIGINT[]): it cannot be read as numeric');
  });
});

describe('configs and options', () => {
  it('a directory given as a config is called a directory', async () => {
    await expectRefused(['compare', '--reference', ok, '--current', ok, '--config', tmp.dir], `${tmp.dir}: is a directory, not a features.json file`);
    await expectRefused(['backtest', '--data', ok, '--config', tmp.dir], 'is a directory, not a config file');
  });

  it("a .ts config's syntax error is shown with its line and reason", async () => {
    const broken = fc.sample(fc.constantFrom('export default { features: [ }', 'export default {{', 'export default { window: { rows: 5 ', 'const = 3; export default {}'), { numRuns: 4, seed: 13 });
    for (const [k, text] of broken.entries()) {
      const file = tmp.write(`bad${k}.ts`, text);
      // The compiler's own words, with the file, line and column (esbuild under tsx, swc under jest).
      await expectRefused(['backtest', '--data', ok, '--config', file], new RegExp(`cannot load the module: .*bad${k}\\.ts:1:\\d+`));
    }
  });

  it('a mistyped option names the one meant; other option errors keep their whole message', async () => {
    const options = ['reference', 'current', 'config', 'format', 'delimiter', 'exclude'];
    const typos = fc.sample(fc.tuple(fc.constantFrom(...options), fc.nat(), fc.constantFrom('drop', 'swap')), { numRuns: 12, seed: 14 });
    for (const [name, at, how] of typos) {
      const i = 1 + (at % (name.length - 2));
      const typo = how === 'drop' ? name.slice(0, i) + name.slice(i + 1) : name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
      if (typo === name) continue;
      await expectRefused(['compare', `--${typo}`, 'x'], `unknown option --${typo} (did you mean --${name}?)`);
    }
    await expectRefused(['compare', '--reference', ok, '--current', ok, 'stray'], 'unexpected argument "stray": every value follows its option');
    await expectRefused(['backtest', '--data'], "Option '--data <value>' argument missing");
  });

  it('demo --data with fewer rows than the reference says how many it needs', async () => {
    const bank = path.join(__dirname, '../../lambda/demo/data/bank-additional-full.csv.gz');
    const lines = zlib.gunzipSync(fs.readFileSync(bank)).toString('utf8').split('\n');
    for (const rows of fc.sample(fc.integer({ min: 1, max: 10_000 }), { numRuns: 3, seed: 15 })) {
      const file = tmp.write(`bank${rows}.csv`, lines.slice(0, rows + 1).join('\n') + '\n');
      await expectRefused(['demo', '--data', file, '--out', path.join(tmp.dir, 'd.html'), '-q'], `the file has ${rows.toLocaleString('en-US')} rows, but the demo trains on the first 10,000`);
    }
  }, 60_000);
});
