/**
 * The monitor's EventBridge events as the retraining trigger reads them. The detail types, the source
 * and the detail's JSON Schema are the monitor's (`lambda/monitor/events.ts`); the zod schema below
 * reads only the fields the trigger uses, and `test/retraining/trigger-event.test.ts` holds each of
 * them to `EVENT_DETAIL_SCHEMA` and parses what `windowEvents` sends.
 *
 * An event's identity (`eventKey`) is the monitor's own redelivery rule, detail type + `dedupKey` +
 * action + `window.end`: EventBridge may deliver an event twice (same id), and the monitor resends an
 * undelivered outbox (new id, same detail), so neither starts a second execution.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';
import { DETAIL_TYPES, EVENT_SOURCE } from '../monitor/events';

/** The detail types the trigger acts on (its EventBridge rule matches these). */
export const TRIGGER_DETAIL_TYPES = [DETAIL_TYPES.drift, DETAIL_TYPES.performance] as const;

const status = z.enum(['ok', 'warning', 'critical']);

export const triggerDetailSchema = z.looseObject({
  version: z.literal(1),
  env: z.string().min(1),
  modelId: z.string().min(1),
  window: z.looseObject({ name: z.string(), index: z.number().int().optional(), start: z.string().optional(), end: z.string().optional(), rows: z.number().int().optional() }).nullable(),
  action: z.enum(['trigger', 'resolve']),
  signal: z.string().min(1),
  severity: status,
  message: z.string(),
  dedupKey: z.string().min(1),
  value: z.number().nullable().optional(),
  threshold: z.number().nullable().optional(),
  reportUri: z.string().optional(),
  topFeatures: z.array(z.looseObject({ name: z.string(), status, importance: z.number() })).optional(),
});

export const triggerEnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z.literal(EVENT_SOURCE),
  time: z.string().min(1),
  detail: triggerDetailSchema,
});

export type TriggerDetail = z.output<typeof triggerDetailSchema>;

/** A monitor event, parsed, with its identity. */
export interface TriggerEvent {
  /** EventBridge's id of this delivery. */
  readonly id: string;
  readonly detailType: string;
  readonly time: string;
  readonly detail: TriggerDetail;
  /** The event's identity across redeliveries: 32 hex digits of SHA-256. */
  readonly key: string;
  /** When the window ended (else the event's time): it orders the ledger's decisions. */
  readonly at: string;
}

/** The identity of a monitor event across redeliveries (see the file's comment). */
export function eventKey(detailType: string, detail: Pick<TriggerDetail, 'dedupKey' | 'action' | 'window'>, time: string): string {
  const end = detail.window?.end ?? time;
  return createHash('sha256').update([detailType, detail.dedupKey, detail.action, end].join('\n')).digest('hex').slice(0, 32);
}

/**
 * Reads an EventBridge event from the monitor.
 * @throws Error naming each field that is wrong (`detail.severity: expected ...`)
 */
export function parseTriggerEvent(event: unknown): TriggerEvent {
  const parsed = triggerEnvelopeSchema.safeParse(event, { reportInput: true });
  if (!parsed.success) throw new Error(`retrain-trigger: not a monitor event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  const e = parsed.data;
  const at = e.detail.window?.end ?? e.time;
  return { id: e.id, detailType: e['detail-type'], time: e.time, detail: e.detail, key: eventKey(e['detail-type'], e.detail, e.time), at };
}

/**
 * The `ClientRequestToken` of the execution an event starts: `dw-` + 64 hex digits (SageMaker wants
 * 32-128 characters), the same for every delivery of the event, so SageMaker itself starts one
 * execution however often the start is retried.
 */
export function clientRequestToken(modelId: string, key: string): string {
  return `dw-${createHash('sha256').update(`${modelId}\n${key}`).digest('hex')}`;
}
