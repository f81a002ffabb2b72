import { driftTestProblem } from '../schema/drift-test';
import { featureStatus, resolveThresholds } from '../severity';
import type { ChiSquaredResult, DriftTest, FeatureDrift, FeatureKind, FeatureSpec, TestResult } from '../types';

/** What a comparison measured for one feature, before it is judged. */
export interface FeatureMeasures {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly psi: number | null;
  readonly jensenShannon: number | null;
  readonly lInfinity: number | null;
  readonly ks: TestResult | null;
  readonly wasserstein: number | null;
  readonly chiSquared: ChiSquaredResult | null;
  readonly missingRate: { readonly reference: number; readonly current: number };
  /** `missingRatePValue` of the two sides' counts (a decision input, not reported). */
  readonly missingPValue?: number;
}

/**
 * Judges measured drift: status from the thresholds (the p-value test paired with its effect size:
 * KS statistic for numeric features, Jensen–Shannon distance for categorical ones; or only the
 * measure `spec.test` pins) and impact = importance × PSI. Shared by the raw-data and the profile
 * comparisons so they decide alike. Throws when the pinned test does not fit the feature's kind.
 */
export function assembleFeature(
  measured: FeatureMeasures,
  spec: FeatureSpec | undefined,
  importance: number,
  importanceConfigured: boolean,
): FeatureDrift {
  const { missingPValue, ...measures } = measured;
  const thresholds = resolveThresholds(measures.name, spec?.thresholds);
  const numeric = measures.kind === 'numeric';
  const test = numeric ? measures.ks : measures.chiSquared;
  const effect = numeric ? (measures.ks?.statistic ?? null) : measures.jensenShannon;
  const pinned = spec?.test;
  if (pinned !== undefined) {
    const problem = driftTestProblem(pinned, measures.kind);
    if (problem) throw new Error(`features.${measures.name}.test: ${problem}`);
  }
  const verdict = featureStatus(
    {
      kind: measures.kind,
      psi: measures.psi,
      test,
      effect,
      missingRate: measures.missingRate,
      ...(missingPValue !== undefined && { missingPValue }),
      lInfinity: measures.lInfinity,
      ...(pinned !== undefined && { pinned, distance: distanceOf(measures, pinned) }),
    },
    thresholds,
    importance,
    importanceConfigured,
  );
  return {
    ...measures,
    ...(pinned !== undefined && { test: pinned }),
    status: verdict.status,
    importance,
    impact: importance * (measures.psi ?? 0),
    reasons: verdict.reasons,
  };
}

/** The value of a pinned distance test (null for psi / ks / chi_squared, which are not distances). */
export function distanceOf(
  measures: Pick<FeatureMeasures, 'jensenShannon' | 'wasserstein' | 'lInfinity'>,
  test: DriftTest | undefined,
): number | null {
  if (test === 'jensen_shannon') return measures.jensenShannon;
  if (test === 'wasserstein') return measures.wasserstein;
  if (test === 'l_infinity') return measures.lInfinity;
  return null;
}
