/** The pipeline spec the builder tests use (the same JSON goes to the SageMaker SDK script). */
import type { RetrainingPipelineSpec } from '../../lambda/retraining/pipeline';

const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-train@sha256:${'ab'.repeat(32)}`;

export const SPEC: RetrainingPipelineSpec = {
  modelId: 'fraud_detector',
  roleArn: 'arn:aws:iam::123456789012:role/dw-test-fraud_detector-pipeline',
  bucket: 'driftwatch-test-data-123456789012-us-east-1',
  trainingImage: image,
  evaluationImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-eval@sha256:${'cd'.repeat(32)}`,
  inferenceImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-serve@sha256:${'ef'.repeat(32)}`,
  dataPull: { kind: 'lambda', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dw-test-fraud_detector-retrain-pull' },
  evaluationCommand: ['python3', '/opt/ml/code/evaluate.py', '--holdout', '/opt/ml/processing/holdout'],
  processingInstanceType: 'ml.m5.large',
  instanceType: 'ml.m5.xlarge',
  instanceCount: 2,
  volumeSizeGb: 50,
  maxRuntimeSeconds: 6 * 3600,
  hyperparameters: { max_depth: '6', eta: '0.2', objective: 'binary:logistic' },
  trainingDataUri: 's3://team-data/fraud/training/',
  freshDays: 28,
  gateFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dw-test-fraud_detector-gates',
  modelPackageGroupName: 'dw-test-fraud_detector',
  database: 'driftwatch_test',
  workGroup: 'driftwatch-test',
  codeVersion: '5932a0b',
  contentTypes: ['text/csv'],
  responseTypes: ['text/csv'],
  inferenceInstanceTypes: ['ml.m5.large'],
  transformInstanceTypes: ['ml.m5.large'],
};
