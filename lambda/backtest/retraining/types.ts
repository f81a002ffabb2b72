/** What the retraining replay reports (`driftwatch backtest` with a `retraining` section, `--format json`'s `retraining`). */
import type { GateStatus } from '../../core/gates';
import type { ShadowVerdict } from '../../core/promotion/compare-shadow';

export const RETRAINING_REPLAY_FORMAT = 'driftwatch.backtest-retraining/v1' as const;

export type Schedule = 'none' | 'policy' | 'calendar';

/** One step of a replay, in the order it happened. */
export type ReplayStep =
  | { readonly kind: 'trigger'; readonly window: number; readonly outcome: 'started' | 'skipped'; readonly reason: string; readonly message: string }
  | { readonly kind: 'retrain'; readonly window: number; readonly version: string; readonly trainedOn: { readonly start: number; readonly end: number; readonly rows: number }; readonly holdoutRows: number; readonly description: string }
  | {
      readonly kind: 'gates';
      readonly window: number;
      readonly version: string;
      readonly verdict: 'pass' | 'fail';
      readonly summary: string;
      readonly checks: readonly { readonly id: string; readonly status: GateStatus; readonly value: number | null; readonly threshold: number | null; readonly delta: number | null }[];
    }
  | { readonly kind: 'shadow'; readonly window: number; readonly version: string; readonly verdict: ShadowVerdict; readonly champion: number | null; readonly candidate: number | null; readonly summary: string }
  | { readonly kind: 'promotion'; readonly window: number; readonly version: string; readonly outcome: 'promoted' | 'not-promoted'; readonly reason: string }
  | { readonly kind: 'rollback'; readonly window: number; readonly from: string; readonly to: string; readonly reason: string };

/** The served model's key metric in one window. */
export interface ServedWindow {
  readonly index: number;
  readonly version: string;
  readonly value: number | null;
  readonly labelled: number;
}

export interface ReplayArm {
  readonly schedule: Schedule;
  readonly retrains: number;
  readonly promotions: number;
  readonly rollbacks: number;
  /** The key metric over every window, weighted by labelled rows (for accuracy: the accuracy over all rows; for mae: the mae over all rows). */
  readonly mean: number | null;
  readonly windows: readonly ServedWindow[];
  readonly steps: readonly ReplayStep[];
}

export interface RetrainingReplay {
  readonly format: typeof RETRAINING_REPLAY_FORMAT;
  readonly keyMetric: string;
  /** Whether a higher key metric is better: false for an error (mae, rmse, mape), so the best arm has the lowest mean. */
  readonly greaterIsBetter: boolean;
  readonly trainer: string;
  readonly trainingRows: number;
  readonly holdoutShare: number;
  readonly policy: { readonly cooldownHours: number; readonly maxPerMonth: number; readonly minImportanceShare: number; readonly gates: readonly string[]; readonly shadow: string };
  readonly none: ReplayArm;
  readonly policyArm: ReplayArm;
  /** Null when `retraining.calendar` is false. */
  readonly calendar: ReplayArm | null;
}
