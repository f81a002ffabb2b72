/**
 * A feature pinned to one drift measure (`test` in the configs) is judged by that measure and the
 * missing rate only: a team that trusts, say, the L∞ distance gets exactly that rule.
 */
import { assembleFeature, type FeatureMeasures } from '../../../lambda/core/compare/assemble';
import { featureStatus, resolveThresholds, type DriftSignals } from '../../../lambda/core/severity';

const defaults = resolveThresholds('x');
/** PSI critical (0.5) but a KS test that finds nothing. */
const psiOnly: DriftSignals = {
  kind: 'numeric',
  psi: 0.5,
  test: { statistic: 0.05, pValue: 0.4 },
  effect: 0.05,
  missingRate: { reference: 0, current: 0 },
};
/** KS critical (p 1e-6 with statistic 0.3) but PSI quiet. */
const ksOnly: DriftSignals = { ...psiOnly, psi: 0.05, test: { statistic: 0.3, pValue: 1e-6 }, effect: 0.3 };

describe('featureStatus with a pinned test', () => {
  it('unpinned, every signal counts', () => {
    expect(featureStatus(psiOnly, defaults, 0.5).status).toBe('critical');
    expect(featureStatus(ksOnly, defaults, 0.5).status).toBe('critical');
  });

  it('psi: only PSI decides (a significant KS alone does not)', () => {
    expect(featureStatus({ ...psiOnly, pinned: 'psi' }, defaults, 0.5).status).toBe('critical');
    expect(featureStatus({ ...ksOnly, pinned: 'psi' }, defaults, 0.5)).toEqual({ status: 'ok', reasons: [] });
  });

  it('ks: only the KS test with its effect size decides', () => {
    expect(featureStatus({ ...psiOnly, pinned: 'ks' }, defaults, 0.5)).toEqual({ status: 'ok', reasons: [] });
    expect(featureStatus({ ...ksOnly, pinned: 'ks' }, defaults, 0.5)).toEqual({
      status: 'critical',
      reasons: ['critical: KS p-value 1.00e-6 with KS statistic 0.300 >= 0.2'],
    });
  });

  it('a distance: judged against distanceWarning (0.1) / distanceCritical (0.2), named in the reason', () => {
    const at = (distance: number, pinned: 'jensen_shannon' | 'wasserstein' | 'l_infinity' = 'l_infinity') =>
      featureStatus({ ...psiOnly, pinned, distance }, defaults, 0.5);
    expect(at(0.09).status).toBe('ok');
    expect(at(0.1)).toEqual({ status: 'warning', reasons: ['warning: L-infinity distance 0.100 >= 0.1'] });
    expect(at(0.2)).toEqual({ status: 'critical', reasons: ['critical: L-infinity distance 0.200 >= 0.2'] });
    expect(at(0.15, 'jensen_shannon').reasons).toEqual(['warning: Jensen-Shannon distance 0.150 >= 0.1']);
    expect(at(1.5, 'wasserstein').reasons).toEqual(['critical: normalised Wasserstein distance 1.500 >= 0.2']);
    const custom = resolveThresholds('x', { distanceWarning: 0.3, distanceCritical: 0.5 });
    expect(featureStatus({ ...psiOnly, pinned: 'l_infinity', distance: 0.4 }, custom, 0.5).status).toBe('warning');
  });

  it('the missing rate still counts whatever the pin (a pipeline sending nulls is drift)', () => {
    const v = featureStatus({ ...ksOnly, psi: 0, pinned: 'psi', missingRate: { reference: 0, current: 0.3 } }, defaults, 0.5);
    expect(v).toEqual({ status: 'critical', reasons: ['critical: missing rate 0.000 -> 0.300'] });
  });

  it('distance thresholds out of order are refused, naming the field', () => {
    expect(() => resolveThresholds('price', { distanceWarning: 0.3 })).toThrow(
      'features.price.thresholds.distanceWarning: distanceCritical (0.2) must be >= distanceWarning (0.3); critical is the more severe level',
    );
  });
});

describe('assembleFeature with a pinned test', () => {
  const measures: FeatureMeasures = {
    name: 'country',
    kind: 'categorical',
    psi: 0.02,
    jensenShannon: 0.25,
    lInfinity: 0.12,
    ks: null,
    wasserstein: null,
    chiSquared: { statistic: 50, pValue: 1e-9, dof: 3 },
    missingRate: { reference: 0, current: 0 },
  };

  it('reads the pinned distance from the measures and reports the pin', () => {
    const js = assembleFeature(measures, { test: 'jensen_shannon' }, 0.5, false);
    expect(js).toMatchObject({ test: 'jensen_shannon', status: 'critical', reasons: ['critical: Jensen-Shannon distance 0.250 >= 0.2'] });
    const linf = assembleFeature(measures, { test: 'l_infinity' }, 0.5, false);
    expect(linf).toMatchObject({ test: 'l_infinity', status: 'warning' });
    expect(assembleFeature(measures, undefined, 0.5, false)).not.toHaveProperty('test');
  });

  it('refuses a test that does not fit the kind, naming the feature and the test', () => {
    expect(() => assembleFeature(measures, { test: 'ks' }, 0.5, false)).toThrow(
      'features.country.test: "ks" applies to numeric features only, got a categorical feature',
    );
    expect(() => assembleFeature({ ...measures, kind: 'numeric' }, { test: 'chi_squared' }, 0.5, false)).toThrow(
      'features.country.test: "chi_squared" applies to categorical features only, got a numeric feature',
    );
  });
});
