import fc from 'fast-check';
import { EmptyDistributionError, normalizedWassersteinSorted, sortedNonMissing } from '../../../lambda/core/drift';
import {
  fitCategoricalProfile,
  fitDatasetProfile,
  fitNumericProfile,
  ksFromBins,
  mergeDatasetProfiles,
  mergeProfiles,
  observeCategoricalProfile,
  observeDatasetProfile,
  observeNumericProfile,
  parseDatasetProfile,
  profileDrift,
  profileStd,
  wassersteinFromBins,
} from '../../../lambda/core/profile';
import { ksStatisticSorted } from '../../../lambda/core/stats';
import type { CategoricalColumn, Dataset } from '../../../lambda/core/types';

const numeric = (...values: number[]) => Float64Array.from(values);
const categorical = (dictionary: string[], codes: number[]): CategoricalColumn => ({
  kind: 'categorical',
  name: 'c',
  codes: Int32Array.from(codes),
  dictionary,
});

describe('numeric profiles', () => {
  it('fit keeps counts on both bin sets, moments and range; missing and infinite values are counted apart', () => {
    const p = fitNumericProfile('x', numeric(3, 1, NaN, 2, Infinity, 4));
    expect(p).toMatchObject({ count: 4, missing: 2, sum: 10, sumSquares: 30, min: 1, max: 4 });
    expect(p.counts.reduce((a, b) => a + b)).toBe(4);
    expect(p.counts).toHaveLength(p.edges.length + 1);
    expect(p.fineCounts.reduce((a, b) => a + b)).toBe(4);
    expect(profileStd(p)).toBeCloseTo(Math.sqrt(1.25), 12);
  });

  it('an all-missing reference profiles as empty, and comparing against it is a clear error', () => {
    const ref = fitNumericProfile('x', numeric(NaN, NaN));
    expect(ref).toMatchObject({ count: 0, missing: 2, min: null, max: null, edges: [], counts: [0] });
    const cur = observeNumericProfile(numeric(1, 2), ref);
    expect(() => profileDrift(ref, cur)).toThrow(EmptyDistributionError);
    expect(() => profileDrift(ref, cur)).toThrow(/feature "x".*reference distribution is empty/);
  });

  it('an all-missing batch is a clear error naming the current side (its missing rate is the signal)', () => {
    const ref = fitNumericProfile('x', numeric(1, 2, 3));
    expect(() => profileDrift(ref, observeNumericProfile(numeric(NaN), ref))).toThrow(/current distribution is empty/);
  });

  it('observe counts a batch on the reference edges, values outside the reference range in the end bins', () => {
    const ref = fitNumericProfile('x', Float64Array.from({ length: 100 }, (_, i) => i));
    const cur = observeNumericProfile(numeric(-50, 1000, 50, NaN), ref);
    expect(cur.counts[0]).toBe(1);
    expect(cur.counts[cur.counts.length - 1]).toBe(1);
    expect(cur).toMatchObject({ count: 3, missing: 1, min: -50, max: 1000 });
    expect(cur.edges).toEqual(ref.edges);
  });
});

describe('categorical profiles', () => {
  it('keep the top-K categories by count, ties broken by name, the rest in other', () => {
    const column = categorical(['d', 'c', 'b', 'a', 'unused'], [0, 0, 1, 1, 2, 3, 3, 3, -1]);
    const p = fitCategoricalProfile('c', column, 2);
    expect(p).toMatchObject({ categories: ['a', 'c'], counts: [3, 2], other: 3, count: 8, missing: 1 });
  });

  it('observe maps by category name, whatever the batch dictionary order; unseen values go to other', () => {
    const ref = fitCategoricalProfile('c', categorical(['x', 'y'], [0, 1, 1]));
    const cur = observeCategoricalProfile(categorical(['new', 'y', 'x'], [0, 1, 2, 2, -1]), ref);
    expect(cur).toMatchObject({ categories: ['y', 'x'], counts: [1, 2], other: 1, missing: 1, count: 4 });
  });

  it('rejects a code outside the dictionary, naming the row', () => {
    expect(() => fitCategoricalProfile('c', categorical(['a'], [0, 3]))).toThrow(/code 3 at row 1/);
  });
});

describe('merging', () => {
  it('refuses profiles on different bins, naming the feature', () => {
    const a = fitNumericProfile('income', numeric(1, 2, 3));
    const b = fitNumericProfile('income', numeric(10, 20, 30));
    expect(() => mergeProfiles(a, b)).toThrow(/feature "income": the profiles have different edges/);
    expect(() => mergeProfiles(a, fitNumericProfile('age', numeric(1, 2, 3)))).toThrow(/"income" with feature "age"/);
  });

  it('an empty batch merges as a no-op (min/max stay those of the other side)', () => {
    const ref = fitNumericProfile('x', numeric(1, 2, 3));
    const batch = observeNumericProfile(numeric(2.5), ref);
    const empty = observeNumericProfile(new Float64Array(0), ref);
    expect(mergeProfiles(empty, batch)).toEqual(batch);
    expect(mergeProfiles(batch, empty)).toEqual(batch);
  });

  it('dataset profiles must hold the same features', () => {
    const ds: Dataset = { rowCount: 2, columns: [{ kind: 'numeric', name: 'a', values: numeric(1, 2) }] };
    const other: Dataset = { rowCount: 2, columns: [{ kind: 'numeric', name: 'b', values: numeric(1, 2) }] };
    expect(() => mergeDatasetProfiles(fitDatasetProfile(ds), fitDatasetProfile(other))).toThrow(/feature "b" is in the second/);
    expect(() => observeDatasetProfile(other, fitDatasetProfile(ds))).toThrow(/batch has no column "a"/);
  });
});

describe('parseDatasetProfile', () => {
  const valid = () =>
    JSON.parse(
      JSON.stringify(
        fitDatasetProfile({
          rowCount: 4,
          columns: [
            { kind: 'numeric', name: 'x', values: numeric(1, 2, 3, NaN) },
            { kind: 'categorical', name: 'c', codes: Int32Array.of(0, 1, 1, 0), dictionary: ['u', 'v'] },
          ],
        }),
      ),
    );

  it('accepts a profile written by fitDatasetProfile', () => {
    expect(parseDatasetProfile(valid()).features.map((f) => f.name)).toEqual(['x', 'c']);
  });

  it.each([
    ['wrong format', (p: any) => (p.format = 'driftwatch.profile/v0'), /format/],
    ['counts that do not match the edges', (p: any) => p.features[0].counts.push(0), /features\[0\]\.counts: has \d+ entries but/],
    ['counts that do not add up', (p: any) => (p.features[0].fineCounts[0] += 1), /features\[0\]\.fineCounts: add up to 4 but count is 3/],
    ['unsorted edges', (p: any) => p.features[0].edges.reverse(), /features\[0\]\.edges\[1\]: edges must be strictly increasing/],
    ['a negative count', (p: any) => (p.features[1].counts[0] = -1), /features\[1\]\.counts\[0\]/],
    ['rows that do not add up', (p: any) => (p.rowCount = 5), /features\[0\]\.count: count 3 \+ missing 1 of feature "x" is not rowCount 5/],
    ['an unknown kind', (p: any) => (p.features[1].kind = 'text'), /features\[1\]/],
    ['min without values', (p: any) => ((p.features[0].min = null)), /features\[0\]\.min/],
  ])('rejects %s with the path of the field', (_, corrupt, message) => {
    const p = valid();
    corrupt(p);
    expect(() => parseDatasetProfile(p, 's3://bucket/x.json')).toThrow(message);
    expect(() => parseDatasetProfile(p, 's3://bucket/x.json')).toThrow(/invalid profile \(s3:\/\/bucket\/x\.json\)/);
  });
});

describe('bounded estimates from bins', () => {
  it('KS: the worked example of the doc comment', () => {
    expect(ksFromBins([0], [50, 50], [100, 0])).toEqual({ value: 0.5, lowerBound: 0.5, upperBound: 1 });
  });

  it('Wasserstein: a spike at a known min/max is exact', () => {
    // Everything at 0 vs everything at 1: one bin, each side a point mass at its min = max.
    const w = wassersteinFromBins([], [10], [5], { min: 0, max: 0 }, { min: 1, max: 1 });
    expect(w).toEqual({ value: 1, lowerBound: 1, upperBound: 1 });
  });
});

/* ------------------------------------------------------------------------------------------------
 * Properties. Arbitrary samples mix a continuous part with a few repeated values, so ties, spikes
 * at the edges and constant columns all occur.
 * ---------------------------------------------------------------------------------------------- */

const value = fc.oneof(
  fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, 2.5, -7),
);
const sample = fc.array(value, { minLength: 1, maxLength: 300 }).map((xs) => Float64Array.from(xs));
const withMissing = fc
  .tuple(sample, fc.array(fc.nat(299), { maxLength: 20 }))
  .map(([xs, holes]) => {
    const copy = Float64Array.from(xs);
    for (const h of holes) if (h < copy.length - 1) copy[h] = NaN; // keep the last value present
    return copy;
  });
const PARAMS = { numRuns: 100, seed: 20260101 };

describe('properties of profile drift', () => {
  it('identical data: PSI 0, Jensen–Shannon 0, KS 0, Wasserstein 0, nothing NaN', () => {
    fc.assert(
      fc.property(withMissing, (xs) => {
        const ref = fitNumericProfile('x', xs);
        const drift = profileDrift(ref, observeNumericProfile(xs, ref));
        expect(drift.psi).toBe(0);
        expect(drift.jensenShannon).toBe(0);
        expect(drift.ks!.statistic).toBe(0);
        expect(drift.lInfinity).toBe(0);
        expect(drift.wasserstein!.value).toBe(0);
        expect(Number.isNaN(drift.ks!.pValue)).toBe(false);
        expect(drift.missingRate.change).toBe(0);
      }),
      PARAMS,
    );
  });

  it('any data: PSI ≥ 0, JS in [0, 1], and the exact KS and Wasserstein lie within the stated bounds', () => {
    fc.assert(
      fc.property(withMissing, withMissing, (a, b) => {
        const ref = fitNumericProfile('x', a);
        const drift = profileDrift(ref, observeNumericProfile(b, ref));
        const values = [drift.psi, drift.jensenShannon, drift.lInfinity, drift.ks!.pValue, drift.wasserstein!.value];
        for (const v of values) expect(Number.isFinite(v)).toBe(true);
        expect(drift.psi).toBeGreaterThanOrEqual(0);
        expect(drift.jensenShannon).toBeGreaterThanOrEqual(0);
        expect(drift.jensenShannon).toBeLessThanOrEqual(1);
        const sa = sortedNonMissing(a);
        const sb = sortedNonMissing(b);
        const ks = ksStatisticSorted(sa, sb);
        expect(ks).toBeGreaterThanOrEqual(drift.ks!.lowerBound - 1e-12);
        expect(ks).toBeLessThanOrEqual(drift.ks!.upperBound + 1e-12);
        const w = normalizedWassersteinSorted(sa, sb);
        const tolerance = 1e-9 * Math.max(1, w);
        expect(w).toBeGreaterThanOrEqual(drift.wasserstein!.lowerBound - tolerance);
        expect(w).toBeLessThanOrEqual(drift.wasserstein!.upperBound + tolerance);
      }),
      PARAMS,
    );
  });

  it('a batch split anywhere merges back to exactly the profile of the whole batch', () => {
    fc.assert(
      fc.property(sample, withMissing, fc.nat(), (refValues, batch, cut) => {
        const ref = fitNumericProfile('x', refValues);
        const at = cut % (batch.length + 1);
        const merged = mergeProfiles(observeNumericProfile(batch.subarray(0, at), ref), observeNumericProfile(batch.subarray(at), ref));
        const whole = observeNumericProfile(batch, ref);
        expect({ ...merged, sum: 0, sumSquares: 0 }).toEqual({ ...whole, sum: 0, sumSquares: 0 });
        expect(Math.abs(merged.sum - whole.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(whole.sum)));
      }),
      PARAMS,
    );
  });

  it('categorical: identical data gives 0 drift; any data gives finite measures in range', () => {
    const column = fc
      .array(fc.integer({ min: -1, max: 5 }), { minLength: 1, maxLength: 200 })
      .filter((codes) => codes.some((c) => c >= 0))
      .map((codes) => categorical(['a', 'b', 'c', 'd', 'e', 'f'], codes));
    fc.assert(
      fc.property(column, column, fc.integer({ min: 1, max: 6 }), (a, b, k) => {
        const ref = fitCategoricalProfile('c', a, k);
        const same = profileDrift(ref, observeCategoricalProfile(a, ref));
        expect([same.psi, same.jensenShannon, same.lInfinity, same.chiSquared!.statistic]).toEqual([0, 0, 0, 0]);
        const drift = profileDrift(ref, observeCategoricalProfile(b, ref));
        expect(drift.psi).toBeGreaterThanOrEqual(0);
        expect(drift.jensenShannon).toBeLessThanOrEqual(1);
        expect(Number.isFinite(drift.chiSquared!.pValue)).toBe(true);
      }),
      PARAMS,
    );
  });

  it('a constant column and a single row are handled, not NaN', () => {
    const ref = fitNumericProfile('x', numeric(5, 5, 5));
    expect(ref.edges).toEqual([5]);
    const drift = profileDrift(ref, observeNumericProfile(numeric(5.5), ref));
    expect(drift.ks!.statistic).toBe(1);
    // W1 = 0.5 exactly (the spike moved by 0.5), over the 0.001 floor of a zero std.
    expect(drift.wasserstein!.value).toBeCloseTo(500, 9);
    expect(drift.wasserstein!.lowerBound).toBeLessThanOrEqual(500 + 1e-9);
    expect(drift.wasserstein!.upperBound).toBeGreaterThanOrEqual(500 - 1e-9);
    expect(drift.psi).toBe(0); // both in the bin at-or-above 5: PSI cannot see inside one bin
  });
});
