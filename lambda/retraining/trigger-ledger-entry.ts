/**
 * A retraining trigger decision as a promotion ledger entry (`lambda/promotion/ledger.ts`): the S3
 * decision (`ledger.ts` here) stays the trigger's working record, and this copy is what
 * `driftwatch history` and an auditor read beside the gates, promotions and rollbacks.
 *
 * The entry's id is the monitor event's key, so the copy of a redelivered event's decision is the
 * same entry and adds nothing.
 */
import { LEDGER_ENTRY_FORMAT, type LedgerEntry } from '../promotion/ledger';
import type { DecisionEntry } from './ledger';

/** The component the ledger names as the actor of trigger decisions. */
export const TRIGGER_ACTOR = { type: 'system', id: 'retrain-trigger' } as const;

/**
 * @example triggerLedgerEntry(decision) // { kind: 'trigger', id: decision.event.key, outcome: 'started', reason: 'critical dataset drift ...', ... }
 */
export function triggerLedgerEntry(decision: DecisionEntry): LedgerEntry {
  const { format: _format, deliveries: _deliveries, ...details } = decision;
  const value = decision.event.value;
  return {
    format: LEDGER_ENTRY_FORMAT,
    env: decision.env,
    modelId: decision.modelId,
    id: decision.event.key,
    at: decision.decidedAt,
    kind: 'trigger',
    actor: TRIGGER_ACTOR,
    outcome: decision.outcome,
    reason: decision.message,
    subject: decision.execution ? { pipelineExecutionArn: decision.execution.executionArn } : {},
    // The event's figure under its signal's name (`drift:dataset` → the drifted importance share).
    metrics: typeof value === 'number' && Number.isFinite(value) ? { [decision.event.signal]: value } : {},
    details: { ...details, reasonCode: decision.reason },
  };
}
