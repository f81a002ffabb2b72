/**
 * OwnerNotifier on the synthesized template: one function per owner subscribed to the owner's two
 * topics, the environment the handler's contract asks for (secret names, never values; DW_ROUTES
 * resolving to the topics), nothing lost on failure (Lambda retries then the dead-letter queue; SNS's
 * redrive to the same queue; a failure alarm emailing the owner through its own topic), least
 * privilege, and cdk-nag. The handler's contract is read from the handler's own settings parser.
 */
import * as fs from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { notifierNames, OwnerNotifier, OwnerTopics, ownersOfConfig } from '../../lib/alerting';
import { removeTemporaryAssets } from '../../lib/monitor';
import { notifierSettings } from '../../lambda/notifier/settings';
import { exampleConfig, payments, render, resourcesOf, stubBundles, teamStack, type TeamStack } from '../alerting-eval/stack';
import { iamStatements, nagFindings } from './helpers';

let team: TeamStack;
beforeAll(() => {
  team = teamStack(exampleConfig());
});
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(team.app.outdir, { recursive: true, force: true });
});

type Props = Record<string, any>;
const logicalId = (c: { node: { defaultChild?: unknown } }) => team.stack.getLogicalId(c.node.defaultChild as never);
const fnOf = (owner: string) => resourcesOf(team.template, 'AWS::Lambda::Function')[logicalId(team.notifiers.get(owner)!.function)].Properties as Props;
const topicId = (name: string) => Object.entries(resourcesOf(team.template, 'AWS::SNS::Topic')).find(([, r]) => r.Properties.TopicName === name)![0];

describe('one notifier per owner', () => {
  it("for every owner alarms reach (a feature's other owner too), named after the owner", () => {
    expect([...team.notifiers.keys()].sort()).toEqual(['Growth ML', 'Payments Risk', 'Risk ML']);
    const names = Object.values(resourcesOf(team.template, 'AWS::Lambda::Function')).map((r) => r.Properties.FunctionName).filter((n) => /notifier/.test(String(n)));
    expect(names.sort()).toEqual(['dw-example-growth-ml-notifier', 'dw-example-payments-risk-notifier', 'dw-example-risk-ml-notifier']);
  });

  it('subscribes to both of its owner\'s topics, with SNS\'s undeliverable notifications to its dead-letter queue', () => {
    const notifier = team.notifiers.get('Payments Risk')!;
    const subscriptions = Object.values(resourcesOf(team.template, 'AWS::SNS::Subscription')).map((r) => r.Properties as Props).filter((p) => p.Protocol === 'lambda' && p.Endpoint['Fn::GetAtt'][0] === logicalId(notifier.function));
    expect(subscriptions.map((p) => p.TopicArn.Ref).sort()).toEqual([topicId('dw-example-payments-risk-critical'), topicId('dw-example-payments-risk-warning')].sort());
    for (const p of subscriptions) expect(p.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(notifier.deadLetterQueue), 'Arn'] } });
  });

  it("sets the environment the handler's own settings parser accepts: secret names (never values), the routes resolving to the owner's topics", () => {
    const env = fnOf('Payments Risk').Environment.Variables as Props;
    expect(env).toMatchObject({ DW_ENV: 'example', DW_PAGERDUTY_SECRET: payments.pagerDutySecretName, DW_SLACK_SECRET: payments.slackWebhookSecretName, POWERTOOLS_SERVICE_NAME: 'driftwatch-notifier' });
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, render(v)]));
    const settings = notifierSettings({ ...resolved, AWS_REGION: 'eu-west-1' });
    expect(settings.routes).toEqual({ [`\${${topicId('dw-example-payments-risk-warning')}}`]: ['slack'], [`\${${topicId('dw-example-payments-risk-critical')}}`]: ['pagerduty'] });
    expect(settings).toMatchObject({ env: 'example', pagerDutySecret: payments.pagerDutySecretName, slackSecret: payments.slackWebhookSecretName });
    expect(JSON.stringify(team.template.toJSON())).not.toMatch(/hooks\.slack\.com|routing_key/);
  });

  it("runs the notifier bundle on Node.js 22 arm64 with the handler's timeout, retries twice, then dead-letters with the error", () => {
    const notifier = team.notifiers.get('Risk ML')!;
    expect(fnOf('Risk ML')).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 256, Timeout: 60 });
    const [invoke] = Object.values(resourcesOf(team.template, 'AWS::Lambda::EventInvokeConfig')).map((r) => r.Properties as Props).filter((p) => p.FunctionName.Ref === logicalId(notifier.function));
    expect(invoke).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(notifier.deadLetterQueue), 'Arn'] } } } });
    const queue = resourcesOf(team.template, 'AWS::SQS::Queue')[logicalId(notifier.deadLetterQueue)].Properties;
    expect(queue).toMatchObject({ QueueName: 'dw-example-risk-ml-notifier-dlq', KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] }, MessageRetentionPeriod: 1_209_600 });
  });

  it('a failure alarm (function errors or a message in the queue) emails the owner through a topic of its own, on ALARM and OK', () => {
    const notifier = team.notifiers.get('Growth ML')!;
    const alarm = resourcesOf(team.template, 'AWS::CloudWatch::Alarm')[logicalId(notifier.failureAlarm)].Properties;
    expect(alarm).toMatchObject({ AlarmName: 'dw-example-growth-ml-notifier-failed', ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, TreatMissingData: 'notBreaching' });
    const failureTopic = { Ref: logicalId(notifier.failureTopic) };
    expect([alarm.AlarmActions, alarm.OKActions]).toEqual([[failureTopic], [failureTopic]]);
    const watched = (alarm.Metrics as Props[]).flatMap((m) => (m.MetricStat ? [[m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName]] : []));
    expect(watched).toEqual([['AWS/Lambda', 'Errors'], ['AWS/SQS', 'ApproximateNumberOfMessagesVisible']]);
    const mails = Object.values(resourcesOf(team.template, 'AWS::SNS::Subscription')).map((r) => r.Properties as Props).filter((p) => p.TopicArn.Ref === failureTopic.Ref);
    expect(mails).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'growth-ml@example.com' })]);
    // The failure alarm's name is one the topic and key policies let CloudWatch publish for.
    expect(alarm.AlarmName).toMatch(/^dw-example-/);
  });
});

describe('least privilege', () => {
  /** The statements of the notifier role's policies (inline or the managed policy attached to it alone). */
  const statementsOf = (owner: string) => {
    const roleId = fnOf(owner).Role['Fn::GetAtt'][0];
    const resources = team.template.toJSON().Resources as Record<string, Props>;
    const arns = JSON.stringify(resources[roleId].Properties.ManagedPolicyArns ?? []);
    const attached = Object.fromEntries(Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && arns.includes(JSON.stringify({ Ref: id }))));
    const own = { Resources: { role: resources[roleId], ...attached } };
    return iamStatements({ toJSON: () => own } as never).map((s) => ({ ...(s as Props), Resource: [s.Resource].flat().map(render) }) as Props);
  };

  it("reads only the reports of the owner's models, claims deliveries under their alerting prefix, and reads its two secrets by name", () => {
    const bucket = (key: string) => expect.stringMatching(new RegExp(`^\\$\\{Bucket[0-9A-F]+\\.Arn\\}/${key.replace(/\*/g, '\\*')}$`));
    const byId = Object.fromEntries(statementsOf('Growth ML').map((s) => [s.Sid, s]));
    // Growth ML owns ticket_router, delivery_eta and search_ranker (config/example.ts).
    const models = ['ticket_router', 'delivery_eta', 'search_ranker'];
    expect(byId.ReadReports).toMatchObject({ Action: 's3:GetObject', Resource: models.map((m) => bucket(`monitor/${m}/reports/*`)) });
    expect(byId.ClaimAndRecordDeliveries).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject'], Resource: models.map((m) => bucket(`alerting/${m}/sent/*`)) });
    expect(byId.ReadOwnerSecrets.Resource).toEqual([
      'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:driftwatch/example/growth-ml/pagerduty-routing-key-??????',
      'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:driftwatch/example/growth-ml/slack-webhook-??????',
    ]);
    expect(render(byId.UseDataKeyThroughS3.Condition.StringEquals['kms:ViaService'])).toBe('s3.${AWS::Region}.amazonaws.com');
  });

  it("a feature's other owner reads the reports of the model that routes to it, nothing else", () => {
    const byId = Object.fromEntries(statementsOf('Payments Risk').map((s) => [s.Sid, s]));
    expect(byId.ReadReports.Resource).toEqual([expect.stringMatching(/\/monitor\/fraud_detector\/reports\/\*$/)]);
  });

  it('the key lets SNS dead-letter into the encrypted queue for the owner\'s two topics only', () => {
    const [key] = Object.values(resourcesOf(team.template, 'AWS::KMS::Key'));
    const sns = (key.Properties.KeyPolicy as { Statement: Props[] }).Statement.filter((s) => s.Principal?.Service === 'sns.amazonaws.com');
    expect(sns).toHaveLength(3);
    const arns = sns.map((s) => render(s.Condition.ArnEquals['aws:SourceArn'])).sort();
    expect(arns[1]).toBe('arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:dw-example-payments-risk-warning,arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:dw-example-payments-risk-critical');
  });
});

describe('names and validation', () => {
  it('keeps a long owner name within Lambda\'s 64 and SQS\'s 80 characters, unique by a hash', () => {
    // Owner slugs are at most 64 characters (config/rules.ts), so two owners differ within them.
    const long = (prefix: string) => ({ name: `${prefix} ${'Very Long Team Name '.repeat(3)}` });
    const a = notifierNames('production', long('A'));
    const b = notifierNames('production', long('B'));
    expect(a.function.length).toBeLessThanOrEqual(64);
    expect(a.deadLetterQueue.length).toBeLessThanOrEqual(80);
    expect(a.function).toMatch(/^dw-production-a-very-long-team-name-.*-[0-9a-f]{6}-notifier$/);
    expect(a.function).not.toBe(b.function);
    expect(notifierNames('dev', { name: 'Risk ML' })).toEqual({
      function: 'dw-dev-risk-ml-notifier', deadLetterQueue: 'dw-dev-risk-ml-notifier-dlq', logGroup: '/driftwatch/dev/notifier/risk-ml', failureAlarm: 'dw-dev-risk-ml-notifier-failed', failureTopic: 'dw-dev-risk-ml-notifier-failures',
    });
  });

  it('refuses an owner without topics or without models, naming the owner and the prop', () => {
    const app = new App({ outdir: fs.mkdtempSync(`${team.app.outdir}/v-`) });
    const stack = new Stack(app, 'S');
    const key = new kms.Key(stack, 'K');
    const bucket = new s3.Bucket(stack, 'B');
    const config = exampleConfig();
    const topics = new OwnerTopics(stack, 'T', { env: 'example', owners: ownersOfConfig(config), key });
    const owner = config.models[0].owner;
    const base = { env: 'example', owner, routesJson: '{}', bucket, key, bundleDirectory: stubBundles(app.outdir) };
    expect(() => new OwnerNotifier(stack, 'N1', { ...base, routes: [], modelIds: ['fraud_detector'] })).toThrow('props.routes is empty; pass the owner\'s topics (OwnerTopics.routesOf(owner)) for "Risk ML"');
    expect(() => new OwnerNotifier(stack, 'N2', { ...base, routes: topics.routesOf(owner), modelIds: [] })).toThrow('props.modelIds is empty');
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the notifiers', () => {
    expect(nagFindings(team.stack).filter((f) => /Notifier/.test(f))).toEqual([]);
  });
});
