/**
 * One monitor event through the retraining trigger: the I/O around `decideTrigger`.
 *
 * 1. The event's decision already in the ledger → a redelivery: count it, start nothing.
 * 2. Read the state (with its ETag) and the pipeline's executions, decide, and write the next state
 *    with `If-Match` (`If-None-Match: *` the first time). The state write is where concurrent events
 *    meet: the loser re-reads and decides again (it then sees the winner's start), up to 5 times.
 * 3. A start: StartPipelineExecution with the event's ClientRequestToken, then the execution's ARN
 *    into the state.
 * 4. The decision into the ledger (`If-None-Match: *`), and, when a promotion ledger is given, a
 *    `trigger` entry there (`trigger-ledger-entry.ts`; a redelivery appends it again, which adds
 *    nothing, or completes a copy a failed attempt left out).
 * A failure before 4 throws, so Lambda retries the event: the state already holds its start, the
 * retry resumes it with the same token, and SageMaker returns the same execution.
 */
import { PreconditionFailed } from '../ports/errors';
import type { Clock } from '../ports/clock';
import type { ObjectStore, StoredJson } from '../ports/object-store';
import type { PromotionLedger } from '../promotion/ledger';
import { CorruptObject } from '../ports/errors';
import { formatZodIssues } from '../core/schema/format-issues';
import { decideTrigger, type TriggerDecision } from './decide-trigger';
import { DECISION_FORMAT, ledgerKeys, type DecisionEntry } from './ledger';
import { triggerParameters } from './pipeline/parameters';
import type { RetrainPolicy } from './policy';
import type { PipelineRunner } from './ports';
import { emptyTriggerState, triggerStateSchema, type TriggerState } from './state';
import { triggerLedgerEntry } from './trigger-ledger-entry';
import { parseTriggerEvent, type TriggerEvent } from './trigger-event';

export interface TriggerSettings {
  readonly env: string;
  readonly modelId: string;
  readonly pipelineName: string;
  readonly policy: RetrainPolicy;
  /** Importance share per feature (config), for feature drift events. */
  readonly featureShares?: Readonly<Record<string, number>>;
}

export interface TriggerPorts {
  readonly store: ObjectStore;
  readonly pipelines: PipelineRunner;
  readonly clock: Clock;
  /** The environment's promotion ledger, which gets a copy of every decision. @default - none (the S3 decision only) */
  readonly ledger?: PromotionLedger;
}

export type TriggerOutcome =
  | { readonly outcome: 'started' | 'skipped'; readonly entry: DecisionEntry; readonly key: string }
  | { readonly outcome: 'duplicate'; readonly entry: DecisionEntry; readonly key: string };

const STATE_ATTEMPTS = 5;

function readState(stored: StoredJson | null, key: string, modelId: string): TriggerState {
  if (stored === null) return emptyTriggerState(modelId);
  const parsed = triggerStateSchema.safeParse(stored.value);
  if (!parsed.success) throw new CorruptObject(key, formatZodIssues(parsed.error.issues).join('; '));
  return parsed.data;
}

/** `drift-dataset-1d-2026-11-25T1200Z`: what the SageMaker console lists (at most 82 characters). */
function displayName(event: TriggerEvent): string {
  const text = `${event.detail.signal}-${event.detail.window?.name ?? 'all'}-${event.at.slice(0, 16)}`;
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 82).replace(/-+$/, '') || 'retrain';
}

async function putState(store: ObjectStore, key: string, state: TriggerState, stored: StoredJson | null): Promise<void> {
  await store.putJson(key, state, stored === null ? { ifNoneMatch: '*' } : { ifMatch: stored.etag });
}

/** Records the execution's ARN on the start this event claimed (best effort under concurrency: retried). */
async function recordExecution(store: ObjectStore, settings: TriggerSettings, eventKeyValue: string, executionArn: string): Promise<void> {
  const key = ledgerKeys(settings.modelId).state;
  for (let attempt = 0; attempt < STATE_ATTEMPTS; attempt++) {
    const stored = await store.getJson(key);
    const state = readState(stored, key, settings.modelId);
    if (!state.starts.some((s) => s.eventKey === eventKeyValue && s.executionArn !== executionArn)) return;
    const next = { ...state, starts: state.starts.map((s) => (s.eventKey === eventKeyValue ? { ...s, executionArn } : s)) };
    try {
      await putState(store, key, next, stored);
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
  }
}

function entryOf(settings: TriggerSettings, event: TriggerEvent, decision: TriggerDecision, executionArn: string | null, now: Date): DecisionEntry {
  const d = event.detail;
  return {
    format: DECISION_FORMAT,
    env: settings.env,
    modelId: settings.modelId,
    decidedAt: now.toISOString(),
    event: { id: event.id, key: event.key, detailType: event.detailType, signal: d.signal, severity: d.severity, action: d.action, dedupKey: d.dedupKey, window: d.window, value: d.value ?? null, message: d.message },
    outcome: decision.outcome,
    reason: decision.reason,
    message: decision.message,
    signals: decision.signals,
    execution:
      decision.outcome === 'started' && decision.clientRequestToken && executionArn
        ? { pipelineName: settings.pipelineName, clientRequestToken: decision.clientRequestToken, executionArn }
        : null,
    policy: {
      cooldownHours: settings.policy.cooldownHours,
      maxPerMonth: settings.policy.maxPerMonth,
      requireBusinessConfirmation: settings.policy.requireBusinessConfirmation,
      startsThisMonth: decision.startsThisMonth,
      lastStart: decision.lastStart,
    },
    deliveries: 1,
  };
}

/** A redelivery: the decision is kept, its delivery counted (best effort), nothing started. */
async function duplicate(ports: TriggerPorts, key: string, stored: StoredJson): Promise<TriggerOutcome> {
  const entry = stored.value as DecisionEntry;
  try {
    await ports.store.putJson(key, { ...entry, deliveries: (entry.deliveries ?? 1) + 1 }, { ifMatch: stored.etag });
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error;
  }
  await ports.ledger?.append(triggerLedgerEntry(entry));
  return { outcome: 'duplicate', entry, key };
}

/**
 * Decides one monitor event and acts on it (see the file's comment).
 * @throws Error naming the field of a malformed event; SDK errors of the start (Lambda retries)
 */
export async function runTrigger(ports: TriggerPorts, settings: TriggerSettings, raw: unknown): Promise<TriggerOutcome> {
  const event = parseTriggerEvent(raw);
  const keys = ledgerKeys(settings.modelId);
  const entryKey = keys.decision(event);
  const existing = await ports.store.getJson(entryKey);
  if (existing) return duplicate(ports, entryKey, existing);

  let decision: TriggerDecision | undefined;
  for (let attempt = 0; attempt < STATE_ATTEMPTS && decision === undefined; attempt++) {
    const stored = await ports.store.getJson(keys.state);
    const state = readState(stored, keys.state, settings.modelId);
    const executions = await ports.pipelines.listExecutions(settings.pipelineName);
    const decided = decideTrigger(settings.policy, state, event, { env: settings.env, modelId: settings.modelId, now: ports.clock.now(), executions, featureShares: settings.featureShares });
    if (decided.state !== state) {
      try {
        await putState(ports.store, keys.state, decided.state, stored);
      } catch (error) {
        if (error instanceof PreconditionFailed) continue;
        throw error;
      }
    }
    decision = decided.decision;
  }
  if (decision === undefined) throw new Error(`retrain-trigger: the state ${keys.state} kept changing under ${STATE_ATTEMPTS} attempts; Lambda retries the event`);

  let executionArn: string | null = null;
  if (decision.outcome === 'started' && decision.clientRequestToken) {
    executionArn = decision.executionArn ?? null;
    if (executionArn === null) {
      const started = await ports.pipelines.startExecution({
        pipelineName: settings.pipelineName,
        clientRequestToken: decision.clientRequestToken,
        displayName: displayName(event),
        description: `Driftwatch retraining of ${settings.modelId}: ${decision.message}`.slice(0, 3072),
        parameters: triggerParameters({ eventKey: event.key, dedupKey: event.detail.dedupKey, signal: event.detail.signal, windowEnd: event.at }),
      });
      executionArn = started.executionArn;
      await recordExecution(ports.store, settings, event.key, executionArn);
    }
  }

  const entry = entryOf(settings, event, decision, executionArn, ports.clock.now());
  try {
    await ports.store.putJson(entryKey, entry, { ifNoneMatch: '*' });
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error;
    const other = await ports.store.getJson(entryKey);
    if (other) return duplicate(ports, entryKey, other);
  }
  await ports.ledger?.append(triggerLedgerEntry(entry));
  return { outcome: decision.outcome, entry, key: entryKey };
}
