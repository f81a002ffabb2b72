/**
 * What the monitor engine says about a window: the per-window result the scheduled Lambda writes to
 * S3 and `driftwatch backtest` prints for each replayed window, with the calibration and drift-band
 * reports behind its thresholds. The renderers (`lambda/report`) serve both. The contract keys
 * (`index/start/end/rows/status/features[name,status,psi,impact]/metrics`) are stable; others may grow.
 */
import type { BandStats, Calibration } from '../core/calibration';
import type { DriftTest, FeatureKind, Status } from '../core/types';

/** One feature in one window, in impact order within the window. */
export interface WindowFeature {
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
  /** While the feature drifts (warning or critical): the start of the first window of this drift. */
  readonly since?: number | string;
}

/** A metric in one window. `status` is null during the baseline, when calibration was refused, or with too few rows (`performanceSample`). */
export interface WindowMetric {
  readonly value: number | null;
  /** Rows behind the value (labelled rows, or the metric's denominator). */
  readonly samples: number;
  readonly direction: 'higher_is_better' | 'lower_is_better';
  readonly status: Status | null;
  /** The metric relative to its calibrated baseline (lower is worse, 1 = at baseline). */
  readonly ratio: number | null;
}

export interface MonitorWindow {
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
  readonly features: readonly WindowFeature[];
  readonly metrics: Readonly<Record<string, WindowMetric>>;
  /** Proxy metrics ADWIN watches (per-batch means pooled over the window). */
  readonly proxies: { readonly meanScore: number | null; readonly positiveRate: number | null };
  /** ADWIN detections in this window, by proxy. */
  readonly concept: readonly string[];
  /** Set when the window had too few rows to judge drift (no traffic, or fewer than minRows). */
  readonly sample?: { readonly rows: number; readonly minRows: number; readonly reason: string };
  /**
   * Set when the window had too few rows to judge performance: fewer than minRows labelled rows (every
   * row when the model has no label). The metric values stay; no status, ratio or alert comes of them.
   */
  readonly performanceSample?: { readonly rows: number; readonly minRows: number; readonly reason: string };
  /**
   * Production windows: of the hours the window spans (`expected`), those with a profile
   * (`profiled`; the rest could not be profiled in this run) and those holding predictions (`withRows`).
   */
  readonly hours?: { readonly profiled: number; readonly expected: number; readonly withRows: number };
}

export type CalibrationReport =
  | ({ readonly ok: true } & Calibration)
  | { readonly ok: false; readonly metric: string; readonly reason: string; readonly message: string };

/** Drift thresholds calibrated on the reference's own windows (see `config.driftBands`). */
export type DriftBandsReport =
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
