/**
 * What the pipeline-outcome Lambda builds once per container: the model file beside the bundle, the
 * ledger table, the owner's topic, the SageMaker client and, with MLflow tracking, the tracker and
 * the data bucket.
 *
 * Environment: `AWS_REGION`, `DW_PIPELINE_NAME`, `DW_LEDGER_TABLE` (the promotion ledger table),
 * optional `DW_ALERT_TOPIC_ARN` (the owner's warning topic: a failed execution is alerted there),
 * optional `DW_MLFLOW_TRACKING_SERVER_ARN` (SageMaker managed MLflow, SigV4-signed as the function's
 * role) or `DW_MLFLOW_TRACKING_URI` (a server of your own, unsigned), as the promotion Lambda reads
 * them; with either, `DW_BUCKET` (the data bucket: the runs' manifest.json and evaluation.json, the
 * gate reports) and optional `DW_CODE_VERSION` (the git commit deployed, the pipeline's `CodeVersion`
 * default); `DW_MODEL_FILE` (default `model.json` beside the bundle),
 * `AWS_ENDPOINT_URL[_SAGEMAKER|_DYNAMODB|_SNS|_S3]` (tests point them at moto_server).
 */
import * as path from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { modelPackageGroupName } from '../../lib/retraining/naming';
import { endpointOverride } from '../adapters/aws/endpoint';
import { S3ObjectStore } from '../adapters/aws/s3-object-store';
import { SnsAlertSink } from '../adapters/aws/sns-alert-sink';
import { DynamoDbLedger, dynamoDbClient } from '../promotion/adapters/dynamodb-ledger';
import { MlflowRestTracker } from './adapters/mlflow-rest';
import { managedMlflowTracker } from './adapters/sagemaker-mlflow';
import { SageMakerExecutionInspector } from './adapters/sagemaker-pipelines';
import type { ExperimentTracker } from './ports';
import type { OutcomePorts, OutcomeSettings } from './record-outcome';
import type { RunDefaults } from './run-record';
import { loadRetrainingModel, required, s3ClientOf } from './settings';

export interface OutcomeContext {
  readonly settings: OutcomeSettings;
  readonly ports: OutcomePorts;
}

/** The tracker the environment names (the managed server first), or null. */
export function trackerFromEnv(env: NodeJS.ProcessEnv): ExperimentTracker | null {
  const serverArn = env.DW_MLFLOW_TRACKING_SERVER_ARN?.trim();
  const trackingUri = env.DW_MLFLOW_TRACKING_URI?.trim();
  if (serverArn) return managedMlflowTracker({ trackingServerArn: serverArn });
  return trackingUri ? new MlflowRestTracker({ trackingUri }) : null;
}

/** @throws Error naming each missing variable, or the model file's problems */
export function pipelineOutcomeContext(env: NodeJS.ProcessEnv): OutcomeContext {
  const region = required(env, 'AWS_REGION');
  const pipelineName = required(env, 'DW_PIPELINE_NAME');
  const tableName = required(env, 'DW_LEDGER_TABLE');
  const alertTopicArn = env.DW_ALERT_TOPIC_ARN?.trim();
  const { env: envName, model } = loadRetrainingModel(env.DW_MODEL_FILE?.trim() || path.join(__dirname, 'model.json'));
  const inspector = new SageMakerExecutionInspector(new SageMakerClient({ region, ...endpointOverride(env, 'SAGEMAKER') }));
  const tracker = trackerFromEnv(env);
  const bucket = tracker ? required(env, 'DW_BUCKET') : undefined;
  const pipeline = model.retraining.pipeline;
  const run: RunDefaults | undefined = bucket
    ? {
        env: envName,
        modelId: model.id,
        registeredModelName: modelPackageGroupName(envName, model.id),
        bucket,
        trainingImage: pipeline.image,
        hyperparameters: Object.fromEntries(Object.entries(pipeline.hyperparameters).map(([k, v]) => [k, String(v)])),
        ...(env.DW_CODE_VERSION?.trim() ? { codeVersion: env.DW_CODE_VERSION.trim() } : {}),
      }
    : undefined;
  return {
    settings: { env: envName, modelId: model.id, pipelineName, ...(run ? { run } : {}) },
    ports: {
      executions: inspector,
      ledger: new DynamoDbLedger(dynamoDbClient(env, region), { tableName }),
      ...(alertTopicArn ? { alerts: new SnsAlertSink(new SNSClient({ region, ...endpointOverride(env, 'SNS') }), alertTopicArn) } : {}),
      ...(tracker && bucket ? { tracking: { tracker, runs: inspector, store: new S3ObjectStore(s3ClientOf(env, region), { bucket }) } } : {}),
    },
  };
}
