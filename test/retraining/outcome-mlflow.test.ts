/**
 * The pipeline-outcome Lambda, through its handler, logging each execution's run into a real MLflow
 * server (test/support/mlflow.ts, on loopback; `DW_MLFLOW_TRACKING_URI`), from what moto_server holds
 * (outcome-fixture.ts): SageMaker (the builder's pipeline, an execution started with the trigger's
 * parameters, read back by ListPipelineParametersForExecution; the Train step's job made with
 * CreateTrainingJob and read back by DescribeTrainingJob; the registered package), S3 (manifest.json
 * and evaluation.json where the pipeline writes them, the gate report the real gate step wrote) and
 * DynamoDB (the ledger, with the gate step's `gates` entry). A failed gate's alert goes the real way
 * to the owner: the gate step publishes to the owner's warning topic on moto_server, SNS delivers it
 * over HTTP to the notifier handler, which posts to the local receiver standing in for Slack
 * (test/handlers/notifier-world.ts).
 *
 * The one fill-in, as in outcome-moto.test.ts: moto has no ListPipelineExecutionSteps and runs no
 * step, so that call alone is answered in-process with the steps each test gives (naming the training
 * job and package moto holds). SageMaker's status change event is written here in the documented shape.
 */
import { SnsAlertSink } from '../../lambda/adapters/aws/sns-alert-sink';
import { MlflowRestTracker } from '../../lambda/retraining/adapters/mlflow-rest';
import { runGateStep } from '../../lambda/retraining/check-gates';
import { pipelineOutcomeContext } from '../../lambda/retraining/outcome-settings';
import { GATE_REPORT_ARTIFACT } from '../../lambda/retraining/outcome-tracking';
import { gatesFromConfig } from '../../lambda/retraining/policy';
import { recordPipelineOutcome } from '../../lambda/retraining/record-outcome';
import { runArtifactKeys } from '../../lambda/retraining/run-record';
import { EXECUTION_TAG, MODEL_PACKAGE_TAG } from '../../lambda/retraining/tracking';
import { BUCKET, SLACK_PATH, startWorld, type World } from '../handlers/notifier-world';
import { startMlflow, type MlflowServer } from '../support/mlflow';
import { TRAIN_IMAGE } from './config.test-fixture';
import { statusChange } from './execution-steps.test-fixture';
import { ENV, GROUP, MODEL, startOutcomeWorld, step, type OutcomeWorld } from './outcome-fixture';

jest.setTimeout(180_000);

const COMMIT = '3be58beb0b5d0da6c1f2e3d4a5b6c7d8e9f00112';
const DATASET = 'c0ffee'.padEnd(64, '0');
const WARNING_TOPIC = 'dw-test-risk_ml-warning';

let notifier: World;
let mlflow: MlflowServer;
let world: OutcomeWorld;
const handler = (event: unknown) => world.handler(event);

beforeAll(async () => {
  // The data bucket is the notifier's too (one per environment): the gate report it links to is there.
  [notifier, mlflow] = await Promise.all([startWorld({ topics: [WARNING_TOPIC], seedReport: false }), startMlflow()]);
  world = await startOutcomeWorld({
    moto: notifier.moto,
    bucket: BUCKET,
    retraining: {
      pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' }, hyperparameters: { max_depth: 6, eta: 0.3 } },
      gates: { assertions: ['recall_score on segment high_risk >= 0.90'], noRegression: { metrics: ['roc_auc'], tolerance: 0.01 } },
    },
    env: { DW_MLFLOW_TRACKING_URI: mlflow.endpoint, DW_BUCKET: BUCKET, DW_CODE_VERSION: COMMIT, DW_ALERT_TOPIC_ARN: notifier.topicArns[WARNING_TOPIC] },
  });
}, 300_000);

afterAll(async () => {
  await world?.stop();
  await Promise.all([notifier?.stop(), mlflow?.stop()]);
});

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
async function writeRunArtifacts(executionId: string, evaluation: Record<string, unknown> = EVALUATION): Promise<'pass' | 'fail'> {
  const { store, ledger, model } = world;
  const keys = runArtifactKeys(MODEL, executionId);
  await store.putJson(keys.manifest, { datasetVersion: DATASET, files: [{ path: 'train/part-0.csv', sha256: 'ab'.repeat(32) }] });
  await store.putJson(keys.evaluation, evaluation);
  const settings = { env: ENV, modelId: MODEL, task: model.task, bucket: BUCKET, region: 'us-east-1', gates: gatesFromConfig(model.retraining!.gates) };
  const alerts = new SnsAlertSink(notifier.sns, notifier.topicArns[WARNING_TOPIC]);
  const verdict = await runGateStep({ store, ledger, alerts, clock: { now: () => new Date('2026-11-25T13:55:00Z') } }, settings, { evaluationUri: `s3://${BUCKET}/${keys.run}/evaluation`, executionId });
  return verdict.verdict;
}

test('a registered candidate: one run with the params, metrics, dataset version, code version and trigger, its version the challenger; a redelivered event leaves one run', async () => {
  const { arn, id } = await world.startExecution('registers');
  const jobArn = await world.trainingJob(id);
  expect(await writeRunArtifacts(id)).toBe('pass');
  const pkg = await world.registerPackage();
  world.stepsOf.set(arn, [
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
  expect((await world.ledger.entry(MODEL, `execution:${id}:succeeded`))?.subject).toMatchObject({ mlflowRunId: run.info.run_id, datasetVersion: DATASET, modelPackageArn: pkg });
  expect((await world.ledger.entry(MODEL, 'registered:1'))?.subject).toMatchObject({ mlflowRunId: run.info.run_id });
});

test('MLflow failing mid-run fails the invocation before the execution entry; the retry logs into the same run', async () => {
  const { arn, id } = await world.startExecution('mlflow-fails');
  const jobArn = await world.trainingJob(id);
  world.stepsOf.set(arn, [
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
  expect(await world.ledger.entry(MODEL, `execution:${id}:failed`)).toBeUndefined();

  expect(await recordPipelineOutcome(ports, context.settings, statusChange(arn, 'Failed'))).toMatchObject({ outcome: 'recorded', registered: null });
  const runs = await runsOf(arn);
  expect(runs).toHaveLength(1);
  expect(runs[0].info.status).toBe('FAILED');
  // Training failed before the data's manifest or an evaluation: the lineage and params, no metrics.
  expect(record(runs[0].data.tags)).toMatchObject({ 'driftwatch.dataset_version': 'unknown', 'driftwatch.code.git_commit': COMMIT, 'driftwatch.trigger.event': 'evt-mlflow-fails' });
  expect(runs[0].data.metrics ?? []).toEqual([]);
  expect(record(runs[0].data.params)).toEqual({ max_depth: '6', eta: '0.3' });
  expect((await world.ledger.entry(MODEL, `execution:${id}:failed`))?.subject).toMatchObject({ mlflowRunId: runs[0].info.run_id });
});

/** Waits until SNS has handed `count` deliveries to the notifier, and for them to finish. */
async function notifierDelivered(count: number): Promise<void> {
  for (let i = 0; notifier.invocations.length < count && i < 250; i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(notifier.invocations.length).toBe(count);
  for (const invocation of notifier.invocations) expect(await invocation.result).toMatchObject({ ok: true });
}

/** What the owner's Slack got about one execution. */
const slackAbout = (executionId: string) => notifier.receiver.to(SLACK_PATH).map((r) => JSON.stringify(r.json())).filter((text) => text.includes(executionId));

/** An artifact of a run, as MLflow's UI fetches it. */
async function artifact(runId: string, artifactPath: string): Promise<unknown> {
  const res = await fetch(`${mlflow.endpoint}/get-artifact?path=${encodeURIComponent(artifactPath)}&run_uuid=${runId}`);
  expect(res.status).toBe(200);
  return res.json();
}

const FAILED_ASSERTION = 'recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)';

test('a failed gate: the owner reads the assertion and its delta on Slack once; the run is FAILED with the check, its delta and the gate report; the ledger has both', async () => {
  const { arn, id } = await world.startExecution('fails-gates');
  const jobArn = await world.trainingJob(id);
  const before = notifier.invocations.length;
  const worse = { ...EVALUATION, segments: { high_risk: { rows: 400, metrics: { recall_score: 0.87 } } } };
  expect(await writeRunArtifacts(id, worse)).toBe('fail');
  await notifierDelivered(before + 1);
  const failure = `gates failed: recall_score on segment high_risk >= 0.9: ${FAILED_ASSERTION}`;
  world.stepsOf.set(arn, [
    step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'),
    step('Train', 'Succeeded', '2026-11-25T12:41:00Z', { Metadata: { TrainingJob: { Arn: jobArn } } }),
    step('Evaluate', 'Succeeded', '2026-11-25T13:40:00Z'),
    step('CheckGates', 'Succeeded', '2026-11-25T13:55:00Z'),
    step('GatesFailed', 'Failed', '2026-11-25T13:56:00Z', { FailureReason: failure }),
  ]);
  const out = await handler(statusChange(arn, 'Failed'));
  expect(out).toMatchObject({ outcome: 'recorded', alerted: false, registered: null, mlflowRunId: expect.any(String) });

  // The owner: the gate step's message, with the assertion and the delta; the execution's end adds none.
  await notifierDelivered(before + 1);
  const slack = slackAbout(id);
  expect(slack).toHaveLength(1);
  expect(slack[0]).toContain(FAILED_ASSERTION.replace('>=', '&gt;=')); // Slack's escaping of >

  // MLflow: one FAILED run naming the failed step, the check with its value and delta, and the report.
  const runs = await runsOf(arn);
  expect(runs).toHaveLength(1);
  const [run] = runs;
  expect(run.info).toMatchObject({ run_id: out.mlflowRunId, status: 'FAILED' });
  expect(record(run.data.tags)).toMatchObject({
    'driftwatch.gates.verdict': 'fail',
    'driftwatch.gate.assertion:recall_score/high_risk': `fail: ${FAILED_ASSERTION}`,
    'driftwatch.gate.no_regression:roc_auc': expect.stringMatching(/^pass: /),
    'driftwatch.execution.outcome': 'failed',
    'driftwatch.execution.failed_step': 'GatesFailed',
    'driftwatch.execution.failure_reason': failure,
    'driftwatch.dataset_version': DATASET,
  });
  const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]));
  expect(metrics['gate/assertion:recall_score/high_risk/value']).toBe(0.87);
  expect(metrics['gate/assertion:recall_score/high_risk/delta']).toBeCloseTo(-0.03, 10);
  expect(metrics['gates/failed']).toBe(1);
  const report = (await artifact(run.info.run_id, GATE_REPORT_ARTIFACT)) as { format: string; verdict: string; executionId: string; failures: { id: string; delta: number; message: string }[] };
  expect(report).toMatchObject({ format: 'driftwatch.gate-report/v1', verdict: 'fail', executionId: id });
  expect(report.failures.map((f) => [f.id, f.message])).toEqual([['assertion:recall_score@high_risk', FAILED_ASSERTION]]);
  expect(report.failures[0].delta).toBeCloseTo(-0.03, 10);
  const tracker = new MlflowRestTracker({ trackingUri: mlflow.endpoint });
  expect(await tracker.findModelVersion(GROUP, run.info.run_id)).toBeNull(); // nothing registered

  // The ledger: the gate step's verdict with each check's value, and the execution's end naming the run.
  expect(await world.ledger.entry(MODEL, `gates:${id}`)).toMatchObject({ outcome: 'fail', metrics: { 'assertion:recall_score@high_risk': 0.87 }, details: { failed: [FAILED_ASSERTION] } });
  expect(await world.ledger.entry(MODEL, `execution:${id}:failed`)).toMatchObject({
    outcome: 'failed',
    reason: `Retraining pipeline execution ${id} failed in step GatesFailed: ${failure}`,
    subject: { pipelineExecutionArn: arn, mlflowRunId: run.info.run_id, datasetVersion: DATASET },
    details: { failedStep: 'GatesFailed' },
  });
});

test('a stopped execution: the run is KILLED and says it was stopped, the ledger has the stop, nobody is alerted', async () => {
  const { arn, id } = await world.startExecution('stopped');
  const jobArn = await world.trainingJob(id);
  world.stepsOf.set(arn, [
    step('PullData', 'Succeeded', '2026-11-25T12:20:06Z'),
    step('Train', 'Stopped', '2026-11-25T12:41:00Z', { Metadata: { TrainingJob: { Arn: jobArn } } }),
  ]);
  const before = notifier.invocations.length;
  const out = await handler(statusChange(arn, 'Stopped'));
  expect(out).toMatchObject({ outcome: 'recorded', alerted: false, registered: null, mlflowRunId: expect.any(String) });

  const runs = await runsOf(arn);
  expect(runs).toHaveLength(1);
  expect(runs[0].info.status).toBe('KILLED');
  const tags = record(runs[0].data.tags);
  expect(tags).toMatchObject({ 'driftwatch.execution.outcome': 'stopped', 'driftwatch.trigger.event': 'evt-stopped', 'driftwatch.code.git_commit': COMMIT });
  expect(tags['driftwatch.execution.failed_step']).toBeUndefined();
  expect(record(runs[0].data.params)).toEqual({ max_depth: '6', eta: '0.3' });
  expect(await world.ledger.entry(MODEL, `execution:${id}:stopped`)).toMatchObject({ outcome: 'stopped', reason: `Retraining pipeline execution ${id} was stopped`, subject: { mlflowRunId: runs[0].info.run_id } });
  await new Promise((r) => setTimeout(r, 300));
  expect(notifier.invocations.length).toBe(before);
});
