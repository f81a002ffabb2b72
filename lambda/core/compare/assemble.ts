import { featureStatus, resolveThresholds } from '../severity';
import type { ChiSquaredResult, FeatureDrift, FeatureKind, FeatureSpec, TestResult } from '../types';

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
}

/**
 * Judges measured drift: status from the thresholds (the p-value test paired with its effect size:
 * KS statistic for numeric features, Jensen–Shannon distance for categorical ones) and impact =
 * importance × PSI. Shared by the raw-data and the profile comparisons so they decide alike.
 */
export function assembleFeature(
  measures: FeatureMeasures,
  spec: FeatureSpec | undefined,
  importance: number,
  importanceConfigured: boolean,
): FeatureDrift {
  const thresholds = resolveThresholds(measures.name, spec?.thresholds);
  const numeric = measures.kind === 'numeric';
  const test = numeric ? measures.ks : measures.chiSquared;
  const effect = numeric ? (measures.ks?.statistic ?? null) : measures.jensenShannon;
  const verdict = featureStatus(
    { kind: measures.kind, psi: measures.psi, test, effect, missingRate: measures.missingRate },
    thresholds,
    importance,
    importanceConfigured,
  );
  return {
    ...measures,
    status: verdict.status,
    importance,
    impact: importance * (measures.psi ?? 0),
    reasons: verdict.reasons,
  };
}
