import * as fc from 'fast-check';
import { CATEGORY_SHARE_CRITICAL, STRICT_P_VALUE } from '../../../lambda/core/defaults';
import { missingRatePValue } from '../../../lambda/core/drift';
import { featureStatus, resolveThresholds, type DriftSignals } from '../../../lambda/core/severity';
import { chiSquaredHomogeneity } from '../../../lambda/core/stats';

const defaults = resolveThresholds('x');
const numeric: DriftSignals = {
  kind: 'numeric',
  psi: 0.01,
  test: { statistic: 0.01, pValue: 0.9 },
  effect: 0.01,
  missingRate: { reference: 0, current: 0 },
};
const categorical: DriftSignals = { ...numeric, kind: 'categorical', test: { statistic: 1, pValue: 0.9 }, lInfinity: 0.01 };

/** The signals of a feature whose missing rate went from `refMissing`/`refRows` to `curMissing`/`curRows`. */
function missing(refMissing: number, refRows: number, curMissing: number, curRows: number): DriftSignals {
  return {
    ...numeric,
    missingRate: { reference: refMissing / refRows, current: curMissing / curRows },
    missingPValue: missingRatePValue(refMissing, refRows, curMissing, curRows),
  };
}

describe('missingRatePValue', () => {
  it('is the chi-squared test on the 2×2 table of missing and present rows', () => {
    expect(missingRatePValue(30, 1000, 50, 1000)).toBe(chiSquaredHomogeneity([30, 970], [50, 950]).pValue);
  });

  it('is 1 when nothing is missing on either side', () => {
    expect(missingRatePValue(0, 4000, 0, 336)).toBe(1);
  });

  it('rejects more missing rows than rows, naming the side', () => {
    expect(() => missingRatePValue(0, 10, 11, 10)).toThrow('current missing is 11; it must be in [0, current total 10]');
  });
});

describe('featureStatus: a missing-rate jump that is no chance', () => {
  it('pages when the missing rate goes from 0 % to 10 % in a window of 336 rows', () => {
    const verdict = featureStatus(missing(0, 4032, 34, 336), defaults, 0.5);
    expect(verdict.status).toBe('critical');
    expect(verdict.reasons[0]).toMatch(/^critical: missing rate 0\.000 -> 0\.101 \(two-proportion p-value .* < 0\.0001\)$/);
  });

  it('only warns on the same 10 points from a 50 % base in 100 rows (p ≈ 0.04: chance is plausible)', () => {
    expect(featureStatus(missing(2000, 4000, 60, 100), defaults, 0.5).status).toBe('warning');
  });

  it('keeps a 10-point jump a warning without row counts (fixed thresholds only)', () => {
    expect(featureStatus({ ...numeric, missingRate: { reference: 0, current: 0.1 } }, defaults, 0.5).status).toBe('warning');
  });

  it('is capped at warning on a feature of configured negligible importance', () => {
    expect(featureStatus(missing(0, 4032, 34, 336), defaults, 0.01, true).status).toBe('warning');
  });

  it('never turns a change below the warning floor critical, however significant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 200, max: 20_000 }), (refMissing, curRows) => {
        const refRows = 20_000;
        const rate = refMissing / refRows;
        // Just under 5 points more.
        const curMissing = Math.min(curRows, Math.max(0, Math.floor((rate + defaults.missingRateWarning) * curRows) - 1));
        const change = Math.abs(curMissing / curRows - rate);
        fc.pre(change < defaults.missingRateWarning);
        return featureStatus(missing(refMissing, refRows, curMissing, curRows), defaults, 0.5).status === 'ok';
      }),
    );
  });

  it('is critical exactly when the change reaches the warning floor and p < STRICT_P_VALUE, or the critical floor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 500 }), (refMissing, curMissing) => {
        const s = missing(refMissing, 4000, curMissing, 500);
        const change = Math.abs(s.missingRate.current - s.missingRate.reference);
        const expected =
          change >= defaults.missingRateCritical || (change >= defaults.missingRateWarning && (s.missingPValue as number) < STRICT_P_VALUE);
        return (featureStatus(s, defaults, 0.5).status === 'critical') === expected;
      }),
    );
  });
});

describe('featureStatus: a category reweighting', () => {
  it('pages when a category share moves by 10 points and the chi-squared test says it is no chance', () => {
    const verdict = featureStatus({ ...categorical, lInfinity: 0.15, test: { statistic: 90, pValue: 1e-12 } }, defaults, 0.5);
    expect(verdict.status).toBe('critical');
    expect(verdict.reasons).toEqual(['critical: category share moved by 0.150 >= 0.1 (chi-squared p-value 1.00e-12 < 0.0001)']);
  });

  it('stays ok on the same move when the p-value allows chance (a small window)', () => {
    expect(featureStatus({ ...categorical, lInfinity: 0.15, test: { statistic: 9, pValue: 0.002 } }, defaults, 0.5).status).toBe('ok');
  });

  it('stays ok below a 10-point move, however significant', () => {
    const s = { ...categorical, lInfinity: CATEGORY_SHARE_CRITICAL - 1e-9, test: { statistic: 900, pValue: 1e-30 } };
    expect(featureStatus(s, defaults, 0.5).status).toBe('ok');
  });

  it('does not apply to numeric features (their L∞ is the KS statistic, judged with its own floor)', () => {
    expect(featureStatus({ ...numeric, lInfinity: 0.15, test: { statistic: 0.15, pValue: 1e-12 }, effect: 0.15 }, defaults, 0.5).status).toBe('warning');
  });

  it('does not apply to a feature pinned to another measure', () => {
    const s: DriftSignals = { ...categorical, lInfinity: 0.15, test: { statistic: 90, pValue: 1e-12 }, pinned: 'psi' };
    expect(featureStatus(s, defaults, 0.5).status).toBe('ok');
  });
});
