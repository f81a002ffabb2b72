/** Invariants a user relies on, checked on generated inputs (fast-check). */
import fc from 'fast-check';
import { chiSquaredHomogeneity, chiSquaredSurvival, ks2samp, ksPValue } from '../../../lambda/core/stats';

/** Samples with many ties (small integers) or with continuous values, 1–60 values. */
const sample = fc.oneof(
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 60 }),
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
);
const method = fc.constantFrom('auto' as const, 'exact' as const);

function shuffled(values: readonly number[], seed: number): number[] {
  const out = [...values];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('KS properties', () => {
  it('identical samples (in any order) give statistic 0 and p-value 1', () => {
    fc.assert(
      fc.property(sample, fc.nat(), fc.constantFrom('auto' as const, 'exact' as const, 'asymp' as const), (a, seed, m) => {
        fc.pre(m !== 'asymp' || a.length >= 2); // scipy's asymptotic branch is undefined for 1 × 1
        const r = ks2samp(Float64Array.from(a), Float64Array.from(shuffled(a, seed)), m);
        expect(r).toEqual({ statistic: 0, pValue: 1 });
      }),
    );
  });

  it('statistic and p-value lie in [0, 1] and are never NaN', () => {
    fc.assert(
      fc.property(sample, sample, method, (a, b, m) => {
        const r = ks2samp(Float64Array.from(a), Float64Array.from(b), m);
        expect(r.statistic).toBeGreaterThanOrEqual(0);
        expect(r.statistic).toBeLessThanOrEqual(1);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('does not depend on which sample is the reference, nor on the order of values', () => {
    fc.assert(
      fc.property(sample, sample, fc.nat(), (a, b, seed) => {
        const r = ks2samp(Float64Array.from(a), Float64Array.from(b));
        expect(ks2samp(Float64Array.from(b), Float64Array.from(a))).toEqual(r);
        expect(ks2samp(Float64Array.from(shuffled(a, seed)), Float64Array.from(b))).toEqual(r);
      }),
    );
  });

  it('ksPValue on the statistic reproduces the p-value of ks2samp', () => {
    fc.assert(
      fc.property(sample, sample, method, (a, b, m) => {
        const r = ks2samp(Float64Array.from(a), Float64Array.from(b), m);
        expect(ksPValue(r.statistic, a.length, b.length, m)).toBe(r.pValue);
      }),
    );
  });

  it('a larger statistic never has a larger p-value (exact and asymptotic)', () => {
    const sizes = fc.integer({ min: 1, max: 400 });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), sizes, sizes, (x, y, n1, n2) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        expect(ksPValue(hi, n1, n2)).toBeLessThanOrEqual(ksPValue(lo, n1, n2) + 1e-12);
        const big1 = n1 * 100;
        const big2 = n2 * 100;
        expect(ksPValue(hi, big1, big2)).toBeLessThanOrEqual(ksPValue(lo, big1, big2) + 1e-9);
      }),
    );
  });

  it('fully separated samples give statistic 1', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const top = Math.max(...a);
        const above = b.map((v, i) => top + 1 + Math.abs(v) + i);
        expect(ks2samp(Float64Array.from(a), Float64Array.from(above)).statistic).toBe(1);
      }),
    );
  });
});

const counts = fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 30 });

describe('chi-squared properties', () => {
  it('identical proportions give statistic 0 (to rounding) and p-value 1', () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 1, max: 50 }), (reference, factor) => {
        const r = chiSquaredHomogeneity(reference, reference.map((c) => c * factor));
        expect(r.statistic).toBeLessThanOrEqual(1e-9);
        expect(r.pValue).toBeGreaterThan(1 - 1e-6);
      }),
    );
  });

  it('statistic is finite and non-negative, p-value in [0, 1], dof = categories seen − 1', () => {
    fc.assert(
      fc.property(counts, counts, (x, y) => {
        const k = Math.min(x.length, y.length);
        const reference = x.slice(0, k);
        const current = y.slice(0, k);
        const r = chiSquaredHomogeneity(reference, current);
        expect(Number.isFinite(r.statistic) && r.statistic >= 0).toBe(true);
        expect(r.pValue >= 0 && r.pValue <= 1).toBe(true);
        const seen = reference.filter((c, i) => c + current[i] > 0).length;
        const bothSidesObserved = reference.some((c) => c > 0) && current.some((c) => c > 0);
        expect(r.dof).toBe(seen > 1 && bothSidesObserved ? seen - 1 : 0);
      }),
    );
  });

  it('is symmetric, ignores categories nobody saw, and scales with the sample size', () => {
    fc.assert(
      fc.property(counts, counts, fc.nat(30), fc.integer({ min: 2, max: 20 }), (x, y, at, factor) => {
        const k = Math.min(x.length, y.length);
        const reference = x.slice(0, k);
        const current = y.slice(0, k);
        const r = chiSquaredHomogeneity(reference, current);
        const swapped = chiSquaredHomogeneity(current, reference);
        expect(swapped.dof).toBe(r.dof);
        expect(swapped.statistic).toBeCloseTo(r.statistic, 9);
        const i = Math.min(at, k);
        const padded = chiSquaredHomogeneity([...reference.slice(0, i), 0, ...reference.slice(i)], [...current.slice(0, i), 0, ...current.slice(i)]);
        expect(padded.dof).toBe(r.dof);
        expect(padded.statistic).toBeCloseTo(r.statistic, 9);
        const scaled = chiSquaredHomogeneity(reference.map((c) => c * factor), current.map((c) => c * factor));
        expect(Math.abs(scaled.statistic - factor * r.statistic)).toBeLessThanOrEqual(1e-9 * Math.max(1, factor * r.statistic));
      }),
    );
  });

  it('chiSquaredSurvival is a survival function: in [0, 1] and non-increasing in x', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2e5, noNaN: true }),
        fc.double({ min: 0, max: 2e5, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }),
        (x, y, dof) => {
          const [lo, hi] = x <= y ? [x, y] : [y, x];
          const sLo = chiSquaredSurvival(lo, dof);
          const sHi = chiSquaredSurvival(hi, dof);
          expect(sLo >= 0 && sLo <= 1 && sHi >= 0 && sHi <= 1).toBe(true);
          expect(sHi).toBeLessThanOrEqual(sLo * (1 + 1e-12));
        },
      ),
    );
  });
});
