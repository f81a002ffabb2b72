import { EXACT_KS_MAX_WORK, fitNumericProfile, observeNumericProfile, profileDrift } from '../../../lambda/core/profile';
import { ksPValue } from '../../../lambda/core/stats';

const ramp = (n: number, shift: number) => Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n + shift);

describe('KS p-value on profiles', () => {
  it('uses scipy-exact p-values for small windows', () => {
    const reference = fitNumericProfile('x', ramp(500, 0));
    const drift = profileDrift(reference, observeNumericProfile(ramp(400, 0.05), reference));
    expect(500 * 400).toBeLessThanOrEqual(EXACT_KS_MAX_WORK);
    expect(drift.ks!.pValue).toBe(ksPValue(drift.ks!.statistic, 500, 400, 'auto'));
  });

  it('switches to the asymptotic distribution for large windows (the statistic is an estimate anyway)', () => {
    const reference = fitNumericProfile('x', ramp(10_000, 0));
    const drift = profileDrift(reference, observeNumericProfile(ramp(2_000, 0.02), reference));
    expect(10_000 * 2_000).toBeGreaterThan(EXACT_KS_MAX_WORK);
    const asymp = ksPValue(drift.ks!.statistic, 10_000, 2_000, 'asymp');
    expect(drift.ks!.pValue).toBe(asymp);
    // and it stays close to the exact answer where both can be computed
    expect(Math.abs(asymp - ksPValue(drift.ks!.statistic, 10_000, 2_000, 'exact'))).toBeLessThan(0.01);
  });
});
