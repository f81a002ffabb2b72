/**
 * PipelineOutcome as RetrainTrigger makes it (given a ledger and the owner's topic), asserted on the
 * template: the rule's event pattern (and the same pattern in moto_server's EventBridge, fed
 * SageMaker-shaped events), the function's environment and its permissions, the dead-letter queue
 * and retries, cdk-nag AwsSolutions and cfn-lint; and the real bundle.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { validateConfig } from '../../config';
import { bundleHandler, removeTemporaryAssets } from '../../lib/monitor';
import { mlflowServerArn, PIPELINE_OUTCOME_HANDLER, RetrainTrigger } from '../../lib/retraining';
import { PromotionLedgerTable } from '../../lib/promotion/ledger-table';
import { asArray, iamStatements, nagFindings, renderCfn } from '../lib/helpers';
import { motoClientConfig, startMoto } from '../support/moto';
import { stubRetrainingBundles } from './bundles.test-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-outcome-construct-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const bundles = stubRetrainingBundles(path.join(tmp, 'bundles'));

const model = validateConfig(configWith('team', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } })).models[0];

const app = new App({ outdir: path.join(tmp, 'out') });
const stack = new Stack(app, 'Team', { env: { account: '123456789012', region: 'eu-west-1' } });
const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
const ledger = PromotionLedgerTable.fromTableName(stack, 'Ledger', { tableName: 'dw-team-promotion-ledger', encryptionKey: key });
const alertTopic = new sns.Topic(stack, 'OwnerWarning', { topicName: 'dw-team-fraud-team-warning', masterKey: key, enforceSSL: true });
const trigger = new RetrainTrigger(stack, 'FraudRetraining', { env: 'team', model, bucket, key, bundleDirectory: bundles, ledger, alertTopic });
const template = Template.fromStack(stack);
const outcome = trigger.outcome!;
const PIPELINE_ARN = 'arn:${AWS::Partition}:sagemaker:eu-west-1:123456789012:pipeline/dw-team-fraud-detector-retrain';

/** A CloudFormation value with every reference in it rendered (renderCfn, applied throughout objects). */
function renderDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(renderDeep);
  if (['Ref', 'Fn::GetAtt', 'Fn::Join'].some((k) => k in value)) return renderCfn(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v)]));
}

/** The outcome function's role's statements (its managed policy, made under the role). */
function outcomeStatements() {
  const policy = outcome.function.role!.node.findChild('Policy').node.defaultChild as never;
  const document = template.toJSON().Resources[stack.getLogicalId(policy)].Properties.PolicyDocument;
  return (document.Statement as Record<string, unknown>[]).map((s) => ({ sid: s.Sid, actions: asArray(s.Action as string | string[]), resources: asArray(s.Resource).map(renderCfn), condition: s.Condition }));
}

function outcomeRule() {
  const id = stack.getLogicalId(outcome.rule.node.defaultChild as never);
  return renderDeep(template.toJSON().Resources[id].Properties) as { EventPattern: Record<string, unknown>; Targets: Record<string, unknown>[] };
}

test("the rule takes SageMaker's execution status changes of this model's pipeline only, its three ends, with retries and the dead-letter queue", () => {
  const rule = outcomeRule();
  expect(rule.EventPattern).toEqual({
    source: ['aws.sagemaker'],
    'detail-type': ['SageMaker Model Building Pipeline Execution Status Change'],
    detail: { pipelineArn: [PIPELINE_ARN], currentPipelineExecutionStatus: ['Succeeded', 'Failed', 'Stopped'] },
  });
  const queueArn = `\${${stack.getLogicalId(trigger.deadLetterQueue.node.defaultChild as never)}.Arn}`;
  expect(rule.Targets).toEqual([expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 21600 }, DeadLetterConfig: { Arn: queueArn } })]);
});

test("the function: the outcome bundle, told the pipeline, the ledger and the owner's topic; its failures go to the retraining queue after 2 retries", () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'dw-team-fraud_detector-retrain-outcome',
    Handler: 'index.handler',
    Runtime: 'nodejs22.x',
    Environment: { Variables: Match.objectLike({ DW_PIPELINE_NAME: 'dw-team-fraud-detector-retrain', DW_LEDGER_TABLE: 'dw-team-promotion-ledger', DW_ALERT_TOPIC_ARN: { Ref: stack.getLogicalId(alertTopic.node.defaultChild as never) } }) },
  });
  const fnId = stack.getLogicalId(outcome.function.node.defaultChild as never);
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: fnId },
    MaximumRetryAttempts: 2,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [stack.getLogicalId(trigger.deadLetterQueue.node.defaultChild as never), 'Arn'] } } },
  });
  // The queue is KMS-encrypted, and the key lets EventBridge write this rule's undeliverable events.
  template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'dw-team-fraud_detector-retrain-dlq', KmsMasterKeyId: Match.anyValue() });
  const keyPolicy = renderDeep(Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy) as { Statement: Record<string, unknown>[] };
  expect(keyPolicy.Statement).toContainEqual(
    expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:${AWS::Partition}:events:eu-west-1:123456789012:rule/dw-team-fraud_detector-retrain-outcome' } } }),
  );
});

test("least privilege: this pipeline's execution steps, the ledger's PutItem and Query, Publish on the owner's topic, its logs and the queue; keys through their services", () => {
  const statements = outcomeStatements();
  const topicRef = `\${${stack.getLogicalId(alertTopic.node.defaultChild as never)}}`;
  expect(statements.map((s) => [s.sid, s.actions, s.resources])).toEqual([
    ['ReadExecutionSteps', ['sagemaker:ListPipelineExecutionSteps', 'sagemaker:DescribePipelineExecution'], [`${PIPELINE_ARN}/execution/*`]],
    ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [expect.stringContaining('Arn}')]],
    ['SendFailedRuns', ['sqs:SendMessage'], [expect.stringContaining('DeadLetterQueue')]],
    ['EncryptFailedRuns', ['kms:Decrypt', 'kms:GenerateDataKey'], [expect.stringContaining('Key')]],
    ['AppendToPromotionLedger', ['dynamodb:PutItem'], ['arn:${AWS::Partition}:dynamodb:eu-west-1:123456789012:table/dw-team-promotion-ledger']],
    ['UseLedgerKeyThroughDynamoDB', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], [expect.stringContaining('Key')]],
    ['ReadPromotionLedger', ['dynamodb:Query', 'dynamodb:GetItem'], ['arn:${AWS::Partition}:dynamodb:eu-west-1:123456789012:table/dw-team-promotion-ledger']],
    ['DecryptLedgerThroughDynamoDB', ['kms:Decrypt', 'kms:DescribeKey'], [expect.stringContaining('Key')]],
    ['AlertOwner', ['sns:Publish'], [topicRef]],
    ['UseTopicKeyThroughSns', ['kms:Decrypt', 'kms:GenerateDataKey'], [expect.stringContaining('Key')]],
  ]);
  for (const s of statements.filter((x) => x.actions.some((a) => a.startsWith('kms:')))) expect(JSON.stringify(s.condition)).toMatch(/kms:ViaService/);
  // No other role of the stack may read execution steps.
  const readers = iamStatements(template).filter((s) => asArray(s.Action as string | string[]).includes('sagemaker:ListPipelineExecutionSteps'));
  expect(readers).toHaveLength(1);
});

test('cdk-nag AwsSolutions: no finding left unacknowledged', () => {
  expect(nagFindings(trigger)).toEqual([]);
});

test('cfn-lint reports no errors', () => {
  const file = path.join(tmp, 'outcome.template.json');
  fs.writeFileSync(file, JSON.stringify(template.toJSON()));
  const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
  expect(run.error).toBeUndefined();
  expect(run.stdout.split('\n').filter((l) => /:E\d{4}:/.test(l))).toEqual([]);
  expect(run.status! & 2).toBe(0);
});

test('without a ledger there is no outcome function (nothing to record into)', () => {
  const other = new Stack(new App(), 'Plain', { env: { account: '123456789012', region: 'eu-west-1' } });
  const k = new kms.Key(other, 'Key', { enableKeyRotation: true });
  const plain = new RetrainTrigger(other, 'R', { env: 'team', model, bucket: new s3.Bucket(other, 'Bucket', { encryptionKey: k }), key: k, bundleDirectory: bundles });
  expect(plain.outcome).toBeUndefined();
  Template.fromStack(other).resourcePropertiesCountIs('AWS::Lambda::Function', { FunctionName: 'dw-team-fraud_detector-retrain-outcome' }, 0);
});

/** The same trigger in an environment with MLflow tracking (`config.mlflow`: the server by its ARN). */
function trackedStack() {
  const tracked = new Stack(new App({ outdir: path.join(tmp, 'tracked') }), 'Tracked', { env: { account: '123456789012', region: 'eu-west-1' } });
  const k = new kms.Key(tracked, 'Key', { enableKeyRotation: true });
  const b = new s3.Bucket(tracked, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: k, enforceSSL: true });
  const l = PromotionLedgerTable.fromTableName(tracked, 'Ledger', { tableName: 'dw-team-promotion-ledger', encryptionKey: k });
  const serverArn = mlflowServerArn(tracked, 'team');
  const t = new RetrainTrigger(tracked, 'FraudRetraining', { env: 'team', model, bucket: b, key: k, bundleDirectory: bundles, ledger: l, mlflowTrackingServerArn: serverArn, codeVersion: '0123abc' });
  return { tracked, trigger: t, template: Template.fromStack(tracked), bucket: b };
}

describe('with MLflow tracking', () => {
  const { tracked, trigger: t, template: tt, bucket: b } = trackedStack();
  const fn = t.outcome!.function;
  const statementsOf = () =>
    iamStatements(tt)
      .map((s) => ({ sid: s.Sid as string | undefined, actions: asArray(s.Action as string | string[]), resources: asArray(s.Resource).map(renderCfn) }));
  const bucketArn = `\${${tracked.getLogicalId(b.node.defaultChild as never)}.Arn}`;

  test('the function is told the tracking server, the data bucket and the deployed commit, and has time for a slow server', () => {
    tt.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'dw-team-fraud_detector-retrain-outcome',
      Timeout: 180,
      Environment: { Variables: Match.objectLike({ DW_MLFLOW_TRACKING_SERVER_ARN: Match.anyValue(), DW_BUCKET: { Ref: tracked.getLogicalId(b.node.defaultChild as never) }, DW_CODE_VERSION: '0123abc' }) },
    });
    const vars = renderDeep(tt.toJSON().Resources[tracked.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables) as Record<string, string>;
    expect(vars.DW_MLFLOW_TRACKING_SERVER_ARN).toBe('arn:${AWS::Partition}:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/dw-team-mlflow');
  });

  test("least privilege: the executions' parameters, the pipeline's training jobs, the model's runs and gate reports, the tracking actions on the server only", () => {
    const statements = statementsOf();
    expect(statements).toContainEqual({ sid: 'ReadExecutionParameters', actions: ['sagemaker:ListPipelineParametersForExecution'], resources: [`${PIPELINE_ARN}/execution/*`] });
    expect(statements).toContainEqual({ sid: 'DescribeTrainingJobs', actions: ['sagemaker:DescribeTrainingJob'], resources: ['arn:${AWS::Partition}:sagemaker:eu-west-1:123456789012:training-job/pipelines-*'] });
    expect(statements).toContainEqual({
      sid: 'ReadRunsAndGateReports',
      actions: ['s3:GetObject'],
      resources: [`${bucketArn}/retraining/fraud_detector/runs/*`, `${bucketArn}/retraining/fraud_detector/ledger/gates/*`],
    });
    const mlflow = statements.filter((s) => s.actions.some((a) => a.startsWith('sagemaker-mlflow:')));
    expect(mlflow).toHaveLength(1);
    expect(mlflow[0].actions).toEqual(expect.arrayContaining(['sagemaker-mlflow:CreateRun', 'sagemaker-mlflow:LogBatch', 'sagemaker-mlflow:SearchRuns']));
    expect(mlflow[0].resources).toEqual(['arn:${AWS::Partition}:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/dw-team-mlflow']);
  });

  test('cdk-nag AwsSolutions and cfn-lint stay clean', () => {
    expect(nagFindings(t)).toEqual([]);
    const file = path.join(tmp, 'tracked.template.json');
    fs.writeFileSync(file, JSON.stringify(tt.toJSON()));
    const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
    expect(run.stdout.split('\n').filter((l) => /:E\d{4}:/.test(l))).toEqual([]);
    expect(run.status! & 2).toBe(0);
  });
});

test('without MLflow the outcome function has no MLflow, S3 or training job permissions', () => {
  const actions = outcomeStatements().flatMap((s) => s.actions);
  expect(actions.filter((a) => a.startsWith('sagemaker-mlflow:') || a.startsWith('s3:') || a === 'sagemaker:DescribeTrainingJob' || a === 'sagemaker:ListPipelineParametersForExecution')).toEqual([]);
  const vars = template.toJSON().Resources[stack.getLogicalId(outcome.function.node.defaultChild as never)].Properties.Environment.Variables;
  expect(Object.keys(vars)).not.toEqual(expect.arrayContaining(['DW_MLFLOW_TRACKING_SERVER_ARN']));
  expect(Object.keys(vars)).not.toContain('DW_BUCKET');
});

test("moto_server's EventBridge matches the synthesized pattern: only this pipeline's ends reach the target", async () => {
  const moto = await startMoto();
  try {
    const eb = new EventBridgeClient(motoClientConfig(moto.endpoint));
    const sqs = new SQSClient(motoClientConfig(moto.endpoint));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'outcomes' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    // The pattern as deployed in this account and region (the partition resolved).
    const pattern = JSON.stringify(outcomeRule().EventPattern).replace('${AWS::Partition}', 'aws');
    await eb.send(new PutRuleCommand({ Name: 'outcome', EventPattern: pattern }));
    await eb.send(new PutTargetsCommand({ Rule: 'outcome', Targets: [{ Id: 'q', Arn: queueArn }] }));
    const pipelineArn = PIPELINE_ARN.replace('${AWS::Partition}', 'aws');
    const change = (arn: string, status: string) => ({
      Source: 'aws.sagemaker',
      DetailType: 'SageMaker Model Building Pipeline Execution Status Change',
      Detail: JSON.stringify({ currentPipelineExecutionStatus: status, pipelineArn: arn, pipelineExecutionArn: `${arn}/execution/${status.toLowerCase()}1` }),
    });
    const other = pipelineArn.replace('fraud-detector', 'churn');
    await eb.send(new PutEventsCommand({ Entries: [change(pipelineArn, 'Executing'), change(pipelineArn, 'Failed'), change(other, 'Failed'), change(pipelineArn, 'Succeeded'), change(pipelineArn, 'Stopping'), change(pipelineArn, 'Stopped')] }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const statuses = (got.Messages ?? []).map((m) => JSON.parse(m.Body!).detail.currentPipelineExecutionStatus).sort();
    expect(statuses).toEqual(['Failed', 'Stopped', 'Succeeded']);
    eb.destroy();
    sqs.destroy();
  } finally {
    await moto.stop();
  }
}, 60_000);

test('the real pipeline-outcome bundle has its handler, no DuckDB, under 1 MB', () => {
  const out = path.join(tmp, 'real');
  const report = bundleHandler(PIPELINE_OUTCOME_HANDLER, out);
  expect(report.bytes).toBeLessThan(1024 * 1024);
  expect(fs.readFileSync(path.join(out, 'index.js'), 'utf8')).toMatch(/ListPipelineExecutionSteps/);
});
