/**
 * The retraining ledger in the data bucket, one folder per model, written through the `ObjectStore`
 * port with conditional writes:
 *
 * ```
 * retraining/<model>/ledger/state.json                      driftwatch.retrain-state/v1: active signals, recent starts (If-Match / If-None-Match)
 * retraining/<model>/ledger/decisions/<at>-<eventKey>.json  driftwatch.retrain-decision/v1: one per monitor event, started or skipped with the reason (If-None-Match: *)
 * retraining/<model>/ledger/gates/<execution id>.json       driftwatch.gate-report/v1: the gate step's report of one execution
 * ```
 *
 * `<at>` is the triggering window's end as `YYYY-MM-DDTHHMMSSZ`, so a listing of `decisions/` is in
 * window order; `<eventKey>` is the event's identity (`trigger-event.ts`), so a redelivered event finds
 * its decision and starts nothing (the decision counts its `deliveries`). This S3 ledger is what the
 * trigger and the gate step need now; issue 11's promotion ledger (DynamoDB) will mirror it.
 */
import type { TriggerDecision } from './decide-trigger';
import type { TriggerEvent } from './trigger-event';

export const DECISION_FORMAT = 'driftwatch.retrain-decision/v1';
export const GATE_REPORT_FORMAT = 'driftwatch.gate-report/v1';

/** `2026-11-25T12:00:00.000Z` → `2026-11-25T120000Z` (an invalid time is kept, sanitised). */
function compactTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso.replace(/[^0-9A-Za-z-]/g, '');
  return new Date(t).toISOString().replace(/:/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Every key of a model's ledger. */
export function ledgerKeys(modelId: string) {
  const root = `retraining/${modelId}/ledger`;
  return {
    root,
    state: `${root}/state.json`,
    decisionsPrefix: `${root}/decisions/`,
    decision: (event: Pick<TriggerEvent, 'at' | 'key'>) => `${root}/decisions/${compactTime(event.at)}-${event.key}.json`,
    gates: (executionId: string) => `${root}/gates/${executionId.replace(/[^A-Za-z0-9_-]/g, '-')}.json`,
  };
}

/** One decision of the trigger, as the ledger keeps it. */
export interface DecisionEntry {
  readonly format: typeof DECISION_FORMAT;
  readonly env: string;
  readonly modelId: string;
  readonly decidedAt: string;
  readonly event: {
    readonly id: string;
    readonly key: string;
    readonly detailType: string;
    readonly signal: string;
    readonly severity: string;
    readonly action: string;
    readonly dedupKey: string;
    readonly window: unknown;
    readonly value: number | null;
    readonly message: string;
  };
  readonly outcome: TriggerDecision['outcome'];
  readonly reason: TriggerDecision['reason'];
  readonly message: string;
  readonly signals: readonly string[];
  readonly execution: { readonly pipelineName: string; readonly clientRequestToken: string; readonly executionArn: string } | null;
  readonly policy: { readonly cooldownHours: number; readonly maxPerMonth: number; readonly requireBusinessConfirmation: boolean; readonly startsThisMonth: number; readonly lastStart: string | null };
  /** How often the event was delivered (1, more for redeliveries, which start nothing). */
  readonly deliveries: number;
}
