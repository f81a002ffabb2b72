import fc from 'fast-check';
import {
  fitDatasetProfile,
  fitNumericProfile,
  mergeDatasetProfiles,
  observeDatasetProfile,
  observeNumericProfile,
  subtractDatasetProfiles,
  subtractProfiles,
} from '../../../lambda/core/profile';
import type { Dataset, DatasetProfile, FeatureProfile } from '../../../lambda/core/types';

const numeric = (...values: number[]) => Float64Array.from(values);

interface Row {
  readonly x: number;
  readonly c: number;
}

const DICTIONARY = ['a', 'b', 'c', 'd', 'e', 'f'];

function dataset(rows: readonly Row[]): Dataset {
  return {
    rowCount: rows.length,
    columns: [
      { kind: 'numeric', name: 'x', values: Float64Array.from(rows, (r) => r.x) },
      { kind: 'categorical', name: 'c', codes: Int32Array.from(rows, (r) => r.c), dictionary: DICTIONARY },
    ],
  };
}

/** A profile with its sums rounded, so two profiles that add up the same rows in another order compare equal. */
function rounded(p: DatasetProfile) {
  const round = (f: FeatureProfile): FeatureProfile =>
    f.kind === 'numeric' ? { ...f, sum: +f.sum.toPrecision(10), sumSquares: +f.sumSquares.toPrecision(10) } : f;
  return { rowCount: p.rowCount, features: p.features.map(round) };
}

const row = fc.record({
  // Integers (many ties, as in real data) and missing values.
  x: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -40, max: 40 }).map((v) => v / 4) }, { weight: 1, arbitrary: fc.constant(NaN) }),
  // -1 is missing; with maxCategories 3 some categories land in "other".
  c: fc.integer({ min: -1, max: DICTIONARY.length - 1 }),
});

describe('subtractProfiles: the reference minus one of its windows', () => {
  it('is the inverse of merging: (reference − window) + window = reference, and reference − window = the rest observed', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 150 }),
        fc.nat(),
        fc.nat(),
        (rows, i, j) => {
          const start = i % rows.length;
          const end = start + 1 + (j % (rows.length - start));
          const reference = fitDatasetProfile(dataset(rows), { maxCategories: 3 });
          const window = observeDatasetProfile(dataset(rows.slice(start, end)), reference);
          const rest = subtractDatasetProfiles(reference, window);

          expect(rounded(mergeDatasetProfiles(rest, window))).toEqual(rounded(reference));

          // The remainder holds exactly the counts of the rows outside the window; only min/max
          // (which cannot be un-merged) stay the reference's.
          const outside = observeDatasetProfile(dataset([...rows.slice(0, start), ...rows.slice(end)]), reference);
          expect(rest.rowCount).toBe(outside.rowCount);
          rest.features.forEach((f, k) => {
            const o = outside.features[k];
            if (f.kind === 'numeric' && o.kind === 'numeric') {
              expect({ ...f, min: null, max: null, sum: 0, sumSquares: 0 }).toEqual({ ...o, min: null, max: null, sum: 0, sumSquares: 0 });
              expect(f.sum).toBeCloseTo(o.sum, 9);
              expect(f.sumSquares).toBeCloseTo(o.sumSquares, 9);
            } else {
              // The remainder keeps the reference's bins, its rare categories (if any) included; an observed profile has none.
              const { rare: _rare, ...counts } = f as Extract<FeatureProfile, { kind: 'categorical' }>;
              expect(counts).toEqual(o);
            }
          });
        },
      ),
      { numRuns: 100, seed: 20240611 },
    );
  });

  it('taking everything out leaves an empty profile (min/max null, sums exactly 0)', () => {
    const ref = fitNumericProfile('x', numeric(0.1, 0.2, 0.7, NaN));
    const rest = subtractProfiles(ref, observeNumericProfile(numeric(0.1, 0.2, 0.7), ref));
    expect(rest).toMatchObject({ count: 0, missing: 1, sum: 0, sumSquares: 0, min: null, max: null });
    expect(rest.counts.every((n) => n === 0)).toBe(true);
  });

  it('min and max stay the total\'s: they cannot be un-merged', () => {
    const ref = fitNumericProfile('x', numeric(1, 2, 3, 4, 100));
    const rest = subtractProfiles(ref, observeNumericProfile(numeric(100), ref));
    expect(rest).toMatchObject({ count: 4, sum: 10, min: 1, max: 100 });
  });
});

describe('subtractProfiles: errors', () => {
  it('a part that is not contained in the total names the feature and the bin', () => {
    const ref = fitNumericProfile('income', numeric(1, 2, 3, 4));
    const outside = observeNumericProfile(numeric(1, 1, 1), ref);
    expect(() => subtractProfiles(ref, outside)).toThrow(
      /feature "income": counts\[0\] would be negative \(1 - 3\): the part is not contained in the total/,
    );
    const moreMissing = observeNumericProfile(numeric(NaN), ref);
    expect(() => subtractProfiles(ref, moreMissing)).toThrow(/feature "income": missing would be negative \(0 - 1\)/);
  });

  it('a categorical bin that would go negative is named by its category', () => {
    const ds = (codes: number[]): Dataset => ({
      rowCount: codes.length,
      columns: [{ kind: 'categorical', name: 'city', codes: Int32Array.from(codes), dictionary: ['Oslo', 'Rome'] }],
    });
    const ref = fitDatasetProfile(ds([0, 1]));
    const part = observeDatasetProfile(ds([1, 1]), ref);
    expect(() => subtractDatasetProfiles(ref, part)).toThrow(/feature "city": counts\[1\] \(category "Rome"\) would be negative \(1 - 2\)/);
  });

  it('refuses profiles on different bins, of different features or kinds', () => {
    const a = fitNumericProfile('income', numeric(1, 2, 3));
    expect(() => subtractProfiles(a, fitNumericProfile('income', numeric(10, 20, 30)))).toThrow(
      /feature "income": the profiles have different edges/,
    );
    expect(() => subtractProfiles(a, fitNumericProfile('age', numeric(1, 2, 3)))).toThrow(/feature "age" from feature "income"/);
    const cat: FeatureProfile = { kind: 'categorical', name: 'income', count: 0, missing: 0, categories: [], counts: [], other: 0 };
    expect(() => subtractProfiles<FeatureProfile>(a, cat)).toThrow(/feature "income" is numeric in the total and categorical in the part/);
  });

  it('dataset profiles must hold the same features', () => {
    const one: Dataset = { rowCount: 2, columns: [{ kind: 'numeric', name: 'a', values: numeric(1, 2) }] };
    const other: Dataset = { rowCount: 2, columns: [{ kind: 'numeric', name: 'b', values: numeric(1, 2) }] };
    expect(() => subtractDatasetProfiles(fitDatasetProfile(one), fitDatasetProfile(other))).toThrow(
      /feature "b" is in the part but not in the total/,
    );
  });
});
