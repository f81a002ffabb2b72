import { WASSERSTEIN_MIN_SCALE } from '../defaults';
import { EmptyDistributionError, jensenShannon, lInfinity, maxMagnitude, missingRateChange, psi, safeScale, type MissingRateChange } from '../drift';
import { chiSquaredHomogeneity, ksPValue } from '../stats';
import type { CategoricalFeatureProfile, ChiSquaredResult, FeatureKind, FeatureProfile, NumericFeatureProfile } from '../types';
import { ksFromBins, wassersteinFromBins, type BoundedEstimate } from './fine-bins';
import { firstDifference } from './merge';
import { profileStd } from './numeric';

/** KS read from the fine bins: the statistic is a lower bound of the exact one (see `ksFromBins`). */
/** Above this n1·n2 the profile path uses the asymptotic KS p-value (exact: ~0.2 s at 10,000 × 2,000). */
export const EXACT_KS_MAX_WORK = 1_000_000;

export interface ProfileKs extends BoundedEstimate {
  /** Same as `value`, the approximate statistic. */
  readonly statistic: number;
  /**
   * p-value of `statistic` with the counts of both sides (`ksPValue`): scipy's 'auto' method for
   * small samples, the asymptotic distribution once n1·n2 exceeds EXACT_KS_MAX_WORK — the statistic
   * is itself an estimate from bins, and the exact method costs O(n1·n2) per window and feature.
   */
  readonly pValue: number;
}

/** One feature's drift measured on profiles (no raw data). */
export interface ProfileDrift {
  readonly name: string;
  readonly kind: FeatureKind;
  /** On the 10 PSI bins (numeric) or the categories + other (categorical). */
  readonly psi: number;
  readonly jensenShannon: number;
  /**
   * SageMaker Model Monitor's L∞: numeric, the CDF gap on the fine bins (`linf_simple`, equal to
   * the approximate KS statistic); categorical, max |p_ref − p_cur| over categories + other.
   */
  readonly lInfinity: number;
  readonly missingRate: MissingRateChange;
  /** Numeric only. */
  readonly ks: ProfileKs | null;
  /** Numeric only: Wasserstein-1 / max(reference std, 0.001), from the fine bins, with its bounds. */
  readonly wasserstein: BoundedEstimate | null;
  /** Categorical only: homogeneity over categories + other (as chi2_contingency, correction=False). */
  readonly chiSquared: ChiSquaredResult | null;
}

/**
 * Drift of a current profile (observed, or merged from batches, on the reference's bins) against
 * the reference profile of the same feature.
 *
 * Throws, naming the feature, when the profiles are of different features or kinds or were not
 * counted on the same bins, and `EmptyDistributionError` when either side holds no value (every
 * entry missing): the missing rate is then the signal, and callers check `count` before calling.
 *
 * @example
 * const drift = profileDrift(referenceProfile.features[0], windowProfile.features[0]);
 * drift.ks?.statistic; // within [drift.ks.lowerBound, drift.ks.upperBound] of the exact KS
 */
export function profileDrift(reference: FeatureProfile, current: FeatureProfile): ProfileDrift {
  const feature = JSON.stringify(reference.name);
  if (reference.name !== current.name) {
    throw new Error(`profileDrift: reference feature ${feature} compared with current feature ${JSON.stringify(current.name)}`);
  }
  if (reference.kind !== current.kind) {
    throw new Error(`profileDrift: feature ${feature} is ${reference.kind} in the reference but ${current.kind} in the current profile`);
  }
  if (reference.count === 0) throw new EmptyDistributionError('reference', `profileDrift(feature ${feature})`);
  if (current.count === 0) throw new EmptyDistributionError('current', `profileDrift(feature ${feature})`);
  const missingRate = missingRateChange(
    reference.missing,
    reference.count + reference.missing,
    current.missing,
    current.count + current.missing,
  );
  return reference.kind === 'numeric'
    ? numericDrift(reference, current as NumericFeatureProfile, missingRate)
    : categoricalDrift(reference, current as CategoricalFeatureProfile, missingRate);
}

function numericDrift(ref: NumericFeatureProfile, cur: NumericFeatureProfile, missingRate: MissingRateChange): ProfileDrift {
  sameBins(ref.name, 'edges', ref.edges, cur.edges);
  sameBins(ref.name, 'fineEdges', ref.fineEdges, cur.fineEdges);
  // count > 0 on both sides (checked above), so min and max are numbers.
  const refRange = { min: ref.min as number, max: ref.max as number };
  const curRange = { min: cur.min as number, max: cur.max as number };
  const ks = ksFromBins(ref.fineEdges, ref.fineCounts, cur.fineCounts, refRange, curRange);
  // Near ±1.8e308 bin widths overflow: integrate on edges scaled by one power of two (exact), in whose units σ is too.
  const factor = safeScale(Math.max(maxMagnitude(ref.fineEdges), Math.abs(refRange.min), Math.abs(refRange.max), Math.abs(curRange.min), Math.abs(curRange.max)));
  const times = (r: { min: number; max: number }) => ({ min: r.min * factor, max: r.max * factor });
  const w =
    factor === 1
      ? wassersteinFromBins(ref.fineEdges, ref.fineCounts, cur.fineCounts, refRange, curRange)
      : wassersteinFromBins(ref.fineEdges.map((e) => e * factor), ref.fineCounts, cur.fineCounts, times(refRange), times(curRange));
  const scale = Math.max(profileStd(ref) * factor, WASSERSTEIN_MIN_SCALE * factor);
  return {
    name: ref.name,
    kind: 'numeric',
    psi: psi(ref.counts, cur.counts),
    jensenShannon: jensenShannon(ref.counts, cur.counts),
    lInfinity: ks.value,
    missingRate,
    ks: { ...ks, statistic: ks.value, pValue: ksPValue(ks.value, ref.count, cur.count, ref.count * cur.count > EXACT_KS_MAX_WORK ? 'asymp' : 'auto') },
    wasserstein: { value: w.value / scale, lowerBound: w.lowerBound / scale, upperBound: w.upperBound / scale },
    chiSquared: null,
  };
}

function categoricalDrift(
  ref: CategoricalFeatureProfile,
  cur: CategoricalFeatureProfile,
  missingRate: MissingRateChange,
): ProfileDrift {
  sameBins(ref.name, 'categories', ref.categories, cur.categories);
  const { refCounts, curCounts } = categoricalBinCounts(ref, cur);
  return {
    name: ref.name,
    kind: 'categorical',
    psi: psi(refCounts, curCounts),
    jensenShannon: jensenShannon(refCounts, curCounts),
    lInfinity: lInfinity(refCounts, curCounts),
    missingRate,
    ks: null,
    wasserstein: null,
    chiSquared: chiSquaredHomogeneity(refCounts, curCounts),
  };
}

/**
 * The counts each side has on the categorical bins: one per kept reference category, then `other`.
 * When the reference has more categories than it keeps (`rare`), `other` is split into the values
 * the reference had (its rare categories) and those it never saw, so a flood of new ids in a
 * 100,000-level column is its own bin and cannot hide among the pooled rare ones. A current profile
 * counted without that split (before references kept their rare categories) compares on `other` whole.
 */
export function categoricalBinCounts(ref: CategoricalFeatureProfile, cur: CategoricalFeatureProfile): { refCounts: number[]; curCounts: number[] } {
  if (ref.rare && ref.rare.length > 0 && cur.seenOther !== undefined) {
    // The reference's other values are all rare ones (seen): its unseen bin is empty.
    const refSeen = ref.seenOther ?? ref.other;
    return {
      refCounts: [...ref.counts, refSeen, ref.other - refSeen],
      curCounts: [...cur.counts, cur.seenOther, cur.other - cur.seenOther],
    };
  }
  return { refCounts: [...ref.counts, ref.other], curCounts: [...cur.counts, cur.other] };
}

function sameBins<T>(feature: string, field: string, a: readonly T[], b: readonly T[]): void {
  const i = firstDifference(a, b);
  if (i >= 0) {
    throw new Error(
      `profileDrift: feature ${JSON.stringify(feature)} was not profiled on the reference's ${field} (first difference at index ${i}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}); observe the current data against the reference profile`,
    );
  }
}
