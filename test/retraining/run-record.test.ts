import { parsePipelineExecutionEvent } from '../../lambda/retraining/outcome-event';
import { datasetVersionOf, gateReportOf, runArtifactKeys, runRecordOf, type RunDefaults } from '../../lambda/retraining/run-record';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/dw-prod-fraud-detector-retrain/execution/4k2v9x1q7c3m';
const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train:1.4@sha256:${'a'.repeat(64)}`;
const DEFAULTS: RunDefaults = { env: 'prod', modelId: 'fraud_detector', registeredModelName: 'dw-prod-fraud-detector', bucket: 'dw-prod-data', trainingImage: 'config-image@sha256:' + 'b'.repeat(64), hyperparameters: { max_depth: '6' } };

function ended(status: string) {
  return parsePipelineExecutionEvent({
    'detail-type': 'SageMaker Model Building Pipeline Execution Status Change',
    source: 'aws.sagemaker',
    time: '2026-11-25T14:10:11Z',
    detail: { currentPipelineExecutionStatus: status, pipelineArn: ARN.replace(/\/execution\/.*/, ''), pipelineExecutionArn: ARN, executionStartTime: '2026-11-25T12:20:05Z', executionEndTime: '2026-11-25T14:10:10Z' },
  });
}

const PARAMETERS = {
  TriggerEventKey: 'evt-42',
  TriggerDedupKey: 'prod/fraud_detector/1d/drift:dataset',
  TriggerSignal: 'drift:dataset',
  WindowEnd: '2026-11-25T12:00:00Z',
  TrainingInstanceType: 'ml.m5.xlarge',
  TrainingInstanceCount: '1',
  FreshDays: '30',
  ModelApprovalStatus: 'PendingManualApproval',
  CodeVersion: '0123abc',
};

test('a succeeded execution: trigger and code version from its parameters, image, artifact and hyperparameters from its training job, the dataset version from its manifest', () => {
  const record = runRecordOf(DEFAULTS, {
    event: ended('Succeeded'),
    parameters: PARAMETERS,
    trainingJob: { name: 'pipelines-4k2v9x1q7c3m-Train-x', image: IMAGE, modelArtifactUri: 's3://dw-prod-data/retraining/fraud_detector/runs/4k2v9x1q7c3m/model/job/output/model.tar.gz', hyperparameters: { max_depth: '8', eta: '0.1' } },
    manifest: { datasetVersion: 'f'.repeat(64), files: [] },
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-prod-fraud-detector/3',
  });
  expect(record).toEqual({
    env: 'prod',
    modelId: 'fraud_detector',
    registeredModelName: 'dw-prod-fraud-detector',
    executionArn: ARN,
    trainingImage: IMAGE,
    gitCommit: '0123abc',
    datasetVersion: 'f'.repeat(64),
    trigger: { eventKey: 'evt-42', signal: 'drift:dataset', dedupKey: 'prod/fraud_detector/1d/drift:dataset', windowEnd: '2026-11-25T12:00:00Z' },
    hyperparameters: { max_depth: '8', eta: '0.1' },
    settings: { TrainingInstanceType: 'ml.m5.xlarge', TrainingInstanceCount: '1', FreshDays: '30', ModelApprovalStatus: 'PendingManualApproval' },
    startedAt: new Date('2026-11-25T12:20:05Z'),
    endedAt: new Date('2026-11-25T14:10:10Z'),
    succeeded: true,
    modelArtifactUri: 's3://dw-prod-data/retraining/fraud_detector/runs/4k2v9x1q7c3m/model/job/output/model.tar.gz',
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-prod-fraud-detector/3',
  });
});

test('an execution that failed before training: the config image and hyperparameters, the run prefix as artifact, unknown dataset and code, a manual trigger', () => {
  const record = runRecordOf(DEFAULTS, { event: ended('Failed'), parameters: {}, trainingJob: null, manifest: null, modelPackageArn: null });
  expect(record).toMatchObject({
    trainingImage: DEFAULTS.trainingImage,
    hyperparameters: { max_depth: '6' },
    gitCommit: 'unknown',
    datasetVersion: 'unknown',
    trigger: { eventKey: 'manual', signal: 'manual' },
    succeeded: false,
    modelArtifactUri: 's3://dw-prod-data/retraining/fraud_detector/runs/4k2v9x1q7c3m/model',
  });
  expect(record).not.toHaveProperty('modelPackageArn');
});

test('the run artifacts are where the pipeline writes them', () => {
  expect(runArtifactKeys('fraud_detector', 'abc')).toEqual({
    run: 'retraining/fraud_detector/runs/abc',
    manifest: 'retraining/fraud_detector/runs/abc/data/manifest/manifest.json',
    evaluation: 'retraining/fraud_detector/runs/abc/evaluation/evaluation.json',
    model: 'retraining/fraud_detector/runs/abc/model',
  });
});

test('a manifest without a dataset version, and a stored object that is no gate report, are not guessed at', () => {
  expect(datasetVersionOf({ files: [] })).toBe('unknown');
  expect(datasetVersionOf({ datasetVersion: '  ' })).toBe('unknown');
  expect(gateReportOf({ verdict: 'maybe', results: [], failures: [], summary: '' })).toBeNull();
  expect(gateReportOf(null)).toBeNull();
  const stored = { format: 'driftwatch.gate-report/v1', executionId: 'abc', verdict: 'pass', results: [], failures: [], summary: 'all 0 checks passed' };
  expect(gateReportOf(stored)).toEqual({ verdict: 'pass', results: [], failures: [], summary: 'all 0 checks passed' });
});

test("the trigger sets its own parameters only: the code version is then the commit given at deploy time", () => {
  const { CodeVersion: _, ...triggerOnly } = PARAMETERS;
  const record = runRecordOf({ ...DEFAULTS, codeVersion: 'deadbeef' }, { event: ended('Succeeded'), parameters: triggerOnly, trainingJob: null, manifest: null, modelPackageArn: null });
  expect(record.gitCommit).toBe('deadbeef');
  expect(runRecordOf({ ...DEFAULTS, codeVersion: 'deadbeef' }, { event: ended('Succeeded'), parameters: PARAMETERS, trainingJob: null, manifest: null, modelPackageArn: null }).gitCommit).toBe('0123abc');
});
