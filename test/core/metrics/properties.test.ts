import fc from 'fast-check';
import {
  classificationMetrics,
  clickThroughRate,
  meanNdcgAtK,
  regressionMetrics,
} from '../../../lambda/core/metrics';

const classLabel = fc.constantFrom('a', 'b', 'c', 'd');
const pairs = fc.array(fc.tuple(classLabel, classLabel), { minLength: 1, maxLength: 200 });
/** Amounts in cents up to ±1e6 (doubles near 5e-324 would make e² underflow, which no target does). */
const finite = fc.oneof(fc.integer({ min: -1e8, max: 1e8 }).map((c) => c / 100), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((x) => x === 0 || Math.abs(x) > 1e-100));

describe('metric properties (fast-check)', () => {
  it('classification metrics stay in [0, 1], never NaN', () => {
    fc.assert(
      fc.property(pairs, (p) => {
        const m = classificationMetrics(p.map((x) => x[0]), p.map((x) => x[1]));
        const values = [m.accuracy!, m.macro.precision, m.macro.recall, m.macro.f1, m.weighted.precision, m.weighted.recall, m.weighted.f1];
        for (const c of m.perClass) values.push(c.precision, c.recall, c.f1);
        for (const v of values) {
          expect(Number.isNaN(v)).toBe(false);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(m.support).toBe(p.length);
        expect(m.perClass.reduce((s, c) => s + c.support, 0)).toBe(p.length);
      }),
      { seed: 1 },
    );
  });

  it('perfect predictions give accuracy 1 and precision = recall = F1 = 1 for every class present', () => {
    fc.assert(
      fc.property(fc.array(classLabel, { minLength: 1, maxLength: 100 }), (labels) => {
        const m = classificationMetrics(labels, labels);
        expect(m.accuracy).toBe(1);
        for (const c of m.perClass) expect([c.precision, c.recall, c.f1]).toEqual([1, 1, 1]);
      }),
      { seed: 2 },
    );
  });

  it('regression errors are non-negative, RMSE ≥ MAE, never NaN', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 1, maxLength: 100 }), (p) => {
        const m = regressionMetrics(p.map((x) => x[0]), p.map((x) => x[1]));
        for (const v of [m.mae, m.rmse, m.mape, m.weightedMape]) {
          if (v !== null) {
            expect(Number.isNaN(v)).toBe(false);
            expect(v).toBeGreaterThanOrEqual(0);
          }
        }
        expect(m.rmse!).toBeGreaterThanOrEqual(m.mae! * (1 - 1e-12));
        expect(m.mapeExcluded).toBe(p.filter((x) => x[0] === 0).length);
      }),
      { seed: 3 },
    );
  });

  it('perfect regression predictions give MAE = RMSE = MAPE = 0', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 100 }), (y) => {
        const m = regressionMetrics(y, y);
        expect(m.mae).toBe(0);
        expect(m.rmse).toBe(0);
        if (m.mape !== null) expect(m.mape).toBe(0);
      }),
      { seed: 4 },
    );
  });

  it('NDCG@k is in [0, 1], 1 for an ideally ordered list, never NaN', () => {
    const query = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(fc.array(query, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 12 }), (queries, k) => {
        const s = meanNdcgAtK(queries, k);
        for (const v of s.perQuery) {
          if (v === null) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
        const ideal = meanNdcgAtK(queries.map((q) => [...q].sort((a, b) => b - a)), k);
        if (ideal.mean !== null) expect(ideal.mean).toBeCloseTo(1, 12);
        expect(s.evaluated + s.withoutRelevant).toBe(queries.length);
      }),
      { seed: 5 },
    );
  });

  it('CTR is in [0, 1]', () => {
    fc.assert(
      fc.property(fc.nat(1e6), fc.nat(1e6), (a, b) => {
        const ctr = clickThroughRate({ impressions: Math.max(a, b), clicks: Math.min(a, b) });
        if (ctr !== null) expect(ctr >= 0 && ctr <= 1).toBe(true);
      }),
      { seed: 6 },
    );
  });
});
