/** The statistical defaults shared by the core, the Lambdas and the CLI (see ARCHITECTURE.md). */

/** Number of PSI bins (reference quantiles k/B). */
export const PSI_BINS = 10;
/** Proportions of exactly 0 become this value on either side of PSI (no renormalisation). */
export const PSI_EPSILON = 1e-4;
/** Number of fine reference-quantile bins kept in a profile for KS / Wasserstein / L∞. */
export const FINE_BINS = 1000;
/** Categorical features keep at most this many reference categories; the rest count as "other". */
export const MAX_CATEGORIES = 1000;
/** Wasserstein-1 is divided by max(population std of reference, this). */
export const WASSERSTEIN_MIN_SCALE = 0.001;
/**
 * The documented minimum of rows: a window or a comparison with fewer says "too few rows" instead
 * of a status (the monitor's `monitor.minRows` default, the backtest's `minRows`, compare's --min-rows).
 */
export const MIN_ROWS = 100;
/** A feature whose importance share is below this never raises a critical status on its own. */
export const MIN_CRITICAL_IMPORTANCE_SHARE = 0.05;

/**
 * A p-value below this is taken as no chance even across the features and windows a monitor judges
 * (0.01 over 100 tests): it turns a warning-sized missing-rate jump or a category-share move critical.
 */
export const STRICT_P_VALUE = 1e-4;
/** L∞ between category shares (SageMaker Model Monitor's default 0.1) that, with STRICT_P_VALUE, is critical. */
export const CATEGORY_SHARE_CRITICAL = 0.1;

export const DEFAULT_THRESHOLDS = {
  psiWarning: 0.2,
  psiCritical: 0.25,
  pValueWarning: 0.05,
  pValueCritical: 0.01,
  minEffectWarning: 0.1,
  minEffectCritical: 0.2,
  missingRateWarning: 0.05,
  missingRateCritical: 0.2,
  distanceWarning: 0.1,
  distanceCritical: 0.2,
} as const;
