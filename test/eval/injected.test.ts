/**
 * The injected-drift benchmark (`npm run eval -- --injected`) is only as good as its ground truth: the
 * injection must change exactly the rows, feature and kind it records, the stationary stretch must be
 * stationary, and the scoring must count false alarms, power and delay as documented.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadBacktestConfig } from '../../lambda/backtest';
import { readDataset } from '../../lambda/adapters/local';
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../../lambda/core/types';
import { BANK } from '../support/datasets';
import {
  buildStream,
  chooseScenarios,
  KINDS,
  NEW_CATEGORY,
  permutation,
  referenceStats,
  scoreStream,
  summarize,
  takeRows,
  type Scenario,
  type Stream,
  type StreamWindow,
} from './injected';
import { splitResults } from './injected-run';

const CONFIG_DIR = path.join(__dirname, '../../config/backtest');
const PLAN = { referenceRows: 2_000, windowRows: 500, stationaryWindows: 6 };
const SEED = 3;

let data: Dataset;
let stream: Stream;
let order: Int32Array;

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function valueAt(column: Column, row: number): string {
  if (column.kind === 'numeric') return String(column.values[row]);
  return column.codes[row] < 0 ? '<missing>' : column.dictionary[column.codes[row]];
}

beforeAll(async () => {
  const config = await loadBacktestConfig(path.join(CONFIG_DIR, 'eval-bank.json'));
  const demo = await loadBacktestConfig(path.join(CONFIG_DIR, 'bank-demo.json'));
  const all = await readDataset(BANK, { delimiter: ';' });
  const byName = new Map(all.columns.map((c) => [c.name, c]));
  data = { rowCount: all.rowCount, columns: config.features.map((f) => byName.get(f.name) as Column) };
  const raw = new Map(demo.features.map((f) => [f.name, f.importance ?? 0]));
  const total = [...raw.values()].reduce((a, b) => a + b, 0);
  const shares = new Map([...raw].map(([k, v]) => [k, v / total]));
  const choices = chooseScenarios(data.columns.map((c) => ({ name: c.name, kind: c.kind })), shares);
  order = permutation(data.rowCount, SEED);
  stream = buildStream(data, PLAN, choices, SEED, order);
});

describe('the injected stream', () => {
  it('takes every kind into the top feature and into a feature of negligible importance', () => {
    for (const spec of KINDS) {
      const classes = stream.scenarios.filter((s) => s.spec === spec).map((s) => s.importanceClass);
      expect(classes).toEqual(['high', 'negligible']);
    }
    // job is the bank demo's most important feature; euribor3m its most important numeric one.
    expect(stream.scenarios.filter((s) => s.spec.kind === 'reweight' && s.importanceClass === 'high').map((s) => s.feature)).toEqual(['job']);
    expect(stream.scenarios.filter((s) => s.spec.kind === 'mean' && s.importanceClass === 'high').map((s) => s.feature)).toEqual(['euribor3m', 'euribor3m', 'euribor3m', 'euribor3m']);
    for (const s of stream.scenarios.filter((x) => x.importanceClass === 'negligible')) expect(s.importance).toBeLessThan(0.01);
  });

  it('is the permuted rows up to the end of the unchanged drift base, each stream row the value of its source row', () => {
    const head = PLAN.referenceRows + (PLAN.stationaryWindows + 2) * PLAN.windowRows;
    expect(stream.windows.filter((w) => w.role === 'control').map((w) => [w.start, w.end])).toEqual([
      [head - 2 * PLAN.windowRows, head - PLAN.windowRows],
      [head - PLAN.windowRows, head],
    ]);
    expect(Array.from(stream.sourceRow.subarray(0, head))).toEqual(Array.from(order.subarray(0, head)));
    expect(new Set(order).size).toBe(data.rowCount);
    for (const [c, column] of stream.data.columns.entries()) {
      for (let r = 0; r < head; r++) {
        if (valueAt(column, r) !== valueAt(data.columns[c], stream.sourceRow[r])) throw new Error(`${column.name} row ${r} is not its source row`);
      }
    }
  });

  it('has a stationary stretch: each window a uniform sample of the file, which is ordered in time', () => {
    // The bank file is in time order (May 2008 to November 2010), so a position in it stands for a time.
    const stationary = stream.windows.filter((w) => w.role === 'stationary');
    expect(stationary).toHaveLength(PLAN.stationaryWindows);
    const z = (rows: ArrayLike<number>) => {
      // Mean position in the file of a window's source rows: uniform sampling gives 0.5 ± 0.29 / sqrt(n).
      let sum = 0;
      for (let i = 0; i < rows.length; i++) sum += rows[i] / (data.rowCount - 1);
      return (sum / rows.length - 0.5) / (Math.sqrt(1 / 12) / Math.sqrt(rows.length));
    };
    for (const w of stationary) expect(Math.abs(z(stream.sourceRow.subarray(w.start, w.end)))).toBeLessThan(4.5);
    expect(Math.abs(z(stream.sourceRow.subarray(0, PLAN.referenceRows)))).toBeLessThan(4.5);
    // The same windows in file order are anything but uniform.
    expect(Math.abs(z(Int32Array.from({ length: PLAN.windowRows }, (_, i) => PLAN.referenceRows + i)))).toBeGreaterThan(20);
  });

  it('changes exactly the recorded rows of the recorded feature, in the recorded way, and nothing else', () => {
    const W = PLAN.windowRows;
    const referenceRows = Array.from(order.subarray(0, PLAN.referenceRows));
    for (const [s, scenario] of stream.scenarios.entries()) {
      const [first, second] = scenario.windows.map((i) => stream.windows[i]) as [StreamWindow, StreamWindow];
      // The drift base is the unchanged control's rows.
      const control = stream.windows.filter((w) => w.role === 'control');
      expect(Array.from(stream.sourceRow.subarray(first.start, second.end))).toEqual(Array.from(stream.sourceRow.subarray(control[0].start, control[1].end)));
      const washout = stream.windows[second.index + 1];
      expect([first.role, second.role, washout.role, first.scenario, washout.scenario]).toEqual(['drift', 'drift', 'washout', s, s]);
      expect(scenario.changeRow).toBeGreaterThanOrEqual(first.start);
      expect(scenario.changeRow).toBeLessThan(first.start + W / 2);
      const base = (c: number, r: number) => valueAt(data.columns[c], stream.sourceRow[r]);
      const changed = new Set(scenario.changedRows);
      expect(Math.min(...changed)).toBeGreaterThanOrEqual(scenario.changeRow);
      expect(Math.max(...changed)).toBeLessThan(second.end);
      const featureIndex = data.columns.findIndex((c) => c.name === scenario.feature);
      const original = data.columns[featureIndex];
      const stats = referenceStats(takeRows(original, referenceRows));
      const injected = stream.data.columns[featureIndex];
      for (const [c, column] of stream.data.columns.entries()) {
        for (let r = first.start; r < washout.end; r++) {
          const differs = valueAt(column, r) !== base(c, r);
          if (c !== featureIndex || r >= second.end) {
            if (differs) throw new Error(`scenario ${s}: ${column.name} row ${r} changed, the ground truth says only ${scenario.feature}`);
          } else if (differs !== changed.has(r)) {
            throw new Error(`scenario ${s}: ${column.name} row ${r} ${differs ? 'changed but is not recorded' : 'is recorded but unchanged'}`);
          }
        }
      }
      // The kind and size: every changed value is what the kind makes of its base value.
      const src = (r: number) => stream.sourceRow[r];
      const spec = scenario.spec;
      if (spec.kind === 'mean' || spec.kind === 'variance') {
        const before = (original as NumericColumn).values;
        const after = (injected as NumericColumn).values;
        let finite = 0;
        for (let r = scenario.changeRow; r < second.end; r++) {
          const v = before[src(r)];
          if (!Number.isFinite(v)) continue;
          finite++;
          const want = spec.kind === 'mean' ? v + spec.size * stats.std : stats.mean + spec.size * (v - stats.mean);
          if (!same(after[r], want)) throw new Error(`scenario ${s} row ${r}: ${after[r]}, want ${want}`);
        }
        expect(changed.size).toBe(finite);
      } else {
        for (const r of changed) {
          if (injected.kind === 'numeric') expect(Number.isNaN(injected.values[r])).toBe(true);
          else {
            const code = injected.codes[r];
            const want = spec.kind === 'missing' ? -1 : spec.kind === 'reweight' ? stats.topCode : injected.dictionary.indexOf(NEW_CATEGORY);
            if (code !== want) throw new Error(`scenario ${s} row ${r}: code ${code}, want ${want}`);
          }
        }
        // About `size` of the rows after the change that the kind would change (already missing, already in
        // the top category: unchanged), within 4 binomial standard errors.
        let n = 0;
        for (let r = scenario.changeRow; r < second.end; r++) {
          const v = base(featureIndex, r);
          if (spec.kind === 'missing' ? v !== '<missing>' && v !== 'NaN' : spec.kind === 'reweight' ? v !== (original as CategoricalColumn).dictionary[stats.topCode] : true) n++;
        }
        const se = Math.sqrt(n * spec.size * (1 - spec.size));
        expect(Math.abs(changed.size - n * spec.size)).toBeLessThan(4 * se);
      }
      if (spec.kind === 'new-category') {
        const code = (injected as CategoricalColumn).dictionary.indexOf(NEW_CATEGORY);
        const everywhere = (injected as CategoricalColumn).codes.reduce((k, c) => k + (c === code ? 1 : 0), 0);
        expect(everywhere).toBe(changed.size);
      }
    }
  });
});

describe('scoring', () => {
  const W = 10;
  const win = (index: number, role: StreamWindow['role'], scenario?: number): StreamWindow => ({ index, start: 100 + index * W, end: 100 + (index + 1) * W, role, ...(scenario !== undefined && { scenario }) });
  const windows = [win(0, 'stationary'), win(1, 'stationary'), win(2, 'stationary'), win(3, 'stationary'), win(4, 'drift', 0), win(5, 'drift', 0), win(6, 'washout', 0), win(7, 'drift', 1), win(8, 'drift', 1), win(9, 'washout', 1), win(10, 'drift', 2), win(11, 'drift', 2), win(12, 'washout', 2)];
  const scenario = (kind: number, importanceClass: Scenario['importanceClass'], changeRow: number, first: number): Scenario => ({
    spec: KINDS[kind],
    feature: 'x',
    importance: importanceClass === 'high' ? 0.5 : 0.001,
    importanceClass,
    changeRow,
    changedRows: [changeRow],
    windows: [first, first + 1],
  });
  // Mean +0.5 σ detected in its second window; spread ×1.5 missed (only its washout alarms); a negligible one paging.
  const scenarios = [scenario(2, 'high', 143, 4), scenario(4, 'high', 172, 7), scenario(2, 'negligible', 201, 10)];
  const alarms = [true, false, false, true, false, true, false, false, false, true, true, false, false];

  it('counts false alarms on stationary windows only, power and delay on the two drift windows', () => {
    const score = scoreStream({ windows, scenarios }, alarms);
    expect([score.stationaryWindows, score.falseAlarms]).toEqual([4, 2]);
    expect(score.scenarios.map((s) => [s.detected, s.delayWindows, s.delayRows])).toEqual([
      [true, 2, 160 - 143],
      [false, null, null],
      [true, 1, 210 - 201],
    ]);
  });

  it('pools seeds: power per kind from high-importance scenarios, negligible ones apart', () => {
    const one = scoreStream({ windows, scenarios }, alarms);
    const quiet = scoreStream({ windows, scenarios }, alarms.map(() => false));
    const summary = summarize([one, quiet]);
    expect([summary.stationaryWindows, summary.falseAlarms]).toEqual([8, 2]);
    expect(summary.power.get('mean +0.5 σ')).toEqual({ scenarios: 2, detected: 1, delayWindows: [2], delayRows: [17] });
    expect(summary.power.get('spread ×1.5')).toEqual({ scenarios: 2, detected: 0, delayWindows: [], delayRows: [] });
    expect(summary.negligible).toEqual({ scenarios: 2, alarmed: 1 });
  });

  it('counts a seed whose unchanged drift base alarms in either control window', () => {
    const withControl = [win(0, 'stationary'), win(1, 'control'), win(2, 'control'), win(3, 'drift', 0), win(4, 'drift', 0), win(5, 'washout', 0)];
    const one = [scenario(2, 'high', 135, 3)];
    const summary = summarize([
      scoreStream({ windows: withControl, scenarios: one }, [false, false, true, false, false, false]),
      scoreStream({ windows: withControl, scenarios: one }, [true, false, false, false, false, false]),
    ]);
    expect(summary.control).toEqual({ seeds: 2, alarmed: 1 });
    expect([summary.falseAlarms, summary.stationaryWindows]).toEqual([1, 2]);
  });

  it('refuses alarms that do not match the windows', () => {
    expect(() => scoreStream({ windows, scenarios }, alarms.slice(1))).toThrow('12 alarms for 13 windows');
  });
});

describe('RESULTS.md', () => {
  it('splits into the documented-change part and the injected section, which rejoin byte for byte as npm run eval writes them', () => {
    const text = fs.readFileSync(path.join(__dirname, 'RESULTS.md'), 'utf8');
    const { documented, injected } = splitResults(text);
    expect(documented.startsWith('# Detection quality on real data with a documented change\n')).toBe(true);
    expect(injected.startsWith('# Injected drift with exact ground truth\n')).toBe(true);
    expect(`${documented}\n${injected}`).toBe(text);
    expect(splitResults(documented)).toEqual({ documented, injected: '' });
  });
});
