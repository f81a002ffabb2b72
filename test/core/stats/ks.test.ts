import { ks2samp, ksPValue, ksStatisticSorted, KS_MAX_AUTO_N } from '../../../lambda/core/stats';
import { expectPValue, expectStatistic } from './assertions';
import { fixture, formulaSample } from './fixtures';

describe('ks2samp matches scipy.stats.ks_2samp', () => {
  test.each(fixture.ksArrays.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = ks2samp(Float64Array.from(c.a), Float64Array.from(c.b), c.method);
    expectStatistic(r.statistic, c.statistic);
    expectPValue(r.pValue, c.pValue);
  });

  test.each(fixture.ksFormulas.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = ks2samp(formulaSample(c.a), formulaSample(c.b), c.method);
    expectStatistic(r.statistic, c.statistic);
    expectPValue(r.pValue, c.pValue);
  });
});

describe('ksPValue for a statistic computed elsewhere matches scipy', () => {
  test.each(fixture.ksFromStatistic.map((c) => [`D=${c.statistic} n=${c.n1}x${c.n2} ${c.method}`, c] as const))(
    '%s',
    (_name, c) => {
      expectPValue(ksPValue(c.statistic, c.n1, c.n2, c.method), c.pValue);
    },
  );

  it('gives the same p-value as ks2samp for the statistic ks2samp found', () => {
    const a = Float64Array.from([0.3, 1.2, 1.9, 2.2, 3.1, 4.4, 5.0]);
    const b = Float64Array.from([0.9, 2.5, 2.6, 3.3, 4.8, 5.9, 6.1, 7.0, 7.7]);
    const r = ks2samp(a, b);
    expect(ksPValue(r.statistic, a.length, b.length)).toBe(r.pValue);
  });
});

describe('method selection follows scipy', () => {
  const base = { n: 0, mult: 7919, offset: 1, mod: 1_000_003, transform: 'linear' as const, loc: 0, scale: 1 };

  it('is exact up to MAX_AUTO_N = 10000 and asymptotic above, so the two p-values differ slightly', () => {
    expect(KS_MAX_AUTO_N).toBe(10_000);
    const d = 0.02;
    const exact = ksPValue(d, 10_000, 8000);
    const asymp = ksPValue(d, 10_000, 8000, 'asymp');
    expect(ksPValue(d, 10_000, 8000, 'exact')).toBe(exact);
    expect(exact).not.toBe(asymp);
    expect(ksPValue(d, 10_001, 8000)).toBe(ksPValue(d, 10_001, 8000, 'asymp'));
  });

  it('reports the exact statistic on the lattice h/lcm(n1, n2)', () => {
    const a = formulaSample({ ...base, n: 300 });
    const b = formulaSample({ ...base, n: 200, mult: 104729, loc: 0.05 });
    const r = ks2samp(a, b);
    expect(Number.isInteger(Math.round(r.statistic * 600))).toBe(true);
    expect(r.statistic * 600).toBeCloseTo(Math.round(r.statistic * 600), 9);
  });

  it("falls back from 'exact' to 'asymp' when lcm(n1, n2) exceeds int32", () => {
    expect(ksPValue(0.004, 100_003, 99_991, 'exact')).toBe(ksPValue(0.004, 100_003, 99_991, 'asymp'));
  });

  it("returns NaN, as scipy does, for 'asymp' with one value on each side (round(en) = 0)", () => {
    expect(Number.isNaN(ksPValue(1, 1, 1, 'asymp'))).toBe(true);
    expect(ksPValue(1, 1, 1)).toBe(1); // 'auto' is exact there: both orders are equally likely
  });
});

describe('statistic', () => {
  it('counts ties in both samples before comparing the CDFs', () => {
    // F_a jumps to 3/4 at 2 while F_b jumps to 1/4: the gap is 1/2, not 3/4.
    expect(ksStatisticSorted(Float64Array.from([1, 2, 2, 3]), Float64Array.from([2, 3, 3, 3]))).toBe(0.5);
  });

  it('is 1 for disjoint samples and the p-value is small', () => {
    const r = ks2samp(Float64Array.from([1, 2, 3, 4, 5, 6]), Float64Array.from([7, 8, 9, 10, 11, 12]));
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(2 / 924, 15); // 2 of C(12, 6) orderings
  });

  it('does not modify the caller’s arrays', () => {
    const a = Float64Array.from([3, 1, 2]);
    const b = Float64Array.from([9, 7, 8]);
    ks2samp(a, b);
    expect(Array.from(a)).toEqual([3, 1, 2]);
    expect(Array.from(b)).toEqual([9, 7, 8]);
  });
});

describe('errors name the problem', () => {
  it('rejects an empty sample', () => {
    expect(() => ks2samp(new Float64Array(0), Float64Array.from([1]))).toThrow(/a is empty/);
    expect(() => ks2samp(Float64Array.from([1]), new Float64Array(0))).toThrow(/b is empty/);
  });

  it('rejects missing values instead of returning a wrong answer', () => {
    expect(() => ks2samp(Float64Array.from([1, Number.NaN, 2]), Float64Array.from([1]))).toThrow(/a contains NaN/);
    expect(() => ks2samp(Float64Array.from([1]), Float64Array.from([Number.NaN]))).toThrow(/b contains NaN/);
  });

  it('rejects an unknown method, a statistic outside [0, 1] and non-integer sizes', () => {
    const one = Float64Array.from([1]);
    expect(() => ks2samp(one, one, 'approx' as never)).toThrow(/method must be .* got 'approx'/);
    expect(() => ksPValue(1.5, 10, 10)).toThrow(/statistic must be in \[0, 1\], got 1.5/);
    expect(() => ksPValue(Number.NaN, 10, 10)).toThrow(/got NaN/);
    expect(() => ksPValue(0.2, 10.5, 10)).toThrow(/n1 .* got 10.5/);
    expect(() => ksPValue(0.2, 10, 0)).toThrow(/n2 .* got 0/);
  });
});
