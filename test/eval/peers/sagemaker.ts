/**
 * SageMaker Model Monitor's default data-quality drift check (`baseline_drift_check`), emulated on
 * raw column arrays with Driftwatch's core statistics.
 *
 * Our reading of the docs ("Schema for Constraints (constraints.json file)" and "Schema for
 * Violations"): a baselining job writes `monitoring_config.distribution_constraints` with
 * `perform_comparison: Enabled`, `comparison_threshold: 0.1` and
 * `categorical_comparison_threshold: 0.1`, `categorical_drift_method: LInfinity`; each monitoring
 * execution compares every feature's distribution with the baseline's and writes a
 * `baseline_drift_check` violation when the distance exceeds the threshold. The distance is the
 * L-infinity distance:
 * - numeric ("Integral"/"Fractional") features: the largest absolute difference between the two
 *   empirical CDFs. On raw arrays that is exactly the KS statistic (the container evaluates it on
 *   KLL quantile sketches, an approximation of the same number). We use `comparison_method`
 *   "Simple" (linf_simple); "Robust" would subtract 1.8·sqrt((n + m)/(n·m)).
 * - string features: the largest absolute difference between the two category proportions, over the
 *   union of categories (Deequ's categorical L∞).
 * An execution "alarms" (the CloudWatch alarm on the violations / the job's
 * CompletedWithViolations status) when any feature violates. The other checks (data type,
 * completeness, new categorical values) are not emulated: they could only add alarms.
 * Missing values are dropped before the distances (completeness is a separate check).
 */
import { lInfinity, sortedNonMissing } from '../../../lambda/core/drift';
import { ksStatisticSorted } from '../../../lambda/core/stats';
import type { Column, Dataset } from '../../../lambda/core/types';
import { finiteValues, unionCounts, valueCounts } from './columns';

export const SAGEMAKER_THRESHOLD = 0.1;

export interface SageMakerColumnResult {
  readonly name: string;
  readonly distance: number;
  readonly violation: boolean;
}

export interface SageMakerResult {
  /** True when any feature has a baseline_drift_check violation. */
  readonly drift: boolean;
  readonly columns: readonly SageMakerColumnResult[];
}

/**
 * The L∞ distance of one feature: CDF distance for numeric columns, category-proportion distance
 * for categorical ones.
 */
export function sageMakerDistance(ref: Column, cur: Column): number {
  if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    return ksStatisticSorted(sortedNonMissing(finiteValues(ref)), sortedNonMissing(finiteValues(cur)));
  }
  const { reference, current } = unionCounts(valueCounts(ref), valueCounts(cur));
  return lInfinity(reference, current);
}

/**
 * SageMaker Model Monitor's default drift check for one window.
 *
 * @example sageMakerDrift(referenceRows, windowRows).drift // true when any feature's L∞ > 0.1
 */
export function sageMakerDrift(reference: Dataset, current: Dataset): SageMakerResult {
  const byName = new Map(current.columns.map((c) => [c.name, c]));
  const columns = reference.columns.map((ref) => {
    const cur = byName.get(ref.name);
    if (!cur) throw new Error(`column ${JSON.stringify(ref.name)} is not in the current window`);
    const distance = sageMakerDistance(ref, cur);
    return { name: ref.name, distance, violation: distance > SAGEMAKER_THRESHOLD };
  });
  return { drift: columns.some((c) => c.violation), columns };
}
