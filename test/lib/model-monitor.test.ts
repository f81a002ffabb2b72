/**
 * ModelMonitor on its own in a team's stack (its own bucket and key), asserted on the synthesized
 * template: the functions and their contract with the handlers, the schedules, the dead-letter path,
 * least privilege, the code assets, cdk-nag, validation of bad props, and the handler bundles.
 * Most tests use throwaway prebuilt bundles (`bundleDirectory`); the bundling tests run esbuild on
 * the real handlers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { loadEnvironment, type ModelConfig } from '../../config';
import {
  HANDLER_SOURCE_DIR,
  MAX_BUNDLE_BYTES,
  MONITOR_HANDLERS,
  ModelMonitor,
  REFERENCE_BINS_COLUMNS,
  bundleHandler,
  handlerBundle,
  removeTemporaryAssets,
  staleSources,
  type ModelMonitorProps,
} from '../../lib/monitor';
import { MODEL_RESOURCES } from '../../lib/platform/grouping';
import { asArray, iamStatements, nagFindings, renderCfn, syntheticConfig } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-monitor-test-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Prebuilt bundles that stand in for `npm run bundle`'s output (the construct only copies them). */
const bundles = path.join(tmp, 'bundles');
for (const name of Object.values(MONITOR_HANDLERS)) {
  fs.mkdirSync(path.join(bundles, name), { recursive: true });
  fs.writeFileSync(path.join(bundles, name, 'index.js'), `exports.handler = async () => ${JSON.stringify(name)};\n`);
  fs.writeFileSync(path.join(bundles, name, 'index.js.map'), '{"version":3,"sources":[],"mappings":""}\n');
}

/** fraud_detector of config/example.ts (a cron score schedule) with a third window. */
const example = loadEnvironment('example');
const model: ModelConfig = {
  ...example.models.find((m) => m.id === 'fraud_detector')!,
  monitor: { ...example.models[0].monitor, windows: [{ name: '6h', hours: 6 }, { name: '1d', hours: 24 }, { name: '7d', hours: 168 }] },
};

interface Team {
  app: App;
  stack: Stack;
  monitor: ModelMonitor;
  template: Template;
}

/** A team's own stack: its own key and bucket, the monitor composed alone. */
function teamStack(props: Partial<ModelMonitorProps> = {}, id = 'Team'): Team {
  const app = new App({ outdir: path.join(tmp, `out-${id}`) });
  const stack = new Stack(app, id);
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const monitor = new ModelMonitor(stack, 'FraudMonitor', { env: 'team', model, bucket, bundleDirectory: bundles, ...props });
  return { app, stack, monitor, template: Template.fromStack(stack) };
}

/** CloudFormation values as readable strings (test/lib/helpers.ts). */
const render = renderCfn;

let team: Team;
beforeAll(() => {
  team = teamStack();
});

const fnProps = (name: string) => {
  const [fn] = Object.values(team.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }));
  return fn.Properties;
};

describe('the functions', () => {
  it('are two per model, Node.js 22 on arm64, running index.handler with memory and timeout sized per step', () => {
    team.template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(fnProps('dw-team-fraud_detector-profile')).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 512, Timeout: 300 });
    expect(fnProps('dw-team-fraud_detector-score')).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 1024, Timeout: 300 });
  });

  it('pass the handlers their environment: names of the bucket, database, workgroup, tables, bus and namespaces', () => {
    for (const step of ['profile', 'score']) {
      const vars = fnProps(`dw-team-fraud_detector-${step}`).Environment.Variables;
      expect({ ...vars, DW_BUCKET: render(vars.DW_BUCKET) }).toEqual({
        DW_ENV: 'team',
        DW_MODEL_ID: 'fraud_detector',
        DW_BUCKET: `\${${team.stack.getLogicalId(team.stack.node.findChild('Bucket').node.defaultChild as CfnResource)}}`,
        DW_DATABASE: 'driftwatch_team',
        DW_WORKGROUP: 'driftwatch-team',
        DW_PREDICTIONS_TABLE: 'predictions_fraud_detector',
        DW_LABELS_TABLE: 'labels_fraud_detector',
        DW_REFERENCE_BINS_TABLE: 'reference_bins_fraud_detector',
        DW_EVENT_BUS_NAME: 'default',
        DW_METRICS_NAMESPACE: 'Driftwatch',
        POWERTOOLS_SERVICE_NAME: 'driftwatch-monitor',
        POWERTOOLS_METRICS_NAMESPACE: 'Driftwatch',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('log to their own log group, kept a year and encrypted with the key that CloudWatch Logs may use for them only', () => {
    for (const step of ['profile', 'score']) {
      const fn = fnProps(`dw-team-fraud_detector-${step}`);
      const [logGroupId] = Object.entries(team.template.findResources('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/driftwatch/team/fraud_detector/monitor-${step}`, RetentionInDays: 365, KmsKeyId: Match.anyValue() },
      })).map(([id]) => id);
      expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    }
    const [key] = Object.values(team.template.findResources('AWS::KMS::Key'));
    const logs = key.Properties.KeyPolicy.Statement.find((s: { Principal?: { Service?: unknown } }) => render(s.Principal?.Service ?? '').startsWith('logs.'));
    expect(render(logs.Principal.Service)).toBe('logs.${AWS::Region}.amazonaws.com');
    expect(render(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toBe(
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/driftwatch/team/fraud_detector/monitor-*',
    );
  });

  it('carry the model config in the code asset: the bundle and model.json with the env and the validated model', () => {
    const assembly = team.app.synth();
    for (const step of ['profile', 'score'] as const) {
      const zip: string = fnProps(`dw-team-fraud_detector-${step}`).Code.S3Key;
      const dir = path.join(assembly.directory, `asset.${zip.replace(/\.zip$/, '')}`);
      expect(fs.readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map', 'model.json']);
      expect(fs.readFileSync(path.join(dir, 'index.js'), 'utf8')).toContain(MONITOR_HANDLERS[step]);
      const file = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      expect(file).toEqual({ env: 'team', model: JSON.parse(JSON.stringify(model)) });
    }
  });

  it('write the label lookback into model.json when one is given (Platform passes analytics.lookbackDays)', () => {
    const withLookback = teamStack({ labelLookbackDays: 21 }, 'Lookback');
    const assembly = withLookback.app.synth();
    const [fn] = Object.values(withLookback.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-team-fraud_detector-score' } }));
    const dir = path.join(assembly.directory, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).labelLookbackDays).toBe(21);
    expect(() => teamStack({ labelLookbackDays: 400 }, 'LookbackBad')).toThrow(/labelLookbackDays must be an integer from 0 to 366 \(days\), got 400$/);
  });
});

describe('the schedules', () => {
  const schedules = () => Object.values(team.template.findResources('AWS::Scheduler::Schedule')).map((s) => s.Properties);

  it("profile on the model's profile schedule with an empty event, and score each window on the score schedule", () => {
    const byName = Object.fromEntries(schedules().map((s) => [s.Name, { expression: s.ScheduleExpression, input: JSON.parse(s.Target.Input), target: render(s.Target.Arn) }]));
    const profileFn = `\${${team.stack.getLogicalId(team.monitor.profileFunction.node.defaultChild as CfnResource)}.Arn}`;
    const scoreFn = `\${${team.stack.getLogicalId(team.monitor.scoreFunction.node.defaultChild as CfnResource)}.Arn}`;
    expect(byName).toEqual({
      'dw-team-fraud_detector-profile': { expression: 'rate(1 hour)', input: {}, target: profileFn },
      'dw-team-fraud_detector-score-6h': { expression: 'cron(0 6 * * ? *)', input: { window: '6h' }, target: scoreFn },
      'dw-team-fraud_detector-score-1d': { expression: 'cron(0 6 * * ? *)', input: { window: '1d' }, target: scoreFn },
      'dw-team-fraud_detector-score-7d': { expression: 'cron(0 6 * * ? *)', input: { window: '7d' }, target: scoreFn },
    });
    for (const s of schedules()) expect(s).toMatchObject({ FlexibleTimeWindow: { Mode: 'OFF' }, State: 'ENABLED', ScheduleExpressionTimezone: 'Etc/UTC' });
  });

  it('invoke through a role that may invoke exactly the two functions and send to the dead-letter queue', () => {
    const role = render(schedules()[0].Target.RoleArn);
    for (const s of schedules()) expect(render(s.Target.RoleArn)).toBe(role);
    const [schedulerRole] = Object.values(team.template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
    }));
    const statements = ownPolicyStatements(schedulerRole);
    expect(statements.map((s: { Action: unknown; Resource: unknown }) => [s.Action, render(s.Resource)])).toEqual([
      ['lambda:InvokeFunction', expect.stringMatching(/^\$\{FraudMonitorProfileFunction\w+\.Arn\},\$\{FraudMonitorScoreFunction\w+\.Arn\}$/)],
      ['sqs:SendMessage', expect.stringMatching(/^\$\{FraudMonitorDeadLetterQueue\w+\.Arn\}$/)],
      [['kms:Decrypt', 'kms:GenerateDataKey'], expect.stringMatching(/^\$\{Key\w+\.Arn\}$/)],
    ]);
    // No extra policy resource: the targets' own grants (lambda:InvokeFunction on <arn>:*) were not added.
    team.template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('failed runs', () => {
  it('are retried twice by Lambda and by Scheduler, then kept in the dead-letter queue with the event and its error', () => {
    const queue = `\${${team.stack.getLogicalId(team.monitor.node.findChild('DeadLetterQueue').node.defaultChild as CfnResource)}.Arn}`;
    const configs = Object.values(team.template.findResources('AWS::Lambda::EventInvokeConfig')).map((c) => c.Properties);
    expect(configs).toHaveLength(2);
    for (const c of configs) {
      expect(c.MaximumRetryAttempts).toBe(2);
      // Lambda's on-failure record carries requestPayload (the event) and responsePayload.errorMessage.
      expect(render(c.DestinationConfig.OnFailure.Destination)).toBe(queue);
    }
    expect(configs.map((c) => c.MaximumEventAgeInSeconds).sort((a, b) => a - b)).toEqual([3600, 21600]);
    for (const s of Object.values(team.template.findResources('AWS::Scheduler::Schedule'))) {
      expect(s.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(2);
      expect(render(s.Properties.Target.DeadLetterConfig.Arn)).toBe(queue);
    }
  });

  it('land in a queue encrypted with the key, TLS only, kept 14 days', () => {
    team.template.resourceCountIs('AWS::SQS::Queue', 1);
    team.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'dw-team-fraud_detector-monitor-dlq',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      MessageRetentionPeriod: 14 * 86400,
    });
    team.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('go to an existing queue when one is given, with send permission and no queue of our own', () => {
    const app = new App();
    const stack = new Stack(app, 'Shared');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    const shared = sqs.Queue.fromQueueArn(stack, 'Failures', 'arn:aws:sqs:eu-west-1:123456789012:ml-monitor-failures');
    const monitor = new ModelMonitor(stack, 'M', { env: 'team', model, bucket, bundleDirectory: bundles, existingDeadLetterQueue: shared });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(monitor.deadLetterQueue).toBe(shared);
    const sends = iamStatements(template).filter((s) => s.Action === 'sqs:SendMessage');
    expect(sends.map((s) => s.Resource)).toEqual(['arn:aws:sqs:eu-west-1:123456789012:ml-monitor-failures', 'arn:aws:sqs:eu-west-1:123456789012:ml-monitor-failures']);
  });
});

/** The statements of a role's own customer-managed policy (the one its ManagedPolicyArns references). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function ownPolicyStatements(role: { [key: string]: any }): any[] {
  const refs: { Ref: string }[] = role.Properties.ManagedPolicyArns ?? [];
  expect(refs).toHaveLength(1);
  const policy = team.template.toJSON().Resources[refs[0].Ref];
  expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
  return policy.Properties.PolicyDocument.Statement;
}

describe('least privilege', () => {
  const statements = () => iamStatements(team.template);
  const functionRoleStatements = () => {
    const [role] = Object.values(team.template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
    }));
    return ownPolicyStatements(role);
  };
  const bucket = () => `\${${team.stack.getLogicalId(team.stack.node.findChild('Bucket').node.defaultChild as CfnResource)}.Arn}`;

  it('scopes every Athena, Glue and S3 statement; the only wildcards are the four documented object prefixes', () => {
    const scoped = statements().filter((s) => asArray(s.Action as string | string[]).some((a) => /^(athena|glue|s3):/.test(a)));
    expect(scoped.length).toBeGreaterThan(0);
    const wildcards = new Set<string>();
    for (const s of scoped) {
      for (const r of asArray(s.Resource as unknown).map(render)) {
        expect(r).not.toBe('*');
        if (r.includes('*')) wildcards.add(r);
      }
    }
    const b = bucket();
    expect([...wildcards].sort()).toEqual([`${b}/athena-results/*`, `${b}/labels/fraud_detector/*`, `${b}/monitor/fraud_detector/*`, `${b}/predictions/fraud_detector/*`]);
  });

  it("reads the model's records, reads and writes its monitor prefix and the query results, and lists only those prefixes", () => {
    const bySid = Object.fromEntries(functionRoleStatements().map((s) => [s.Sid, { actions: asArray(s.Action as string[]), resources: asArray(s.Resource as unknown).map(render), condition: s.Condition }]));
    const b = bucket();
    expect(bySid.RunQueriesInWorkGroup.resources).toEqual(['arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/driftwatch-team']);
    expect(bySid.RunQueriesInWorkGroup.actions.sort()).toEqual(['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution']);
    const glue = 'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}';
    expect(bySid.ReadModelTables).toEqual({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      resources: [
        `${glue}:catalog`,
        `${glue}:database/driftwatch_team`,
        `${glue}:table/driftwatch_team/predictions_fraud_detector`,
        `${glue}:table/driftwatch_team/labels_fraud_detector`,
        `${glue}:table/driftwatch_team/reference_bins_fraud_detector`,
        `${glue}:table/driftwatch_team/labelled_predictions_fraud_detector`,
      ],
      condition: undefined,
    });
    expect(bySid.ReadModelRecords).toMatchObject({ actions: ['s3:GetObject'], resources: [`${b}/predictions/fraud_detector/*`, `${b}/labels/fraud_detector/*`] });
    expect(bySid.ReadWriteMonitorPrefix).toMatchObject({ actions: ['s3:GetObject', 's3:PutObject'], resources: [`${b}/monitor/fraud_detector/*`] });
    expect(bySid.AthenaQueryResults.resources).toEqual([`${b}/athena-results/*`]);
    expect(bySid.ListModelPrefixes).toEqual({
      actions: ['s3:ListBucket'],
      resources: [b],
      condition: { StringLike: { 's3:prefix': ['predictions/fraud_detector/*', 'labels/fraud_detector/*', 'monitor/fraud_detector/*', 'athena-results/*'] } },
    });
    expect(bySid.PublishStatusEvents).toMatchObject({ actions: ['events:PutEvents'], resources: ['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default'] });
  });

  it('uses the key only through S3 and Athena for data and through SQS for failed runs', () => {
    const kmsStatements = functionRoleStatements().filter((s) => asArray(s.Action as string[]).some((a) => a.startsWith('kms:')));
    expect(kmsStatements.map((s) => [asArray(s.Action as string[]), (s.Condition as { StringEquals: Record<string, unknown[]> }).StringEquals['kms:ViaService'].map(render)])).toEqual([
      [['kms:Decrypt', 'kms:GenerateDataKey'], ['s3.${AWS::Region}.amazonaws.com', 'athena.${AWS::Region}.amazonaws.com']],
      [['kms:Decrypt', 'kms:GenerateDataKey'], ['sqs.${AWS::Region}.amazonaws.com']],
    ]);
  });

  it('has no CloudWatch PutMetricData (metrics go as EMF through the logs) and no managed policies', () => {
    const actions = statements().flatMap((s) => asArray(s.Action as string | string[]));
    expect(actions.filter((a) => a.startsWith('cloudwatch:'))).toEqual([]);
    // Each role's one policy is its own customer-managed policy (the compliance packs refuse inline ones); no AWS-managed policy.
    for (const role of Object.values(team.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.Policies).toBeUndefined();
      expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: expect.stringMatching(/Policy/) }]);
    }
  });
});

describe('the reference-bins table', () => {
  it('reads JSON lines under monitor/<model>/reference/bins/ with the bins columns, no partitions', () => {
    const [table] = Object.values(team.template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: 'reference_bins_fraud_detector' } } }));
    const input = table.Properties.TableInput;
    expect(input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name} ${c.Type}`)).toEqual([
      'reference_id string',
      'feature string',
      'bin_set string',
      'position int',
      'edge double',
      'category string',
    ]);
    expect(REFERENCE_BINS_COLUMNS).toHaveLength(6);
    expect(input.PartitionKeys).toBeUndefined();
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(render(input.StorageDescriptor.Location)).toMatch(/^s3:\/\/\$\{Bucket\w+\}\/monitor\/fraud_detector\/reference\/bins\/$/);
    expect(table.Properties.DatabaseName).toBe('driftwatch_team');
  });
});

describe('cdk-nag and scale', () => {
  it('has no unacknowledged AwsSolutions finding, and each acknowledgement names its reason', () => {
    expect(nagFindings(team.monitor)).toEqual([]);
    const reasons = team.monitor.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').flatMap((m) => Object.entries(m.data as Record<string, string>)));
    expect(reasons.map(([id]) => id.replace(/^Annotation::/, '').replace(/\[.*$/, '')).filter((id) => id.startsWith('AwsSolutions-')).sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-IAM5', 'AwsSolutions-IAM5', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-L1', 'AwsSolutions-SQS3']);
    for (const [, reason] of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  it('adds 14 resources plus one score schedule per window, whatever the number of features', () => {
    const count = (features: number) => {
      const app = new App();
      const stack = new Stack(app, 'Scale');
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
      const m = syntheticConfig(1, features).models[0];
      const monitor = new ModelMonitor(stack, 'M', { env: 'bench', model: m, bucket, bundleDirectory: bundles });
      return monitor.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
    };
    expect(count(5)).toBe(MODEL_RESOURCES.monitor + 2 * MODEL_RESOURCES.perWindow);
    expect(count(200)).toBe(count(5));
    expect(team.monitor.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length).toBe(MODEL_RESOURCES.monitor + 3);
  });
});

describe('validation at construction', () => {
  const attempt = (props: Partial<ModelMonitorProps>) => () => teamStack(props, `Bad${Math.random().toString(36).slice(2, 8)}`);

  it('refuses a memory size outside Lambda\'s range, naming the prop and value', () => {
    expect(attempt({ profileMemorySize: 100 })).toThrow(/FraudMonitor: profileMemorySize must be an integer from 128 to 10240 \(MB\), got 100$/);
    expect(attempt({ scoreMemorySize: 512.5 })).toThrow(/scoreMemorySize must be an integer from 128 to 10240 \(MB\), got 512.5$/);
  });

  it('refuses a timeout beyond 15 minutes', () => {
    expect(attempt({ scoreTimeout: Duration.minutes(16) })).toThrow(/scoreTimeout must be a whole number of seconds from 1 to 900 \(15 minutes\), got 16 minutes$/);
  });

  it('refuses a schedule that is not a schedule expression, naming the config path and the value', () => {
    const bad = { ...model, schedules: { ...model.schedules, profile: 'every hour' } };
    expect(attempt({ model: bad })).toThrow(/invalid model "fraud_detector":\n {2}- model\.schedules\.profile: .*"every hour"/);
  });

  it('refuses a bad env name, a bad database name and a bucket without a key', () => {
    expect(attempt({ env: 'Prod-EU' })).toThrow(/env "Prod-EU" is invalid: expected 1-10 lower-case letters or digits/);
    expect(attempt({ databaseName: 'drift-watch' })).toThrow(/databaseName must be a plain SQL\/Glue identifier, got "drift-watch"/);
    const app = new App();
    const stack = new Stack(app, 'NoKey');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED });
    expect(() => new ModelMonitor(stack, 'M', { env: 'team', model, bucket, bundleDirectory: bundles })).toThrow(/key is required when the bucket has no encryptionKey/);
  });

  it('skips the checks for values not known until deployment', () => {
    const memory = Lazy.number({ produce: () => 100 });
    expect(() => teamStack({ profileMemorySize: memory }, 'Tokens')).not.toThrow();
  });

  it('warns that an imported key needs the Logs statement in its own policy', () => {
    const app = new App();
    const stack = new Stack(app, 'Imported');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'team-data', encryptionKey: key });
    new ModelMonitor(stack, 'M', { env: 'team', model, bucket, bundleDirectory: bundles });
    Annotations.fromStack(stack).hasWarning('/Imported/M', Match.stringLikeRegexp('must allow logs.<region>.amazonaws.com .* /driftwatch/team/fraud_detector/monitor-\\*'));
  });
});

describe('metrics and imports', () => {
  it('offers errors per function (sum per hour) and the visible dead letters (maximum per 5 minutes)', () => {
    const stack = team.stack;
    const errors = team.monitor.metricProfileErrors();
    expect({ name: errors.metricName, ns: errors.namespace, stat: errors.statistic, period: errors.period.toSeconds() }).toEqual({ name: 'Errors', ns: 'AWS/Lambda', stat: 'Sum', period: 3600 });
    expect(stack.resolve(errors.dimensions)).toEqual({ FunctionName: { Ref: stack.getLogicalId(team.monitor.profileFunction.node.defaultChild as CfnResource) } });
    expect(team.monitor.metricScoreErrors({ period: Duration.days(1) }).period.toSeconds()).toBe(86400);
    const dlq = team.monitor.metricDeadLetterMessages();
    expect({ name: dlq.metricName, ns: dlq.namespace, stat: dlq.statistic, period: dlq.period.toSeconds() }).toEqual({ name: 'ApproximateNumberOfMessagesVisible', ns: 'AWS/SQS', stat: 'Maximum', period: 300 });
  });

  it('imports a monitor deployed elsewhere by its ARNs', () => {
    const app = new App();
    const stack = new Stack(app, 'Alerts', { env: { account: '123456789012', region: 'eu-west-1' } });
    const imported = ModelMonitor.fromModelMonitorAttributes(stack, 'Fraud', {
      modelId: 'fraud_detector',
      profileFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dw-prod-fraud_detector-profile',
      scoreFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dw-prod-fraud_detector-score',
      deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:dw-prod-fraud_detector-monitor-dlq',
    });
    expect(imported.metricScoreErrors().dimensions).toEqual({ FunctionName: 'dw-prod-fraud_detector-score' });
    expect(imported.metricDeadLetterMessages().dimensions).toEqual({ QueueName: 'dw-prod-fraud_detector-monitor-dlq' });
  });
});

describe('handler bundles', () => {
  const sources = path.join(tmp, 'sources');
  beforeAll(() => {
    fs.mkdirSync(sources, { recursive: true });
    fs.writeFileSync(path.join(sources, 'uses-duckdb.ts'), "import { DuckDBInstance } from '@duckdb/node-api';\nexport const handler = async () => DuckDBInstance.create(':memory:');\n");
    fs.writeFileSync(path.join(sources, 'plain.ts'), 'export const handler = async (event: { window?: string }) => ({ window: event.window ?? null });\n');
  });

  it('fail the build when DuckDB (the local engine) would be bundled, naming the package and who imports it', () => {
    expect(() => bundleHandler('uses-duckdb', path.join(tmp, 'out-duckdb'), { sourceDir: sources })).toThrow(
      /handler uses-duckdb: DuckDB must not be in a Lambda bundle .* @duckdb\/node-api imported by .*uses-duckdb\.ts/,
    );
  });

  it('are built from the sources at synthesis when no prebuilt bundle exists (a fresh clone after npm ci)', () => {
    const bundle = handlerBundle('plain', path.join(tmp, 'no-dist'), sources);
    expect(bundle.origin).toBe('bundled');
    expect(fs.readdirSync(bundle.dir).sort()).toEqual(['index.js', 'index.js.map']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(bundle.dir, 'index.js')) as { handler: (e: unknown) => Promise<unknown> };
    return expect(mod.handler({ window: '1d' })).resolves.toEqual({ window: '1d' });
  });

  it('are rebuilt from the sources when a source changed after the prebuilt bundle (never deploying old code)', () => {
    const dist = path.join(tmp, 'dist-stale');
    bundleHandler('plain', path.join(dist, 'plain'), { sourceDir: sources });
    expect(staleSources(path.join(dist, 'plain'))).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(sources, 'plain.ts'), later, later);
    expect(staleSources(path.join(dist, 'plain'))).toEqual([path.relative(path.join(__dirname, '../..'), path.join(sources, 'plain.ts'))]);
    const bundle = handlerBundle('plain', dist, sources);
    expect(bundle.origin).toBe('bundled');
    expect(bundle.stale).toMatch(/dist-stale\/plain\/index\.js is older than .*plain\.ts; bundled from the sources instead/);
  });

  it.each(Object.values(MONITOR_HANDLERS))('%s (the real handler) bundles under 1 MB without DuckDB', (name) => {
    expect(fs.existsSync(path.join(HANDLER_SOURCE_DIR, `${name}.ts`))).toBe(true);
    const report = bundleHandler(name, path.join(tmp, 'real', name));
    expect(report.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(report.packages.map((p) => p.name)).not.toContain('@duckdb/node-api');
  });
});

