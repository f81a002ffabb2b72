/** The trigger reads the monitor's events as the monitor defines them (lambda/monitor/events.ts). */
import { DETAIL_TYPES, EVENT_DETAIL_SCHEMA } from '../../lambda/monitor/events';
import { clientRequestToken, eventKey, parseTriggerEvent, triggerDetailSchema, TRIGGER_DETAIL_TYPES } from '../../lambda/retraining/trigger-event';
import { monitorEvent } from './events';

test('every field the trigger reads is a field of the monitor\'s published detail schema, required where the schema requires it', () => {
  const published = EVENT_DETAIL_SCHEMA.properties as Record<string, unknown>;
  const shape = triggerDetailSchema.shape as Record<string, { safeParse: (v: unknown) => { success: boolean } }>;
  for (const field of Object.keys(shape)) expect(Object.keys(published)).toContain(field);
  for (const field of EVENT_DETAIL_SCHEMA.required) {
    if (field in shape) expect(shape[field].safeParse(undefined).success).toBe(false);
  }
  expect(TRIGGER_DETAIL_TYPES).toEqual([DETAIL_TYPES.drift, DETAIL_TYPES.performance]);
});

test('reads what the monitor sends: a drift trigger, a performance trigger, a resolve', () => {
  const drift = parseTriggerEvent(monitorEvent({ end: '2026-11-25T12:00:00.000Z', value: 0.76 }));
  expect(drift).toMatchObject({ detailType: 'Driftwatch Drift Status Changed', at: '2026-11-25T12:00:00.000Z', detail: { signal: 'drift:dataset', severity: 'critical', value: 0.76, dedupKey: 'test/fraud_detector/1d/drift:dataset' } });
  expect(drift.detail.topFeatures?.[0]).toMatchObject({ name: 'amount', importance: 0.4 });
  expect(parseTriggerEvent(monitorEvent({ end: '2026-11-25T12:00:00.000Z', signal: 'performance:f1' })).detailType).toBe('Driftwatch Performance Status Changed');
  expect(parseTriggerEvent(monitorEvent({ end: '2026-11-25T12:00:00.000Z', action: 'resolve' })).detail).toMatchObject({ action: 'resolve', severity: 'ok' });
});

test('an event\'s identity and token survive a redelivery (same id) and an outbox resend (new id)', () => {
  const a = parseTriggerEvent(monitorEvent({ end: '2026-11-25T12:00:00.000Z', id: 'one' }));
  const b = parseTriggerEvent(monitorEvent({ end: '2026-11-25T12:00:00.000Z', id: 'two' }));
  const later = parseTriggerEvent(monitorEvent({ end: '2026-11-26T12:00:00.000Z', id: 'one' }));
  expect(a.key).toBe(b.key);
  expect(a.key).not.toBe(later.key);
  expect(a.key).toBe(eventKey(a.detailType, a.detail, a.time));
  const token = clientRequestToken('fraud_detector', a.key);
  expect(token).toMatch(/^dw-[0-9a-f]{64}$/);
  expect(token.length).toBeGreaterThanOrEqual(32);
  expect(token.length).toBeLessThanOrEqual(128);
});

test('a malformed event is refused with the field named', () => {
  const e = monitorEvent({ end: '2026-11-25T12:00:00.000Z' });
  expect(() => parseTriggerEvent({ ...e, detail: { ...(e.detail as object), severity: 'high' } })).toThrow(/^retrain-trigger: not a monitor event: detail\.severity: expected "ok" \| "warning" \| "critical", got "high"/);
  expect(() => parseTriggerEvent({ ...e, source: 'aws.sagemaker' })).toThrow(/source/);
});
