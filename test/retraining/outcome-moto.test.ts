/**
 * The pipeline-outcome Lambda against moto_server, through its handler: SageMaker (the builder's
 * pipeline registered with CreatePipeline, executions started with StartPipelineExecution, the
 * model package a registration made with CreateModelPackage, DescribePipelineExecution), DynamoDB
 * (the real DynamoDB ledger adapter on a table made from the construct's keys) and SNS (the owner's
 * topic, read back through an SQS subscription). The world, and the one fill-in for what moto
 * cannot do (ListPipelineExecutionSteps), is outcome-fixture.ts's.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SnsAlertSink } from '../../lambda/adapters/aws/sns-alert-sink';
import { parseOwnerAlert } from '../../lambda/alerting/owner-alert';
import { SageMakerExecutionInspector } from '../../lambda/retraining/adapters/sagemaker-pipelines';
import { recordPipelineOutcome } from '../../lambda/retraining/record-outcome';
import { motoClientConfig, startMoto } from '../support/moto';
import { TRAIN_IMAGE } from './config.test-fixture';
import { statusChange } from './execution-steps.test-fixture';
import { PIPELINE, startOutcomeWorld, step, type OutcomeWorld } from './outcome-fixture';

jest.setTimeout(120_000);

const TRAINING_FAILURE = 'AlgorithmError: ExecuteUserScriptError: Command "python3 train.py" exited with 1: KeyError: \'amount\'';

let world: OutcomeWorld;
let sns: SNSClient;
let sqs: SQSClient;
let topicArn: string;
let queueUrl: string;
const handler = (event: unknown) => world.handler(event);

beforeAll(async () => {
  // The owner's topic first: its ARN is in the handler's environment.
  const moto = await startMoto();
  sns = new SNSClient(motoClientConfig(moto.endpoint));
  sqs = new SQSClient(motoClientConfig(moto.endpoint));
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'dw-test-team-fraud-warning' }))).TopicArn!;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'owner-alerts' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  world = await startOutcomeWorld({ moto, retraining: { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } }, env: { DW_ALERT_TOPIC_ARN: topicArn } });
});

afterAll(async () => {
  await world?.stop();
  for (const c of [sns, sqs]) c?.destroy();
  await world?.moto.stop();
});

/** A real execution of the pipeline in moto, by its display name. */
const startExecution = async (name: string) => (await world.startExecution(name)).arn;

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
  world.stepsOf.set(arn, [
    step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'),
    step('Train', 'Failed', '2026-11-25T12:41:00Z', { FailureReason: TRAINING_FAILURE, Metadata: { TrainingJob: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-x-train' } } }),
  ]);
  const event = statusChange(arn, 'Failed');
  expect(await handler(event)).toMatchObject({ outcome: 'recorded', alerted: true, registered: null });
  expect(await handler(event)).toEqual({ outcome: 'duplicate', entryId: `execution:${executionIdOf(arn)}:failed` });

  const entries = await world.ledger.history('fraud_detector', { kinds: ['execution'] });
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
  const packageArn = await world.registerPackage();
  world.stepsOf.set(arn, [
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

  const entries = (await world.ledger.history('fraud_detector', { kinds: ['registered', 'execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
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
  world.stepsOf.set(arn, [step('CheckGates', 'Succeeded', '2026-11-25T13:50:00Z'), step('GatesFailed', 'Failed', '2026-11-25T13:51:00Z', { FailureReason: 'gates failed: threshold: roc_auc is 0.81, needs >= 0.9 (delta -0.09)' })]);
  expect(await handler(statusChange(arn, 'Failed'))).toMatchObject({ outcome: 'recorded', alerted: false });
  const [entry] = (await world.ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entry.reason).toContain('failed in step GatesFailed: gates failed: threshold: roc_auc is 0.81');
  expect(await deliveredAlerts()).toEqual([]);
});

test('a stop is recorded without an alert; a status that is not an end is ignored; an event of another pipeline is refused', async () => {
  const arn = await startExecution('stopped-by-hand');
  world.stepsOf.set(arn, [step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'), step('Train', 'Stopped', '2026-11-25T12:41:00Z')]);
  expect(await handler(statusChange(arn, 'Executing'))).toEqual({ outcome: 'ignored', status: 'Executing' });
  expect(await handler(statusChange(arn, 'Stopped'))).toMatchObject({ outcome: 'recorded', alerted: false });
  const [entry] = (await world.ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entry).toMatchObject({ id: `execution:${executionIdOf(arn)}:stopped`, outcome: 'stopped' });
  const other = statusChange(arn.replace(PIPELINE, 'dw-test-churn-retrain'), 'Failed');
  await expect(handler(other)).rejects.toThrow('the event is of pipeline dw-test-churn-retrain, not dw-test-fraud-detector-retrain');
  expect(await deliveredAlerts()).toEqual([]);
});

test('an alert that cannot be published fails the event before anything is recorded, so the retry alerts and records', async () => {
  const arn = await startExecution('alert-on-retry');
  world.stepsOf.set(arn, [step('Train', 'Failed', '2026-11-25T12:41:00Z', { FailureReason: TRAINING_FAILURE })]);
  const settings = { env: 'test', modelId: 'fraud_detector', pipelineName: PIPELINE };
  const executions = new SageMakerExecutionInspector(world.sm);
  const missingTopic = new SnsAlertSink(sns, topicArn.replace(/[^:]+$/, 'no-such-topic'));
  await expect(recordPipelineOutcome({ executions, ledger: world.ledger, alerts: missingTopic }, settings, statusChange(arn, 'Failed'))).rejects.toThrow(/could not publish the owner alert ledger:execution:.+:failed/);
  expect((await world.ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn)).toEqual([]);
  expect(await recordPipelineOutcome({ executions, ledger: world.ledger, alerts: new SnsAlertSink(sns, topicArn) }, settings, statusChange(arn, 'Failed'))).toMatchObject({ outcome: 'recorded', alerted: true });
  expect((await deliveredAlerts()).map((a) => a.id)).toEqual([`ledger:execution:${executionIdOf(arn)}:failed`]);
});

test('a failure no step explains takes the execution\'s own FailureReason from DescribePipelineExecution (moto gives none)', async () => {
  const arn = await startExecution('no-failed-step');
  world.stepsOf.set(arn, [step('PullData', 'Succeeded', '2026-11-25T12:20:06Z')]);
  await handler(statusChange(arn, 'Failed'));
  const [entry] = (await world.ledger.history('fraud_detector', { kinds: ['execution'] })).filter((e) => e.subject.pipelineExecutionArn === arn);
  expect(entry.reason).toBe(`Retraining pipeline execution ${executionIdOf(arn)} failed: SageMaker gave no reason and no step is marked failed`);
  expect((await deliveredAlerts()).map((a) => a.title)).toEqual(['fraud_detector: retraining pipeline failed']);
});
