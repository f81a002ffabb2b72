import { DEFAULT_THRESHOLDS } from '../../../lambda/core/defaults';
import {
  byImpact,
  datasetStatus,
  featureStatus,
  importanceShares,
  resolveThresholds,
  type DriftSignals,
  type RankedFeature,
} from '../../../lambda/core/severity';

const quiet: DriftSignals = {
  kind: 'numeric',
  psi: 0.01,
  test: { statistic: 0.01, pValue: 0.9 },
  effect: 0.01,
  missingRate: { reference: 0, current: 0 },
};
const defaults = resolveThresholds('x');

describe('importanceShares', () => {
  it('weighs features equally when no importance is given', () => {
    const shares = importanceShares(['a', 'b', 'c', 'd']);
    expect([...shares.values()]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('normalises given importances and gives the others the mean', () => {
    const shares = importanceShares(['a', 'b', 'c'], { a: { importance: 3 }, b: { importance: 1 } });
    expect(shares.get('a')).toBeCloseTo(3 / 6, 12);
    expect(shares.get('b')).toBeCloseTo(1 / 6, 12);
    expect(shares.get('c')).toBeCloseTo(2 / 6, 12);
  });

  it('rejects a negative importance, naming the feature and value', () => {
    expect(() => importanceShares(['age'], { age: { importance: -1 } })).toThrow(
      'features.age.importance must be a finite number >= 0, got -1',
    );
  });
});

describe('resolveThresholds', () => {
  it('fills defaults', () => {
    expect(resolveThresholds('x')).toEqual(DEFAULT_THRESHOLDS);
  });

  it('rejects a critical level milder than the warning level, naming both', () => {
    expect(() => resolveThresholds('income', { psiWarning: 0.3, psiCritical: 0.2 })).toThrow(
      'features.income.thresholds.psiCritical: psiCritical (0.2) must be >= psiWarning (0.3); critical is the more severe level',
    );
  });
});

describe('featureStatus', () => {
  it('is ok when nothing moves', () => {
    expect(featureStatus(quiet, defaults, 0.5)).toEqual({ status: 'ok', reasons: [] });
  });

  it('uses the default PSI thresholds 0.2 / 0.25', () => {
    expect(featureStatus({ ...quiet, psi: 0.19 }, defaults, 0.5).status).toBe('ok');
    expect(featureStatus({ ...quiet, psi: 0.2 }, defaults, 0.5).status).toBe('warning');
    expect(featureStatus({ ...quiet, psi: 0.25 }, defaults, 0.5).status).toBe('critical');
  });

  it('ignores a tiny p-value without a minimum effect size (large samples)', () => {
    const significantButTiny = { ...quiet, test: { statistic: 0.02, pValue: 1e-30 }, effect: 0.02 };
    expect(featureStatus(significantButTiny, defaults, 0.5).status).toBe('ok');
    const significantAndLarge = { ...quiet, test: { statistic: 0.25, pValue: 1e-30 }, effect: 0.25 };
    expect(featureStatus(significantAndLarge, defaults, 0.5).status).toBe('critical');
  });

  it('raises on a change in missing rate', () => {
    const v = featureStatus({ ...quiet, missingRate: { reference: 0.01, current: 0.4 } }, defaults, 0.5);
    expect(v.status).toBe('critical');
    expect(v.reasons.join(' ')).toContain('missing rate 0.010 -> 0.400');
  });

  it('never pages on a feature with less than 5% of the importance', () => {
    const v = featureStatus({ ...quiet, psi: 0.22 }, defaults, 0.5);
    expect(v.status).toBe('warning');
    const low = featureStatus({ ...quiet, psi: 3 }, defaults, 0.04);
    expect(low.status).toBe('warning');
    expect(low.reasons.at(-1)).toContain('capped at warning');
    expect(featureStatus({ ...quiet, psi: 3 }, defaults, 0.05).status).toBe('critical');
  });
});

describe('datasetStatus', () => {
  const f = (name: string, status: RankedFeature['status'], importance: number, impact = 0): RankedFeature => ({
    name,
    status,
    importance,
    impact,
  });

  it('is critical when critical features carry a quarter of the importance', () => {
    expect(datasetStatus([f('a', 'critical', 0.25), f('b', 'ok', 0.75)]).status).toBe('critical');
    const fifths = [0, 1, 2, 3, 4].map((i) => f(`q${i}`, 'critical', 1 / 20));
    const rest = Array.from({ length: 15 }, (_, i) => f(`r${i}`, 'ok', 1 / 20));
    expect(datasetStatus([...fifths, ...rest]).status).toBe('critical'); // 5 of 20 equal features, despite rounding
  });

  it('is only a warning when one minor feature is critical (it still alerts at feature level)', () => {
    const s = datasetStatus([f('a', 'critical', 0.1), f('b', 'ok', 0.9)]);
    expect(s.status).toBe('warning');
    expect(s.drifted).toEqual(['a']);
  });

  it('is critical when drifted features carry half of the importance, even if each is only a warning', () => {
    const s = datasetStatus([f('a', 'warning', 0.3), f('b', 'warning', 0.2), f('c', 'ok', 0.5)]);
    expect(s.status).toBe('critical');
    expect(s.driftedImportance).toBeCloseTo(0.5, 12);
    expect(s.drifted).toEqual(['a', 'b']);
  });

  it('is a warning when a minor feature drifts', () => {
    expect(datasetStatus([f('a', 'warning', 0.1), f('b', 'ok', 0.9)]).status).toBe('warning');
  });

  it('orders by impact, then severity, then name', () => {
    const sorted = [f('b', 'ok', 0, 0.1), f('a', 'warning', 0, 0.1), f('c', 'ok', 0, 0.5)].sort(byImpact);
    expect(sorted.map((x) => x.name)).toEqual(['c', 'a', 'b']);
  });
});

describe('the low-importance cap needs configured importances', () => {
  it('does not cap when every feature weighs equally by default (e.g. 21 unweighted columns)', () => {
    const names = Array.from({ length: 21 }, (_, i) => `f${i}`);
    const shares = importanceShares(names);
    expect(shares.configured).toBe(false);
    const v = featureStatus({ ...quiet, psi: 3 }, defaults, shares.get('f0') as number, shares.configured);
    expect(v.status).toBe('critical');
  });

  it('caps once importances are configured', () => {
    const shares = importanceShares(['a', 'b'], { a: { importance: 99 }, b: { importance: 1 } });
    expect(shares.configured).toBe(true);
    expect(featureStatus({ ...quiet, psi: 3 }, defaults, shares.get('b') as number, shares.configured).status).toBe('warning');
  });
});
