import * as fs from 'fs';
import * as path from 'path';
import { predictionMultiplier } from '../../../lambda/core/calibration';
import { prng } from '../../support/random';

const fixture: { predictionMultipliers: { k: number; windows: number; multiplier: number }[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/student_t.json'), 'utf8'),
);

describe('predictionMultiplier: the kσ level for a std estimated from n windows', () => {
  it('matches scipy: t.isf(norm.sf(k), n − 1)·√((n+1)/(n−1)), to 1e-10 relative', () => {
    const misses = fixture.predictionMultipliers
      .map((c) => ({ ...c, actual: predictionMultiplier(c.k, c.windows) }))
      .filter((c) => (c.multiplier === 0 ? c.actual !== 0 : Math.abs(c.actual - c.multiplier) / c.multiplier > 1e-10));
    expect(misses).toEqual([]);
  });

  it('widens most for few windows and tends to k as windows grow', () => {
    expect(predictionMultiplier(3, 6)).toBeGreaterThan(predictionMultiplier(3, 12));
    expect(predictionMultiplier(3, 12)).toBeGreaterThan(predictionMultiplier(3, 200));
    expect(predictionMultiplier(3, 100_000)).toBeCloseTo(3, 3);
  });

  // What a user relies on: a band at the "2σ level" fires on about 2.3% of in-control windows, whatever
  // the number of reference windows. Simulated with normal window statistics (seeded, 40,000 trials).
  describe('in-control false-alarm rate, simulated', () => {
    const random = prng(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const rate = (windows: number, sigmas: number) => {
      const trials = 40_000;
      let alarms = 0;
      for (let i = 0; i < trials; i++) {
        const xs = Array.from({ length: windows }, normal);
        const mean = xs.reduce((a, b) => a + b, 0) / windows;
        const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / windows);
        if (normal() > mean + sigmas * std) alarms += 1;
      }
      return alarms / trials;
    };
    const nominal = 0.02275; // P(Z > 2)

    it.each([6, 12])('%i windows: mean + predictionMultiplier(2)·σ fires on ~2.3%; plain mean + 2σ fires far more', (windows) => {
      // 5 binomial standard deviations at 40,000 trials ≈ 0.0037.
      expect(Math.abs(rate(windows, predictionMultiplier(2, windows)) - nominal)).toBeLessThan(0.0037);
      // Plain mean + 2σ: 7.6% with 6 windows, 4.6% with 12 (t distribution), twice the nominal or more.
      expect(rate(windows, 2)).toBeGreaterThan(2 * nominal - 0.0037);
    });
  });

  it('a level beyond the normal tail (k > 38) is an infinite multiple, not an error', () => {
    expect(predictionMultiplier(40, 12)).toBe(Infinity);
    expect(Number.isFinite(predictionMultiplier(37, 12))).toBe(true);
  });

  it('refuses a negative level or fewer than 2 windows, naming the value', () => {
    expect(() => predictionMultiplier(-1, 6)).toThrow(/k must be a finite number >= 0, got -1/);
    expect(() => predictionMultiplier(3, 1)).toThrow(/windows must be an integer >= 2 .*got 1/);
    expect(() => predictionMultiplier(3, 6.5)).toThrow(/got 6.5/);
  });
});
