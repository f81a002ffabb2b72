import fixture from '../../fixtures/drift.json';
import {
  binIndex,
  EmptyDistributionError,
  histogram,
  histogramSorted,
  jensenShannon,
  lInfinity,
  lInfinityCdf,
  lInfinityRobust,
  missingRate,
  missingRateChange,
  normalizedWasserstein,
  psi,
  quantileEdges,
  sortedNonMissing,
  wasserstein,
} from '../../../lambda/core/drift';
import { generate, type GeneratedKind } from './generated';

/** |actual − expected| ≤ 1e-9 · max(1, |expected|): relative, with an absolute floor near 0. */
function expectClose(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Number.isFinite(actual)).toBe(true);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

function expectAllClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expectClose(a, expected[i]));
}

describe('quantileEdges matches np.unique(np.quantile(x, k/B))', () => {
  it.each(fixture.quantiles.map((c) => [`${c.name}, B=${c.bins}`, c] as const))('%s', (_, c) => {
    const sorted = sortedNonMissing(Float64Array.from(c.values));
    // Bit for bit: same virtual index and lerp as numpy, so edges compare exactly.
    expect(quantileEdges(sorted, c.bins)).toEqual(c.edges);
  });

  it.each(fixture.generatedQuantiles.map((c) => [`${c.kind} n=${c.n}, B=${c.bins}`, c] as const))('%s', (_, c) => {
    const sorted = sortedNonMissing(generate(c.kind as GeneratedKind, c.seed, c.n));
    // Bit for bit: same virtual index and lerp as numpy, so edges compare exactly.
    expect(quantileEdges(sorted, c.bins)).toEqual(c.edges);
  });

  it('a constant column gives one edge, so values split into below / at-or-above it', () => {
    expect(quantileEdges(Float64Array.of(4, 4, 4), 10)).toEqual([4]);
  });

  it('rejects an empty reference and a non-integer bin count', () => {
    expect(() => quantileEdges(new Float64Array(0), 10)).toThrow(/no values/);
    expect(() => quantileEdges(Float64Array.of(1), 2.5)).toThrow(/bins is 2.5/);
  });

  it('sortedNonMissing drops NaN and sorts numerically (not as strings)', () => {
    expect(Array.from(sortedNonMissing(Float64Array.of(10, NaN, 9, -1, NaN)))).toEqual([-1, 9, 10]);
  });
});

describe('binIndex and histogram', () => {
  it('a value equal to an edge falls in the bin above it (bisect_right)', () => {
    const edges = [1, 2, 3];
    expect([0.5, 1, 1.5, 2, 3, 99].map((v) => binIndex(v, edges))).toEqual([0, 1, 1, 2, 3, 3]);
    expect(binIndex(5, [])).toBe(0);
  });

  it('histogram skips missing values and agrees with the sorted merge count', () => {
    const values = Float64Array.of(0, 1, 1.5, NaN, 9, 2, 2);
    expect(histogram(values, [1, 2])).toEqual([1, 2, 3]);
    expect(histogramSorted(sortedNonMissing(values), [1, 2])).toEqual([1, 2, 3]);
  });

  it.each(fixture.pipeline.map((c) => [`${c.reference.kind} vs ${c.current.kind}`, c] as const))(
    'counts on reference edges match np.searchsorted(side=right): %s',
    (_, c) => {
      const ref = generate(c.reference.kind as GeneratedKind, c.reference.seed, c.reference.n);
      const cur = generate(c.current.kind as GeneratedKind, c.current.seed, c.current.n);
      const edges = quantileEdges(sortedNonMissing(ref), 10);
      expectAllClose(edges, c.edges);
      expect(histogram(ref, edges)).toEqual(c.referenceCounts);
      expect(histogram(cur, edges)).toEqual(c.currentCounts);
      expect(histogramSorted(sortedNonMissing(cur), edges)).toEqual(c.currentCounts);
      expectClose(psi(histogram(ref, edges), histogram(cur, edges)), c.psi);
      expectClose(jensenShannon(c.referenceCounts, c.currentCounts), c.jensenShannon);
      expectClose(wasserstein(ref, cur), c.wasserstein);
      expectClose(normalizedWasserstein(ref, cur), c.normalizedWasserstein);
    },
  );
});

describe('measures on counts match numpy / scipy', () => {
  it.each(fixture.counts.map((c) => [`${c.reference} vs ${c.current}`, c] as const))('%s', (_, c) => {
    expectClose(psi(c.reference, c.current), c.psi);
    expectClose(jensenShannon(c.reference, c.current), c.jensenShannon);
    expectClose(lInfinity(c.reference, c.current), c.lInfinity);
    expectClose(lInfinityCdf(c.reference, c.current), c.lInfinityCdf);
  });

  it('an empty side is a clear error naming the side, not a silent 0 or NaN', () => {
    expect(() => psi([0, 0], [1, 2])).toThrow(EmptyDistributionError);
    expect(() => psi([0, 0], [1, 2])).toThrow(/reference distribution is empty/);
    expect(() => jensenShannon([1, 2], [0, 0])).toThrow(/current distribution is empty/);
    expect(() => lInfinity([1], [1, 2])).toThrow(/1 bins but currentCounts has 2/);
    expect(() => lInfinityCdf([1, -2], [1, 2])).toThrow(/referenceCounts\[1\] is -2/);
  });

  it('PSI turns a zero proportion into 1e-4 rather than infinity', () => {
    // ref [1, 0] → [1, 1e-4]; cur [0, 1] → [1e-4, 1]: two equal terms (1 − 1e-4)·ln(1e4).
    expectClose(psi([1, 0], [0, 1]), 2 * (1 - 1e-4) * Math.log(1e4));
  });

  it('lInfinityRobust follows Deequ: linf − c(α)·sqrt((n+m)/(nm)), floored at 0', () => {
    expectClose(lInfinityRobust(0.3, 100, 100), 0.3 - 1.8 * Math.sqrt(200 / 10000));
    expect(lInfinityRobust(0.05, 10, 10)).toBe(0);
    expectClose(lInfinityRobust(0.5, 50, 200, 0.05), 0.5 - Math.sqrt(-Math.log(0.025) / 2) * Math.sqrt(250 / 10000));
  });
});

describe('wasserstein matches scipy.stats.wasserstein_distance', () => {
  it.each(fixture.wasserstein.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const ref = Float64Array.from(c.reference);
    const cur = Float64Array.from(c.current);
    expectClose(wasserstein(ref, cur), c.wasserstein);
    expectClose(normalizedWasserstein(ref, cur), c.normalizedWasserstein);
  });

  it('ignores missing values on both sides', () => {
    expect(wasserstein(Float64Array.of(0, NaN, 1, 3), Float64Array.of(NaN, 5, 6, 8))).toBeCloseTo(5, 12);
  });

  it('rejects a side with no values, naming it', () => {
    expect(() => wasserstein(Float64Array.of(NaN), Float64Array.of(1))).toThrow(/reference has no non-missing/);
    expect(() => wasserstein(Float64Array.of(1), new Float64Array(0))).toThrow(/current data has no non-missing/);
  });

  it('handles a million rows per side in one pass (sorted merge)', () => {
    const ref = generate('uniform', 101, 1_000_000);
    const cur = generate('shifted', 102, 1_000_000);
    // U(−5, 5) vs U(−3.5, 6.5): W1 = 1.5 exactly for the distributions; the samples are close.
    expect(Math.abs(wasserstein(ref, cur) - 1.5)).toBeLessThan(0.02);
  });
});

describe('missing rates', () => {
  it('count NaN in numeric columns and code −1 in categorical ones', () => {
    expect(missingRate({ kind: 'numeric', name: 'x', values: Float64Array.of(1, NaN, 3, NaN) })).toBe(0.5);
    expect(missingRate({ kind: 'categorical', name: 'c', codes: Int32Array.of(0, -1, 1), dictionary: ['a', 'b'] })).toBeCloseTo(1 / 3, 15);
    expect(missingRate({ kind: 'numeric', name: 'x', values: new Float64Array(0) })).toBe(0);
  });

  it('missingRateChange reports both rates and the change, and rejects impossible counts', () => {
    const change = missingRateChange(1, 100, 30, 100);
    expect(change.reference).toBe(0.01);
    expect(change.current).toBe(0.3);
    expectClose(change.change, 0.29);
    expect(missingRateChange(0, 0, 0, 10)).toEqual({ reference: 0, current: 0, change: 0 });
    expect(() => missingRateChange(5, 4, 0, 1)).toThrow(/reference missing is 5/);
  });
});
