/**
 * Threshold calibration from a baseline period of production (ARCHITECTURE.md, Monitoring loop 5).
 *
 * Baseline = mean of the baseline windows' values weighted by their sample sizes (Σ vᵢnᵢ / Σ nᵢ).
 * Why not the median of the windows: for the metrics monitored here (accuracy, recall, rates, MAE,
 * dollars per row...) a window's value is an average over its rows, so the weighted mean is the
 * metric computed on all baseline rows pooled (exactly so when nᵢ is the metric's denominator):
 * a quiet Sunday with 40 labels does not weigh as much as a Monday with 4,000, and the baseline
 * uses all the data. A median of 7–28 window values ignores sample size, moves in steps of whole
 * windows, and its robustness is not needed once tiny windows are down-weighted and the minimum
 * sample guard holds.
 *
 * Thresholds: higher-is-better: warning = baseline × 0.90, critical = baseline × 0.80;
 * lower-is-better (mirrored): warning = baseline × 1.10, critical = baseline × 1.20.
 *
 * Calibration is refused (a typed result, not an exception) below a minimum sample guard — by
 * default 7 windows and 1,000 labelled rows — and when the baseline is not positive (thresholds as
 * fractions of a baseline ≤ 0 mean nothing).
 */
import type { Direction } from '../metrics/business';
import { CALIBRATION_FORMAT, Calibration } from './types';

/** One window of the baseline period: the metric's value and the rows it was computed on. */
export interface MetricWindow {
  /** null when the metric was undefined in that window (e.g. no labels): the window is skipped. */
  readonly value: number | null;
  /** Labelled rows behind the value (the metric's denominator where there is one). */
  readonly sampleSize: number;
}

export interface CalibrationOptions {
  /** Windows with a value and at least one sample needed. @default 7 */
  readonly minWindows?: number;
  /** Labelled rows needed over those windows. @default 1000 */
  readonly minSamples?: number;
  /** Relative degradation that is a warning. @default 0.10 */
  readonly warningTolerance?: number;
  /** Relative degradation that is critical. @default 0.20 */
  readonly criticalTolerance?: number;
}

export const CALIBRATION_DEFAULTS = {
  minWindows: 7,
  minSamples: 1000,
  warningTolerance: 0.1,
  criticalTolerance: 0.2,
} as const;

export type CalibrationRefusal =
  | {
      readonly kind: 'insufficient_samples';
      readonly metric: string;
      readonly windowsSeen: number;
      readonly windowsNeeded: number;
      readonly samplesSeen: number;
      readonly samplesNeeded: number;
      readonly message: string;
    }
  | {
      readonly kind: 'non_positive_baseline';
      readonly metric: string;
      readonly baseline: number;
      readonly message: string;
    };

export type CalibrationResult =
  | { readonly ok: true; readonly calibration: Calibration }
  | { readonly ok: false; readonly error: CalibrationRefusal };

function resolve(metric: string, options: CalibrationOptions) {
  const o = { ...CALIBRATION_DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, number>)[k] = v;
  for (const key of ['minWindows', 'minSamples'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new Error(`calibration of ${JSON.stringify(metric)}: ${key} must be an integer >= 1, got ${o[key]}`);
    }
  }
  if (!(o.warningTolerance > 0 && o.warningTolerance < o.criticalTolerance && o.criticalTolerance < 1)) {
    throw new Error(
      `calibration of ${JSON.stringify(metric)}: need 0 < warningTolerance < criticalTolerance < 1, got ${o.warningTolerance} and ${o.criticalTolerance}`,
    );
  }
  return o;
}

/**
 * Calibrates warning/critical thresholds for one metric from its baseline windows.
 * @throws only on invalid input (a NaN value, a negative sample size, bad options); too little
 * data is a normal outcome and comes back as `{ ok: false, error }`.
 * @example
 * const r = calibrate('recall', 'higher_is_better', days); // days: [{ value: 0.91, sampleSize: 180 }, ...]
 * if (r.ok) statusFor(0.8, r.calibration); // 'warning' when the baseline is 0.9
 * else log(r.error.message); // 'recall: not calibrated: 5 of 7 windows, 640 of 1000 labelled rows'
 */
export function calibrate(
  metric: string,
  direction: Direction,
  windows: readonly MetricWindow[],
  options: CalibrationOptions = {},
): CalibrationResult {
  if (direction !== 'higher_is_better' && direction !== 'lower_is_better') {
    throw new Error(`calibration of ${JSON.stringify(metric)}: direction must be higher_is_better or lower_is_better, got ${JSON.stringify(direction)}`);
  }
  const o = resolve(metric, options);
  let windowsSeen = 0;
  let samplesSeen = 0;
  let weighted = 0;
  windows.forEach((w, i) => {
    if (!Number.isInteger(w.sampleSize) || w.sampleSize < 0) {
      throw new Error(`calibration of ${JSON.stringify(metric)}: windows[${i}].sampleSize must be a non-negative integer, got ${w.sampleSize}`);
    }
    if (w.value !== null && !Number.isFinite(w.value)) {
      throw new Error(`calibration of ${JSON.stringify(metric)}: windows[${i}].value must be a finite number or null, got ${w.value}`);
    }
    if (w.value === null || w.sampleSize === 0) return;
    windowsSeen += 1;
    samplesSeen += w.sampleSize;
    weighted += w.value * w.sampleSize;
  });
  if (windowsSeen < o.minWindows || samplesSeen < o.minSamples) {
    return {
      ok: false,
      error: {
        kind: 'insufficient_samples',
        metric,
        windowsSeen,
        windowsNeeded: o.minWindows,
        samplesSeen,
        samplesNeeded: o.minSamples,
        message:
          `${metric}: not calibrated: ${windowsSeen} of ${o.minWindows} windows, ` +
          `${samplesSeen} of ${o.minSamples} labelled rows`,
      },
    };
  }
  const baseline = weighted / samplesSeen;
  if (!(baseline > 0)) {
    return {
      ok: false,
      error: {
        kind: 'non_positive_baseline',
        metric,
        baseline,
        message: `${metric}: not calibrated: baseline ${baseline} is not positive, so thresholds relative to it mean nothing; set fixed thresholds`,
      },
    };
  }
  const sign = direction === 'higher_is_better' ? -1 : 1;
  return {
    ok: true,
    calibration: {
      format: CALIBRATION_FORMAT,
      metric,
      direction,
      method: 'sample_weighted_mean',
      baseline,
      warning: baseline * (1 + sign * o.warningTolerance),
      critical: baseline * (1 + sign * o.criticalTolerance),
      warningRatio: 1 - o.warningTolerance,
      criticalRatio: 1 - o.criticalTolerance,
      windows: windowsSeen,
      samples: samplesSeen,
    },
  };
}
