/**
 * One model's life, from a critical drift event to a promoted candidate and back by rollback (issue
 * 11's "done when"), on real parts: moto_server for S3 (the team's versioned history, the run's
 * Parquet files, manifests and gate report), SageMaker (the pipeline and its execution's parameters,
 * the Model Package Group and its packages, models, endpoint configs, the endpoint); DuckDB for
 * Athena (the data pull's count and UNLOAD, the labelled shadow rows); a real MLflow server for the
 * run and the registry mirror; the file ledger (the DynamoDB one runs the same contract in
 * test/promotion/ledger.test.ts). Each step is asserted in both: the ledger entry, and in MLflow the
 * run's tags and gate report (trigger, dataset version, execution, gates), the aliases and each
 * version's `driftwatch.ledger.<kind>` tag (registration, shadow, comparison, approval, promotion,
 * rollback).
 *
 * Every step is the code the Lambdas run: runTrigger (the trigger), runPull (the PullData step),
 * runGateStep (the gate step), recordPipelineOutcome (the execution's end: its run in MLflow, the
 * registration into the ledger), runPromotionStep (each Task of the promote and rollback state
 * machines, in the order their definitions take for this story: that order is tested on the
 * synthesized definitions in test/lib/promotion-paths.test.ts). The pipeline steps get the arguments
 * the deployed definition resolves to for this execution (pipeline-resolve.ts: its parameters from
 * moto, the earlier steps' outputs), so RegisterModel's `dataset_version` is the pull's.
 *
 * Stand-ins, each for one thing moto cannot do: the pipeline's containers do not run (moto marks the
 * execution Succeeded at once and runs no step), so the test calls the Lambda steps' code, writes the
 * team's evaluation.json and makes the RegisterModel step's CreateModelPackage call; Athena's UNLOAD
 * is DuckDB's COPY whose files are put into moto's S3 (pull-local.test-fixture.ts); moto has no
 * ListPipelineExecutionSteps, so the outcome's steps are given in-process; UpdateEndpoint and shadow
 * variants are moto-hosting.ts's fill-ins; the owner's approval in Studio is the UpdateModelPackage
 * call Studio makes. The state machines are not executed here: moto 5.2.1 executes them, but a
 * Lambda Task there either runs the function in Docker (there is none here) or answers from a queue
 * of canned payloads, so our step code would not run inside them. Their paths run on moto's
 * interpreter, with queued answers, in test/lib/promotion-moto.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageCommand, CreatePipelineCommand, DescribeModelPackageCommand, UpdateModelPackageCommand, type CreateModelPackageCommandInput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { validateConfig } from '../../config';
import { S3ObjectStore } from '../../lambda/adapters/aws/s3-object-store';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import { SageMakerHosting } from '../../lambda/promotion/adapters/sagemaker-hosting';
import { MirroringLedger } from '../../lambda/promotion/registry-mirror';
import { runPromotionStep } from '../../lambda/promotion/run-step';
import { promotionSettings } from '../../lambda/promotion/settings';
import { promotionStepSchema } from '../../lambda/promotion/step-contract';
import { MlflowRestTracker } from '../../lambda/retraining/adapters/mlflow-rest';
import { SageMakerExecutionInspector, SageMakerPipelineRunner } from '../../lambda/retraining/adapters/sagemaker-pipelines';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { runGateStep } from '../../lambda/retraining/check-gates';
import type { DatasetManifest } from '../../lambda/retraining/pull/manifest';
import { pullInputOf } from '../../lambda/retraining/pull/pull-event';
import { runPull, type PullOutput } from '../../lambda/retraining/pull/run-pull';
import { S3DatasetFiles } from '../../lambda/retraining/pull/s3-dataset-files';
import { pullSettings } from '../../lambda/retraining/pull/settings';
import { retrainingPipelineDefinition } from '../../lambda/retraining/pipeline';
import { gatesFromConfig, retrainPolicyFromConfig } from '../../lambda/retraining/policy';
import { PIPELINE_EXECUTION_DETAIL_TYPE } from '../../lambda/retraining/outcome-event';
import { STEPS } from '../../lambda/retraining/pipeline/retraining-pipeline';
import { recordPipelineOutcome } from '../../lambda/retraining/record-outcome';
import { runTrigger } from '../../lambda/retraining/run-trigger';
import { GATE_REPORT_ARTIFACT } from '../../lambda/retraining/outcome-tracking';
import { EXECUTION_TAG, MODEL_PACKAGE_TAG } from '../../lambda/retraining/tracking';
import { glueDatabaseName, labelTableName, predictionTableName } from '../../lib/common/naming';
import { packageModelName, soloEndpointConfigName } from '../../lib/promotion/naming';
import { modelPackageGroupName, retrainingPrefixes } from '../../lib/retraining/naming';
import { openDuckDb, tempDir, type LocalEngine } from '../support/duckdb';
import { startMlflow, type MlflowServer } from '../support/mlflow';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createChampionEndpoint, hostingClient, registerPackages, ROLE } from '../promotion/moto-hosting';
import { writeShadowTraffic } from '../promotion/shadow-data';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';
import { monitorEvent } from './events';
import { SPEC } from './pipeline-spec';
import { executionValues, pipelineStep, resolvePipelineValue } from './pipeline-resolve';
import { s3UnloadEngine } from './pull-local.test-fixture';

jest.setTimeout(300_000);

const ENV = 'test';
const MODEL = 'fraud_detector';
const BUCKET = SPEC.bucket;
const GROUP = modelPackageGroupName(ENV, MODEL);
const PIPELINE = `dw-${ENV}-fraud-detector-retrain`;
const DEFINITION = retrainingPipelineDefinition({ ...SPEC, modelPackageGroupName: GROUP });
/** The team's training history (versioned), which Train's history channel reads through the pull's manifest. */
const HISTORY_BUCKET = 'team-data';
const HISTORY = { 'fraud/training/2025/part-0.csv': 'amount,label\n1,0\n', 'fraud/training/2025/part-1.csv': 'amount,label\n2,1\n' };

const model = validateConfig(
  (() => {
    const config = configWith(ENV, {
      pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } },
      gates: { assertions: ['recall_score on segment high_risk >= 0.90'], noRegression: { metrics: ['roc_auc'], tolerance: 0.01 } },
    }) as { models: Record<string, unknown>[] };
    config.models[0].promotion = { endpointName: 'fraud-prod', executionRoleArn: ROLE, shadow: { metric: 'accuracy', minLabelledRows: 500 } };
    return config as never;
  })(),
).models[0];

let moto: MotoServer;
let mlflow: MlflowServer;
let engine: LocalEngine;
let sm: SageMakerClient;
let s3: S3Client;
let tracker: MlflowRestTracker;
let ledger: MirroringLedger;
let store: S3ObjectStore;
let ledgerDir: string;
let traffic: ReturnType<typeof tempDir>;
let now = new Date('2026-11-25T12:20:00Z');
const trafficTables = { database: glueDatabaseName(ENV), predictions: predictionTableName(MODEL), labels: labelTableName(MODEL) };
const clock = { now: () => now };
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
/** Package ARNs by version: 1 is the champion before the story, 2 the candidate it makes. */
const packages: Record<number, string> = {};

beforeAll(async () => {
  [moto, mlflow, engine] = await Promise.all([startMoto(), startMlflow(), openDuckDb()]);
  ({ client: sm } = hostingClient(moto.endpoint));
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: HISTORY_BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: HISTORY_BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  for (const [key, body] of Object.entries(HISTORY)) await s3.send(new PutObjectCommand({ Bucket: HISTORY_BUCKET, Key: key, Body: body }));
  store = new S3ObjectStore(s3, { bucket: BUCKET });
  tracker = new MlflowRestTracker({ trackingUri: mlflow.endpoint });
  ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-lifecycle-ledger-'));
  ledger = new MirroringLedger(new FileLedger(ledgerDir), tracker, { registeredModelName: GROUP });
  traffic = tempDir('dw-lifecycle-traffic-');
  // Before the story: version 1 served alone for weeks, and most of its answers got a label.
  await writeShadowTraffic(engine, traffic.dir, promotionSettings(ENV, model).spec, { requests: 1500, labelledShare: 0.8, championAccuracy: 0.8, candidateAccuracy: 0.8, championVersion: '1', candidateVersion: '1', seed: 3, at: new Date('2026-11-20T09:00:00Z'), shadowCopies: false }, trafficTables);

  // Before the story: the pipeline is deployed; version 1 serves alone and is MLflow's champion.
  await sm.send(new CreatePipelineCommand({ PipelineName: PIPELINE, PipelineDefinition: JSON.stringify(DEFINITION), RoleArn: SPEC.roleArn }));
  [packages[1]] = await registerPackages(sm, GROUP, 1, [1]);
  await createChampionEndpoint(sm, 'fraud-prod', packageModelName(ENV, MODEL, '1'), packages[1], soloEndpointConfigName(ENV, MODEL, '1'));
  const experimentId = await tracker.ensureExperiment(`driftwatch/${ENV}/${MODEL}`);
  const first = await tracker.startRun({ experimentId, runName: 'initial', startTime: new Date('2026-10-01T00:00:00Z'), tags: {} });
  await tracker.ensureRegisteredModel(GROUP);
  const v1 = await tracker.createModelVersion({ name: GROUP, source: 's3://models/fraud/1/model.tar.gz', runId: first.runId, tags: { [MODEL_PACKAGE_TAG]: packages[1] } });
  await tracker.setAlias(GROUP, 'champion', v1.version);
}, 300_000);

afterAll(async () => {
  engine?.close();
  traffic?.remove();
  s3?.destroy();
  sm?.destroy();
  await Promise.all([moto?.stop(), mlflow?.stop()]);
  if (ledgerDir) fs.rmSync(ledgerDir, { recursive: true, force: true });
});

const promotion = promotionSettings(ENV, model);
const hostingPorts = () => ({ hosting: new SageMakerHosting(sm), query: engine, ledger, clock });
async function step(executionName: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  later(10);
  return (await runPromotionStep(hostingPorts(), promotion, promotionStepSchema.parse({ executionName, ...input }))) as Record<string, unknown>;
}
const story = async () => (await ledger.history(MODEL)).map((e) => `${e.kind}:${e.outcome}`);
const aliases = async () => {
  const byVersion = async (v: number) => (await tracker.findModelVersionByTag(GROUP, { key: MODEL_PACKAGE_TAG, value: packages[v] }))!.version;
  const names: Record<string, string> = { [await byVersion(1)]: 'v1', ...(packages[2] ? { [await byVersion(2)]: 'v2' } : {}) };
  return Object.fromEntries(Object.entries(await tracker.getAliases(GROUP)).map(([alias, mv]) => [alias, names[mv] ?? `mlflow ${mv}`]));
};
const served = async () => (await new SageMakerHosting(sm).endpoint('fraud-prod'))!;
/** The MLflow version tags of package version `v` (found by the package tag, as the mirror finds it). */
const versionTags = async (v: number) => (await tracker.findModelVersionByTag(GROUP, { key: MODEL_PACKAGE_TAG, value: packages[v] }))!.tags;
/** Each ledger kind's tag on a version, by its first word (the entry's outcome). */
const toldOn = async (v: number, kinds: readonly string[]) => {
  const tags = await versionTags(v);
  return Object.fromEntries(kinds.map((k) => [k, tags[`driftwatch.ledger.${k}`]?.split(' ')[0] ?? null]));
};
/** A run's tags as MLflow's REST API gives them. */
async function runTags(runId: string): Promise<Record<string, string>> {
  const res = (await (await fetch(`${mlflow.endpoint}/api/2.0/mlflow/runs/get?run_id=${runId}`)).json()) as { run: { data: { tags?: { key: string; value: string }[] } } };
  return Object.fromEntries((res.run.data.tags ?? []).map((t) => [t.key, t.value]));
}

let executionId = '';
let executionArn = '';

it('1. a critical drift event starts the retraining pipeline, and the decision is in the ledger', async () => {
  const event = monitorEvent({ end: '2026-11-25T12:00:00.000Z', value: 0.76, id: 'eb-drift-1' });
  const out = await runTrigger({ store, pipelines: new SageMakerPipelineRunner(sm), clock, ledger }, { env: ENV, modelId: MODEL, pipelineName: PIPELINE, policy: retrainPolicyFromConfig(model.retraining!) }, event);
  expect([out.outcome, out.entry.reason]).toEqual(['started', 'policy-met']);
  executionArn = out.entry.execution!.executionArn;
  executionId = executionArn.split('/').at(-1)!;
  expect(await story()).toEqual(['trigger:started']);
});

let execution: Record<string, string | number> = {};
let pulled: PullOutput;

it('2. PullData pulls the window\'s labelled rows and the pinned history, and the manifest names the dataset version', async () => {
  later(2);
  // The step's event, as SageMaker resolves the definition's Lambda step inputs for this execution.
  execution = await executionValues(sm, DEFINITION, executionArn);
  const event = resolvePipelineValue(pipelineStep(DEFINITION, STEPS.pull).Arguments, execution);
  const where = { bucket: BUCKET, predictionTable: { database: trafficTables.database, table: trafficTables.predictions }, labelTable: { database: trafficTables.database, table: trafficTables.labels } };
  const ports = { query: s3UnloadEngine(engine as DuckDbEngine, s3, traffic.dir), files: new S3DatasetFiles(s3), store, clock };
  const { output, manifest } = await runPull(ports, pullSettings({ ...model, retraining: model.retraining! }, where), pullInputOf(event, MODEL, 'attempt-1'));
  pulled = output;
  expect(output.trainRows + output.holdoutRows).toBeGreaterThanOrEqual(1000); // the config's default minimum
  expect(output.historyFiles).toBe(Object.keys(HISTORY).length);
  const stored = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${retrainingPrefixes(MODEL).runs}${executionId}/data/manifest/manifest.json` }))).Body!.transformToString()) as DatasetManifest;
  expect(stored.datasetVersion).toBe(output.datasetVersion);
  expect(manifest.files.map((f) => f.role).sort()).toEqual(['history', 'history', 'holdout', 'train']);
});

it('3. the run passes its gates, is registered PendingManualApproval with its dataset version and logged to MLflow as the challenger', async () => {
  later(90);
  const evaluationPrefix = `${retrainingPrefixes(MODEL).runs}${executionId}/evaluation`;
  const evaluation = {
    format: 'driftwatch.evaluation/v1',
    holdout: { rows: pulled.holdoutRows },
    metrics: { roc_auc: 0.93, recall_score: 0.91 },
    segments: { high_risk: { rows: 400, metrics: { recall_score: 0.92 } } },
    champion: { version: '1', metrics: { roc_auc: 0.9, recall_score: 0.88 }, segments: { high_risk: { metrics: { recall_score: 0.88 } } } },
  };
  await store.putJson(`${evaluationPrefix}/evaluation.json`, evaluation);
  // The steps' outputs so far, as the definition's later steps read them (Train and Evaluate do not run on moto).
  const outputs: Record<string, string | number> = {
    ...execution,
    ...Object.fromEntries(Object.entries(pulled).map(([k, v]) => [`Steps.${STEPS.pull}.OutputParameters['${k}']`, v])),
    [`Steps.${STEPS.evaluate}.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri`]: `s3://${BUCKET}/${evaluationPrefix}`,
    [`Steps.${STEPS.train}.ModelArtifacts.S3ModelArtifacts`]: `s3://${BUCKET}/${retrainingPrefixes(MODEL).runs}${executionId}/model/model.tar.gz`,
  };
  const gates = gatesFromConfig(model.retraining!.gates);
  const gateEvent = resolvePipelineValue(pipelineStep(DEFINITION, STEPS.gates).Arguments, outputs) as { evaluationUri: string; executionId: string };
  const verdict = await runGateStep({ store, clock, ledger }, { env: ENV, modelId: MODEL, task: model.task, bucket: BUCKET, region: 'us-east-1', gates }, gateEvent);
  expect(verdict.verdict).toBe('pass');
  for (const [k, v] of Object.entries(verdict)) outputs[`Steps.${STEPS.gates}.OutputParameters['${k}']`] = v;

  // The RegisterModel step's call, with the arguments its definition resolves to (its container does not run on moto).
  const register = resolvePipelineValue(pipelineStep(DEFINITION, STEPS.register).Arguments, outputs) as unknown as CreateModelPackageCommandInput;
  const registered = await sm.send(new CreateModelPackageCommand(register));
  packages[2] = registered.ModelPackageArn!;
  expect(packages[2]).toMatch(/\/2$/);
  const described = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: packages[2] }));
  expect(described.CustomerMetadataProperties).toMatchObject({ dataset_version: pulled.datasetVersion, pipeline_execution: executionArn, champion: '1' });

  // The execution ends: SageMaker's status change through the pipeline-outcome Lambda's code, which
  // logs the run in MLflow (the execution's parameters from moto, evaluation.json and the gate report
  // from S3) and registers the candidate as challenger. moto has no ListPipelineExecutionSteps (nor
  // runs the steps), so the steps are given in-process; no training job ran, so the run has the
  // config's image and hyperparameters.
  later(5);
  const steps = [{ name: STEPS.register, status: 'Succeeded', startTime: now.toISOString(), failureReason: null, modelPackageArn: packages[2] }];
  const inspector = new SageMakerExecutionInspector(sm);
  const executions = { listSteps: async () => steps, failureReason: async () => null };
  const tracking = { tracker, runs: inspector, store };
  const run = { env: ENV, modelId: MODEL, registeredModelName: GROUP, bucket: BUCKET, trainingImage: TRAIN_IMAGE, hyperparameters: { max_depth: '6' }, codeVersion: 'lifecycle-commit' };
  const end = { source: 'aws.sagemaker', 'detail-type': PIPELINE_EXECUTION_DETAIL_TYPE, time: now.toISOString(), detail: { currentPipelineExecutionStatus: 'Succeeded', pipelineArn: executionArn.replace(/\/execution\/.*$/, ''), pipelineExecutionArn: executionArn } };
  const recorded = await recordPipelineOutcome({ executions, ledger, tracking }, { env: ENV, modelId: MODEL, pipelineName: PIPELINE, run }, end);
  expect(recorded).toMatchObject({ outcome: 'recorded', registered: '2', mlflowRunId: expect.any(String) });
  expect(await aliases()).toEqual({ champion: 'v1', challenger: 'v2' });
  const logged = await tracker.findRun(await tracker.ensureExperiment(`driftwatch/${ENV}/${MODEL}`), { key: EXECUTION_TAG, value: executionArn });
  const runId = (recorded as { mlflowRunId: string }).mlflowRunId;
  expect(logged?.runId).toBe(runId);
  expect(await story()).toEqual(['trigger:started', 'gates:pass', 'execution:succeeded', 'registered:registered']);

  // The same steps in MLflow: the run names the trigger's event and the execution, and carries the
  // gates' verdict, each check and the gate report; the challenger version carries the gates too.
  const [trigger] = await ledger.history(MODEL, { kinds: ['trigger'] });
  expect(await runTags(runId)).toMatchObject({
    'driftwatch.trigger.event': trigger.id,
    'driftwatch.trigger.signal': (trigger.details?.event as { signal: string }).signal,
    [EXECUTION_TAG]: trigger.subject.pipelineExecutionArn,
    'driftwatch.dataset_version': pulled.datasetVersion,
    'driftwatch.gates.verdict': 'pass',
    'driftwatch.gate.assertion:recall_score/high_risk': 'pass: recall_score on segment high_risk is 0.92, >= 0.9 (delta 0.02)',
    [MODEL_PACKAGE_TAG]: packages[2],
  });
  const report = await fetch(`${mlflow.endpoint}/get-artifact?path=${encodeURIComponent(GATE_REPORT_ARTIFACT)}&run_uuid=${runId}`);
  expect(((await report.json()) as { verdict: string }).verdict).toBe('pass');
  expect(await versionTags(2)).toMatchObject({ 'driftwatch.gates.verdict': 'pass', 'driftwatch.ledger.registered': expect.stringMatching(/^registered at /) });
  for (const id of [`execution:${executionId}:succeeded`, 'registered:2']) expect((await ledger.entry(MODEL, id))?.subject.mlflowRunId).toBe(runId);
  expect((await ledger.entry(MODEL, `execution:${executionId}:succeeded`))?.subject.datasetVersion).toBe(pulled.datasetVersion);
});

it('4. the candidate shadows the champion, wins on the same labelled rows, and waits for the owner’s approval', async () => {
  const promote = `promote-${executionId}`.slice(0, 80);
  expect(await step(promote, { action: 'deploy-shadow', modelPackageArn: packages[2] })).toMatchObject({ championVersion: '1', candidateVersion: '2' });
  expect(await step(promote, { action: 'endpoint-status' })).toMatchObject({ status: 'InService', settled: true });
  expect(await aliases()).toEqual({ champion: 'v1', shadow: 'v2' });

  const shadowStartedAt = now.toISOString();
  await writeShadowTraffic(engine, traffic.dir, promotion.spec, { requests: 1500, labelledShare: 0.8, championAccuracy: 0.8, candidateAccuracy: 0.9, championVersion: '1', candidateVersion: '2', seed: 11, at: new Date(now.getTime() + 30 * 60_000) }, trafficTables);
  later(120);
  expect(await step(promote, { action: 'compare-shadow', modelPackageArn: packages[2], shadowStartedAt })).toMatchObject({ verdict: 'better' });
  expect(await step(promote, { action: 'approval-status', modelPackageArn: packages[2], comparison: 'better' })).toEqual({ status: 'PendingManualApproval', approvedBy: null });
  expect((await served()).production.packageArn).toBe(packages[1]);
  expect(await toldOn(2, ['shadow', 'shadow-comparison', 'approval'])).toEqual({ shadow: 'started', 'shadow-comparison': 'better', approval: null });
});

it('5. approved in Studio, the candidate is promoted by canary; MLflow shows it as champion, version 1 as previous', async () => {
  const promote = `promote-${executionId}`.slice(0, 80);
  await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: packages[2], ModelApprovalStatus: 'Approved', ApprovalDescription: 'shadow better on 1,200 rows; approved by risk-ml lead' }));
  expect(await step(promote, { action: 'approval-status', modelPackageArn: packages[2], comparison: 'better' })).toMatchObject({ status: 'Approved' });
  await step(promote, { action: 'promote', modelPackageArn: packages[2] });
  expect(await step(promote, { action: 'endpoint-status' })).toMatchObject({ settled: true, rolledBack: false });
  expect(await step(promote, { action: 'record-promotion', modelPackageArn: packages[2] })).toEqual({ championVersion: '2', lastKnownGood: '1' });
  expect((await served()).production.packageArn).toBe(packages[2]);
  expect(await aliases()).toEqual({ champion: 'v2', previous: 'v1' });
  expect(await toldOn(2, ['approval', 'promotion'])).toEqual({ approval: 'approved', promotion: 'promoted' });
});

it('6. a rollback on request goes back to version 1, and the whole story is in the ledger, who and why included', async () => {
  const request = { executionName: 'rollback-1', requestedBy: 'arn:aws:iam::123456789012:user/alice', reason: 'fraud desk reports missed cases' };
  expect(await step('rollback-1', { ...request, action: 'rollback' })).toEqual({ toVersion: '1', modelPackageArn: packages[1] });
  expect(await step('rollback-1', { action: 'endpoint-status' })).toMatchObject({ settled: true, rolledBack: false });
  expect(await step('rollback-1', { ...request, action: 'record-rollback', toVersion: '1' })).toEqual({ championVersion: '1' });
  expect((await served()).production.packageArn).toBe(packages[1]);
  expect(await aliases()).toEqual({ champion: 'v1' });

  const entries = await ledger.history(MODEL);
  expect(entries.map((e) => `${e.kind}:${e.outcome}`)).toEqual([
    'trigger:started',
    'gates:pass',
    'execution:succeeded',
    'registered:registered',
    'shadow:started',
    'shadow-comparison:better',
    'approval:approved',
    'promotion:canary-started',
    'promotion:promoted',
    'rollback:started',
    'rollback:rolled-back',
  ]);
  expect(entries.at(-1)).toMatchObject({ actor: { type: 'person', id: 'arn:aws:iam::123456789012:user/alice' }, reason: 'fraud desk reports missed cases', subject: { version: '1', championVersion: '2' } });
  const times = entries.map((e) => e.at);
  expect([...times].sort()).toEqual(times);

  // And in MLflow: the run (trigger, execution, gates: test 2), version 2's registration, shadow,
  // comparison, approval and promotion, version 1's rollback with who and why; the aliases above.
  expect(await toldOn(2, ['registered', 'shadow', 'shadow-comparison', 'approval', 'promotion'])).toEqual({ registered: 'registered', shadow: 'started', 'shadow-comparison': 'better', approval: 'approved', promotion: 'promoted' });
  expect((await versionTags(1))['driftwatch.ledger.rollback']).toMatch(/^rolled-back at .* by arn:aws:iam::123456789012:user\/alice: /);
});
