/**
 * The result of `runBacktest`: what `driftwatch backtest --format json` prints. The contract keys
 * (`windows[].index/start/end/rows/status/features[name,status,psi,impact]/metrics`, `alerts[].window/
 * severity/kind/feature?/metric?/message`) are stable; the other keys may grow.
 */
import type { Alert, Resolution } from '../core/alerts';
import type { BandStats, Calibration } from '../core/calibration';
import type { DriftTest, FeatureKind, Status } from '../core/types';
import type { BacktestTask } from './config';

export const BACKTEST_FORMAT = 'driftwatch.backtest/v1' as const;

/** One feature in one window, in impact order within the window. */
export interface BacktestWindowFeature {
  /** The data column's name as in the file. */
  readonly name: string;
  readonly kind: FeatureKind;
  readonly status: Status;
  readonly psi: number | null;
  /** importance share × PSI */
  readonly impact: number;
  readonly importance: number;
  readonly jensenShannon: number | null;
  /** KS (numeric, from fine bins) or chi-squared (categorical) p-value. */
  readonly pValue: number | null;
  readonly missingRate: number;
  readonly reasons: readonly string[];
  /** The measure the feature is pinned to (config `test`), when it is. */
  readonly test?: DriftTest;
  /** The pinned distance's value (jensen_shannon, wasserstein, l_infinity), when pinned to one. */
  readonly distance?: number | null;
}

/** A metric in one window. `status` is null during the baseline or when calibration was refused. */
export interface BacktestMetric {
  readonly value: number | null;
  /** Rows behind the value (labelled rows, or the metric's denominator). */
  readonly samples: number;
  readonly direction: 'higher_is_better' | 'lower_is_better';
  readonly status: Status | null;
  /** The metric relative to its calibrated baseline (lower is worse, 1 = at baseline). */
  readonly ratio: number | null;
}

export interface BacktestWindow {
  /** 0-based window number. */
  readonly index: number;
  /** Row windows: 0-based row offset in the data file (inclusive). Time windows: ISO start (inclusive). */
  readonly start: number | string;
  /** Row windows: row offset (exclusive). Time windows: ISO end (exclusive). */
  readonly end: number | string;
  readonly rows: number;
  /** Worst of the drift status and the calibrated performance statuses (concept drift warns only through alerts). */
  readonly status: Status;
  /** The last row window when it holds fewer rows than `window.rows`. */
  readonly partial: boolean;
  /** Whether this window is in the calibration baseline. */
  readonly baseline: boolean;
  /** Labelled rows in the window (0 without a label column). */
  readonly labelled: number;
  readonly drift: { readonly status: Status; readonly drifted: readonly string[]; readonly driftedImportance: number };
  readonly features: readonly BacktestWindowFeature[];
  readonly metrics: Readonly<Record<string, BacktestMetric>>;
  /** Proxy metrics ADWIN watches (per-batch means pooled over the window). */
  readonly proxies: { readonly meanScore: number | null; readonly positiveRate: number | null };
  /** ADWIN detections in this window, by proxy. */
  readonly concept: readonly string[];
}

export type BacktestCalibration =
  | ({ readonly ok: true } & Calibration)
  | { readonly ok: false; readonly metric: string; readonly reason: string; readonly message: string };

/** Drift thresholds calibrated on the reference's own windows (see `config.driftBands`). */
export type BacktestDriftBands =
  | {
      readonly ok: true;
      /** Reference windows measured (each against the rest of the reference). */
      readonly windows: number;
      /** The critical / warning levels in σ, as configured (3 and 2 by default). */
      readonly multiplier: number;
      readonly warningMultiplier: number;
      /**
       * What those levels become with this many windows (Student-t prediction interval): critical
       * is mean + criticalSigmas·σ, warning mean + warningSigmas·σ, for a feature measured in every window.
       */
      readonly criticalSigmas: number;
      readonly warningSigmas: number;
      readonly features: readonly {
        readonly name: string;
        /** Whether the band raised any of the feature's thresholds above the default/configured ones. */
        readonly raised: boolean;
        /** Mean, population std and count of the reference windows with a value (null when fewer than minWindows). */
        readonly psi: BandStats | null;
        /** KS statistic (numeric) or Jensen–Shannon distance (categorical). */
        readonly effect: BandStats | null;
        /** The thresholds the feature is judged by. */
        readonly psiWarning: number;
        readonly psiCritical: number;
        readonly minEffectWarning: number;
        readonly minEffectCritical: number;
        /** The measure the feature is pinned to, when it is. */
        readonly test?: DriftTest;
        /** For a feature pinned to a distance test: its band and thresholds. */
        readonly distance?: BandStats | null;
        readonly distanceWarning?: number;
        readonly distanceCritical?: number;
      }[];
    }
  | { readonly ok: false; readonly windows: number; readonly reason: string };

export interface BacktestResult {
  readonly format: typeof BACKTEST_FORMAT;
  readonly modelId: string;
  readonly task: BacktestTask | null;
  readonly data: { readonly rows: number; readonly file?: string };
  readonly reference: { readonly rows: number; readonly file?: string };
  readonly window: { readonly rows: number } | { readonly column: string; readonly every: string };
  readonly baseline: { readonly windows: number };
  readonly keyMetric: string | null;
  /** Drift thresholds calibrated on the reference's windows, or why not; null when disabled. */
  readonly driftBands: BacktestDriftBands | null;
  /** Threshold calibration per metric from the baseline windows (or why it was refused). */
  readonly calibration: Readonly<Record<string, BacktestCalibration>>;
  readonly windows: readonly BacktestWindow[];
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
