import { chiSquaredHomogeneity, chiSquaredSurvival, lnGamma } from '../../../lambda/core/stats';
import { expectPValue, expectStatistic } from './assertions';
import { fixture } from './fixtures';

describe('chiSquaredHomogeneity matches scipy.stats.chi2_contingency(correction=False)', () => {
  test.each(fixture.chi2Tables.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = chiSquaredHomogeneity(c.reference, c.current);
    expectStatistic(r.statistic, c.statistic);
    expectPValue(r.pValue, c.pValue);
    expect(r.dof).toBe(c.dof);
  });

  it('keeps an unseen category finite and significant', () => {
    const r = chiSquaredHomogeneity([500, 300, 200, 0], [480, 310, 190, 25]);
    expect(Number.isFinite(r.statistic)).toBe(true);
    expect(r.pValue).toBeLessThan(1e-4);
  });

  it('rejects mismatched lengths and negative or non-finite counts, naming the entry', () => {
    expect(() => chiSquaredHomogeneity([1, 2], [1])).toThrow(/lengths 2 and 1/);
    expect(() => chiSquaredHomogeneity([1, -2], [1, 2])).toThrow(/reference\[1\] .* got -2/);
    expect(() => chiSquaredHomogeneity([1, 2], [Number.NaN, 2])).toThrow(/current\[0\] .* got NaN/);
  });
});

describe('chiSquaredSurvival matches scipy.stats.chi2.sf', () => {
  // scipy's own chdtrc is off by up to ~4e-12 relative deep in the tail (checked against
  // mpmath at 40 digits: e.g. x = 14998.5, dof = 9999, where this implementation is within 1e-14).
  const byDof = new Map<number, typeof fixture.chi2Sf>();
  for (const c of fixture.chi2Sf) byDof.set(c.dof, [...(byDof.get(c.dof) ?? []), c]);

  test.each([...byDof.entries()])('dof = %i', (_dof, cases) => {
    const mismatches = cases
      .map((c) => ({ x: c.x, expected: c.sf, actual: chiSquaredSurvival(c.x, c.dof) }))
      .filter((m) => (m.expected === 0 ? m.actual > 1e-300 : Math.abs(m.actual - m.expected) / m.expected > 1e-11));
    expect(mismatches).toEqual([]);
  });

  it('is 1 at x ≤ 0 and rejects a non-positive dof', () => {
    expect(chiSquaredSurvival(0, 3)).toBe(1);
    expect(chiSquaredSurvival(-1, 3)).toBe(1);
    expect(() => chiSquaredSurvival(1, 0)).toThrow(/dof must be a positive finite number, got 0/);
    expect(() => chiSquaredSurvival(Number.NaN, 2)).toThrow(/x must be a number, got NaN/);
  });

  it('has the closed forms for 2 and 1 degrees of freedom', () => {
    expect(chiSquaredSurvival(3, 2)).toBeCloseTo(Math.exp(-1.5), 13);
    expect(chiSquaredSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 14);
  });
});

describe('lnGamma', () => {
  it('agrees with factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(171)).toBeCloseTo(706.5730622457874, 10);
  });
});
