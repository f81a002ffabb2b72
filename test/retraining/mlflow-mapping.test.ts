/** What a retraining run leaves in MLflow (pure mapping), the log-batch split, and the adapter's errors, retries and injected fetch. */
import { logBatches, MLFLOW_LIMITS, MlflowCallFailed, MlflowRestTracker } from '../../lambda/retraining/adapters/mlflow-rest';
import { aliasChanges, gateTagKey, modelVersionLog, retrainingRunLog } from '../../lambda/retraining/tracking';
import { DIGEST, judged, runRecord } from './mlflow-fixture';

describe('retrainingRunLog', () => {
  test('a run is logged under driftwatch/<env>/<model> with the lineage as tags', () => {
    const { evaluation, report } = judged(0.93, 0.92);
    const log = retrainingRunLog(runRecord('4k2v9x1q7c3m'), evaluation, report);
    expect([log.experimentName, log.runName, log.status]).toEqual(['driftwatch/prod/fraud_detector', '4k2v9x1q7c3m', 'FINISHED']);
    expect(log.startTags).toMatchObject({
      'driftwatch.dataset_version': 'c0ffee'.padEnd(64, '0'),
      'driftwatch.code.image_digest': `sha256:${DIGEST}`,
      'driftwatch.code.git_commit': '3be58beb0b5d0da6c1f2e3d4a5b6c7d8e9f00112',
      'driftwatch.code_version': `3be58beb0b5d0da6c1f2e3d4a5b6c7d8e9f00112+sha256:${DIGEST}`,
      'driftwatch.trigger.event': '73b05c738478e97bda8c746a44dda0a3',
      'driftwatch.trigger.signal': 'drift:dataset',
      'driftwatch.pipeline_execution_arn': 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/dw-prod-fraud-detector-retrain/execution/4k2v9x1q7c3m',
      'mlflow.source.git.commit': '3be58beb0b5d0da6c1f2e3d4a5b6c7d8e9f00112',
    });
    expect(log.findBy).toEqual({ key: 'driftwatch.pipeline_execution_arn', value: log.startTags['driftwatch.pipeline_execution_arn'] });
  });

  test('params are the hyperparameters and the pipeline settings; metrics the evaluation, segments, champion, edge cases, gate counts and each check\'s value and delta', () => {
    const { evaluation, report } = judged(0.93, 0.92);
    const log = retrainingRunLog(runRecord('e1'), evaluation, report);
    expect(log.params).toEqual({ max_depth: '6', eta: '0.3', 'pipeline.instance_type': 'ml.m5.xlarge', 'pipeline.instance_count': '1' });
    expect(log.metrics).toEqual({
      roc_auc: 0.93,
      recall_score: 0.9,
      'segment/high_risk/recall_score': 0.92,
      'segment/high_risk/rows': 400,
      'champion/roc_auc': 0.9,
      'champion/recall_score': 0.89,
      'champion/segment/high_risk/recall_score': 0.88,
      'holdout/rows': 5000,
      'edge_cases/total': 2,
      'edge_cases/passed': 2,
      'edge_cases/pass_rate': 1,
      'gates/checks': 3,
      'gates/failed': 0,
      'gate/metric:roc_auc:threshold/value': 0.93,
      'gate/metric:roc_auc:threshold/delta': expect.closeTo(0.03, 10),
      'gate/metric:roc_auc:min_relative_change/value': 0.93,
      'gate/metric:roc_auc:min_relative_change/delta': expect.closeTo(0.021, 10),
      'gate/assertion:recall_score/high_risk/value': 0.92,
      'gate/assertion:recall_score/high_risk/delta': expect.closeTo(0.02, 10),
    });
    expect(log.endTags).toMatchObject({ 'driftwatch.gates.verdict': 'pass', 'driftwatch.gates.summary': 'all 3 checks passed', 'driftwatch.gates.champion': '1', 'driftwatch.gate.metric:roc_auc:threshold': 'pass: roc_auc is 0.93, >= 0.9 (delta 0.03)' });
  });

  test('an execution that failed before evaluation is a FAILED run with its lineage and no metrics', () => {
    const log = retrainingRunLog(runRecord('e2', { succeeded: false }), null, null);
    expect([log.status, Object.keys(log.metrics).length, log.endTags['driftwatch.gates.verdict']]).toEqual(['FAILED', 0, undefined]);
    expect(log.startTags['driftwatch.dataset_version']).toBe('c0ffee'.padEnd(64, '0'));
  });

  test('a failed run says which step failed and why; a stopped one is KILLED, not FAILED', () => {
    const failed = retrainingRunLog(runRecord('e5', { succeeded: false, modelPackageArn: undefined, failure: { step: 'Train', reason: 'AlgorithmError: out of memory' } }), null, null);
    expect([failed.status, failed.endTags]).toEqual(['FAILED', { 'driftwatch.execution.outcome': 'failed', 'driftwatch.execution.failed_step': 'Train', 'driftwatch.execution.failure_reason': 'AlgorithmError: out of memory' }]);
    const stopped = retrainingRunLog(runRecord('e6', { succeeded: false, stopped: true, modelPackageArn: undefined }), null, null);
    expect([stopped.status, stopped.endTags]).toEqual(['KILLED', { 'driftwatch.execution.outcome': 'stopped' }]);
  });

  test('a metric key past MLflow\'s 250 characters is refused, naming it', () => {
    const { evaluation, report } = judged(0.93, 0.92);
    const long = { ...evaluation, segments: { ['s'.repeat(240)]: { metrics: { recall_score: 1 } } } };
    expect(() => retrainingRunLog(runRecord('e3'), long, report)).toThrow(/the MLflow key "segment\/sss.*has 261 characters; MLflow allows at most 250/);
  });
});

describe('modelVersionLog', () => {
  test('a passed candidate becomes a version: source = the model artifact, the gate results as tags', () => {
    const { evaluation, report } = judged(0.93, 0.92);
    const v = modelVersionLog(runRecord('e4'), evaluation, report)!;
    expect([v.name, v.source]).toEqual(['dw-prod-fraud-detector', 's3://team-data/retraining/fraud_detector/runs/e4/model/model.tar.gz']);
    expect(v.tags).toMatchObject({
      'driftwatch.gates.verdict': 'pass',
      'driftwatch.gates.champion': '1',
      'driftwatch.gate.metric:roc_auc:threshold': 'pass: roc_auc is 0.93, >= 0.9 (delta 0.03)',
      'driftwatch.gate.assertion:recall_score/high_risk': expect.stringMatching(/^pass: recall_score on segment high_risk is 0.92/),
      'driftwatch.sagemaker.model_package_arn': expect.stringContaining(':model-package/dw-prod-fraud-detector/'),
    });
  });

  test('a failed candidate is not registered', () => {
    const { evaluation, report } = judged(0.93, 0.87);
    expect(report.verdict).toBe('fail');
    expect(modelVersionLog(runRecord('e5'), evaluation, report)).toBeNull();
  });

  test('a gate tag key stays within 250 characters and MLflow\'s characters', () => {
    const k = gateTagKey(`assertion:${'m'.repeat(200)}@${'s'.repeat(200)}`);
    expect(k.length).toBe(250);
    expect(k).toMatch(/^[/\w.\- :~]+$/);
  });
});

describe('aliasChanges', () => {
  test('a promotion makes the champion previous; a rollback puts it back and clears previous', () => {
    expect(aliasChanges({ champion: '1', shadow: '2' }, { kind: 'promoted', version: '2' })).toEqual([
      { op: 'set', alias: 'previous', version: '1' },
      { op: 'set', alias: 'champion', version: '2' },
      { op: 'delete', alias: 'shadow' },
    ]);
    expect(aliasChanges({ champion: '2', previous: '1' }, { kind: 'rolled-back' })).toEqual([
      { op: 'set', alias: 'champion', version: '1' },
      { op: 'delete', alias: 'previous' },
    ]);
  });

  test('the first champion has no previous; a shadow takes over the challenger', () => {
    expect(aliasChanges({}, { kind: 'promoted', version: '1' })).toEqual([{ op: 'set', alias: 'champion', version: '1' }]);
    expect(aliasChanges({ challenger: '3' }, { kind: 'shadowed', version: '3' })).toEqual([
      { op: 'set', alias: 'shadow', version: '3' },
      { op: 'delete', alias: 'challenger' },
    ]);
  });

  test('a rollback with nothing to go back to says so', () => {
    expect(() => aliasChanges({ champion: '1' }, { kind: 'rolled-back' })).toThrow('cannot roll back: the model has no previous version');
    expect(() => aliasChanges({ champion: '1' }, { kind: 'rolled-back', to: '1' })).toThrow('it is the champion already');
  });
});

describe('logBatches', () => {
  const kv = (n: number, prefix: string, value = 'v') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value }));
  const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 0, step: 0 }));

  test('250 params, 120 tags and 2500 metrics go in batches of at most 100 params, 100 tags and 1000 entities', () => {
    const batches = logBatches(kv(250, 'p'), kv(120, 't'), metrics(2500));
    for (const b of batches) {
      expect(b.params.length).toBeLessThanOrEqual(MLFLOW_LIMITS.paramsPerBatch);
      expect(b.tags.length).toBeLessThanOrEqual(MLFLOW_LIMITS.tagsPerBatch);
      expect(b.params.length + b.tags.length + b.metrics.length).toBeLessThanOrEqual(MLFLOW_LIMITS.entitiesPerBatch);
    }
    expect(batches.flatMap((b) => b.params).map((p) => p.key)).toEqual(kv(250, 'p').map((p) => p.key));
    expect(batches.flatMap((b) => b.tags)).toHaveLength(120);
    expect(batches.flatMap((b) => b.metrics)).toHaveLength(2500);
    expect(batches.map((b) => [b.params.length, b.tags.length, b.metrics.length])).toEqual([
      [100, 100, 800],
      [100, 20, 880],
      [50, 0, 820],
    ]);
  });

  test('long values are split to keep a request under 1 MB', () => {
    const batches = logBatches(kv(100, 'p', 'x'.repeat(6000)), kv(100, 't', 'y'.repeat(8000)), []);
    expect(batches.length).toBe(2);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(MLFLOW_LIMITS.batchRequestBytes);
  });
});

describe('MlflowRestTracker over an injected fetch', () => {
  type Seen = { method: string; url: string; headers: Record<string, string>; body: string | undefined };
  function tracker(answers: Array<() => Response>) {
    const seen: Seen[] = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push({ method: init?.method ?? 'GET', url: String(input), headers: init?.headers as Record<string, string>, body: init?.body as string | undefined });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next();
    };
    const t = new MlflowRestTracker({ trackingUri: 'https://mlflow.example/', fetch: fake, headers: { 'x-mlflow-sm-tracking-server-arn': 'arn:aws:sagemaker:eu-west-1:1:mlflow-tracking-server/dw' }, retry: { maxAttempts: 3, deadlineMs: 5000, timeoutMs: 1000, sleep: async () => {} } });
    return { t, seen };
  }
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  test('every request goes through the injected fetch with the configured headers (where a SigV4 signer plugs in)', async () => {
    const { t, seen } = tracker([json(200, { registered_model: { aliases: [{ alias: 'champion', version: '3' }] } })]);
    expect(await t.getAliases('dw-prod-fraud-detector')).toEqual({ champion: '3' });
    expect(seen).toEqual([{ method: 'GET', url: 'https://mlflow.example/api/2.0/mlflow/registered-models/get?name=dw-prod-fraud-detector', headers: expect.objectContaining({ 'x-mlflow-sm-tracking-server-arn': 'arn:aws:sagemaker:eu-west-1:1:mlflow-tracking-server/dw' }), body: undefined }]);
  });

  test('429 and 503 are retried; the third answer counts', async () => {
    const { t, seen } = tracker([json(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '0' }), json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' }), json(200, {})]);
    await t.endRun('r1', 'FINISHED', new Date(0));
    expect(seen.map((s) => s.url)).toEqual(Array(3).fill('https://mlflow.example/api/2.0/mlflow/runs/update'));
    expect(JSON.parse(seen[0].body!)).toEqual({ run_id: 'r1', status: 'FINISHED', end_time: 0 });
  });

  test('a 503 three times fails naming the call, MLflow\'s error code and message and the attempts', async () => {
    const busy = json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'database is locked' });
    const { t } = tracker([busy, busy, busy]);
    const error = await t.endRun('r1', 'FAILED', new Date(0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowCallFailed);
    expect((error as Error).message).toBe('MLflow runs/update (POST /api/2.0/mlflow/runs/update): TEMPORARILY_UNAVAILABLE: database is locked (HTTP 503 after 3 attempts)');
  });

  test('an experiment another writer created between the look-up and the create is found, not an error', async () => {
    const { t, seen } = tracker([
      json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'driftwatch/prod/fraud_detector'" }),
      json(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'driftwatch/prod/fraud_detector' already exists." }),
      json(200, { experiment: { experiment_id: '7', lifecycle_stage: 'active' } }),
    ]);
    expect(await t.ensureExperiment('driftwatch/prod/fraud_detector')).toBe('7');
    expect(seen.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name',
      'POST /api/2.0/mlflow/experiments/create',
      'GET /api/2.0/mlflow/experiments/get-by-name',
    ]);
  });

  test('a value past MLflow\'s limit is refused before anything is sent', async () => {
    const { t, seen } = tracker([]);
    await expect(t.logBatch('r1', { params: { big: 'x'.repeat(6001) }, timestamp: new Date(0) })).rejects.toThrow('MLflow runs/log-batch: the param big has a value of 6001 characters; MLflow allows at most 6000');
    expect(seen).toEqual([]);
  });
});
