/**
 * Issue 14, class 7: values near ±1.8e308 overflowed the reference σ (sum of squares → Infinity), so
 * the normalised Wasserstein read 0. Every measure is scale-free, so data multiplied by a large power
 * of two (exact) must give the measures and verdicts of the data itself — on raw data, on profiles,
 * and through a profile stored as JSON.
 */
import fc from 'fast-check';
import { runBacktest, type BacktestConfig } from '../../../lambda/backtest';
import { compareDatasets, compareProfiles } from '../../../lambda/core/compare';
import { normalizedWasserstein, populationStd } from '../../../lambda/core/drift';
import { fitDatasetProfile, mergeDatasetProfiles, observeDatasetProfile, parseDatasetProfile } from '../../../lambda/core/profile';
import type { Dataset } from '../../../lambda/core/types';

const sample = fc.array(fc.double({ min: -1, max: 1, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-300), { minLength: 30, maxLength: 400 });
/** 2^k with k such that |v|·2^k stays finite for |v| < 1 and reaches 1e300 and beyond. */
const power = fc.integer({ min: 996, max: 1023 }).map((k) => 2 ** k);

const times = (values: readonly number[], f: number) => Float64Array.from(values, (v) => v * f);
const data = (values: Float64Array): Dataset => ({ rowCount: values.length, columns: [{ kind: 'numeric', name: 'x', values }] });
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
/** The measures are scale-free except for the 0.001 floor under σ: keep references that vary. */
const varies = (a: readonly number[]) => populationStd(Float64Array.from(a)) > 0.01;

describe('values near the double limit', () => {
  it('keep their σ and normalised Wasserstein (raw data)', () => {
    fc.assert(
      fc.property(sample, sample, fc.double({ min: -0.5, max: 0.5, noNaN: true }), power, (a, b, shift, f) => {
        fc.pre(varies(a));
        const ref = Float64Array.from(a);
        const cur = Float64Array.from(b, (v) => v / 2 + shift);
        expect(close(populationStd(times(a, f)) / f, populationStd(ref))).toBe(true);
        const big = normalizedWasserstein(times(a, f), times(Array.from(cur), f));
        const small = normalizedWasserstein(ref, cur);
        expect(Number.isFinite(big)).toBe(true);
        expect(close(big, small)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('give compare the verdict and measures of the same data at an ordinary scale', () => {
    fc.assert(
      fc.property(sample, sample, fc.double({ min: 0, max: 1, noNaN: true }), power, (a, b, shift, f) => {
        fc.pre(varies(a));
        const cur = b.map((v) => v / 2 + shift);
        const big = compareDatasets(data(times(a, f)), data(times(cur, f))).features[0];
        const small = compareDatasets(data(Float64Array.from(a)), data(Float64Array.from(cur))).features[0];
        expect(big.status).toBe(small.status);
        expect(big.psi).toBe(small.psi);
        expect(big.ks).toEqual(small.ks);
        expect(close(big.wasserstein as number, small.wasserstein as number)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('give profiles finite sums (JSON), the reference σ and the Wasserstein of the ordinary scale', () => {
    fc.assert(
      fc.property(sample, sample, fc.double({ min: 0, max: 1, noNaN: true }), power, (a, b, shift, f) => {
        fc.pre(varies(a));
        const cur = b.map((v) => v / 2 + shift);
        // Stored and read back as the monitor does: the profile must survive JSON.
        const big = parseDatasetProfile(JSON.parse(JSON.stringify(fitDatasetProfile(data(times(a, f))))), 'reference');
        const small = fitDatasetProfile(data(Float64Array.from(a)));
        const half = Math.floor(cur.length / 2);
        // A window merged from two batches, as hours merge.
        const window = mergeDatasetProfiles(observeDatasetProfile(data(times(cur.slice(0, half), f)), big), observeDatasetProfile(data(times(cur.slice(half), f)), big));
        parseDatasetProfile(JSON.parse(JSON.stringify(window)), 'window');
        const x = compareProfiles(big, window).features[0];
        const y = compareProfiles(small, observeDatasetProfile(data(Float64Array.from(cur)), small)).features[0];
        expect(x.status).toBe(y.status);
        expect(x.psi).toBe(y.psi);
        expect(close(x.wasserstein as number, y.wasserstein as number)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keep the reference quantile edges finite from -1.8e308 to 1.8e308', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => (i < 50 ? -Number.MAX_VALUE : Number.MAX_VALUE));
    const profile = fitDatasetProfile(data(values)).features[0];
    expect(profile.kind === 'numeric' && profile.edges.every(Number.isFinite)).toBe(true);
    const f = compareDatasets(data(values), data(Float64Array.from(values, (v) => -Math.abs(v)))).features[0];
    expect(f.wasserstein).toBeCloseTo(1, 9); // half the mass moves 2·MAX, σ = MAX
    expect(f.status).toBe('critical');
  });
});

describe('values near the double limit through the backtest (the profile SQL of the monitor)', () => {
  it('give every window the statuses and measures of the same data at an ordinary scale, with no error', async () => {
    const n = 4000;
    for (const [seed, k, sign] of fc.sample(fc.tuple(fc.integer(), fc.integer({ min: 996, max: 1023 }), fc.constantFrom(1, -1)), { numRuns: 4, seed: 1408 })) {
      let s = seed >>> 0;
      const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
      // x in (-1, 1), shifted by 0.6 from row 3,000 on; all one sign in half the cases (SUM(x) overflows too).
      const x = Float64Array.from({ length: n }, (_, i) => (sign > 0 ? next() * 2 - 1 : -next()) * 0.6 + (i >= 3000 ? 0.3 : 0));
      const config: BacktestConfig = { features: [{ name: 'x', kind: 'numeric' }], reference: { rows: 2000 }, window: { rows: 500 }, driftBands: { enabled: false } };
      const run = (f: number) => runBacktest({ data: data(times(Array.from(x), f)), config });
      const [ordinary, extreme] = [await run(1), await run(2 ** k)];
      const view = (r: typeof ordinary) => r.windows.map((w) => ({ status: w.status, psi: w.features[0].psi, p: w.features[0].pValue }));
      const [a, b] = [view(ordinary), view(extreme)];
      expect(b.map((w) => w.status)).toEqual(a.map((w) => w.status));
      for (const [i, w] of b.entries()) {
        expect(close(w.psi as number, a[i].psi as number)).toBe(true);
        expect(close(w.p as number, a[i].p as number)).toBe(true);
      }
      expect(a.some((w) => w.status === 'critical')).toBe(true);
    }
  }, 60_000);
});
