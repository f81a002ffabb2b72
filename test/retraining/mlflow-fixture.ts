/** One retraining execution of fraud_detector, its evaluation.json and gates, as the MLflow tests log them. */
import { evaluateGates, parseAssertion, parseEvaluation, type Gate } from '../../lambda/core/gates';
import type { RetrainingRunRecord } from '../../lambda/retraining/tracking';

export const DIGEST = 'ab'.repeat(32);

/** Execution `id` of fraud_detector in env `env`, registered into `registeredModelName`. */
export function runRecord(id: string, overrides: Partial<RetrainingRunRecord> = {}): RetrainingRunRecord {
  return {
    env: 'prod',
    modelId: 'fraud_detector',
    registeredModelName: 'dw-prod-fraud-detector',
    executionArn: `arn:aws:sagemaker:eu-west-1:123456789012:pipeline/dw-prod-fraud-detector-retrain/execution/${id}`,
    trainingImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train:v3@sha256:${DIGEST}`,
    gitCommit: '3be58beb0b5d0da6c1f2e3d4a5b6c7d8e9f00112',
    datasetVersion: 'c0ffee'.padEnd(64, '0'),
    trigger: { eventKey: '73b05c738478e97bda8c746a44dda0a3', signal: 'drift:dataset', dedupKey: 'prod/fraud_detector/1d/drift:dataset', windowEnd: '2026-11-25T00:00:00.000Z' },
    hyperparameters: { max_depth: '6', eta: '0.3' },
    settings: { instance_type: 'ml.m5.xlarge', instance_count: '1' },
    startedAt: new Date('2026-11-25T12:20:05.000Z'),
    endedAt: new Date('2026-11-25T13:41:00.000Z'),
    succeeded: true,
    modelArtifactUri: `s3://team-data/retraining/fraud_detector/runs/${id}/model/model.tar.gz`,
    modelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-prod-fraud-detector/${id.length}`,
    ...overrides,
  };
}

export const gates: Gate[] = [
  { kind: 'metric', metric: 'roc_auc', greaterIsBetter: true, threshold: 0.9, minRelativeChange: 0.01 },
  parseAssertion('recall_score on segment high_risk >= 0.90'),
];

/** evaluation.json with the candidate's roc_auc and high-risk recall against a champion at 0.9 / 0.88. */
export function evaluation(rocAuc: number, highRiskRecall: number) {
  return parseEvaluation({
    format: 'driftwatch.evaluation/v1',
    holdout: { rows: 5000 },
    metrics: { roc_auc: rocAuc, recall_score: 0.9 },
    segments: { high_risk: { rows: 400, metrics: { recall_score: highRiskRecall } } },
    edgeCases: [
      { id: 'zero-amount', passed: true },
      { id: 'foreign-card', passed: true },
    ],
    champion: { version: '1', metrics: { roc_auc: 0.9, recall_score: 0.89 }, segments: { high_risk: { metrics: { recall_score: 0.88 } } } },
  });
}

export function judged(rocAuc: number, highRiskRecall: number) {
  const e = evaluation(rocAuc, highRiskRecall);
  return { evaluation: e, report: evaluateGates(e, gates) };
}
