/**
 * ModelAlarms and OwnerTopics on the synthesized template: the alarms of each signal (metric,
 * statistic, period, evaluation, missing-data rule, threshold), routing (the composite pages, a
 * notify feature never does, a feature routed to another owner reaches that owner's topics), the
 * topics (KMS, TLS only, CloudWatch may publish, the owner's email), periods derived from the score
 * schedule, and cdk-nag.
 */
import * as fs from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ModelAlarms, importOwnerTopics, schedulePeriod, type IAlarmTopics } from '../../lib/alerting';
import { removeTemporaryAssets } from '../../lib/monitor';
import { nagFindings } from './helpers';
import { alarmsByName, exampleConfig, payments, render, resourcesOf, teamStack, type TeamStack } from '../alerting-eval/stack';

let team: TeamStack;
let alarms: Map<string, Record<string, unknown>>;
beforeAll(() => {
  team = teamStack(exampleConfig());
  alarms = alarmsByName(team.template);
});
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(team.app.outdir, { recursive: true, force: true });
});

const name = (signal: string, severity: 'Warning' | 'Critical', model = 'fraud_detector') => `dw-example-${model}-${signal}-${severity}`;
const topicId = (topicName: string) => Object.entries(resourcesOf(team.template, 'AWS::SNS::Topic')).find(([, r]) => r.Properties.TopicName === topicName)![0];
const ref = (topicName: string) => [{ Ref: topicId(topicName) }];

describe('the alarms of a model', () => {
  it('are, per window, dataset drift, each top-K feature and each metric (Warning and Critical), label coverage; no traffic; monitor health', () => {
    const fraud = [...team.alarms.get('fraud_detector')!.alarms.keys()];
    const features = ['amount', 'merchant_category', 'account_age_days', 'country', 'hour_of_day', 'device_type'];
    const metrics = ['accuracy', 'precision', 'recall', 'f1', 'macro_f1'];
    const both = (signal: string) => [name(signal, 'Warning'), name(signal, 'Critical')];
    expect(fraud.sort()).toEqual(
      [
        ...['1d', '7d'].flatMap((w) => [...both(`drift-${w}`), ...features.flatMap((f) => both(`feature-${f}-${w}`)), ...metrics.flatMap((m) => both(`${m}-${w}`)), name(`label-coverage-${w}`, 'Warning')]),
        name('no-traffic', 'Warning'),
        ...both('monitor-health'),
      ].sort(),
    );
    expect(fraud).toHaveLength(53);
    // A ranking model has no performance metric and no labels: drift, traffic and health only.
    expect(team.alarms.get('search_ranker')!.alarms.size).toBe(2 * 2 + 2 * 2 * 4 + 1 + 2);
  });

  it('dataset drift: Maximum of DriftStatus per score period (cron daily: 1 day), 1 of 1, >= 1 / >= 2, no datapoint is not drift', () => {
    for (const [severity, threshold] of [['Warning', 1], ['Critical', 2]] as const) {
      expect(alarms.get(name('drift-1d', severity))).toMatchObject({
        Namespace: 'Driftwatch', MetricName: 'DriftStatus', Statistic: 'Maximum',
        Dimensions: [{ Name: 'Env', Value: 'example' }, { Name: 'Model', Value: 'fraud_detector' }, { Name: 'Window', Value: '1d' }],
        Period: 86_400, EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: threshold, TreatMissingData: 'notBreaching',
      });
    }
    expect(alarms.get(name('drift-1d', 'Warning'))?.Unit).toBeUndefined(); // a unit would filter the EMF datapoints out
  });

  it('a feature: FeatureDriftStatus with its Feature dimension; a metric: Minimum of MetricRatio <= 0.9 / <= 0.8', () => {
    expect(alarms.get(name('feature-amount-7d', 'Critical'))).toMatchObject({
      MetricName: 'FeatureDriftStatus', Statistic: 'Maximum', Threshold: 2,
      // CloudFormation gets the dimensions sorted by name.
      Dimensions: [{ Name: 'Env', Value: 'example' }, { Name: 'Feature', Value: 'amount' }, { Name: 'Model', Value: 'fraud_detector' }, { Name: 'Window', Value: '7d' }],
    });
    for (const [severity, threshold] of [['Warning', 0.9], ['Critical', 0.8]] as const) {
      expect(alarms.get(name('recall-1d', severity))).toMatchObject({
        MetricName: 'MetricRatio', Statistic: 'Minimum', ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: threshold, TreatMissingData: 'notBreaching', Period: 86_400,
        Dimensions: expect.arrayContaining([{ Name: 'Metric', Value: 'recall' }]),
      });
    }
  });

  it('no traffic: Maximum of PredictionCount <= 0 in each of 3 one-hour periods, missing data breaching; label coverage below 0.5', () => {
    expect(alarms.get(name('no-traffic', 'Warning'))).toMatchObject({
      MetricName: 'PredictionCount', Statistic: 'Maximum', Period: 3600, EvaluationPeriods: 3, DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: 0, TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'Env', Value: 'example' }, { Name: 'Model', Value: 'fraud_detector' }],
    });
    expect(alarms.get(name('label-coverage-7d', 'Warning'))).toMatchObject({ MetricName: 'LabelCoverage', Statistic: 'Minimum', ComparisonOperator: 'LessThanThreshold', Threshold: 0.5 });
  });

  it("monitor health: the two functions' Errors summed over an hour (Warning), the dead-letter queue's visible messages (Critical)", () => {
    const monitor = team.monitors.get('fraud_detector')!;
    const id = (c: { node: { defaultChild?: unknown } }) => team.stack.getLogicalId(c.node.defaultChild as never);
    const warning = alarms.get(name('monitor-health', 'Warning')) as { Metrics: Record<string, unknown>[] };
    expect(warning.Metrics[0]).toMatchObject({ Expression: 'FILL(profile, 0) + FILL(score, 0)', ReturnData: true });
    expect(warning.Metrics.slice(1).map((m) => render((m as { MetricStat: { Metric: { Dimensions: { Value: unknown }[] } } }).MetricStat.Metric.Dimensions[0].Value))).toEqual([
      `\${${id(monitor.profileFunction)}}`, `\${${id(monitor.scoreFunction)}}`,
    ]);
    expect(warning.Metrics.slice(1)).toEqual([
      expect.objectContaining({ MetricStat: expect.objectContaining({ Stat: 'Sum', Period: 3600, Metric: expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }) }) }),
      expect.objectContaining({ MetricStat: expect.objectContaining({ Stat: 'Sum', Period: 3600, Metric: expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }) }) }),
    ]);
    expect(alarms.get(name('monitor-health', 'Critical'))).toMatchObject({
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Period: 300, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
  });
});

describe('routing', () => {
  it('a Warning alarm notifies the owner on the warning topic, on ALARM and on OK', () => {
    expect(alarms.get(name('drift-1d', 'Warning'))).toMatchObject({ AlarmActions: ref('dw-example-risk-ml-warning'), OKActions: ref('dw-example-risk-ml-warning') });
  });

  it('Critical alarms that page have no action of their own: the model-critical composite pages once, and resolves when all are OK', () => {
    expect(alarms.get(name('drift-1d', 'Critical'))?.AlarmActions).toBeUndefined();
    const [composite] = Object.values(resourcesOf(team.template, 'AWS::CloudWatch::CompositeAlarm')).filter((r) => r.Properties.AlarmName === 'dw-example-fraud_detector-model-Critical');
    expect(composite.Properties).toMatchObject({ AlarmActions: ref('dw-example-risk-ml-critical'), OKActions: ref('dw-example-risk-ml-critical') });
    const rule = composite.Properties.AlarmRule as string;
    const children = [...rule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(rule).toBe(children.map((c) => `ALARM("${c}")`).join(' OR '));
    expect(children).toContain(name('drift-7d', 'Critical'));
    expect(children).toContain(name('monitor-health', 'Critical'));
    expect(children.every((c) => c.endsWith('-Critical'))).toBe(true);
    // The composite is created after its children (CloudWatch refuses a rule naming a missing alarm).
    expect(composite.DependsOn?.length).toBe(children.length);
  });

  it('a notify feature never pages: its Critical alarm goes to the warning topic and is not in the composite', () => {
    expect(alarms.get(name('feature-merchant_category-1d', 'Critical'))).toMatchObject({ AlarmActions: ref('dw-example-risk-ml-warning'), OKActions: ref('dw-example-risk-ml-warning') });
    expect(JSON.stringify(resourcesOf(team.template, 'AWS::CloudWatch::CompositeAlarm'))).not.toContain('merchant_category');
  });

  it("a feature routed to another owner reaches that owner's topics: Warning to theirs, Critical pages them directly", () => {
    expect(alarms.get(name('feature-country-1d', 'Warning'))).toMatchObject({ AlarmActions: ref('dw-example-payments-risk-warning') });
    expect(alarms.get(name('feature-country-1d', 'Critical'))).toMatchObject({ AlarmActions: ref('dw-example-payments-risk-critical'), OKActions: ref('dw-example-payments-risk-critical') });
    expect(JSON.stringify(resourcesOf(team.template, 'AWS::CloudWatch::CompositeAlarm'))).not.toContain('feature-country');
  });

  it('another stack finds the topics by their names (no export): arn:<partition>:sns:<region>:<account>:dw-<env>-<owner>-<severity>', () => {
    const other = new Stack(team.app, 'Other');
    const topics: IAlarmTopics = importOwnerTopics(other, 'example');
    expect(render(other.resolve(topics.topicFor(payments, 'Critical').topicArn))).toBe('arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:dw-example-payments-risk-critical');
    expect(topics.topicFor(payments, 'Critical')).toBe(topics.topicFor(payments, 'Critical'));
  });

  it("the notifier's DW_ROUTES for an owner: each topic ARN with its channels, email left out (a subscription)", () => {
    const json = render(team.stack.resolve(team.topics.notifierRoutesJson({ ...payments })));
    expect(JSON.parse(json)).toEqual({ [`\${${topicId('dw-example-payments-risk-warning')}}`]: ['slack'], [`\${${topicId('dw-example-payments-risk-critical')}}`]: ['pagerduty'] });
  });
});

describe('the owner topics', () => {
  it('one per owner and severity, encrypted with the key, with the owner email subscribed', () => {
    expect(Object.values(resourcesOf(team.template, 'AWS::SNS::Topic')).map((r) => r.Properties.TopicName).sort()).toEqual(
      // Each owner's notifier has a topic of its own for its failures (email only).
      ['growth-ml', 'payments-risk', 'risk-ml'].flatMap((o) => [`dw-example-${o}-critical`, `dw-example-${o}-warning`, `dw-example-${o}-notifier-failures`]).sort(),
    );
    team.template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    team.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'payments-risk@example.com', TopicArn: { Ref: topicId('dw-example-payments-risk-critical') } });
    const protocols = Object.values(resourcesOf(team.template, 'AWS::SNS::Subscription')).map((r) => r.Properties.Protocol);
    expect({ email: protocols.filter((p) => p === 'email').length, lambda: protocols.filter((p) => p === 'lambda').length }).toEqual({ email: 6 + 3, lambda: 6 });
  });

  it('refuse publishing without TLS and let only CloudWatch alarms of this environment and account publish', () => {
    team.template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) }),
        ]),
      },
    });
  });

  it('the key lets CloudWatch decrypt and generate data keys (what publishing to an encrypted topic needs) for dw-<env>-* alarms only', () => {
    const [key] = Object.values(resourcesOf(team.template, 'AWS::KMS::Key'));
    const statement = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement.find((s) => s.Sid === 'CloudWatchAlarmsexample')!;
    expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    expect(render((statement.Condition as { ArnLike: Record<string, unknown> }).ArnLike['aws:SourceArn'])).toBe('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:dw-example-*');
  });
});

describe('periods and validation', () => {
  it('derives the period from the score schedule: rate() as written, crons that fire hourly, every N hours, daily or weekly', () => {
    expect(schedulePeriod('rate(6 hours)').toSeconds()).toBe(21_600);
    expect(schedulePeriod('rate(1 day)').toSeconds()).toBe(86_400);
    expect(schedulePeriod('cron(25 * * * ? *)').toSeconds()).toBe(3600);
    expect(schedulePeriod('cron(0 */6 * * ? *)').toSeconds()).toBe(21_600);
    expect(schedulePeriod('cron(0 0,12 * * ? *)').toSeconds()).toBe(43_200);
    expect(schedulePeriod('cron(0 6 ? * MON *)').toSeconds()).toBe(604_800);
  });

  it('refuses a schedule whose rate it cannot tell, or one longer than an alarm can look back, naming it', () => {
    expect(() => schedulePeriod('cron(0 6 1 * ? *)', 'model m: schedules.score')).toThrow('model m: schedules.score "cron(0 6 1 * ? *)": cannot tell how often it fires');
    expect(() => schedulePeriod('cron(0 1,5 * * ? *)')).toThrow('cannot tell how often it fires');
    expect(() => schedulePeriod('rate(8 days)')).toThrow('fires every 8 days; an alarm looks back at most 7 days');
  });

  it('refuses a feature alarm the monitor has no metric for (outside the top-K), naming the model', () => {
    const [model] = exampleConfig().models;
    const stack = new Stack(team.app, 'Refuse');
    const monitor = team.monitors.get('fraud_detector')!;
    const alarms = new ModelAlarms(stack, 'A', { env: 'example', model: { ...model, monitor: { ...model.monitor, topK: 2 } }, monitor, topics: importOwnerTopics(stack, 'example'), defaultAlarms: false });
    expect(() => alarms.addFeatureDriftAlarm('1d', 'country')).toThrow('model fraud_detector: the monitor emits no FeatureDriftStatus with {"Window":"1d","Feature":"country"} (per-feature metrics exist for the top 2 features only)');
    alarms.addDatasetDriftAlarm('1d', { Critical: { minStatus: 2 } });
    expect([...alarms.alarms.keys()]).toEqual(['dw-example-fraud_detector-drift-1d-Critical']);
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the alarms, topics, notifiers and dashboards', () => {
    expect(nagFindings(team.stack).filter((f) => /Topics|alarms|dashboard|Fleet|Notifier/.test(f))).toEqual([]);
  });
});
