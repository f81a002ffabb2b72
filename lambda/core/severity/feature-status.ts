import { CATEGORY_SHARE_CRITICAL, DEFAULT_THRESHOLDS, MIN_CRITICAL_IMPORTANCE_SHARE, STRICT_P_VALUE } from '../defaults';
import type { DriftTest, DriftThresholds, FeatureKind, Status, TestResult } from '../types';
import { thresholdOrderProblems } from '../schema/thresholds';
import { worst } from './status';

/** The measured signals that decide a feature's status. */
export interface DriftSignals {
  readonly kind: FeatureKind;
  readonly psi: number | null;
  /** KS for numeric features, chi-squared for categorical ones. */
  readonly test: TestResult | null;
  /** Effect size that must accompany a significant p-value: KS statistic (numeric) or JS distance (categorical). */
  readonly effect: number | null;
  readonly missingRate: { readonly reference: number; readonly current: number };
  /**
   * Two-sided p-value that the missing rate changed by chance (`missingRatePValue`); left out when the
   * row counts are unknown, and then only the fixed missing-rate thresholds count.
   */
  readonly missingPValue?: number;
  /** L∞ between the category shares (categorical features): the share moved in the most-moved category. */
  readonly lInfinity?: number | null;
  /** The measure the feature is pinned to; left out, PSI and the p-value test both count. */
  readonly pinned?: DriftTest;
  /** The pinned distance's value (jensen_shannon, wasserstein, l_infinity); null when it could not be measured. */
  readonly distance?: number | null;
}

/** Which of the signals a pinned measure is. */
function signalOf(test: DriftTest): 'psi' | 'test' | 'distance' {
  if (test === 'psi') return 'psi';
  return test === 'ks' || test === 'chi_squared' ? 'test' : 'distance';
}

const DISTANCE_NAMES: Partial<Record<DriftTest, string>> = {
  jensen_shannon: 'Jensen-Shannon distance',
  wasserstein: 'normalised Wasserstein distance',
  l_infinity: 'L-infinity distance',
};

export interface FeatureVerdict {
  readonly status: Status;
  readonly reasons: string[];
}

export type ResolvedThresholds = Required<DriftThresholds>;

/** Fills the thresholds a feature leaves out with the defaults, and checks the ones it sets. */
export function resolveThresholds(name: string, thresholds: DriftThresholds = {}): ResolvedThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  for (const [key, value] of Object.entries(t)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`features.${name}.thresholds.${key} must be a finite number >= 0, got ${value}`);
    }
  }
  const [problem] = thresholdOrderProblems(thresholds);
  if (problem) throw new Error(`features.${name}.thresholds.${problem.field}: ${problem.message}`);
  return t;
}

const fmt = (x: number) => (Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : x.toExponential(2));
/** Thresholds as set (0.25 stays 0.25), calibrated ones to 4 significant digits (1.315, not 1.315451348412404). */
const limit = (x: number) => String(Number(x.toPrecision(4)));

/** Whether a feature's drift stays at warning however large: a real importance share below MIN_CRITICAL_IMPORTANCE_SHARE. */
export function cappedAtWarning(importanceShare: number, importanceConfigured: boolean): boolean {
  return importanceConfigured && importanceShare < MIN_CRITICAL_IMPORTANCE_SHARE;
}

/**
 * Decides a feature's status from its signals. Three signals, the worst wins:
 * - PSI against its warning/critical thresholds;
 * - the p-value test (KS or chi-squared), which only counts when the effect size is also large
 *   enough, because on large samples a negligible shift is still "significant";
 * - the change in missing rate (a pipeline that starts sending nulls is drift too): critical at
 *   `missingRateCritical`, or already at `missingRateWarning` when the two-proportion test says it is
 *   no chance (p < STRICT_P_VALUE);
 * - for a categorical feature, a category share moved by at least CATEGORY_SHARE_CRITICAL (L∞) with a
 *   chi-squared p-value below STRICT_P_VALUE is critical (a reweighting among known categories).
 * A feature pinned to one measure (`pinned`) is judged by that measure and the missing rate only:
 * `psi`, `ks` / `chi_squared` (with the effect size), or a distance against `distanceWarning` /
 * `distanceCritical`.
 * A feature whose importance share is below 5% is capped at warning: on its own it never pages.
 * The cap needs a real importance: pass `importanceConfigured = false` when all features weigh
 * equally by default.
 */
export function featureStatus(
  signals: DriftSignals,
  thresholds: ResolvedThresholds,
  importanceShare: number,
  importanceConfigured = true,
): FeatureVerdict {
  let status = 'ok' as Status;
  const reasons: string[] = [];
  const raise = (level: Status, reason: string) => {
    status = worst(status, level);
    reasons.push(`${level}: ${reason}`);
  };

  const { psi, test, effect, missingRate, pinned } = signals;
  const counts = (signal: 'psi' | 'test' | 'distance') => (pinned === undefined ? signal !== 'distance' : signalOf(pinned) === signal);
  if (psi !== null && counts('psi')) {
    if (psi >= thresholds.psiCritical) raise('critical', `PSI ${fmt(psi)} >= ${limit(thresholds.psiCritical)}`);
    else if (psi >= thresholds.psiWarning) raise('warning', `PSI ${fmt(psi)} >= ${limit(thresholds.psiWarning)}`);
  }
  if (test !== null && effect !== null && counts('test')) {
    const testName = signals.kind === 'numeric' ? 'KS' : 'chi-squared';
    const effectName = signals.kind === 'numeric' ? 'KS statistic' : 'Jensen-Shannon distance';
    const detail = `${testName} p-value ${fmt(test.pValue)} with ${effectName} ${fmt(effect)}`;
    if (test.pValue < thresholds.pValueCritical && effect >= thresholds.minEffectCritical) {
      raise('critical', `${detail} >= ${limit(thresholds.minEffectCritical)}`);
    } else if (test.pValue < thresholds.pValueWarning && effect >= thresholds.minEffectWarning) {
      raise('warning', `${detail} >= ${limit(thresholds.minEffectWarning)}`);
    }
  }
  const distance = signals.distance ?? null;
  if (pinned !== undefined && distance !== null && counts('distance')) {
    const detail = `${DISTANCE_NAMES[pinned]} ${fmt(distance)}`;
    if (distance >= thresholds.distanceCritical) raise('critical', `${detail} >= ${limit(thresholds.distanceCritical)}`);
    else if (distance >= thresholds.distanceWarning) raise('warning', `${detail} >= ${limit(thresholds.distanceWarning)}`);
  }
  // A category's share moving by 10 points (SageMaker's L∞ default) is critical once it cannot be chance;
  // the JS distance of such a reweighting stays far below its 0.2 floor.
  const share = signals.lInfinity ?? null;
  if (signals.kind === 'categorical' && share !== null && test !== null && counts('test') && share >= CATEGORY_SHARE_CRITICAL && test.pValue < STRICT_P_VALUE) {
    raise('critical', `category share moved by ${fmt(share)} >= ${CATEGORY_SHARE_CRITICAL} (chi-squared p-value ${fmt(test.pValue)} < ${STRICT_P_VALUE})`);
  }
  const missingChange = Math.abs(missingRate.current - missingRate.reference);
  const missingDetail = `missing rate ${fmt(missingRate.reference)} -> ${fmt(missingRate.current)}`;
  const missingP = signals.missingPValue;
  if (missingChange >= thresholds.missingRateCritical) raise('critical', missingDetail);
  else if (missingChange >= thresholds.missingRateWarning && missingP !== undefined && missingP < STRICT_P_VALUE) {
    // A warning-sized jump (5 points by default) that is no chance is critical: 0 % -> 10 % pages.
    raise('critical', `${missingDetail} (two-proportion p-value ${fmt(missingP)} < ${STRICT_P_VALUE})`);
  } else if (missingChange >= thresholds.missingRateWarning) raise('warning', missingDetail);

  if (status === 'critical' && cappedAtWarning(importanceShare, importanceConfigured)) {
    status = 'warning';
    reasons.push(
      `capped at warning: importance share ${fmt(importanceShare)} < ${MIN_CRITICAL_IMPORTANCE_SHARE}`,
    );
  }
  return { status, reasons };
}
