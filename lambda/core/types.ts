/**
 * The data contracts of the statistical core. Everything here is plain data (JSON-serialisable),
 * shared by the Lambda handlers, the SQL generator and the `driftwatch` CLI.
 */

/** A numeric column: NaN marks a missing value. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

/** A categorical column, dictionary-encoded: `codes[i]` indexes `dictionary`, -1 marks a missing value. */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | CategoricalColumn;
export type FeatureKind = Column['kind'];

/** A dataset as named columns of equal length. */
export interface Dataset {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

export type Status = 'ok' | 'warning' | 'critical';

/** Thresholds for one feature; any field left out takes the default in `defaults.ts`. */
export interface DriftThresholds {
  /** PSI at or above which the feature is in warning. @default 0.2 */
  readonly psiWarning?: number;
  /** PSI at or above which the feature is critical. @default 0.25 */
  readonly psiCritical?: number;
  /** p-value below which KS / chi-squared count as significant. @default 0.05 (warning), 0.01 (critical) */
  readonly pValueWarning?: number;
  readonly pValueCritical?: number;
  /**
   * A significant p-value also needs this effect size before it raises a status, so large samples
   * do not flag negligible shifts: KS statistic for numeric features, Jensen–Shannon distance for
   * categorical ones. @default 0.1 (warning), 0.2 (critical)
   */
  readonly minEffectWarning?: number;
  readonly minEffectCritical?: number;
  /** Absolute change in missing rate that raises a warning / critical status. @default 0.05 / 0.2 */
  readonly missingRateWarning?: number;
  readonly missingRateCritical?: number;
  /**
   * For a feature pinned to a distance test (`test`: jensen_shannon, wasserstein, l_infinity): the
   * distance at or above which it is in warning / critical. @default 0.1 (Evidently's and SageMaker
   * Model Monitor's drift threshold) / 0.2
   */
  readonly distanceWarning?: number;
  readonly distanceCritical?: number;
}

/**
 * A drift measure a feature can be pinned to, so that it alone (with the missing rate) decides the
 * feature's status: `psi`; `ks` (numeric) or `chi_squared` (categorical), each with its effect size;
 * or a distance against `distanceWarning`/`distanceCritical`: `jensen_shannon`, `wasserstein`
 * (numeric; Wasserstein-1 in reference standard deviations), `l_infinity`. Unpinned, every signal counts.
 */
export type DriftTest = 'psi' | 'jensen_shannon' | 'ks' | 'wasserstein' | 'chi_squared' | 'l_infinity';

/** What the user says about a feature (all optional; kind is inferred when left out). */
export interface FeatureSpec {
  readonly kind?: FeatureKind;
  /** Relative importance (e.g. mean |SHAP|); normalised to shares over the compared features. */
  readonly importance?: number;
  readonly thresholds?: DriftThresholds;
  /** The one drift measure that decides the status (with the missing rate). @default every signal counts */
  readonly test?: DriftTest;
}

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

export interface ChiSquaredResult extends TestResult {
  readonly dof: number;
}

/** One feature's drift, as printed by `driftwatch compare --format json`. */
export interface FeatureDrift {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly status: Status;
  /** Distribution measures are null only when one side has no non-missing value (see missingRate). */
  readonly psi: number | null;
  readonly jensenShannon: number | null;
  readonly ks: TestResult | null;
  readonly wasserstein: number | null;
  readonly chiSquared: ChiSquaredResult | null;
  readonly lInfinity: number | null;
  readonly missingRate: { readonly reference: number; readonly current: number };
  /** The drift measure the feature is pinned to, when it is (see `FeatureSpec.test`). */
  readonly test?: DriftTest;
  /** Importance share in [0, 1]; features with no given importance weigh equally. */
  readonly importance: number;
  /** importance × drift magnitude (PSI); features are ranked by it. */
  readonly impact: number;
  /** Why the status is what it is, one short sentence per signal that fired. */
  readonly reasons: readonly string[];
}

export interface DriftSummary {
  readonly status: Status;
  /** Names of features whose status is not ok, in impact order. */
  readonly drifted: readonly string[];
  /**
   * Share of drifted features (warning or critical): of the configured importance, or, without
   * importances, of the evidence weights (each group in `redundant` counting once).
   */
  readonly driftedImportance: number;
  /** Groups of features that re-encode one fact in the reference and counted once (only when they changed the weights). */
  readonly redundant?: readonly (readonly string[])[];
  /** What the comparison assumed that the inputs did not say (e.g. equal weights for all-zero importances). */
  readonly notes?: readonly string[];
}

export interface DriftReport {
  readonly features: readonly FeatureDrift[];
  readonly summary: DriftSummary;
  readonly reference: { readonly rows: number };
  readonly current: { readonly rows: number };
  /**
   * Set when a side has fewer rows than the comparison's minimum (`minRows`): the measures are
   * reported, but no status is judged (every status ok, nothing drifted) and `reason` says why.
   */
  readonly sample?: { readonly minRows: number; readonly reason: string };
}

/* ------------------------------------------------------------------------------------------------
 * Profiles: histograms against the reference's bins. A reference profile is fitted once from the
 * reference data; a batch (an hour of production data) is observed against the reference's bins;
 * batch profiles merge by adding counts, so a window never rescans raw data.
 * ---------------------------------------------------------------------------------------------- */

export const PROFILE_FORMAT = 'driftwatch.profile/v1' as const;

export interface NumericFeatureProfile {
  readonly kind: 'numeric';
  readonly name: string;
  /** Non-missing values counted. */
  readonly count: number;
  readonly missing: number;
  /**
   * Sum, sum of squares, min and max of the non-missing values (min/max null when count = 0). The
   * sums saturate at ±Number.MAX_VALUE (values beyond ~1e154 overflow the sum of squares), so a
   * profile always stays JSON; the reference then keeps its standard deviation in `std`.
   */
  readonly sum: number;
  readonly sumSquares: number;
  /** Reference profiles whose values go beyond ±3e144: the population std, computed on scaled values. */
  readonly std?: number;
  readonly min: number | null;
  readonly max: number | null;
  /** PSI bins: interior edges (reference quantiles k/B, de-duplicated); a value falls in bin #(edges <= v). */
  readonly edges: readonly number[];
  /** edges.length + 1 counts. */
  readonly counts: readonly number[];
  /** Fine bins on reference quantiles, for KS / Wasserstein / L∞ on profiles with a bounded error. */
  readonly fineEdges: readonly number[];
  /** fineEdges.length + 1 counts. */
  readonly fineCounts: readonly number[];
}

export interface CategoricalFeatureProfile {
  readonly kind: 'categorical';
  readonly name: string;
  readonly count: number;
  readonly missing: number;
  /** The reference's categories (top-K by reference count when there are more than K). */
  readonly categories: readonly string[];
  /** One count per category. */
  readonly counts: readonly number[];
  /** Values that are none of `categories` (unseen in the reference, or beyond its top-K). */
  readonly other: number;
  /**
   * Reference profiles with more categories than they keep: the others (beyond the top-K), so that a
   * batch can tell a value the reference had (`seenOther`) from one it never saw. Left out when none.
   */
  readonly rare?: readonly string[];
  /**
   * Of `other`, the values that are categories of the reference beyond the kept ones (`rare`); the
   * rest of `other` are unseen. Set exactly when the reference has `rare`.
   */
  readonly seenOther?: number;
}

export type FeatureProfile = NumericFeatureProfile | CategoricalFeatureProfile;

export interface DatasetProfile {
  readonly format: typeof PROFILE_FORMAT;
  readonly rowCount: number;
  readonly features: readonly FeatureProfile[];
  /** Reference profiles only: groups of features that re-encode one fact (`redundantGroups`), left out when none. */
  readonly redundant?: readonly (readonly string[])[];
  /** Reference profiles only: why the search for those groups was skipped (too many columns), when it was. */
  readonly redundancySkipped?: string;
}
