/**
 * Ratio to baseline: one number per metric whose alarm thresholds are the same for every metric
 * and direction, so CloudWatch alarms are static (ratio < 0.9 → warning, < 0.8 → critical) while
 * the baselines live in the calibration. Lower ratio is always worse; 1 means "at baseline".
 *
 * - higher-is-better: ratio = value / baseline.
 * - lower-is-better:  ratio = 2 − value / baseline, i.e. 1 − (value − baseline) / baseline, the
 *   relative degradation mirrored around 1.
 *
 * Why not baseline / value for lower-is-better: with the mirrored thresholds (warning at
 * baseline × 1.10, critical at × 1.20) it gives 0.909 and 0.833 at the thresholds, so a static
 * 0.9/0.8 alarm would fire only at 1.11× and 1.25× the baseline, later than the status says; the
 * mirrored ratio crosses 0.9 and 0.8 exactly at 1.10× and 1.20×. It is also defined at value = 0
 * (a perfect error metric gives 2, not a division by zero). It goes below 0 past 2× the baseline,
 * which an alarm reads as "very bad", as it should.
 */
import type { Status } from '../types';
import type { Calibration } from './types';

/** The metric relative to its baseline; lower is always worse, 1 = at baseline. */
export function ratioToBaseline(value: number, calibration: Calibration): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`ratio to baseline of ${JSON.stringify(calibration.metric)}: value must be a finite number, got ${value}`);
  }
  const relative = value / calibration.baseline;
  return calibration.direction === 'higher_is_better' ? relative : 2 - relative;
}

/**
 * Status of a metric value against its calibration, decided on the ratio exactly as the static
 * CloudWatch alarms decide it (strictly below 0.9 → warning, strictly below 0.8 → critical), so
 * the report and the alarm never disagree.
 * @example statusFor(0.7, { ...calibration, baseline: 0.9 }) // ratio 0.778 → 'critical'
 */
export function statusFor(value: number, calibration: Calibration): Status {
  const ratio = ratioToBaseline(value, calibration);
  if (ratio < calibration.criticalRatio) return 'critical';
  if (ratio < calibration.warningRatio) return 'warning';
  return 'ok';
}
