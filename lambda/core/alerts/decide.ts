/**
 * Alert decisions from signal statuses, shared by the backtest and the scoring Lambda: an alert is
 * raised when a signal ENTERS warning or critical (ok → warning, ok → critical, warning → critical),
 * never again while it stays there, and a resolution is recorded when it returns to ok. The key is a
 * stable dedup key (`<kind>:<feature|metric|proxy>`, as PagerDuty's dedup_key), so a trigger and its
 * resolve pair up downstream.
 */
import type { Status } from '../types';

/** 'traffic' is a window with no rows: its own signal, never a drift alarm. */
export type AlertKind = 'drift' | 'performance' | 'concept' | 'traffic';

/** One monitored signal's status in a window. */
export interface Signal {
  readonly kind: AlertKind;
  /** Feature name for per-feature drift; left out for dataset-level drift. */
  readonly feature?: string;
  /** Metric (performance) or proxy (concept) name. */
  readonly metric?: string;
  readonly status: Status;
  /** Says what happened, with the value, threshold, baseline and window; used as the alert message. */
  readonly message: string;
  readonly value?: number | null;
  readonly threshold?: number | null;
  readonly baseline?: number | null;
}

export interface Alert {
  readonly window: number;
  readonly severity: 'warning' | 'critical';
  readonly kind: AlertKind;
  readonly feature?: string;
  readonly metric?: string;
  readonly message: string;
  /** Dedup key: `<kind>:<feature|metric>`, `drift:dataset` for the dataset-level signal. */
  readonly key: string;
  readonly value?: number | null;
  readonly threshold?: number | null;
  readonly baseline?: number | null;
}

export interface Resolution {
  readonly window: number;
  readonly key: string;
  /** The status the signal left. */
  readonly from: 'warning' | 'critical';
}

/** Last known status per dedup key; plain JSON, kept between runs. */
export type AlertState = Readonly<Record<string, Status>>;

const RANK: Record<Status, number> = { ok: 0, warning: 1, critical: 2 };

/** The dedup key of a signal. @example signalKey({ kind: 'drift', feature: 'age', ... }) // 'drift:age' */
export function signalKey(signal: Pick<Signal, 'kind' | 'feature' | 'metric'>): string {
  if (signal.feature !== undefined) return `${signal.kind}:${signal.feature}`;
  if (signal.metric !== undefined) return `${signal.kind}:${signal.metric}`;
  return `${signal.kind}:dataset`;
}

/**
 * Decides the alerts of one window. Signals absent from `signals` keep their previous status (a
 * metric with no labels this window neither fires nor resolves). A fall from critical to warning
 * is neither an alert nor a resolution, but a later rise back to critical alerts again.
 *
 * @example
 *   let state: AlertState = {};
 *   for (const [i, signals] of windows.entries()) {
 *     const d = decideAlerts(state, signals, i);
 *     alerts.push(...d.alerts);
 *     state = d.state;
 *   }
 */
export function decideAlerts(
  previous: AlertState,
  signals: readonly Signal[],
  window: number,
): { alerts: Alert[]; resolutions: Resolution[]; state: AlertState } {
  const state: Record<string, Status> = { ...previous };
  const alerts: Alert[] = [];
  const resolutions: Resolution[] = [];
  const seen = new Set<string>();
  for (const signal of signals) {
    const key = signalKey(signal);
    if (seen.has(key)) throw new Error(`decideAlerts: signal ${JSON.stringify(key)} is given twice in window ${window}`);
    seen.add(key);
    const before = previous[key] ?? 'ok';
    const now = signal.status;
    if (now !== 'ok' && RANK[now] > RANK[before]) {
      alerts.push({
        window,
        severity: now,
        kind: signal.kind,
        ...(signal.feature !== undefined ? { feature: signal.feature } : {}),
        ...(signal.metric !== undefined ? { metric: signal.metric } : {}),
        message: signal.message,
        key,
        ...(signal.value !== undefined ? { value: signal.value } : {}),
        ...(signal.threshold !== undefined ? { threshold: signal.threshold } : {}),
        ...(signal.baseline !== undefined ? { baseline: signal.baseline } : {}),
      });
    } else if (now === 'ok' && before !== 'ok') {
      resolutions.push({ window, key, from: before });
    }
    state[key] = now;
  }
  return { alerts, resolutions, state };
}

/**
 * The paging status of one feature's drift signal, with hysteresis: a feature pages when it becomes
 * critical and stays "critical" (no resolve, no new page) while it hovers in warning, resolving only
 * once it is back to ok. Without it a feature that wobbles around its critical threshold opens a
 * new incident every other window; with it, one excursion is one incident (a trigger and its
 * resolve pair up under the same dedup key). Warnings alone never page a feature: they count in the
 * dataset-level signal.
 *
 * @example
 * featurePagingStatus('warning', 'critical') // 'critical' (still the same incident)
 * featurePagingStatus('warning', 'ok')       // 'ok' (a warning alone does not page)
 */
export function featurePagingStatus(current: Status, previous: Status | undefined): Status {
  if (current === 'critical') return 'critical';
  return current === 'warning' && previous === 'critical' ? 'critical' : 'ok';
}
