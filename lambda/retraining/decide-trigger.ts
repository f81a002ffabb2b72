/**
 * The retraining trigger's decision, pure: given the model's policy, what the trigger remembers, one
 * monitor event and the pipeline's executions that are running, whether to start a retraining, and
 * why (or why not). The handler does the I/O at both ends (`run-trigger.ts`).
 *
 * In order, an event:
 * 1. updates the active signals: a trigger the policy counts (critical drift carrying at least
 *    `minImportanceShare` of the importance; critical performance on a named metric) becomes an
 *    active `trigger` signal, a business metric at the SLA severity an active `business` signal, a
 *    resolve removes its signal;
 * 2. is skipped when it is not such a signal (`disabled`, `resolved`, `not-a-trigger`), or, with
 *    `requireBusinessConfirmation`, while the other half is missing (`awaiting-confirmation`);
 * 3. is skipped while an execution of the pipeline runs, or a start claimed in the last 15 minutes has
 *    no execution yet (`execution-running`), within `cooldownHours` of the last start (`cooldown`), or
 *    when `maxPerMonth` starts already happened this calendar month, UTC (`monthly-max`);
 * 4. otherwise starts (`policy-met`), recording the start in the state with its ClientRequestToken.
 * An event whose start is already in the state (a retry after the start was claimed) starts again
 * with the same token (`resumed`): SageMaker returns the same execution for it.
 */
import { clientRequestToken, type TriggerEvent } from './trigger-event';
import type { RetrainPolicy } from './policy';
import { STARTS_KEPT_DAYS, type ActiveSignal, type StartRecord, type TriggerState } from './state';

export type StartReason = 'policy-met' | 'resumed';
export type SkipReason = 'disabled' | 'other-model' | 'resolved' | 'not-a-trigger' | 'awaiting-confirmation' | 'execution-running' | 'cooldown' | 'monthly-max';

export interface TriggerDecision {
  readonly outcome: 'started' | 'skipped';
  readonly reason: StartReason | SkipReason;
  /** Says what was decided with the numbers: `cooldown: the last start was at ... (72 h cooldown, until ...)`. */
  readonly message: string;
  /** The active signals (dedup keys) behind a start. */
  readonly signals: readonly string[];
  /** Set when started: the execution's idempotency token. */
  readonly clientRequestToken?: string;
  /** Set when resumed: the execution already started for this event, if known. */
  readonly executionArn?: string | null;
  /** Starts this calendar month (UTC) before this decision, and the last start: the policy's inputs. */
  readonly startsThisMonth: number;
  readonly lastStart: string | null;
}

/** An execution of the pipeline, as ListPipelineExecutions reports it. */
export interface PipelineExecutionSummary {
  readonly arn: string;
  /** Executing | Stopping | Stopped | Failed | Succeeded */
  readonly status: string;
  readonly startTime?: string;
}

/** What the decision needs besides the policy, the state and the event. */
export interface TriggerContext {
  readonly env: string;
  readonly modelId: string;
  readonly now: Date;
  /** The pipeline's executions (any status; the running ones block). */
  readonly executions: readonly PipelineExecutionSummary[];
  /** Importance share per feature from the config, for a feature's drift when the event does not carry it. */
  readonly featureShares?: Readonly<Record<string, number>>;
}

/** Execution statuses that count as running. */
export const RUNNING_STATUSES: readonly string[] = ['Executing', 'Stopping'];

/** A claimed start without an execution blocks others this long (the claiming invocation is starting it). */
export const CLAIM_MINUTES = 15;

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const HOUR = 3_600_000;

/** What role the event's signal plays in the policy, and why. */
function classify(policy: RetrainPolicy, event: TriggerEvent, ctx: TriggerContext): { role: ActiveSignal['role'] | null; why: string } {
  const d = event.detail;
  const [kind, ...rest] = d.signal.split(':');
  const name = rest.join(':');
  if (kind === 'performance' && policy.businessMetrics.includes(name)) {
    const enough = d.severity === 'critical' || (d.severity === 'warning' && policy.businessSeverity === 'warning');
    return enough
      ? { role: 'business', why: `business metric ${name} ${d.severity} (SLA breach at ${policy.businessSeverity})` }
      : { role: null, why: `business metric ${name} is ${d.severity}; an SLA breach is ${policy.businessSeverity}` };
  }
  if (kind === 'performance') {
    if (!policy.performanceMetrics.includes(name)) {
      return { role: null, why: `performance of ${name} is not a retraining signal (the policy names ${policy.performanceMetrics.length ? policy.performanceMetrics.join(', ') : 'no performance metric'})` };
    }
    return d.severity === 'critical' ? { role: 'trigger', why: `${name} critical` } : { role: null, why: `${name} is ${d.severity}; the policy retrains on critical performance` };
  }
  if (kind === 'drift') {
    if (!policy.drift.enabled) return { role: null, why: 'drift does not trigger retraining (triggers.drift.enabled is false)' };
    if (d.severity !== 'critical') return { role: null, why: `drift is ${d.severity}; the policy retrains on critical drift` };
    const share =
      name === 'dataset'
        ? (d.value ?? 0)
        : (d.topFeatures?.find((f) => f.name === name)?.importance ?? ctx.featureShares?.[name] ?? 0);
    const what = name === 'dataset' ? `critical dataset drift carrying ${pct(share)} of the importance` : `critical drift of ${name}, ${pct(share)} of the importance`;
    return share >= policy.drift.minImportanceShare
      ? { role: 'trigger', why: `${what} (policy: at least ${pct(policy.drift.minImportanceShare)})` }
      : { role: null, why: `${what}, below the policy's ${pct(policy.drift.minImportanceShare)}` };
  }
  return { role: null, why: `${d.signal} is not a retraining signal` };
}

function sameMonth(a: Date, b: Date): boolean {
  return a.getUTCFullYear() === b.getUTCFullYear() && a.getUTCMonth() === b.getUTCMonth();
}

/**
 * Decides one event. Returns the decision and the next state (equal to `state` when nothing
 * changed; the caller writes it only then).
 *
 * @example
 * const { decision } = decideTrigger(policy, emptyTriggerState('fraud'), event, { env: 'prod', modelId: 'fraud', now, executions: [] });
 * decision.outcome // 'started' for a critical dataset drift carrying 76% of the importance
 */
export function decideTrigger(policy: RetrainPolicy, state: TriggerState, event: TriggerEvent, ctx: TriggerContext): { decision: TriggerDecision; state: TriggerState } {
  const now = ctx.now;
  const starts = state.starts.filter((s) => now.getTime() - Date.parse(s.at) <= STARTS_KEPT_DAYS * 24 * HOUR);
  const last = starts.length ? starts[starts.length - 1] : null;
  const startsThisMonth = starts.filter((s) => sameMonth(new Date(s.at), now)).length;
  const base = { startsThisMonth, lastStart: last?.at ?? null };
  const skip = (reason: SkipReason, message: string, next: TriggerState = state) => ({ decision: { outcome: 'skipped' as const, reason, message, signals: [], ...base }, state: next });
  const d = event.detail;

  if (d.modelId !== ctx.modelId || d.env !== ctx.env) return skip('other-model', `the event is for ${d.env}/${d.modelId}, this trigger serves ${ctx.env}/${ctx.modelId}`);

  const resumed = starts.find((s) => s.eventKey === event.key);
  if (resumed) {
    return {
      decision: { outcome: 'started', reason: 'resumed', message: `resuming the start this event claimed at ${resumed.at}`, signals: resumed.signals, clientRequestToken: resumed.clientRequestToken, executionArn: resumed.executionArn, ...base },
      state,
    };
  }

  // 1. the active signals
  const active: Record<string, ActiveSignal> = { ...state.active };
  let role: ActiveSignal['role'] | null = null;
  let why: string;
  if (d.action === 'resolve') {
    const had = Object.hasOwn(active, d.dedupKey);
    delete active[d.dedupKey];
    const next = had ? { ...state, active } : state;
    return skip('resolved', `${d.signal} back to ok${had ? '; no longer an active signal' : ''}`, next);
  }
  ({ role, why } = classify(policy, event, ctx));
  if (role !== null) active[d.dedupKey] = { role, signal: d.signal, severity: d.severity === 'warning' ? 'warning' : 'critical', since: active[d.dedupKey]?.since ?? event.at, eventKey: event.key };
  const updated: TriggerState = role !== null ? { ...state, active, starts } : state;

  // 2. is it a reason to retrain?
  if (!policy.enabled) return skip('disabled', `retraining is disabled for this model (retraining.enabled is false); ${why}`, updated);
  if (role === null) return skip('not-a-trigger', why, updated);
  const triggers = Object.entries(active).filter(([, s]) => s.role === 'trigger').map(([k]) => k);
  const business = Object.entries(active).filter(([, s]) => s.role === 'business').map(([k]) => k);
  let signals: string[];
  if (policy.requireBusinessConfirmation) {
    if (role === 'trigger' && business.length === 0) return skip('awaiting-confirmation', `${why}; waiting for a business-metric breach to confirm it (requireBusinessConfirmation)`, updated);
    if (role === 'business' && triggers.length === 0) return skip('awaiting-confirmation', `${why}; no active drift or performance signal for it to confirm (requireBusinessConfirmation)`, updated);
    signals = [...triggers, ...business];
  } else {
    signals = [d.dedupKey];
  }

  // 3. the limits
  const running = ctx.executions.filter((x) => RUNNING_STATUSES.includes(x.status));
  if (running.length > 0) return skip('execution-running', `${why}; an execution is running: ${running.map((r) => `${r.arn} (${r.status})`).join(', ')}`, updated);
  const claimed = starts.find((s) => s.executionArn === null && now.getTime() - Date.parse(s.at) < CLAIM_MINUTES * 60_000);
  if (claimed) return skip('execution-running', `${why}; a start claimed at ${claimed.at} by another delivery is being started`, updated);
  if (last && policy.cooldownHours > 0) {
    const until = Date.parse(last.at) + policy.cooldownHours * HOUR;
    if (now.getTime() < until) {
      return skip('cooldown', `${why}; the last start was at ${last.at} (${policy.cooldownHours} h cooldown, until ${new Date(until).toISOString()})`, updated);
    }
  }
  if (startsThisMonth >= policy.maxPerMonth) {
    return skip('monthly-max', `${why}; ${startsThisMonth} starts already this month (${now.toISOString().slice(0, 7)}), the policy allows ${policy.maxPerMonth}`, updated);
  }

  // 4. start
  const token = clientRequestToken(ctx.modelId, event.key);
  const start: StartRecord = { at: now.toISOString(), eventKey: event.key, clientRequestToken: token, executionArn: null, signals };
  return {
    decision: { outcome: 'started', reason: 'policy-met', message: why, signals, clientRequestToken: token, ...base },
    state: { ...state, active, starts: [...starts, start] },
  };
}
