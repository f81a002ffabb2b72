/**
 * The pipeline-outcome Lambda against moto_server, through its handler: SageMaker (the builder's
 * pipeline registered with CreatePipeline, executions started with StartPipelineExecution, the
 * model package a registration made with CreateModelPackage, DescribePipelineExecution), DynamoDB
 * (the real DynamoDB ledger adapter on a table made from the construct's keys) and SNS (the owner's
 * topic, read back through an SQS subscription).
 *
 * What moto 5.2.1 cannot do, and the one fill-in for it: it has no ListPipelineExecutionSteps, and
 * its executions never run their steps (each is `Succeeded` at once), so no step can fail or
 * register. That one call is answered in-process (a spy on SageMakerClient.send for that command
 * only) with the steps each test gives; SageMaker's status change event, which moto does not send,
 * is written here in the documented shape.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  type PipelineExecutionStep,
  type StepStatus,
} from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { validateConfig } from '../../config';
import { SnsAlertSink } from '../../lambda/adapters/aws/sns-alert-sink';
import { parseOwnerAlert } from '../../lambda/alerting/owner-alert';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { SageMakerExecutionInspector } from '../../lambda/retraining/adapters/sagemaker-pipelines';
import { retrainingPipelineDefinition } from '../../lambda/retraining/pipeline';
import { recordPipelineOutcome } from '../../lambda/retraining/record-outcome';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createLedgerTable } from '../promotion/ledger-table-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';
import { answerExecutionStepsInProcess, statusChange } from './execution-steps.test-fixture';
import { SPEC } from './pipeline-spec';

jest.setTimeout(120_000);

const PIPELINE = 'dw-test-fraud-detector-retrain';
const GROUP = 'dw-test-fraud-detector';
const LEDGER_TABLE = 'dw-test-promotion-ledger';
const TRAINING_FAILURE = 'AlgorithmError: ExecuteUserScriptError: Command "python3 train.py" exited with 1: KeyError: \'amount\'';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pipeline-outcome-'));
const savedEnv = { ...process.env };

let moto: MotoServer;
let sm: SageMakerClient;
let ddb: DynamoDBClient;
let sns: SNSClient;
let sqs: SQSClient;
let ledger: DynamoDbLedger;
let topicArn: string;
let queueUrl: string;
let handler: (event: unknown) => Promise<Record<string, unknown>>;

/** The steps ListPipelineExecutionSteps answers, by execution ARN (the one call moto lacks). */
let stepsOf: Map<string, PipelineExecutionStep[]>;

beforeAll(async () => {
  moto = await startMoto();
  sm = new SageMakerClient(motoClientConfig(moto.endpoint));
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  sns = new SNSClient(motoClientConfig(moto.endpoint));
  sqs = new SQSClient(motoClientConfig(moto.endpoint));
  ledger = new DynamoDbLedger(ddb, { tableName: LEDGER_TABLE });
  await createLedgerTable(ddb, LEDGER_TABLE);
  const definition = JSON.stringify(retrainingPipelineDefinition({ ...SPEC, modelPackageGroupName: GROUP }));
  await sm.send(new CreatePipelineCommand({ PipelineName: PIPELINE, PipelineDefinition: definition, RoleArn: SPEC.roleArn, ClientRequestToken: 'create-outcome-pipeline'.padEnd(32, '0') }));
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'dw-test-team-fraud-warning' }))).TopicArn!;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'owner-alerts' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));

  stepsOf = answerExecutionStepsInProcess();

  const file = path.join(tmp, 'model.json');
  const model = validateConfig(configWith('test', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } })).models[0];
  fs.writeFileSync(file, JSON.stringify({ env: 'test', model }));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    DW_PIPELINE_NAME: PIPELINE,
    DW_LEDGER_TABLE: LEDGER_TABLE,
    DW_ALERT_TOPIC_ARN: topicArn,
    DW_MODEL_FILE: file,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  handler = (await import('../../lambda/handlers/pipeline-outcome')).handler as never;
});

afterAll(async () => {
  jest.restoreAllMocks();
  process.env = { ...savedEnv };
  for (const c of [sm, ddb, sns, sqs]) c?.destroy();
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A real execution of the pipeline in moto, by its display name. */
async function startExecution(name: string): Promise<string> {
  const res = await sm.send(new StartPipelineExecutionCommand({ PipelineName: PIPELINE, PipelineExecutionDisplayName: name, ClientRequestToken: `start-${name}`.padEnd(32, '0') }));
  return res.PipelineExecutionArn!;
}


const step = (name: string, status: StepStatus, startTime: string, extra: Partial<PipelineExecutionStep> = {}): PipelineExecutionStep => ({ StepName: name, StepStatus: status, StartTime: new Date(startTime), ...extra });

/** The owner alerts the topic delivered to its SQS subscriber so far (and takes them off the queue). */
async function deliveredAlerts() {
  const out = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (!got.Messages?.length) return out;
    for (const m of got.Messages) {
      out.push(parseOwnerAlert(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

const executionIdOf = (arn: string) => arn.split('/').pop()!;

test('a failure in training, delivered twice: one execution entry naming the step and its reason, one owner alert', async () => {
  const arn = await startExecution('fails-in-training');
  stepsOf.set(arn, [
    step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'),
    step('Train', 'Failed', '2026-11-25T12:41:00Z', { FailureReason: TRAINING_FAILURE, Metadata: { TrainingJob: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-x-train' } } }),
  ]);
  const event = statusChange(arn, 'Failed');
  expect(await handler(event)).toMatchObject({ outcome: 'recorded', alerted: true, registered: null });
  expect(await handler(event)).toEqual({ outcome: 'duplicate', entryId: `execution:${executionIdOf(arn)}:failed` });

  const entries = await ledger.history('fraud_detector', { kinds: ['execution'] });
  const mine = entries.filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({
    id: `execution:${executionIdOf(arn)}:failed`,
    kind: 'execution',
    outcome: 'failed',
    at: '2026-11-25T14:10:10Z',
    actor: { type: 'system', id: 'retraining/pipeline-outcome' },
    reason: `Retraining pipeline execution ${executionIdOf(arn)} failed in step Train: ${TRAINING_FAILURE}`,
    metrics: { durationSeconds: 6605 },
    details: { failedStep: 'Train', failureReason: TRAINING_FAILURE, status: 'Failed' },
  });

  const alerts = await deliveredAlerts();
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({
    id: `ledger:execution:${executionIdOf(arn)}:failed`,
    env: 'test',
    modelId: 'fraud_detector',
    signal: 'retraining:execution',
    severity: 'warning',
    title: 'fraud_detector: retraining pipeline failed in step Train',
  });
  expect(alerts[0].summary).toContain(`failed in step Train: ${TRAINING_FAILURE}`);
});

test('a success that registered a candidate: a registered entry with the package and its version, then the execution entry; no alert', async () => {
  const arn = await startExecution('registers-a-candidate');
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));
  const pkg = await sm.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: GROUP,
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: { Containers: [{ Image: SPEC.inferenceImage, ModelDataUrl: 's3://models/fraud/1/model.tar.gz' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
    }),
  );
  const packageArn = pkg.ModelPackageArn!;
  stepsOf.set(arn, [
    step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'),
    step('Train', 'Succeeded', '2026-11-25T12:41:00Z'),
    step('Evaluate', 'Succeeded', '2026-11-25T13:30:00Z'),
    step('CheckGates', 'Succeeded', '2026-11-25T13:50:00Z'),
    step('GatesPassed', 'Succeeded', '2026-11-25T13:51:00Z'),
    step('Register-RegisterModel', 'Succeeded', '2026-11-25T13:52:00Z', { Metadata: { RegisterModel: { Arn: packageArn } } }),
  ]);
  const event = statusChange(arn, 'Succeeded', '2026-11-25T13:55:00Z');
  expect(await handler(event)).toMatchObject({ outcome: 'recorded', alerted: false, registered: '1' });
  expect(await handler(event)).toMatchObject({ outcome: 'duplicate' });

  const entries = (await ledger.history('fraud_detector', { kinds: ['registered', 'execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entries.map((e) => [e.kind, e.id, e.outcome])).toEqual([
    ['execution', `execution:${executionIdOf(arn)}:succeeded`, 'succeeded'],
    ['registered', 'registered:1', 'registered'],
  ]);
  expect(entries[1].subject).toEqual({ modelPackageArn: packageArn, version: '1', pipelineExecutionArn: arn });
  expect(entries[0].subject).toEqual({ pipelineExecutionArn: arn, modelPackageArn: packageArn, version: '1' });
  expect(await deliveredAlerts()).toEqual([]);
});

test("a failure in the gates' Fail step is recorded, but not alerted again (the gate step sent its checks and deltas)", async () => {
  const arn = await startExecution('fails-its-gates');
  stepsOf.set(arn, [step('CheckGates', 'Succeeded', '2026-11-25T13:50:00Z'), step('GatesFailed', 'Failed', '2026-11-25T13:51:00Z', { FailureReason: 'gates failed: threshold: roc_auc is 0.81, needs >= 0.9 (delta -0.09)' })]);
  expect(await handler(statusChange(arn, 'Failed'))).toMatchObject({ outcome: 'recorded', alerted: false });
  const [entry] = (await ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entry.reason).toContain('failed in step GatesFailed: gates failed: threshold: roc_auc is 0.81');
  expect(await deliveredAlerts()).toEqual([]);
});

test('a stop is recorded without an alert; a status that is not an end is ignored; an event of another pipeline is refused', async () => {
  const arn = await startExecution('stopped-by-hand');
  stepsOf.set(arn, [step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'), step('Train', 'Stopped', '2026-11-25T12:41:00Z')]);
  expect(await handler(statusChange(arn, 'Executing'))).toEqual({ outcome: 'ignored', status: 'Executing' });
  expect(await handler(statusChange(arn, 'Stopped'))).toMatchObject({ outcome: 'recorded', alerted: false });
  const [entry] = (await ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entry).toMatchObject({ id: `execution:${executionIdOf(arn)}:stopped`, outcome: 'stopped' });
  const other = statusChange(arn.replace(PIPELINE, 'dw-test-churn-retrain'), 'Failed');
  await expect(handler(other)).rejects.toThrow('the event is of pipeline dw-test-churn-retrain, not dw-test-fraud-detector-retrain');
  expect(await deliveredAlerts()).toEqual([]);
});

test('an alert that cannot be published fails the event before anything is recorded, so the retry alerts and records', async () => {
  const arn = await startExecution('alert-on-retry');
  stepsOf.set(arn, [step('Train', 'Failed', '2026-11-25T12:41:00Z', { FailureReason: TRAINING_FAILURE })]);
  const settings = { env: 'test', modelId: 'fraud_detector', pipelineName: PIPELINE };
  const executions = new SageMakerExecutionInspector(sm);
  const missingTopic = new SnsAlertSink(sns, topicArn.replace(/[^:]+$/, 'no-such-topic'));
  await expect(recordPipelineOutcome({ executions, ledger, alerts: missingTopic }, settings, statusChange(arn, 'Failed'))).rejects.toThrow(/could not publish the owner alert ledger:execution:.+:failed/);
  expect((await ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn)).toEqual([]);
  expect(await recordPipelineOutcome({ executions, ledger, alerts: new SnsAlertSink(sns, topicArn) }, settings, statusChange(arn, 'Failed'))).toMatchObject({ outcome: 'recorded', alerted: true });
  expect((await deliveredAlerts()).map((a) => a.id)).toEqual([`ledger:execution:${executionIdOf(arn)}:failed`]);
});

test('a failure no step explains takes the execution\'s own FailureReason from DescribePipelineExecution (moto gives none)', async () => {
  const arn = await startExecution('no-failed-step');
  stepsOf.set(arn, [step('PullData', 'Succeeded', '2026-11-25T12:20:06Z')]);
  await handler(statusChange(arn, 'Failed'));
  const [entry] = (await ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entry.reason).toBe(`Retraining pipeline execution ${executionIdOf(arn)} failed: SageMaker gave no reason and no step is marked failed`);
  expect((await deliveredAlerts()).map((a) => a.title)).toEqual(['fraud_detector: retraining pipeline failed']);
});
