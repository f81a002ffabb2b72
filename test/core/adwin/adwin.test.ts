import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { Adwin, ADWIN_STATE_FORMAT, AdwinOptions, AdwinState } from '../../../lambda/core/adwin';
import { readDatasetText } from '../../support/datasets';
import { formulaStream, StreamSpec } from './streams';

interface AdwinCase {
  name: string;
  source: 'stored' | 'formula';
  params: Record<string, number>;
  stream?: number[];
  formula?: StreamSpec;
  expected: number[];
  final?: { width: number; total: number; variance: number; estimation: number; nDetections: number; driftDetected: boolean };
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/metrics.json'), 'utf8')) as {
  adwin: { cases: AdwinCase[]; elec2: { rows: number; changeRow: number; raw: { expected: number[] }; changed: { expected: number[] } } };
};

/** Python snake_case parameters (river's names) to ours. */
function options(params: Record<string, number>): AdwinOptions {
  return {
    delta: params.delta,
    clock: params.clock,
    maxBuckets: params.max_buckets,
    minWindowLength: params.min_window_length,
    gracePeriod: params.grace_period,
  };
}
function streamOf(c: AdwinCase): number[] {
  return c.source === 'stored' ? c.stream! : formulaStream(c.formula!);
}

describe('ADWIN matches river', () => {
  it.each(fixture.adwin.cases.map((c) => [c.name, c] as const))('%s: same detection indices', (_name, c) => {
    const adwin = new Adwin(options(c.params));
    expect(adwin.updateMany(streamOf(c))).toEqual(c.expected);
    if (c.final) {
      // Same operation order as river, so the window statistics are the same doubles.
      expect(adwin.width).toBe(c.final.width);
      expect(adwin.total).toBe(c.final.total);
      expect(adwin.variance).toBe(c.final.variance);
      expect(adwin.estimation).toBe(c.final.estimation);
      expect(adwin.nDetections).toBe(c.final.nDetections);
      expect(adwin.driftDetected).toBe(c.final.driftDetected);
    }
  });

  it("reproduces river's documented example: drift at index 1023 after a 0/1 → 4..7 change", () => {
    const doc = fixture.adwin.cases.find((c) => c.name.startsWith('river doctest'))!;
    const adwin = new Adwin();
    expect(adwin.updateMany(doc.stream!)).toEqual([1023]);
    expect(adwin.totalDetections).toBe(1);
  });

  it('uses river defaults: delta 0.002, clock 32, maxBuckets 5, minWindowLength 5, gracePeriod 10', () => {
    expect(new Adwin().options).toEqual({ delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 });
  });

  it('starts a fresh window on the update after a detection, as river does', () => {
    const step = fixture.adwin.cases.find((c) => c.name === 'step change in mean')!;
    const values = streamOf(step);
    const adwin = new Adwin();
    const at = step.expected[0];
    adwin.updateMany(values.slice(0, at + 1));
    expect(adwin.driftDetected).toBe(true);
    expect(adwin.width).toBeGreaterThan(1);
    adwin.update(values[at + 1]);
    expect(adwin.driftDetected).toBe(false);
    expect(adwin.width).toBe(1);
    expect(adwin.estimation).toBe(values[at + 1]);
  });
});

describe('ADWIN state survives JSON between runs', () => {
  const gradual = fixture.adwin.cases.find((c) => c.name === 'gradual change in mean')!;
  const values = streamOf(gradual);
  const expected = gradual.expected;

  /** Runs `values` with a JSON.stringify/parse round trip before each index in `splits`. */
  function runWithSplits(vals: number[], splits: number[], opts: AdwinOptions = {}): { found: number[]; final: AdwinState } {
    const cuts = new Set(splits);
    let adwin = new Adwin(opts);
    const found: number[] = [];
    vals.forEach((x, i) => {
      if (cuts.has(i)) adwin = Adwin.fromJSON(JSON.parse(JSON.stringify(adwin)));
      if (adwin.update(x)) found.push(i);
    });
    return { found, final: adwin.toJSON() };
  }

  it('gives the same detections and final state as one uninterrupted run, for split points around a detection', () => {
    const uninterrupted = runWithSplits(values, []);
    expect(uninterrupted.found).toEqual(expected);
    const first = expected[0];
    for (let split = first - 40; split <= first + 40; split++) {
      const resumed = runWithSplits(values, [split]);
      expect(resumed.found).toEqual(expected);
      expect(resumed.final).toEqual(uninterrupted.final);
    }
  });

  it('gives the same detections for any set of split points (property)', () => {
    const uninterrupted = runWithSplits(values, []);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: values.length - 1 }), { maxLength: 6 }), (splits) => {
        const resumed = runWithSplits(values, splits);
        expect(resumed.found).toEqual(expected);
        expect(resumed.final).toEqual(uninterrupted.final);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('keeps non-default options and the detection count across a round trip', () => {
    const c = fixture.adwin.cases.find((x) => x.name.startsWith('step, clock 1'))!;
    const opts = options(c.params);
    const vals = streamOf(c);
    const resumed = runWithSplits(vals, [1, 100, c.expected[0], c.expected[0] + 1, 1500], opts);
    expect(resumed.found).toEqual(c.expected);
    expect(resumed.final.options).toEqual({ delta: 0.05, clock: 1, maxBuckets: 2, minWindowLength: 2, gracePeriod: 20 });
    expect(resumed.final.totalDetections).toBe(c.expected.length);
    expect(resumed.final.updates).toBe(vals.length);
  });

  it('writes a versioned format', () => {
    const state = new Adwin().toJSON();
    expect(state.format).toBe(ADWIN_STATE_FORMAT);
    expect(ADWIN_STATE_FORMAT).toBe('driftwatch.adwin/v1');
  });
});

describe('ADWIN rejects bad input with a message naming the field', () => {
  function stateAfter(n: number): AdwinState {
    const adwin = new Adwin();
    for (let i = 0; i < n; i++) adwin.update(i % 3);
    return JSON.parse(JSON.stringify(adwin)) as AdwinState;
  }

  it('refuses an unknown format version', () => {
    expect(() => Adwin.fromJSON({ ...stateAfter(10), format: 'driftwatch.adwin/v0' })).toThrow(/format must be "driftwatch.adwin\/v1", got "driftwatch.adwin\/v0"/);
  });
  it('refuses a state that is not an object', () => {
    expect(() => Adwin.fromJSON(null)).toThrow(/ADWIN state must be an object, got null/);
    expect(() => Adwin.fromJSON('{}')).toThrow(/must be an object/);
  });
  it('refuses a missing or non-finite window field', () => {
    const s = stateAfter(50);
    expect(() => Adwin.fromJSON({ ...s, window: { ...s.window, total: undefined } })).toThrow(/window.total must be a finite number/);
    expect(() => Adwin.fromJSON({ ...s, window: { ...s.window, variance: 'x' } })).toThrow(/window.variance must be a finite number, got "x"/);
  });
  it('refuses buckets that do not add up to the window width', () => {
    const s = stateAfter(50);
    expect(() => Adwin.fromJSON({ ...s, window: { ...s.window, width: 49 } })).toThrow(/window.width is 49 but its buckets hold 50 values/);
  });
  it('refuses a bucket row longer than maxBuckets and mismatched arrays', () => {
    const s = stateAfter(50);
    const rows = s.window.rows.map((r) => ({ totals: [...r.totals], variances: [...r.variances] }));
    rows[0].variances.push(0);
    expect(() => Adwin.fromJSON({ ...s, window: { ...s.window, rows } })).toThrow(/rows\[0\] has \d+ totals but \d+ variances/);
    const long = [{ totals: [1, 1, 1, 1, 1, 1], variances: [0, 0, 0, 0, 0, 0] }];
    expect(() => Adwin.fromJSON({ ...s, window: { ...s.window, rows: long, width: 6 } })).toThrow(/holds 6 buckets, more than maxBuckets 5/);
  });
  it('refuses invalid options', () => {
    expect(() => Adwin.fromJSON({ ...stateAfter(5), options: { ...stateAfter(5).options, clock: 0 } })).toThrow(/clock must be an integer >= 1, got 0/);
    expect(() => new Adwin({ delta: 1.5 })).toThrow(/delta must be in \(0, 1\), got 1.5/);
    expect(() => new Adwin({ maxBuckets: 2.5 })).toThrow(/maxBuckets must be an integer >= 1, got 2.5/);
  });
  it('refuses non-finite values instead of poisoning the window', () => {
    const adwin = new Adwin();
    adwin.update(1);
    expect(() => adwin.update(Number.NaN)).toThrow(/finite number, got NaN \(update #1\)/);
    expect(adwin.width).toBe(1);
  });
});

describe('ADWIN window invariants (property)', () => {
  it('the window is always the most recent values since the last reset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 5)), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 8 }),
        (values, clock) => {
          const adwin = new Adwin({ clock });
          let sinceReset: number[] = [];
          for (const x of values) {
            if (adwin.driftDetected) sinceReset = [];
            sinceReset.push(x);
            adwin.update(x);
            expect(adwin.width).toBeGreaterThanOrEqual(1);
            expect(adwin.width).toBeLessThanOrEqual(sinceReset.length);
            const window = sinceReset.slice(sinceReset.length - adwin.width);
            const sum = window.reduce((a, b) => a + b, 0);
            expect(Math.abs(adwin.total - sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum)));
            expect(adwin.variance).toBeGreaterThanOrEqual(-1e-9);
            expect(Number.isFinite(adwin.estimation)).toBe(true);
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('never detects a drift in a constant stream', () => {
    const adwin = new Adwin({ clock: 1 });
    expect(adwin.updateMany(new Array(3000).fill(0.3))).toEqual([]);
    expect(adwin.width).toBe(3000);
  });
});

describe('ADWIN on a real stream: Elec2 vicprice (constant until row 17,424, then varies)', () => {
  const csv = readDatasetText('elec2_electricity.csv');
  const lines = csv.trim().split('\n');
  const column = lines[0].split(',').indexOf('vicprice');
  const vicprice = lines.slice(1).map((l) => Number(l.split(',')[column]));
  const { changeRow } = fixture.adwin.elec2;

  it('reads the whole column', () => {
    expect(vicprice).toHaveLength(fixture.adwin.elec2.rows);
    expect(new Set(vicprice.slice(0, changeRow)).size).toBe(1);
    expect(vicprice[changeRow]).not.toBe(vicprice[changeRow - 1]);
  });

  it('on the "value changed since the previous row" proxy, detects within 64 rows after row 17,424 and never before', () => {
    const changed = vicprice.map((v, i) => (i > 0 && v !== vicprice[i - 1] ? 1 : 0));
    const found = new Adwin().updateMany(changed);
    expect(found).toEqual(fixture.adwin.elec2.changed.expected);
    expect(found[0]).toBeGreaterThanOrEqual(changeRow);
    expect(found[0]).toBeLessThanOrEqual(changeRow + 64);
  });

  it('on the raw value, finds nothing near row 17,424: the imputed constant equals the later mean, and ADWIN tests means', () => {
    const before = vicprice[0];
    const after = vicprice.slice(changeRow);
    const meanAfter = after.reduce((a, b) => a + b, 0) / after.length;
    expect(Math.abs(meanAfter - before) / before).toBeLessThan(1e-4);
    const found = new Adwin().updateMany(vicprice);
    expect(found).toEqual(fixture.adwin.elec2.raw.expected);
    expect(found.every((i) => i > changeRow + 10000)).toBe(true);
  });
});
