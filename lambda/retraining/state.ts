/**
 * What the trigger remembers between events (`retraining/<model>/ledger/state.json`,
 * `driftwatch.retrain-state/v1`, replaced only by conditional writes): the signals that are active
 * (triggered, not yet resolved) and the recent starts (for the cooldown, the monthly maximum and an
 * interrupted start's resumption).
 */
import * as z from 'zod';

export const TRIGGER_STATE_FORMAT = 'driftwatch.retrain-state/v1';

/** Starts are kept this long: enough for any cooldown check and this and last month's count. */
export const STARTS_KEPT_DAYS = 400;

const activeSignalSchema = z.strictObject({
  /** `trigger`: drift or performance the policy retrains on; `business`: a business-metric SLA breach. */
  role: z.enum(['trigger', 'business']),
  signal: z.string(),
  severity: z.enum(['warning', 'critical']),
  since: z.string(),
  eventKey: z.string(),
});

const startSchema = z.strictObject({
  at: z.string(),
  eventKey: z.string(),
  clientRequestToken: z.string(),
  /** Null between the state write that claims the start and the start itself. */
  executionArn: z.string().nullable(),
  /** The active signals (dedup keys) that made it. */
  signals: z.array(z.string()),
});

export const triggerStateSchema = z.strictObject({
  format: z.literal(TRIGGER_STATE_FORMAT),
  modelId: z.string(),
  /** Active signals by the monitor's dedup key (`env/model/window/signal`). */
  active: z.record(z.string(), activeSignalSchema),
  /** Starts, oldest first. */
  starts: z.array(startSchema),
});

export type TriggerState = z.output<typeof triggerStateSchema>;
export type ActiveSignal = z.output<typeof activeSignalSchema>;
export type StartRecord = z.output<typeof startSchema>;

/** The state of a model the trigger has not seen yet. */
export function emptyTriggerState(modelId: string): TriggerState {
  return { format: TRIGGER_STATE_FORMAT, modelId, active: {}, starts: [] };
}
