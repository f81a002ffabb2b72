/**
 * The tracking and the registry mirror against a real MLflow server (test/support/mlflow.ts starts
 * `mlflow server` from .venv-mlflow on loopback), every call through the REST adapter and read back
 * through the REST API, and through MLflow's own Python client (mlflow_readback.py).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MlflowCallFailed, MlflowRestTracker } from '../../lambda/retraining/adapters/mlflow-rest';
import { applyRegistryEvent, trackRetrainingRun } from '../../lambda/retraining/track-run';
import { MLFLOW_PYTHON, startMlflow, type MlflowServer } from '../support/mlflow';
import { DIGEST, judged, runRecord } from './mlflow-fixture';

jest.setTimeout(120_000);

let mlflow: MlflowServer;
let tracker: MlflowRestTracker;

beforeAll(async () => {
  mlflow = await startMlflow();
  tracker = new MlflowRestTracker({ trackingUri: mlflow.endpoint });
}, 240_000);
afterAll(async () => {
  await mlflow?.stop();
});

/** A GET of MLflow's REST API, as any client reads it. */
async function rest<T>(call: string, query: Record<string, string>): Promise<T> {
  const res = await fetch(`${mlflow.endpoint}/api/2.0/mlflow/${call}?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

type KV = { key: string; value: string };
type RestRun = { run: { info: { status: string; experiment_id: string; run_name: string }; data: { params?: KV[]; metrics?: { key: string; value: number }[]; tags?: KV[] } } };
type RestVersion = { model_version: { version: string; source: string; run_id: string; tags?: KV[]; aliases?: string[] } };
const record = (kvs: KV[] | undefined) => Object.fromEntries((kvs ?? []).map((t) => [t.key, t.value]));

async function aliasesByRest(name: string): Promise<Record<string, string>> {
  const res = await rest<{ registered_model: { aliases?: { alias: string; version: string }[] } }>('registered-models/get', { name });
  return Object.fromEntries((res.registered_model.aliases ?? []).map((a) => [a.alias, a.version]));
}

type PythonView = {
  aliases: Record<string, string>;
  champion: string | null;
  versions: Record<string, { run_id: string; source: string; tags: Record<string, string> }>;
  run: { status: string; experiment: string; params: Record<string, string>; metrics: Record<string, number>; tags: Record<string, string> };
};
async function pythonView(name: string, runId: string): Promise<PythonView> {
  const { stdout } = await promisify(execFile)(MLFLOW_PYTHON, [path.join(__dirname, 'mlflow_readback.py'), mlflow.endpoint, name, runId], { timeout: 90_000 });
  return JSON.parse(stdout) as PythonView;
}

test('a retraining run is logged with its lineage, params, metrics and status, and a retried step logs into the same run', async () => {
  const { evaluation, report } = judged(0.93, 0.92);
  const run = runRecord('run-logged', { registeredModelName: 'dw-prod-run-logged' });
  const first = await trackRetrainingRun(tracker, run, evaluation, report);
  const again = await trackRetrainingRun(tracker, run, evaluation, report);
  expect([again.runId, again.modelVersion?.version]).toEqual([first.runId, first.modelVersion?.version]);

  const { run: stored } = await rest<RestRun>('runs/get', { run_id: first.runId });
  const experiment = await rest<{ experiment: { name: string } }>('experiments/get', { experiment_id: stored.info.experiment_id });
  expect([experiment.experiment.name, stored.info.run_name, stored.info.status]).toEqual(['driftwatch/prod/fraud_detector', 'run-logged', 'FINISHED']);
  expect(record(stored.data.params)).toEqual({ max_depth: '6', eta: '0.3', 'pipeline.instance_type': 'ml.m5.xlarge', 'pipeline.instance_count': '1' });
  expect(Object.fromEntries((stored.data.metrics ?? []).map((m) => [m.key, m.value]))).toMatchObject({ roc_auc: 0.93, 'segment/high_risk/recall_score': 0.92, 'champion/roc_auc': 0.9, 'gates/failed': 0 });
  expect(record(stored.data.tags)).toMatchObject({
    'driftwatch.dataset_version': run.datasetVersion,
    'driftwatch.code_version': `${run.gitCommit}+sha256:${DIGEST}`,
    'driftwatch.trigger.event': run.trigger.eventKey,
    'driftwatch.pipeline_execution_arn': run.executionArn,
    'driftwatch.gates.verdict': 'pass',
    'mlflow.source.git.commit': run.gitCommit,
  });
  const runs = await fetch(`${mlflow.endpoint}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [stored.info.experiment_id], filter: "attributes.run_name = 'run-logged'" }) });
  expect(((await runs.json()) as { runs: unknown[] }).runs).toHaveLength(1);
});

test('more params, tags and metrics than one log-batch takes are all logged', async () => {
  const experimentId = await tracker.ensureExperiment('driftwatch/test/batch-limits');
  const run = await tracker.startRun({ experimentId, runName: 'many', startTime: new Date(), tags: {} });
  const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, String(i)]));
  const tags = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`t${i}`, `v${i}`]));
  const metrics = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`m${i}`, i / 10]));
  await tracker.logBatch(run.runId, { params, tags, metrics, timestamp: new Date() });
  const { run: stored } = await rest<RestRun>('runs/get', { run_id: run.runId });
  expect([stored.data.params?.length, stored.data.tags?.filter((t) => /^t\d+$/.test(t.key)).length, stored.data.metrics?.length]).toEqual([250, 120, 2500]);
});

test('a registered candidate is a model version with its source, run and gate results as tags, alias challenger', async () => {
  const { evaluation, report } = judged(0.93, 0.92);
  const run = runRecord('registered', { registeredModelName: 'dw-prod-registered' });
  const tracked = await trackRetrainingRun(tracker, run, evaluation, report);
  const { model_version: v } = await rest<RestVersion>('model-versions/get', { name: 'dw-prod-registered', version: tracked.modelVersion!.version });
  expect([v.source, v.run_id, v.aliases]).toEqual([run.modelArtifactUri, tracked.runId, ['challenger']]);
  expect(record(v.tags)).toMatchObject({
    'driftwatch.gates.verdict': 'pass',
    'driftwatch.gates.summary': 'all 3 checks passed',
    'driftwatch.gates.champion': '1',
    'driftwatch.gate.metric:roc_auc:threshold': 'pass: roc_auc is 0.93, >= 0.9 (delta 0.03)',
    'driftwatch.gate.assertion:recall_score/high_risk': expect.stringMatching(/^pass: recall_score on segment high_risk is 0.92/),
    'driftwatch.dataset_version': run.datasetVersion,
  });
});

test('a failed gate logs a finished run with verdict fail and registers no version', async () => {
  const { evaluation, report } = judged(0.93, 0.87);
  const tracked = await trackRetrainingRun(tracker, runRecord('gate-failed', { registeredModelName: 'dw-prod-gate-failed' }), evaluation, report);
  expect(tracked.modelVersion).toBeNull();
  const { run: stored } = await rest<RestRun>('runs/get', { run_id: tracked.runId });
  expect([stored.info.status, record(stored.data.tags)['driftwatch.gates.verdict']]).toEqual(['FINISHED', 'fail']);
  const missing = await fetch(`${mlflow.endpoint}/api/2.0/mlflow/registered-models/get?name=dw-prod-gate-failed`);
  expect(missing.status).toBe(404);
});

test('a promotion moves champion to previous and a rollback moves it back, as the REST API and the Python client see it', async () => {
  const name = 'dw-staging-promotion';
  const { evaluation, report } = judged(0.93, 0.92);
  const v1 = await trackRetrainingRun(tracker, runRecord('promo-1', { env: 'staging', registeredModelName: name }), evaluation, report);
  await applyRegistryEvent(tracker, name, { kind: 'promoted', version: v1.modelVersion!.version });
  const v2 = await trackRetrainingRun(tracker, runRecord('promo-2', { env: 'staging', registeredModelName: name }), evaluation, report);
  await applyRegistryEvent(tracker, name, { kind: 'shadowed', version: v2.modelVersion!.version });
  expect(await aliasesByRest(name)).toEqual({ champion: '1', shadow: '2' });

  await applyRegistryEvent(tracker, name, { kind: 'promoted', version: '2' });
  expect(await aliasesByRest(name)).toEqual({ champion: '2', previous: '1' });
  const promoted = await pythonView(name, v2.runId);
  expect([promoted.aliases, promoted.champion]).toEqual([{ champion: '2', previous: '1' }, '2']);
  expect(promoted.versions['2']).toMatchObject({ run_id: v2.runId, source: runRecord('promo-2').modelArtifactUri, tags: expect.objectContaining({ 'driftwatch.gates.verdict': 'pass' }) });
  expect(promoted.run).toMatchObject({ status: 'FINISHED', experiment: 'driftwatch/staging/fraud_detector', params: { max_depth: '6' }, metrics: expect.objectContaining({ roc_auc: 0.93 }) });
  expect(promoted.run.tags['driftwatch.pipeline_execution_arn']).toMatch(/\/execution\/promo-2$/);

  await applyRegistryEvent(tracker, name, { kind: 'rolled-back' });
  expect(await aliasesByRest(name)).toEqual({ champion: '1' });
  const rolledBack = await pythonView(name, v1.runId);
  expect([rolledBack.aliases, rolledBack.champion]).toEqual([{ champion: '1' }, '1']);
});

test('a bad call fails with the call and MLflow\'s error code and message', async () => {
  const name = 'dw-prod-bad-call';
  await tracker.ensureRegisteredModel(name);
  const error = await tracker.setAlias(name, 'champion', '42').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MlflowCallFailed);
  expect(error).toMatchObject({ call: 'registered-models/alias', errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
  expect((error as Error).message).toMatch(/^MLflow registered-models\/alias \(POST \/api\/2\.0\/mlflow\/registered-models\/alias\): RESOURCE_DOES_NOT_EXIST: .*42.* \(HTTP 404\)$/);

  const experimentId = await tracker.ensureExperiment('driftwatch/test/bad-call');
  const run = await tracker.startRun({ experimentId, runName: 'immutable-params', startTime: new Date(), tags: {} });
  await tracker.logBatch(run.runId, { params: { max_depth: '6' }, timestamp: new Date() });
  await expect(tracker.logBatch(run.runId, { params: { max_depth: '7' }, timestamp: new Date() })).rejects.toThrow(/^MLflow runs\/log-batch \(POST \/api\/2\.0\/mlflow\/runs\/log-batch\): INVALID_PARAMETER_VALUE: .*max_depth.* \(HTTP 400\)$/s);
});
