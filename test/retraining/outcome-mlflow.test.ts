/**
 * The pipeline-outcome Lambda, through its handler, logging each execution's run into a real MLflow
 * server (test/support/mlflow.ts, on loopback; `DW_MLFLOW_TRACKING_URI`), from what moto_server holds:
 * SageMaker (the builder's pipeline, an execution started with the trigger's parameters, read back by
 * ListPipelineParametersForExecution; the Train step's job made with CreateTrainingJob and read back
 * by DescribeTrainingJob; the registered package), S3 (manifest.json and evaluation.json where the
 * pipeline writes them, the gate report the real gate step wrote) and DynamoDB (the ledger, with the
 * gate step's `gates` entry).
 *
 * What moto 5.2.1 cannot do, and the one fill-in for it, as in outcome-moto.test.ts: it has no
 * ListPipelineExecutionSteps and runs no step, so that call alone is answered in-process with the
 * steps each test gives (naming the training job and package moto holds). SageMaker's status change
 * event is written here in the documented shape.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  CreateTrainingJobCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { validateConfig } from '../../config';
import { S3ObjectStore } from '../../lambda/adapters/aws/s3-object-store';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { MlflowRestTracker } from '../../lambda/retraining/adapters/mlflow-rest';
import { runGateStep } from '../../lambda/retraining/check-gates';
import { pipelineOutcomeContext } from '../../lambda/retraining/outcome-settings';
import { retrainingPipelineDefinition } from '../../lambda/retraining/pipeline';
import { triggerParameters } from '../../lambda/retraining/pipeline/parameters';
import { gatesFromConfig } from '../../lambda/retraining/policy';
import { recordPipelineOutcome } from '../../lambda/retraining/record-outcome';
import { runArtifactKeys } from '../../lambda/retraining/run-record';
import { EXECUTION_TAG, MODEL_PACKAGE_TAG } from '../../lambda/retraining/tracking';
import { modelPackageGroupName } from '../../lib/retraining/naming';
import { startMlflow, type MlflowServer } from '../support/mlflow';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createLedgerTable } from '../promotion/ledger-table-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';
import { answerExecutionStepsInProcess, statusChange } from './execution-steps.test-fixture';
import { SPEC } from './pipeline-spec';

jest.setTimeout(180_000);

const ENV = 'test';
const MODEL = 'fraud_detector';
const PIPELINE = 'dw-test-fraud-detector-retrain';
const GROUP = modelPackageGroupName(ENV, MODEL);
const LEDGER_TABLE = 'dw-test-promotion-ledger';
const BUCKET = SPEC.bucket;
const COMMIT = '3be58beb0b5d0da6c1f2e3d4a5b6c7d8e9f00112';
const DATASET = 'c0ffee'.padEnd(64, '0');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-outcome-mlflow-'));
const savedEnv = { ...process.env };
const model = validateConfig(
  configWith(ENV, {
    pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' }, hyperparameters: { max_depth: 6, eta: 0.3 } },
    gates: { assertions: ['recall_score on segment high_risk >= 0.90'], noRegression: { metrics: ['roc_auc'], tolerance: 0.01 } },
  }),
).models[0];

let moto: MotoServer;
let mlflow: MlflowServer;
let sm: SageMakerClient;
let s3: S3Client;
let ddb: DynamoDBClient;
let store: S3ObjectStore;
let ledger: DynamoDbLedger;
let handler: (event: unknown) => Promise<Record<string, unknown>>;
let stepsOf: Map<string, PipelineExecutionStep[]>;

beforeAll(async () => {
  [moto, mlflow] = await Promise.all([startMoto(), startMlflow()]);
  sm = new SageMakerClient(motoClientConfig(moto.endpoint));
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  store = new S3ObjectStore(s3, { bucket: BUCKET });
  await createLedgerTable(ddb, LEDGER_TABLE);
  ledger = new DynamoDbLedger(ddb, { tableName: LEDGER_TABLE });
  await sm.send(new CreatePipelineCommand({ PipelineName: PIPELINE, PipelineDefinition: JSON.stringify(retrainingPipelineDefinition({ ...SPEC, modelPackageGroupName: GROUP })), RoleArn: SPEC.roleArn }));
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));

  stepsOf = answerExecutionStepsInProcess();

  const file = path.join(tmp, 'model.json');
  fs.writeFileSync(file, JSON.stringify({ env: ENV, model }));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    DW_PIPELINE_NAME: PIPELINE,
    DW_LEDGER_TABLE: LEDGER_TABLE,
    DW_MLFLOW_TRACKING_URI: mlflow.endpoint,
    DW_BUCKET: BUCKET,
    DW_CODE_VERSION: COMMIT,
    DW_MODEL_FILE: file,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  handler = (await import('../../lambda/handlers/pipeline-outcome')).handler as never;
}, 300_000);

afterAll(async () => {
  jest.restoreAllMocks();
  process.env = { ...savedEnv };
  for (const c of [sm, s3, ddb]) c?.destroy();
  await Promise.all([moto?.stop(), mlflow?.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An execution started as the trigger starts one: its own four parameters, the rest the definition's defaults. */
async function startExecution(name: string): Promise<{ arn: string; id: string }> {
  const parameters = triggerParameters({ eventKey: `evt-${name}`, dedupKey: 'test/fraud_detector/1d/drift:dataset', signal: 'drift:dataset', windowEnd: '2026-11-25T00:00:00.000Z' });
  const res = await sm.send(
    new StartPipelineExecutionCommand({ PipelineName: PIPELINE, PipelineExecutionDisplayName: name, ClientRequestToken: `start-${name}`.padEnd(32, '0'), PipelineParameters: Object.entries(parameters).map(([Name, Value]) => ({ Name, Value })) }),
  );
  const arn = res.PipelineExecutionArn!;
  return { arn, id: arn.split('/').pop()! };
}

/** The Train step's job, as SageMaker Pipelines names and configures it. */
async function trainingJob(executionId: string): Promise<string> {
  const res = await sm.send(
    new CreateTrainingJobCommand({
      TrainingJobName: `pipelines-${executionId}-Train-x1y2z3`,
      AlgorithmSpecification: { TrainingImage: TRAIN_IMAGE, TrainingInputMode: 'File' },
      RoleArn: SPEC.roleArn,
      HyperParameters: { max_depth: '6', eta: '0.3' },
      OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/${runArtifactKeys(MODEL, executionId).model}` },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    }),
  );
  return res.TrainingJobArn!;
}


type KV = { key: string; value: string };
type RestRun = { info: { run_id: string; status: string }; data: { params?: KV[]; metrics?: { key: string; value: number }[]; tags?: KV[] } };
const record = (kvs: KV[] | undefined) => Object.fromEntries((kvs ?? []).map((t) => [t.key, t.value]));

/** Every run of the model's experiment carrying this execution's tag, as MLflow's REST API lists them. */
async function runsOf(executionArn: string): Promise<RestRun[]> {
  const exp = (await (await fetch(`${mlflow.endpoint}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(`driftwatch/${ENV}/${MODEL}`)}`)).json()) as { experiment: { experiment_id: string } };
  const res = await fetch(`${mlflow.endpoint}/api/2.0/mlflow/runs/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ experiment_ids: [exp.experiment.experiment_id], filter: `tags."${EXECUTION_TAG}" = '${executionArn}'` }),
  });
  return ((await res.json()) as { runs?: RestRun[] }).runs ?? [];
}

const EVALUATION = {
  format: 'driftwatch.evaluation/v1',
  holdout: { rows: 5000 },
  metrics: { roc_auc: 0.93, recall_score: 0.91 },
  segments: { high_risk: { rows: 400, metrics: { recall_score: 0.92 } } },
  champion: { version: '1', metrics: { roc_auc: 0.9, recall_score: 0.88 }, segments: { high_risk: { metrics: { recall_score: 0.88 } } } },
};

/** What the data pull, the evaluation and the gate step of a run leave: manifest.json, evaluation.json, the gate report and its ledger entry. */
async function writeRunArtifacts(executionId: string): Promise<void> {
  const keys = runArtifactKeys(MODEL, executionId);
  await store.putJson(keys.manifest, { datasetVersion: DATASET, files: [{ path: 'train/part-0.csv', sha256: 'ab'.repeat(32) }] });
  await store.putJson(keys.evaluation, EVALUATION);
  const settings = { env: ENV, modelId: MODEL, task: model.task, bucket: BUCKET, region: 'us-east-1', gates: gatesFromConfig(model.retraining!.gates) };
  const verdict = await runGateStep({ store, ledger, clock: { now: () => new Date('2026-11-25T13:55:00Z') } }, settings, { evaluationUri: `s3://${BUCKET}/${keys.run}/evaluation`, executionId });
  expect(verdict.verdict).toBe('pass');
}

test('a registered candidate: one run with the params, metrics, dataset version, code version and trigger, its version the challenger; a redelivered event leaves one run', async () => {
  const { arn, id } = await startExecution('registers');
  const jobArn = await trainingJob(id);
  await writeRunArtifacts(id);
  const pkg = (await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'PendingManualApproval', InferenceSpecification: { Containers: [{ Image: TRAIN_IMAGE }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] } }))).ModelPackageArn!;
  stepsOf.set(arn, [
    { StepName: 'PullData', StepStatus: 'Succeeded', StartTime: new Date('2026-11-25T12:20:06Z') },
    { StepName: 'Train', StepStatus: 'Succeeded', StartTime: new Date('2026-11-25T12:41:00Z'), Metadata: { TrainingJob: { Arn: jobArn } } },
    { StepName: 'Evaluate', StepStatus: 'Succeeded', StartTime: new Date('2026-11-25T13:40:00Z') },
    { StepName: 'CheckGates', StepStatus: 'Succeeded', StartTime: new Date('2026-11-25T13:55:00Z') },
    { StepName: 'Register-RegisterModel', StepStatus: 'Succeeded', StartTime: new Date('2026-11-25T14:00:00Z'), Metadata: { RegisterModel: { Arn: pkg } } },
  ]);

  const first = await handler(statusChange(arn, 'Succeeded'));
  expect(first).toMatchObject({ outcome: 'recorded', registered: '1', mlflowRunId: expect.any(String) });
  expect(await handler(statusChange(arn, 'Succeeded'))).toEqual({ outcome: 'duplicate', entryId: `execution:${id}:succeeded` });

  const runs = await runsOf(arn);
  expect(runs).toHaveLength(1);
  const [run] = runs;
  expect(run.info).toMatchObject({ run_id: first.mlflowRunId, status: 'FINISHED' });
  expect(record(run.data.params)).toEqual({ max_depth: '6', eta: '0.3' });
  const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]));
  expect(metrics).toMatchObject({ roc_auc: 0.93, 'segment/high_risk/recall_score': 0.92, 'champion/roc_auc': 0.9, 'holdout/rows': 5000, 'gates/failed': 0 });
  expect(record(run.data.tags)).toMatchObject({
    'driftwatch.dataset_version': DATASET,
    'driftwatch.code.image': TRAIN_IMAGE,
    'driftwatch.code.image_digest': TRAIN_IMAGE.split('@')[1],
    'driftwatch.code.git_commit': COMMIT,
    'mlflow.source.git.commit': COMMIT,
    'driftwatch.code_version': `${COMMIT}+${TRAIN_IMAGE.split('@')[1]}`,
    'driftwatch.trigger.event': 'evt-registers',
    'driftwatch.trigger.signal': 'drift:dataset',
    'driftwatch.trigger.dedup_key': 'test/fraud_detector/1d/drift:dataset',
    'driftwatch.gates.verdict': 'pass',
    [MODEL_PACKAGE_TAG]: pkg,
  });

  const tracker = new MlflowRestTracker({ trackingUri: mlflow.endpoint });
  const version = await tracker.findModelVersion(GROUP, run.info.run_id);
  expect(version).toMatchObject({ source: `s3://${BUCKET}/${runArtifactKeys(MODEL, id).model}/pipelines-${id}-Train-x1y2z3/output/model.tar.gz` });
  expect(await tracker.getAliases(GROUP)).toEqual({ challenger: version!.version });
  expect((await ledger.entry(MODEL, `execution:${id}:succeeded`))?.subject).toMatchObject({ mlflowRunId: run.info.run_id, datasetVersion: DATASET, modelPackageArn: pkg });
  expect((await ledger.entry(MODEL, 'registered:1'))?.subject).toMatchObject({ mlflowRunId: run.info.run_id });
});

test('MLflow failing mid-run fails the invocation before the execution entry; the retry logs into the same run', async () => {
  const { arn, id } = await startExecution('mlflow-fails');
  const jobArn = await trainingJob(id);
  stepsOf.set(arn, [
    { StepName: 'PullData', StepStatus: 'Succeeded', StartTime: new Date('2026-11-25T12:20:06Z') },
    { StepName: 'Train', StepStatus: 'Failed', StartTime: new Date('2026-11-25T12:41:00Z'), FailureReason: 'AlgorithmError: out of memory', Metadata: { TrainingJob: { Arn: jobArn } } },
  ]);
  const context = pipelineOutcomeContext(process.env);
  const tracker = context.ports.tracking!.tracker;
  let failOnce = true;
  const flaky = new Proxy(tracker, {
    get: (target, name) => (name === 'endRun' && failOnce ? async () => ((failOnce = false), Promise.reject(new Error('MLflow runs/update: HTTP 503'))) : Reflect.get(target, name).bind(target)),
  });
  const ports = { ...context.ports, tracking: { ...context.ports.tracking!, tracker: flaky } };
  await expect(recordPipelineOutcome(ports, context.settings, statusChange(arn, 'Failed'))).rejects.toThrow('HTTP 503');
  expect(await ledger.entry(MODEL, `execution:${id}:failed`)).toBeUndefined();

  expect(await recordPipelineOutcome(ports, context.settings, statusChange(arn, 'Failed'))).toMatchObject({ outcome: 'recorded', registered: null });
  const runs = await runsOf(arn);
  expect(runs).toHaveLength(1);
  expect(runs[0].info.status).toBe('FAILED');
  // Training failed before the data's manifest or an evaluation: the lineage and params, no metrics.
  expect(record(runs[0].data.tags)).toMatchObject({ 'driftwatch.dataset_version': 'unknown', 'driftwatch.code.git_commit': COMMIT, 'driftwatch.trigger.event': 'evt-mlflow-fails' });
  expect(runs[0].data.metrics ?? []).toEqual([]);
  expect(record(runs[0].data.params)).toEqual({ max_depth: '6', eta: '0.3' });
  expect((await ledger.entry(MODEL, `execution:${id}:failed`))?.subject).toMatchObject({ mlflowRunId: runs[0].info.run_id });
});
