import * as fc from 'fast-check';
import { bandThresholds, LOWEST_EFFECT_CRITICAL, predictionMultiplier, type FeatureBand } from '../../../lambda/core/calibration';
import { DEFAULT_THRESHOLDS, STRICT_P_VALUE } from '../../../lambda/core/defaults';
import { resolveThresholds } from '../../../lambda/core/severity';

const base = resolveThresholds('x');
const steady: FeatureBand = { name: 'x', psi: { mean: 0.02, std: 0.005, windows: 12 }, effect: { mean: 0.03, std: 0.005, windows: 12 } };

describe('bandThresholds with lowerEffect: true (opt-in): a steady reference lowers the thresholds themselves', () => {
  it('a band below the 0.2 floor becomes the critical KS statistic, with the strict p-value', () => {
    const t = bandThresholds(steady, base, { lowerEffect: true });
    expect(t.minEffectCritical).toBeCloseTo(0.03 + predictionMultiplier(3, 12) * 0.005, 12);
    expect(t.pValueCritical).toBe(STRICT_P_VALUE);
    // The warning at the band's 2σ level, needing p < 0.01 (the critical default) instead of 0.05.
    expect(t.minEffectWarning).toBeCloseTo(0.03 + predictionMultiplier(2, 12) * 0.005, 12);
    expect(t.pValueWarning).toBe(DEFAULT_THRESHOLDS.pValueCritical);
    // PSI stays raise-only.
    expect(t.psiCritical).toBe(DEFAULT_THRESHOLDS.psiCritical);
  });

  it("leaves the thresholds raise-only by default ('numeric') and with 'persistent' (the lowered floor is judged per window by the monitor) and when off", () => {
    expect(bandThresholds(steady, base)).toEqual(base);
    expect(bandThresholds(steady, base, { lowerEffect: 'persistent' })).toEqual(base);
    expect(bandThresholds(steady, base, { lowerEffect: 'numeric' })).toEqual(base);
    expect(bandThresholds(steady, base, { lowerEffect: false })).toEqual(base);
  });

  it('never goes below LOWEST_EFFECT_CRITICAL, even for a reference that never moved', () => {
    const t = bandThresholds({ ...steady, effect: { mean: 0.001, std: 0, windows: 12 } }, base, { lowerEffect: true });
    expect(t.minEffectCritical).toBe(LOWEST_EFFECT_CRITICAL);
    expect(t.minEffectWarning).toBe(LOWEST_EFFECT_CRITICAL);
  });

  it('a noisy feature is raised as before', () => {
    const noisy = { ...steady, effect: { mean: 0.2, std: 0.05, windows: 12 } };
    expect(bandThresholds(noisy, base, { lowerEffect: true })).toEqual(bandThresholds(noisy, base, { lowerEffect: false }));
  });

  it('keeps warning <= critical and never loosens the p-value, for any band', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer({ min: 6, max: 200 }), (mean, std, windows) => {
        const t = bandThresholds({ ...steady, effect: { mean, std, windows } }, base, { lowerEffect: true });
        return t.minEffectWarning <= t.minEffectCritical && t.minEffectCritical >= LOWEST_EFFECT_CRITICAL && t.pValueCritical <= base.pValueCritical && t.pValueWarning <= base.pValueWarning && t.minEffectCritical <= 1;
      }),
      { numRuns: 50 },
    );
  });
});
