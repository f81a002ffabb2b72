/**
 * The result of `runBacktest`: what `driftwatch backtest --format json` prints. The contract keys
 * (`windows[].index/start/end/rows/status/features[name,status,psi,impact]/metrics`, `alerts[].window/
 * severity/kind/feature?/metric?/message`) are stable; the other keys may grow.
 */
import type { Alert, Resolution } from '../core/alerts';
import type { Status } from '../core/types';
import type { CalibrationReport, DriftBandsReport, MonitorWindow } from '../monitor/types';
import type { BacktestTask } from './config';

export const BACKTEST_FORMAT = 'driftwatch.backtest/v1' as const;

export type {
  WindowFeature as BacktestWindowFeature,
  WindowMetric as BacktestMetric,
  MonitorWindow as BacktestWindow,
  CalibrationReport as BacktestCalibration,
  DriftBandsReport as BacktestDriftBands,
} from '../monitor/types';

export interface BacktestResult {
  readonly format: typeof BACKTEST_FORMAT;
  readonly modelId: string;
  readonly task: BacktestTask | null;
  readonly data: { readonly rows: number; readonly file?: string };
  readonly reference: { readonly rows: number; readonly file?: string };
  readonly window: { readonly rows: number } | { readonly column: string; readonly every: string };
  readonly baseline: { readonly windows: number };
  /** What reading the data said about its configured columns (invalid cells read as missing), when anything. */
  readonly notices?: readonly string[];
  readonly keyMetric: string | null;
  /** Drift thresholds calibrated on the reference's windows, or why not; null when disabled. */
  readonly driftBands: DriftBandsReport | null;
  /** Threshold calibration per metric from the baseline windows (or why it was refused). */
  readonly calibration: Readonly<Record<string, CalibrationReport>>;
  readonly windows: readonly MonitorWindow[];
  readonly alerts: readonly Alert[];
  /** Signals that returned to ok (recorded, not alerts). */
  readonly resolutions: readonly Resolution[];
  readonly summary: {
    readonly windows: number;
    readonly status: Status;
    readonly alerts: { readonly critical: number; readonly warning: number };
    /** First window with a critical drift alert, or null. */
    readonly firstCriticalWindow: number | null;
  };
}
