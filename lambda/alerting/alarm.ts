/**
 * CloudWatch's alarm notification, as AWS publishes it to an SNS topic (the `Message` of the SNS
 * notification, a JSON string). The fields follow AWS's "Schema of Amazon SNS notifications when
 * alarms change state" (CloudWatch User Guide, "Notifying users on alarm changes"):
 *
 * - every alarm: AlarmName, AlarmDescription (may be null), AWSAccountId, NewStateValue, OldStateValue
 *   (ALARM | OK | INSUFFICIENT_DATA), NewStateReason, StateChangeTime (`2026-11-25T12:20:03.123+0000`),
 *   Region (a display name such as "EU (Ireland)", not a code: the code is in AlarmArn), AlarmArn, and
 *   optionally AlarmConfigurationUpdatedTimestamp, OKActions, AlarmActions, InsufficientDataActions;
 * - a metric alarm: `Trigger` {MetricName, Namespace, StatisticType, Statistic, Unit (may be null),
 *   Dimensions [{name, value}], Period, EvaluationPeriods, DatapointsToAlarm, ComparisonOperator,
 *   Threshold, TreatMissingData, EvaluateLowSampleCountPercentile}; a metric-math alarm lists
 *   `Trigger.Metrics` [{Id, Expression | MetricStat {Metric {MetricName, Namespace, Dimensions}}}] instead;
 * - a composite alarm: `AlarmRule` and `TriggeringChildren` (documented as strings; AWS sends
 *   objects {Arn, State {Value, Timestamp}}; both are accepted) instead of `Trigger`.
 *
 * Pure: no I/O. Unknown extra fields are kept (AWS adds fields over time).
 */
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** CloudWatch's timestamps: ISO 8601 with the offset written `+0000` (or `Z`, `+00:00`). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

const timestamp = z
  .string()
  .regex(TIMESTAMP, { message: 'expected a timestamp like 2026-11-25T12:20:03.123+0000' })
  .refine((s) => Number.isFinite(Date.parse(toIsoOffset(s))), { message: 'expected a real date and time' });

const dimension = z.object({ name: z.string().min(1), value: z.string() });

const mathMetric = z.looseObject({
  Id: z.string(),
  Expression: z.string().optional(),
  Label: z.string().nullish(),
  ReturnData: z.boolean().optional(),
  MetricStat: z
    .looseObject({
      Metric: z.looseObject({ MetricName: z.string(), Namespace: z.string(), Dimensions: z.array(dimension).default([]) }),
      Period: z.number().optional(),
      Stat: z.string().optional(),
      Unit: z.string().nullish(),
    })
    .optional(),
});

const trigger = z.looseObject({
  MetricName: z.string().min(1).optional(),
  Namespace: z.string().min(1).optional(),
  StatisticType: z.string().optional(),
  Statistic: z.string().nullish(),
  ExtendedStatistic: z.string().nullish(),
  Unit: z.string().nullish(),
  Dimensions: z.array(dimension).default([]),
  Metrics: z.array(mathMetric).optional(),
  Period: z.number().int().positive().optional(),
  EvaluationPeriods: z.number().int().positive(),
  DatapointsToAlarm: z.number().int().positive().optional(),
  ComparisonOperator: z.string().min(1),
  /** Absent for anomaly-detection alarms (they name a ThresholdMetricId). */
  Threshold: z.number().nullish(),
  TreatMissingData: z.string().nullish(),
  EvaluateLowSampleCountPercentile: z.string().nullish(),
});

const child = z.union([
  z.string(),
  z.looseObject({ Arn: z.string(), State: z.looseObject({ Value: z.string(), Timestamp: z.string().optional() }).optional() }),
]);

const notificationSchema = z
  .looseObject({
    AlarmName: z.string().min(1).max(255),
    AlarmDescription: z.string().nullish(),
    AWSAccountId: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }),
    AlarmConfigurationUpdatedTimestamp: z.string().nullish(),
    NewStateValue: z.enum(ALARM_STATES),
    NewStateReason: z.string(),
    StateChangeTime: timestamp,
    Region: z.string(),
    AlarmArn: z.string().regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, {
      message: 'expected arn:aws:cloudwatch:<region>:<account>:alarm:<name>',
    }),
    OldStateValue: z.enum(ALARM_STATES),
    OKActions: z.array(z.string()).optional(),
    AlarmActions: z.array(z.string()).optional(),
    InsufficientDataActions: z.array(z.string()).optional(),
    Trigger: trigger.optional(),
    AlarmRule: z.string().min(1).optional(),
    TriggeringChildren: z.array(child).optional(),
  })
  .superRefine((n, ctx) => {
    if (n.Trigger === undefined && n.AlarmRule === undefined) {
      ctx.addIssue({ code: 'custom', path: ['Trigger'], message: "missing: a metric alarm's notification has Trigger, a composite alarm's AlarmRule" });
    }
    if (n.Trigger && n.Trigger.MetricName === undefined && n.Trigger.Metrics === undefined) {
      ctx.addIssue({ code: 'custom', path: ['Trigger', 'MetricName'], message: 'missing: a metric alarm names its MetricName (or its Metrics, for metric math)' });
    }
  });

export type AlarmNotification = z.output<typeof notificationSchema>;
export type AlarmTrigger = NonNullable<AlarmNotification['Trigger']>;

/** A notification that is not CloudWatch's alarm format; the message names each bad field. */
export class AlarmNotificationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`not a CloudWatch alarm notification: ${problems.join('; ')}`);
    this.name = 'AlarmNotificationError';
  }
}

/** `+0000` → `+00:00`, so every JavaScript engine parses it. */
export function toIsoOffset(time: string): string {
  return time.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

/**
 * Parses and validates the SNS `Message` of an alarm notification (the JSON string, or its parsed object).
 *
 * @example parseAlarmNotification(record.Sns.Message).NewStateValue // 'ALARM'
 * @throws AlarmNotificationError naming every field that is missing or wrong, with the value found
 */
export function parseAlarmNotification(message: unknown): AlarmNotification {
  let value = message;
  if (typeof message === 'string') {
    try {
      value = JSON.parse(message);
    } catch (error) {
      throw new AlarmNotificationError([`the message is not JSON (${(error as Error).message}): ${JSON.stringify(message.slice(0, 80))}`]);
    }
  }
  const parsed = notificationSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new AlarmNotificationError(formatZodIssues(parsed.error.issues));
  return parsed.data;
}

/** The state change time as an ISO string (`2026-11-25T12:20:03.123Z`). */
export function stateChangeIso(alarm: AlarmNotification): string {
  return new Date(Date.parse(toIsoOffset(alarm.StateChangeTime))).toISOString();
}

/** Every dimension the alarm's metric carries (a metric-math alarm: those of its metrics, first value wins). */
export function triggerDimensions(t: AlarmTrigger): Record<string, string> {
  const out: Record<string, string> = {};
  const all = [...t.Dimensions, ...(t.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric.Dimensions ?? [])];
  for (const d of all) if (!(d.name in out)) out[d.name] = d.value;
  return out;
}

/** The alarm's metric: its own, or a metric-math alarm's first metric. */
export function triggerMetric(t: AlarmTrigger): { readonly name: string; readonly namespace: string } | null {
  if (t.MetricName !== undefined) return { name: t.MetricName, namespace: t.Namespace ?? '' };
  const stat = (t.Metrics ?? []).find((m) => m.MetricStat)?.MetricStat;
  return stat ? { name: stat.Metric.MetricName, namespace: stat.Metric.Namespace } : null;
}

/** The region code, from the alarm's ARN (the notification's `Region` is a display name). */
export function alarmRegion(alarm: AlarmNotification): string {
  return alarm.AlarmArn.split(':')[3];
}

/** The names of a composite alarm's triggering children (from their ARNs). */
export function triggeringChildren(alarm: AlarmNotification): string[] {
  return (alarm.TriggeringChildren ?? []).map((c) => {
    const arn = typeof c === 'string' ? c : c.Arn;
    const at = arn.indexOf(':alarm:');
    return at >= 0 ? arn.slice(at + ':alarm:'.length) : arn;
  });
}
