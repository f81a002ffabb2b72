import { clickThroughRate, conversionLift, meanNdcgAtK, ndcgAtK, rankByScore } from '../../../lambda/core/metrics';
import { expectRelClose, fixture } from './fixture';

describe('NDCG@k matches numpy references', () => {
  it.each(fixture.ranking.map((c) => [`k=${c.k}, ${c.gain} gain`, c] as const))('%s', (_name, c) => {
    const s = meanNdcgAtK(c.queries, c.k, { gain: c.gain });
    s.perQuery.forEach((v, i) => expectRelClose(v, c.expected.perQuery[i]));
    expectRelClose(s.mean, c.expected.mean);
    expect(s.evaluated).toBe(c.expected.evaluated);
    expect(s.withoutRelevant).toBe(c.expected.withoutRelevant);
  });
});

describe('ranking conventions', () => {
  it('uses 2^rel − 1 gain and a log2(i + 1) discount by default', () => {
    // ranked [1, 3]: DCG = 1/log2(2) + 7/log2(3); ideal [3, 1]: 7 + 1/log2(3)
    expect(ndcgAtK([1, 3], 2)).toBeCloseTo((1 + 7 / Math.log2(3)) / (7 + 1 / Math.log2(3)), 15);
    expect(ndcgAtK([1, 3], 2, { gain: 'linear' })).toBeCloseTo((1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 15);
    expect(ndcgAtK([3, 2, 1, 0], 4)).toBe(1);
  });

  it('leaves queries without a relevant item out of the mean and counts them', () => {
    const s = meanNdcgAtK([[0, 0, 0], [0, 1], [1, 0]], 3);
    expect(s.perQuery[0]).toBeNull();
    expect(s.withoutRelevant).toBe(1);
    expect(s.mean).toBeCloseTo((1 / Math.log2(3) + 1) / 2, 15);
    expect(meanNdcgAtK([[0]], 1).mean).toBeNull();
  });

  it('only the top k positions count', () => {
    expect(ndcgAtK([0, 0, 1], 2)).toBe(0);
    expect(ndcgAtK([1, 0, 0], 1)).toBe(1);
  });

  it('ranks by score, highest first, ties in input order', () => {
    expect(rankByScore([0.1, 0.9, 0.5, 0.9], [0, 3, 2, 1])).toEqual([3, 1, 2, 0]);
  });

  it('computes CTR and conversion lift, null when undefined', () => {
    expect(clickThroughRate({ impressions: 200, clicks: 7 })).toBe(0.035);
    expect(clickThroughRate({ impressions: 0, clicks: 0 })).toBeNull();
    const lift = conversionLift({ exposures: 1000, conversions: 55 }, 0.05);
    expect(lift.rate).toBe(0.055);
    expect(lift.lift).toBeCloseTo(0.1, 12);
    expect(lift.absoluteLift).toBeCloseTo(0.005, 15);
    expect(conversionLift({ exposures: 10, conversions: 1 }, 0).lift).toBeNull();
    expect(conversionLift({ exposures: 0, conversions: 0 }, 0.1)).toEqual({ rate: null, baselineRate: 0.1, lift: null, absoluteLift: null });
  });

  it('names bad input', () => {
    expect(() => clickThroughRate({ impressions: 5, clicks: 6 })).toThrow('clicks (6) cannot exceed impressions (5)');
    expect(() => conversionLift({ exposures: 5, conversions: 1 }, 1.2)).toThrow('baselineRate must be a rate in [0, 1], got 1.2');
    expect(() => meanNdcgAtK([[1], [2, -1]], 3)).toThrow('query 1: relevance[1] must be a finite number >= 0, got -1');
    expect(() => ndcgAtK([1], 0)).toThrow('NDCG k must be a positive integer, got 0');
  });
});
