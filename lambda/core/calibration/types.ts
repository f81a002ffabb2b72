import type { Direction } from '../metrics/business';

export const CALIBRATION_FORMAT = 'driftwatch.calibration/v1' as const;

/** Calibrated thresholds for one metric; plain JSON, stored with the monitor's state. */
export interface Calibration {
  readonly format: typeof CALIBRATION_FORMAT;
  readonly metric: string;
  readonly direction: Direction;
  /** How the baseline was computed from the windows. */
  readonly method: 'sample_weighted_mean';
  readonly baseline: number;
  /** Metric value at which the status becomes warning (baseline × 0.9, or × 1.1 for lower-is-better). */
  readonly warning: number;
  /** Metric value at which the status becomes critical (baseline × 0.8, or × 1.2 for lower-is-better). */
  readonly critical: number;
  /** Ratio-to-baseline below which the status is warning: the static CloudWatch alarm threshold (0.9). */
  readonly warningRatio: number;
  /** Ratio-to-baseline below which the status is critical (0.8). */
  readonly criticalRatio: number;
  /** Baseline windows and labelled rows used. */
  readonly windows: number;
  readonly samples: number;
}
