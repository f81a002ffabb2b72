/**
 * The alarm notifications inside a notifier invocation. Three shapes arrive:
 *
 * - SNS → Lambda (the subscription the construct makes): `{"Records": [{"EventSource": "aws:sns",
 *   "Sns": {"MessageId", "TopicArn", "Message": "<the alarm JSON>", ...}}]}`;
 * - SQS → Lambda (an SNS → SQS buffer): `{"Records": [{"eventSource": "aws:sqs", "messageId",
 *   "body": "<the SNS notification JSON>" | "<the alarm JSON>" (raw message delivery)}]}`;
 * - a direct invocation with the SNS notification (`{"Type": "Notification", "Message": ...}`) or
 *   the alarm JSON itself (`aws lambda invoke` while debugging).
 *
 * The message is a CloudWatch alarm notification or a Driftwatch owner alert (`alerting/owner-alert.ts`).
 */
import * as z from 'zod';
import { isOwnerAlert } from '../alerting/owner-alert';
import { formatZodIssues } from '../core/schema/format-issues';

export interface AlarmDelivery {
  /** The SNS MessageId (or SQS messageId); a redelivery has the same one. */
  readonly id: string;
  readonly topicArn: string | null;
  /** The alarm notification: a JSON string, or the object of a direct invocation. */
  readonly message: unknown;
}

export interface NotifierInput {
  readonly source: 'sns' | 'sqs' | 'direct';
  readonly deliveries: readonly AlarmDelivery[];
}

const snsNotification = z.looseObject({
  Type: z.literal('Notification'),
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Message: z.string(),
});

const snsEvent = z.object({
  Records: z
    .array(z.looseObject({ EventSource: z.literal('aws:sns'), Sns: snsNotification.extend({ Type: z.string() }) }))
    .min(1),
});

const sqsEvent = z.object({
  Records: z.array(z.looseObject({ eventSource: z.literal('aws:sqs'), messageId: z.string().min(1), body: z.string() })).min(1),
});

function fromSqsBody(messageId: string, body: string): AlarmDelivery {
  try {
    const envelope = snsNotification.safeParse(JSON.parse(body));
    if (envelope.success) return { id: envelope.data.MessageId, topicArn: envelope.data.TopicArn, message: envelope.data.Message };
  } catch {
    // not JSON: parseAlarmNotification says so for this record
  }
  return { id: messageId, topicArn: null, message: body };
}

/**
 * The deliveries of an event. @throws Error naming what the event lacks (no record can be read at all)
 */
export function notifierInput(event: unknown): NotifierInput {
  const records = (event as { Records?: { EventSource?: unknown; eventSource?: unknown }[] } | null)?.Records;
  if (Array.isArray(records) && records[0]?.EventSource === 'aws:sns') {
    const parsed = snsEvent.safeParse(event, { reportInput: true });
    if (!parsed.success) throw new Error(`notifier: bad SNS event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
    return { source: 'sns', deliveries: parsed.data.Records.map((r) => ({ id: r.Sns.MessageId, topicArn: r.Sns.TopicArn, message: r.Sns.Message })) };
  }
  if (Array.isArray(records) && records[0]?.eventSource === 'aws:sqs') {
    const parsed = sqsEvent.safeParse(event, { reportInput: true });
    if (!parsed.success) throw new Error(`notifier: bad SQS event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
    return { source: 'sqs', deliveries: parsed.data.Records.map((r) => ({ ...fromSqsBody(r.messageId, r.body), id: r.messageId })) };
  }
  const direct = snsNotification.safeParse(event);
  if (direct.success) return { source: 'direct', deliveries: [{ id: direct.data.MessageId, topicArn: direct.data.TopicArn, message: direct.data.Message }] };
  if (event !== null && typeof event === 'object' && ('AlarmName' in event || isOwnerAlert(event))) return { source: 'direct', deliveries: [{ id: 'direct', topicArn: null, message: event }] };
  throw new Error('notifier: the event is neither SNS nor SQS records, an SNS notification, a CloudWatch alarm notification nor a Driftwatch owner alert');
}
