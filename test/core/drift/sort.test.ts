import fc from 'fast-check';
import { sortFloat64, sortedNonMissing } from '../../../lambda/core/drift';

describe('sortFloat64', () => {
  it('orders like Float64Array#sort on large arrays with negatives, zeros, ties, infinities and subnormals', () => {
    const special = [0, -0, 1, -1, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300];
    const values = Float64Array.from({ length: 50_000 }, (_, i) =>
      i % 10 === 0 ? special[i % special.length] : Math.sin(i * 12.9898) * 10 ** ((i % 7) - 3),
    );
    const expected = Float64Array.from(values).sort();
    const actual = sortFloat64(Float64Array.from(values));
    expect(Array.from(actual).map(Object.is.bind(null, 0))).toEqual(Array.from(expected).map(Object.is.bind(null, 0)));
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it('agrees with the built-in sort for any doubles (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 4096, maxLength: 6000 }), (xs) => {
        const expected = Float64Array.from(xs).sort();
        expect(Array.from(sortFloat64(Float64Array.from(xs)))).toEqual(Array.from(expected));
      }),
      { numRuns: 20 },
    );
  });

  it('drops missing values before sorting', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? NaN : 10_000 - i));
    const sorted = sortedNonMissing(values);
    expect(sorted.length).toBe(6666);
    expect(sorted[0]).toBe(2);
    expect(sorted[sorted.length - 1]).toBe(9999);
  });
});
