/** The trigger's decision, pure: each reason to start or to skip, with what it says. */
import { decideTrigger, type TriggerContext } from '../../lambda/retraining/decide-trigger';
import type { RetrainPolicy } from '../../lambda/retraining/policy';
import { emptyTriggerState, type TriggerState } from '../../lambda/retraining/state';
import { parseTriggerEvent } from '../../lambda/retraining/trigger-event';
import { monitorEvent, type EventOptions } from './events';

const policy: RetrainPolicy = {
  enabled: true,
  drift: { enabled: true, minImportanceShare: 0.25 },
  performanceMetrics: ['f1'],
  businessMetrics: ['fraud_dollars_caught'],
  businessSeverity: 'critical',
  requireBusinessConfirmation: false,
  cooldownHours: 72,
  maxPerMonth: 4,
};
const ctx = (now: string, extra: Partial<TriggerContext> = {}): TriggerContext => ({ env: 'test', modelId: 'fraud_detector', now: new Date(now), executions: [], ...extra });
const ev = (o: Partial<EventOptions> = {}) => parseTriggerEvent(monitorEvent({ end: '2026-11-25T12:00:00.000Z', ...o }));

/** Feeds events in order, returning every decision and the last state. */
function run(p: RetrainPolicy, events: { event: ReturnType<typeof ev>; now: string }[], state: TriggerState = emptyTriggerState('fraud_detector')) {
  const decisions = [];
  for (const { event, now } of events) {
    const out = decideTrigger(p, state, event, ctx(now));
    decisions.push(out.decision);
    state = out.state;
  }
  return { decisions, state };
}

test('critical dataset drift carrying enough of the importance starts, with the token and the signal', () => {
  const { decision, state } = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ value: 0.76 }), ctx('2026-11-25T12:20:00Z'));
  expect(decision).toMatchObject({ outcome: 'started', reason: 'policy-met', message: 'critical dataset drift carrying 76% of the importance (policy: at least 25%)', signals: ['test/fraud_detector/1d/drift:dataset'], startsThisMonth: 0, lastStart: null });
  expect(decision.clientRequestToken).toMatch(/^dw-[0-9a-f]{64}$/);
  expect(state.starts).toEqual([{ at: '2026-11-25T12:20:00.000Z', eventKey: ev({ value: 0.76 }).key, clientRequestToken: decision.clientRequestToken, executionArn: null, signals: decision.signals }]);
});

test('drift below the share, warnings, unnamed metrics and resolves start nothing, each saying why', () => {
  const cases: [Partial<EventOptions>, string, string][] = [
    [{ value: 0.1 }, 'not-a-trigger', 'critical dataset drift carrying 10% of the importance, below the policy\'s 25%'],
    [{ severity: 'warning', value: 0.9 }, 'not-a-trigger', 'drift is warning; the policy retrains on critical drift'],
    [{ signal: 'performance:recall' }, 'not-a-trigger', 'performance of recall is not a retraining signal (the policy names f1)'],
    [{ signal: 'performance:f1', severity: 'warning' }, 'not-a-trigger', 'f1 is warning; the policy retrains on critical performance'],
    [{ action: 'resolve' }, 'resolved', 'drift:dataset back to ok'],
  ];
  for (const [o, reason, message] of cases) {
    const { decision } = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev(o), ctx('2026-11-25T12:20:00Z'));
    expect([decision.outcome, decision.reason, decision.message]).toEqual(['skipped', reason, message]);
  }
});

test('a critical feature starts when it carries enough importance (from the event, else the config)', () => {
  const feature = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ signal: 'drift:amount' }), ctx('2026-11-25T12:20:00Z')).decision;
  expect([feature.outcome, feature.message]).toEqual(['started', 'critical drift of amount, 40% of the importance (policy: at least 25%)']);
  const notInEvent = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ signal: 'drift:account_age_days' }), ctx('2026-11-25T12:20:00Z', { featureShares: { account_age_days: 0.25 } })).decision;
  expect([notInEvent.outcome, notInEvent.message]).toEqual(['started', 'critical drift of account_age_days, 25% of the importance (policy: at least 25%)']);
});

test('critical performance on a named metric starts; a business SLA breach alone starts too', () => {
  expect(decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ signal: 'performance:f1' }), ctx('2026-11-25T12:20:00Z')).decision.reason).toBe('policy-met');
  const business = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ signal: 'performance:fraud_dollars_caught' }), ctx('2026-11-25T12:20:00Z')).decision;
  expect([business.outcome, business.message]).toEqual(['started', 'business metric fraud_dollars_caught critical (SLA breach at critical)']);
});

test('with business confirmation, drift waits for a breach, and the breach starts it', () => {
  const p = { ...policy, requireBusinessConfirmation: true };
  const { decisions, state } = run(p, [
    { event: ev({ value: 0.76 }), now: '2026-11-25T12:20:00Z' },
    { event: ev({ signal: 'performance:fraud_dollars_caught', end: '2026-11-26T12:00:00.000Z' }), now: '2026-11-26T12:20:00Z' },
  ]);
  expect(decisions.map((d) => [d.outcome, d.reason])).toEqual([
    ['skipped', 'awaiting-confirmation'],
    ['started', 'policy-met'],
  ]);
  expect(decisions[0].message).toBe('critical dataset drift carrying 76% of the importance (policy: at least 25%); waiting for a business-metric breach to confirm it (requireBusinessConfirmation)');
  expect(decisions[1].signals).toEqual(['test/fraud_detector/1d/drift:dataset', 'test/fraud_detector/1d/performance:fraud_dollars_caught']);
  expect(Object.keys(state.active)).toHaveLength(2);
});

test('a resolve removes the signal, so a later breach confirms nothing', () => {
  const p = { ...policy, requireBusinessConfirmation: true };
  const { decisions } = run(p, [
    { event: ev({ value: 0.76 }), now: '2026-11-25T12:20:00Z' },
    { event: ev({ action: 'resolve', end: '2026-11-26T12:00:00.000Z' }), now: '2026-11-26T12:20:00Z' },
    { event: ev({ signal: 'performance:fraud_dollars_caught', end: '2026-11-27T12:00:00.000Z' }), now: '2026-11-27T12:20:00Z' },
  ]);
  expect(decisions.map((d) => d.reason)).toEqual(['awaiting-confirmation', 'resolved', 'awaiting-confirmation']);
  expect(decisions[2].message).toMatch(/no active drift or performance signal for it to confirm/);
});

test('cooldown, then the monthly maximum', () => {
  const p = { ...policy, cooldownHours: 48, maxPerMonth: 2 };
  const days = ['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-08', '2026-12-01'];
  const { decisions } = run(p, days.map((d) => ({ event: ev({ end: `${d}T12:00:00.000Z`, value: 0.76 }), now: `${d}T12:20:00Z` })));
  expect(decisions.map((d) => d.reason)).toEqual(['policy-met', 'cooldown', 'policy-met', 'monthly-max', 'policy-met']);
  expect(decisions[1].message).toMatch(/; the last start was at 2026-11-02T12:20:00\.000Z \(48 h cooldown, until 2026-11-04T12:20:00\.000Z\)$/);
  expect(decisions[3].message).toMatch(/; 2 starts already this month \(2026-11\), the policy allows 2$/);
  expect(decisions[4].startsThisMonth).toBe(0);
});

test('a running execution, or a start claimed moments ago, blocks a second', () => {
  const running = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ value: 0.76 }), ctx('2026-11-25T12:20:00Z', { executions: [{ arn: 'arn:x/execution/abc', status: 'Executing' }, { arn: 'arn:x/execution/old', status: 'Succeeded' }] }));
  expect([running.decision.reason, running.decision.message]).toEqual(['execution-running', 'critical dataset drift carrying 76% of the importance (policy: at least 25%); an execution is running: arn:x/execution/abc (Executing)']);
  const p = { ...policy, cooldownHours: 0 };
  const first = decideTrigger(p, emptyTriggerState('fraud_detector'), ev({ value: 0.76 }), ctx('2026-11-25T12:20:00Z'));
  const second = decideTrigger(p, first.state, ev({ value: 0.76, window: '7d' }), ctx('2026-11-25T12:21:00Z'));
  expect(second.decision.reason).toBe('execution-running');
  expect(second.decision.message).toMatch(/a start claimed at 2026-11-25T12:20:00.000Z by another delivery is being started$/);
});

test('the same event again after its start was claimed resumes it with the same token', () => {
  const first = decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ value: 0.76 }), ctx('2026-11-25T12:20:00Z'));
  const again = decideTrigger(policy, first.state, ev({ value: 0.76, id: 'redelivered' }), ctx('2026-11-25T12:22:00Z'));
  expect(again.decision).toMatchObject({ outcome: 'started', reason: 'resumed', clientRequestToken: first.decision.clientRequestToken, executionArn: null });
  expect(again.state).toBe(first.state);
});

test('disabled, or another model\'s event: skipped', () => {
  expect(decideTrigger({ ...policy, enabled: false }, emptyTriggerState('fraud_detector'), ev({ value: 0.76 }), ctx('2026-11-25T12:20:00Z')).decision.reason).toBe('disabled');
  expect(decideTrigger(policy, emptyTriggerState('fraud_detector'), ev({ modelId: 'churn' }), ctx('2026-11-25T12:20:00Z')).decision.message).toBe('the event is for test/churn, this trigger serves test/fraud_detector');
});
