/**
 * Issue 14, class 11: options and names that gave a quiet wrong answer — a flag given twice took the
 * last value, --out could overwrite an input, column names such as `__proto__` or `constructor` hit
 * object built-ins, a wrong --delimiter found one column without a word, and control or bidi
 * characters from the data reached the terminal raw.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { runBacktest, type BacktestConfig } from '../../lambda/backtest';
import { featureIdentifiers } from '../../lambda/backtest/columns';
import type { Column, Dataset } from '../../lambda/core/types';
import { renderBacktestText } from '../../lambda/report/backtest-text';
import { csvText, run, sample, tempDir } from './helpers';

const tmp = tempDir('driftwatch-options-');
afterAll(() => tmp.cleanup());
const ref = tmp.write('ref.csv', csvText(['x', 'c'], sample(300)));
const cur = tmp.write('cur.csv', csvText(['x', 'c'], sample(300, 2)));
const btConfig = tmp.write('bt.json', JSON.stringify({ features: [{ name: 'x', kind: 'numeric' }], reference: { rows: 200 }, window: { rows: 100 } }));
const refFeatures = tmp.write('features.json', JSON.stringify({ modelId: 'm', features: { x: { kind: 'numeric' }, c: {} } }));

describe('an option given twice', () => {
  it('is refused, naming both values, for every option that takes one value', async () => {
    const commands: [string, string[], string[]][] = [
      ['compare', ['--reference', ref, '--current', cur], ['reference', 'current', 'config', 'format', 'out', 'delimiter', 'reference-rows', 'current-rows', 'min-rows']],
      ['backtest', ['--data', cur, '--config', btConfig], ['data', 'config', 'model', 'delimiter', 'format', 'out', 'reference-rows', 'window-rows', 'window-column', 'every', 'fail-on']],
      ['demo', [], ['data', 'out', 'json']],
      ['reference', ['--data', cur, '--config', refFeatures, '--out', 'reference.json'], ['data', 'config', 'env', 'model', 'out', 'bucket', 'window-rows', 'window-column', 'every', 'delimiter']],
      ['alert', ['test', '--dry-run'], ['env', 'model', 'severity']],
    ];
    for (const [command, base, options] of commands) {
      const samples = fc.sample(fc.tuple(fc.constantFrom(...options), fc.stringMatching(/^[a-z0-9.]{1,8}$/), fc.stringMatching(/^[a-z0-9.]{1,8}$/), fc.boolean()), { numRuns: 8, seed: command.length });
      for (const [option, a, b, inline] of samples) {
        const twice = inline ? [`--${option}=${a}`, `--${option}=${b}`] : [`--${option}`, a, `--${option}`, b];
        const r = await run([command, ...base, ...twice], tmp.dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`--${option} is given twice`);
      }
    }
    // Repeatable options stay repeatable.
    const repeated = await run(['compare', '--reference', ref, '--current', cur, '--exclude', 'c', '--exclude', 'zz', '--missing-values', 'NA', '--missing-values', '?'], tmp.dir);
    expect(repeated.stderr).not.toContain('given twice');
    expect([0, 1]).toContain(repeated.code);
  }, 60_000);
});

describe('--out naming an input', () => {
  it('is refused and the input stays as it was, however the path is spelled', async () => {
    fs.linkSync(cur, path.join(tmp.dir, 'cur-hardlink.csv'));
    fs.symlinkSync(cur, path.join(tmp.dir, 'cur-symlink.csv'));
    const before = fs.readFileSync(cur, 'utf8');
    for (const spelling of ['cur.csv', './cur.csv', cur, `${tmp.dir}/../${path.basename(tmp.dir)}/cur.csv`, 'cur-hardlink.csv', 'cur-symlink.csv']) {
      const compare = await run(['compare', '--reference', ref, '--current', cur, '--out', spelling], tmp.dir);
      expect(compare.code).toBe(2);
      expect(compare.stderr).toContain(`--out ${JSON.stringify(spelling)} is the --current file: writing the report there would overwrite it`);
      const backtest = await run(['backtest', '--data', cur, '--config', btConfig, '--out', spelling], tmp.dir);
      expect(backtest.stderr).toContain(`--out ${JSON.stringify(spelling)} is the --data file`);
      const demo = await run(['demo', '--data', cur, '--json', spelling], tmp.dir);
      expect(demo.stderr).toContain(`--json ${JSON.stringify(spelling)} is the --data file`);
      const reference = await run(['reference', '--data', cur, '--config', refFeatures, '--out', spelling], tmp.dir);
      expect(reference.code).toBe(2);
      expect(reference.stderr).toContain(`--out ${JSON.stringify(spelling)} is the --data file: writing the reference there would overwrite it`);
    }
    expect((await run(['backtest', '--data', cur, '--config', btConfig, '--out', 'bt.json'], tmp.dir)).stderr).toContain('is the --config file');
    expect((await run(['reference', '--data', cur, '--config', refFeatures, '--out', './features.json'], tmp.dir)).stderr).toContain('is the --config file');
    expect(JSON.parse(fs.readFileSync(refFeatures, 'utf8')).modelId).toBe('m');
    expect(fs.readFileSync(cur, 'utf8')).toBe(before);
    expect(JSON.parse(fs.readFileSync(btConfig, 'utf8')).window).toEqual({ rows: 100 });
  }, 60_000);
});

/** Names that are members of Object.prototype, or set the prototype when assigned. */
const TRICKY = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];

describe('column names that are object built-ins', () => {
  it('configure and compare like any other name: the report of the same data with plain names', async () => {
    const samples = fc.sample(
      fc.tuple(fc.uniqueArray(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 5 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 5, maxLength: 5 })),
      { numRuns: 8, seed: 111 },
    );
    for (const [k, [names, categorical, importance]] of samples.entries()) {
      const write = (label: string, columns: string[]) => {
        const rows = (shift: number) => Array.from({ length: 300 }, (_, i) => columns.map((_, c) => (categorical[c] ? 'pqr'[(i * (c + 2) + shift) % 3] : ((i * 7919 + c) % 300) / 300 + (c % 2 ? shift : 0))));
        tmp.write(`${label}-ref.csv`, csvText(columns, rows(0)));
        tmp.write(`${label}-cur.csv`, csvText(columns, rows(1)));
        const features = Object.fromEntries(columns.map((n, c) => [n, { importance: importance[c], kind: categorical[c] ? 'categorical' : 'numeric' }]));
        tmp.write(`${label}-features.json`, JSON.stringify({ features }));
        return run(['compare', '--reference', `${label}-ref.csv`, '--current', `${label}-cur.csv`, '--config', `${label}-features.json`, '--format', 'json', '--min-rows', '1'], tmp.dir);
      };
      const plain = names.map((_, i) => `plain${i}`);
      const tricky = await write(`tricky${k}`, names);
      const safe = await write(`plain${k}`, plain);
      expect(tricky.stderr).toBe('');
      const rename = (text: string) => names.reduce((t, n, i) => t.split(JSON.stringify(n)).join(JSON.stringify(plain[i])), text);
      // Ties in impact are ordered by name, so compare feature by feature and the drifted set.
      const byName = (text: string) => {
        const report = JSON.parse(text);
        return { ...report, features: Object.fromEntries(report.features.map((f: { name: string }) => [f.name, f])), summary: { ...report.summary, drifted: [...report.summary.drifted].sort() } };
      };
      expect(byName(rename(tricky.stdout))).toEqual(byName(safe.stdout));
    }
  }, 60_000);

  it('are features and a window column of driftwatch reference like any other name', async () => {
    const samples = fc.sample(fc.tuple(fc.uniqueArray(fc.constantFrom(...TRICKY), { minLength: 3, maxLength: 3 }), fc.boolean()), { numRuns: 4, seed: 114 });
    for (const [k, [names, categorical]] of samples.entries()) {
      const [a, b] = names;
      const write = (label: string, [x, y, t]: string[]) => {
        const rows = Array.from({ length: 600 }, (_, i) => [((i * 7919) % 600) / 600 + (i >= 300 ? 1 : 0), categorical ? 'pqr'[i % 3] : (i * 31) % 17, new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()]);
        tmp.write(`${label}.csv`, csvText([x, y, t], rows));
        tmp.write(`${label}.json`, JSON.stringify({ modelId: 'm', features: { [x]: { kind: 'numeric', importance: 2 }, [y]: { importance: 1 } } }));
        return run(['reference', '--data', `${label}.csv`, '--config', `${label}.json`, '--out', `${label}-reference.json`, '--window-column', t], tmp.dir);
      };
      const tricky = await write(`ref-tricky${k}`, names);
      const plain = await write(`ref-plain${k}`, ['a', 'b', 'ts']);
      expect(tricky.stderr).toBe('');
      expect([tricky.code, plain.code]).toEqual([0, 0]);
      const read = (label: string, from: string[], to: string[]) => {
        const text = from.reduce((t, name, i) => t.split(JSON.stringify(name)).join(JSON.stringify(to[i])), fs.readFileSync(path.join(tmp.dir, `${label}-reference.json`), 'utf8'));
        const { referenceId, createdAt, source, ...rest } = JSON.parse(text);
        return rest;
      };
      // The reference keys features by their SQL ids (as the monitor's tables name them): rename those too.
      const ids = featureIdentifiers([a, b], 'test');
      expect(read(`ref-tricky${k}`, [a, b, ...ids], ['a', 'b', 'a', 'b'])).toEqual(read(`ref-plain${k}`, [], []));
    }
  }, 60_000);

  it('are features and a window column of the backtest like any other name', async () => {
    const n = 3000;
    const rows = (name: string, f: (i: number) => number): Column => ({ kind: 'numeric', name, values: Float64Array.from({ length: n }, (_, i) => f(i)) });
    const data = (names: string[], time: string): Dataset => ({
      rowCount: n,
      columns: [
        rows(names[0], (i) => ((i * 7919) % 1000) / 1000 + (i >= 2000 ? 2 : 0)),
        rows(names[1], (i) => ((i * 104729) % 1000) / 1000),
        { kind: 'categorical', name: time, codes: Int32Array.from({ length: n }, (_, i) => i), dictionary: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()) },
      ],
    });
    const config = (names: string[], time: string): BacktestConfig => ({
      features: [{ name: names[0], kind: 'numeric', importance: 3 }, { name: names[1], kind: 'numeric', importance: 1 }],
      reference: { rows: 1000 },
      window: { column: time, every: '7d' },
      driftBands: { enabled: false },
    });
    const tricky = await runBacktest({ data: data(['__proto__', 'constructor'], 'toString'), config: config(['__proto__', 'constructor'], 'toString') });
    const plain = await runBacktest({ data: data(['a', 'b'], 'ts'), config: config(['a', 'b'], 'ts') });
    // The result as JSON with the names replaced everywhere (messages and alert keys name them too).
    const json = (r: typeof plain, from: string[], to: string[]) => from.reduce((t, name, i) => t.split(name).join(to[i]), JSON.stringify(r));
    expect(JSON.parse(json(tricky, ['__proto__', 'constructor', 'toString'], ['a', 'b', 'ts']))).toEqual(JSON.parse(JSON.stringify(plain)));
    expect(renderBacktestText(tricky)).toContain('feature "__proto__" drift critical');
    expect(tricky.windows.at(-1)?.features.find((f) => f.name === '__proto__')?.since).toBeDefined();
  }, 60_000);
});

describe('a delimiter that finds one column', () => {
  it('says which delimiter the header holds (compare notice, backtest error)', async () => {
    const delimiters: [string, string][] = [[',', ','], [';', ';'], ['\t', 'tab'], ['|', '|']];
    const samples = fc.sample(fc.tuple(fc.constantFrom(...delimiters), fc.constantFrom(...delimiters), fc.integer({ min: 2, max: 6 })), { numRuns: 12, seed: 112 });
    for (const [k, [[written], [, option], width]] of samples.entries()) {
      if (written === (option === 'tab' ? '\t' : option)) continue;
      const header = Array.from({ length: width }, (_, i) => `col${i}`);
      const rows = Array.from({ length: 150 }, (_, r) => header.map((_, i) => (r * (i + 1)) % 17));
      const file = tmp.write(`delim${k}.csv`, csvText(header, rows, written));
      const r = await run(['compare', '--reference', file, '--current', file, '--delimiter', option], tmp.dir);
      const shown = written === '\t' ? "'tab'" : `'${written}'`;
      expect(r.stderr).toContain(`finds one column, ${JSON.stringify(header.join(written))}, whose name holds ${width - 1} ${shown}: is the delimiter ${shown}?`);
      const config = tmp.write(`delim${k}.json`, JSON.stringify({ features: [{ name: 'col0', kind: 'numeric' }], reference: { rows: 100 }, window: { rows: 25 }, delimiter: option }));
      const b = await run(['backtest', '--data', file, '--config', config], tmp.dir);
      expect(b.code).toBe(2);
      expect(b.stderr).toContain(`: is the delimiter ${shown}?`);
    }
  }, 60_000);
});

describe('control and bidi characters from the data', () => {
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
  // (A NUL byte makes the file "not a text file": refused before any report.)
  const unsafe = fc.constantFrom('\u001b[2J', '\u001b]0;owned\u0007', '\r', '\b', '\u202e', '\u2066', '\u200f', '\u0085', '\u009b31m', '\u007f');

  it('never reach the terminal raw: text reports, notices and errors escape them; JSON keeps the names', async () => {
    const samples = fc.sample(fc.tuple(unsafe, unsafe, fc.stringMatching(/^[a-z]{1,6}$/)), { numRuns: 10, seed: 113 });
    for (const [k, [a, b, word]] of samples.entries()) {
      const name = `${word}${a}x`;
      const value = `v${b}`;
      const rows = (shift: number) => Array.from({ length: 200 }, (_, i) => [String(((i * 7919) % 200) / 200 + shift), i % 3 === 0 ? value : 'plain']);
      const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const write = (label: string, shift: number) =>
        tmp.write(`${label}${k}.csv`, `${quote(name)},c\n${rows(shift).map((r) => r.map(quote).join(',')).join('\n')}\n`);
      const r1 = write('ctl-ref', 0);
      const r2 = write('ctl-cur', 3);
      const text = await run(['compare', '--reference', r1, '--current', r2], tmp.dir);
      expect(text.stdout).not.toMatch(UNSAFE);
      expect(text.stderr).not.toMatch(UNSAFE);
      expect(text.stdout).toContain(name.replace(a, '') === name ? name : 'x');
      const json = await run(['compare', '--reference', r1, '--current', r2, '--format', 'json'], tmp.dir);
      expect(json.stdout).not.toMatch(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
      expect(JSON.parse(json.stdout).features.map((f: { name: string }) => f.name)).toContain(name);
      const config = tmp.write(`ctl${k}.json`, JSON.stringify({ features: { [name]: { kind: 'numeric' }, [`missing${a}`]: { kind: 'numeric' } } }));
      const error = await run(['compare', '--reference', r1, '--current', r2, '--config', config], tmp.dir);
      expect(error.code).toBe(2);
      expect(error.stderr).not.toMatch(UNSAFE);
      const bt = tmp.write(`ctl-bt${k}.json`, JSON.stringify({ features: [{ name, kind: 'numeric' }, { name: 'c', kind: 'categorical' }], reference: { rows: 200 }, window: { rows: 100 }, minRows: 1 }));
      const both = tmp.write(`ctl-both${k}.csv`, fs.readFileSync(r1, 'utf8') + fs.readFileSync(r2, 'utf8').split('\n').slice(1).join('\n'));
      const backtest = await run(['backtest', '--data', both, '--config', bt, '-q'], tmp.dir);
      expect(backtest.code).toBe(0);
      expect(backtest.stdout).not.toMatch(UNSAFE);
      // The feature's alert is there, its name escaped (\\xNN, \\u{NNNN}, or JSON's \\uNNNN in quoted names).
      expect(backtest.stdout).toMatch(new RegExp(`CRITICAL drift: model backtest: feature "${word}\\\\.*x" drift critical`));
    }
  }, 60_000);
});
