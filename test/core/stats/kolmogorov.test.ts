import { kstwoSf, smirnovSf } from '../../../lambda/core/stats';
import { fixture } from './fixtures';

describe('kstwoSf matches scipy.stats.kstwo.sf over every algorithm branch', () => {
  // n ≤ 140 and > 140, n·d² from 1e-7 to 500: Ruben–Gambino, Durbin matrix, Pomeranz,
  // Pelz–Good and Smirnov branches are all visited by this grid.
  const byN = new Map<number, typeof fixture.kstwo>();
  for (const c of fixture.kstwo) byN.set(c.n, [...(byN.get(c.n) ?? []), c]);

  test.each([...byN.entries()])('n = %i', (_n, cases) => {
    const mismatches = cases
      .map((c) => ({ d: c.d, expected: c.sf, actual: kstwoSf(c.d, c.n) }))
      .filter((m) => !(Math.abs(m.actual - m.expected) <= 1e-10));
    expect(mismatches).toEqual([]);
  });

  it('is 1 at or below the support’s lower end 1/(2n) and 0 at 1', () => {
    expect(kstwoSf(0.005, 100)).toBe(1);
    expect(kstwoSf(0, 100)).toBe(1);
    expect(kstwoSf(1, 100)).toBe(0);
  });

  it('returns NaN outside its parameter domain, as scipy does', () => {
    expect(Number.isNaN(kstwoSf(0.1, 0))).toBe(true);
    expect(Number.isNaN(kstwoSf(0.1, 2.5))).toBe(true);
  });
});

describe('smirnovSf (one-sided tail, scipy.special.smirnov)', () => {
  it('has the closed forms at the ends', () => {
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(smirnovSf(10, 0)).toBe(1);
    expect(smirnovSf(10, 1)).toBe(0);
    expect(smirnovSf(10, 0.95)).toBeCloseTo(0.05 ** 10, 25); // d ≥ 1 − 1/n: only one path
  });

  it('agrees with twice itself being kstwo for d ≥ 0.5 (the one-sided events are disjoint)', () => {
    expect(2 * smirnovSf(37, 0.6)).toBeCloseTo(kstwoSf(0.6, 37), 14);
  });
});
