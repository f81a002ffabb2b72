/**
 * The rest of the CloudWatch stand-in: what CloudWatch publishes to an alarm's actions when the
 * alarm changes state (moto neither evaluates alarms nor notifies). Built from the alarm's own
 * template properties and the evaluator's transition, in AWS's documented notification schema
 * ("Schema of Amazon SNS notifications when alarms change state") with the quirks real messages
 * have (a display-name Region, `+0000` offsets, a null Unit, upper-case Statistic, the padded
 * TreatMissingData text). CloudWatch runs the OK actions on any change to OK, INSUFFICIENT_DATA → OK
 * included, and the ALARM actions on any change to ALARM.
 */
import type { AlarmState, Transition } from './cloudwatch-evaluator';

type Props = Record<string, any>;

export interface NotificationContext {
  readonly account: string;
  /** The region code (`us-east-1`) and the display name CloudWatch writes in `Region`. */
  readonly region: string;
  readonly regionName: string;
  /** A template value (a topic `Ref`, a dimension) as the deployed stack would hold it. */
  resolve(value: unknown): string;
  /** States of the alarms at the transition (the composites' triggering children). */
  state(alarm: string): AlarmState;
}

/** `2026-11-25T12:20:03.123+0000`. */
const cloudWatchTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** The topics an alarm notifies for this transition (none: CloudWatch publishes nothing). */
export function actionsFor(alarm: Props, to: AlarmState, ctx: NotificationContext): string[] {
  const list = to === 'ALARM' ? alarm.AlarmActions : to === 'OK' ? alarm.OKActions : alarm.InsufficientDataActions;
  return ((list ?? []) as unknown[]).map((a) => ctx.resolve(a));
}

function trigger(alarm: Props, ctx: NotificationContext): Props {
  const common = {
    Period: alarm.Period,
    EvaluationPeriods: alarm.EvaluationPeriods,
    DatapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
    ComparisonOperator: alarm.ComparisonOperator,
    Threshold: alarm.Threshold,
    TreatMissingData: `- TreatMissingData:                    ${alarm.TreatMissingData ?? 'missing'}`,
    EvaluateLowSampleCountPercentile: '',
  };
  const dimensions = (list: Props[] | undefined) => (list ?? []).map((d) => ({ value: ctx.resolve(d.Value), name: d.Name }));
  if (alarm.MetricName) {
    return { MetricName: alarm.MetricName, Namespace: alarm.Namespace, StatisticType: 'Statistic', Statistic: String(alarm.Statistic).toUpperCase(), Unit: null, Dimensions: dimensions(alarm.Dimensions), ...common };
  }
  const metrics = (alarm.Metrics as Props[]).map((m) =>
    m.Expression
      ? { Expression: m.Expression, Id: m.Id, Label: m.Label ?? null, ReturnData: m.ReturnData ?? true }
      : { Id: m.Id, MetricStat: { Metric: { Dimensions: dimensions(m.MetricStat.Metric.Dimensions), MetricName: m.MetricStat.Metric.MetricName, Namespace: m.MetricStat.Metric.Namespace }, Period: m.MetricStat.Period, Stat: m.MetricStat.Stat }, ReturnData: false },
  );
  return { Metrics: metrics, ...common, Period: (alarm.Metrics as Props[])[0].Period ?? undefined };
}

/** The SNS `Message` CloudWatch sends for one transition of a metric or composite alarm. */
export function alarmNotification(alarm: Props, t: Transition, ctx: NotificationContext): Props {
  const name = (alarm.AlarmName ?? alarm.CompositeAlarmName) as string;
  const arnOf = (n: string) => `arn:aws:cloudwatch:${ctx.region}:${ctx.account}:alarm:${n}`;
  const base = {
    AlarmName: name,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: ctx.account,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(t.at - 86_400_000),
    NewStateValue: t.to,
    StateChangeTime: cloudWatchTime(t.at),
    Region: ctx.regionName,
    AlarmArn: arnOf(name),
    OldStateValue: t.from,
    OKActions: actionsFor(alarm, 'OK', ctx),
    AlarmActions: actionsFor(alarm, 'ALARM', ctx),
    InsufficientDataActions: actionsFor(alarm, 'INSUFFICIENT_DATA', ctx),
  };
  if (alarm.AlarmRule) {
    const rule = ctx.resolve(alarm.AlarmRule);
    const children = [...rule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]).filter((c) => ctx.state(c) === 'ALARM');
    const reason = children.length > 0 ? `${arnOf(children[0])} transitioned to ALARM at ${new Date(t.at).toUTCString()}` : 'All child alarms are in OK';
    return {
      ...base,
      NewStateReason: reason,
      AlarmRule: rule,
      TriggeringChildren: children.map((c) => ({ Arn: arnOf(c), State: { Value: 'ALARM', Timestamp: cloudWatchTime(t.at) } })),
    };
  }
  const verb = t.to === 'ALARM' ? 'was' : 'was not';
  return {
    ...base,
    NewStateReason: `Threshold Crossed: 1 datapoint ${verb} ${String(alarm.ComparisonOperator).replace(/Threshold$/, '').replace(/([A-Z])/g, ' $1').trim().toLowerCase()} the threshold (${Number(alarm.Threshold).toFixed(1)}).`,
    Trigger: trigger(alarm, ctx),
  };
}
