import {
  EMPTY_REGRESSION_SUMS,
  mergeRegressionSums,
  regressionFromSums,
  regressionMetrics,
  regressionSums,
} from '../../../lambda/core/metrics';
import { expectRelClose, fixture } from './fixture';

describe('regression metrics match numpy references', () => {
  it.each(fixture.regression.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const m = regressionMetrics(c.yTrue, c.yPred);
    expect(m.count).toBe(c.expected.count);
    expectRelClose(m.mae, c.expected.mae);
    expectRelClose(m.rmse, c.expected.rmse);
    expectRelClose(m.mape, c.expected.mape);
    expect(m.mapeExcluded).toBe(c.expected.mapeExcluded);
    expectRelClose(m.weightedMape, c.expected.weightedMape);
    expectRelClose(m.meanError, c.expected.meanError);
  });
});

describe('regression conventions', () => {
  it('leaves zero targets out of MAPE only, and says how many', () => {
    const m = regressionMetrics([0, 100, 200], [10, 110, 180]);
    expect(m.mapeExcluded).toBe(1);
    expect(m.mape).toBeCloseTo((0.1 + 0.1) / 2, 15);
    expect(m.mae).toBeCloseTo(40 / 3, 12);
    expect(m.weightedMape).toBeCloseTo(40 / 300, 15);
  });

  it('returns MAPE null when every target is zero', () => {
    const m = regressionMetrics([0, 0], [1, 2]);
    expect(m.mape).toBeNull();
    expect(m.mapeExcluded).toBe(2);
    expect(m.weightedMape).toBeNull();
    expect(m.mae).toBe(1.5);
  });

  it('weighs errors by value: a $50 miss on $100 and on $10,000', () => {
    const m = regressionMetrics([100, 10000], [50, 9950]);
    expect(m.mae).toBe(50);
    expect(m.mape).toBeCloseTo((0.5 + 0.005) / 2, 15); // dominated by the cheap item
    expect(m.weightedMape).toBeCloseTo(100 / 10100, 15); // ~1% of the money at stake
  });

  it('gives the same metrics from sums merged across windows as from all rows at once', () => {
    const c = fixture.regression[0];
    const parts = [0, 37, 120, c.yTrue.length];
    let merged = EMPTY_REGRESSION_SUMS;
    for (let i = 0; i + 1 < parts.length; i++) {
      merged = mergeRegressionSums(merged, regressionSums(c.yTrue.slice(parts[i], parts[i + 1]), c.yPred.slice(parts[i], parts[i + 1])));
    }
    const whole = regressionMetrics(c.yTrue, c.yPred);
    const fromSums = regressionFromSums(merged);
    for (const key of ['mae', 'rmse', 'mape', 'weightedMape', 'meanError'] as const) expectRelClose(fromSums[key], whole[key], 1e-12);
    expect(fromSums.count).toBe(whole.count);
  });

  it('returns nulls for an empty window and rejects bad input naming the row or field', () => {
    expect(regressionMetrics([], [])).toEqual({ count: 0, mae: null, rmse: null, mape: null, mapeExcluded: 0, weightedMape: null, meanError: null });
    expect(() => regressionMetrics([1, Number.NaN], [1, 2])).toThrow('yTrue[1] must be a finite number, got NaN');
    expect(() => regressionMetrics([1], [1, 2])).toThrow('yTrue has 1 rows but yPred has 2');
    expect(() => regressionFromSums({ ...EMPTY_REGRESSION_SUMS, count: 2, zeroTargets: 3 })).toThrow('zeroTargets 3 exceeds count 2');
    expect(() => regressionFromSums({ ...EMPTY_REGRESSION_SUMS, sumAbsError: -1 })).toThrow('sumAbsError must be >= 0, got -1');
  });
});
