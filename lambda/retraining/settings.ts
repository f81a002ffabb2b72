/**
 * What the retraining Lambdas build once per container: the model file beside the bundle (as the
 * monitor's), the environment's names, and the AWS clients.
 *
 * Environment: `AWS_REGION`, `DW_BUCKET` (the data bucket: the ledger), `DW_PIPELINE_NAME`,
 * optional `DW_MODEL_FILE` (default `model.json` beside the bundle), `DW_KMS_KEY_ID`,
 * `DW_LEDGER_TABLE` (the promotion ledger table: each decision is copied there),
 * `DW_ALERT_TOPIC_ARN` (the owner's warning topic: the gate step alerts a failure there),
 * `AWS_ENDPOINT_URL[_S3|_SAGEMAKER|_DYNAMODB]` (tests point them at moto_server).
 */
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import * as z from 'zod';
import { modelSchema, type ModelConfig } from '../../config/schema';
import { S3ObjectStore } from '../adapters/aws/s3-object-store';
import { endpointOverride } from '../adapters/aws/endpoint';
import { SnsAlertSink } from '../adapters/aws/sns-alert-sink';
import type { AlertSink } from '../ports/alert-sink';
import { readJsonFile } from '../adapters/local/json-file';
import { importanceShares } from '../core/severity/importance';
import { systemClock } from '../ports/clock';
import { DynamoDbLedger } from '../promotion/adapters/dynamodb-ledger';
import { SageMakerPipelineRunner } from './adapters/sagemaker-pipelines';
import { retrainPolicyFromConfig } from './policy';
import type { TriggerPorts, TriggerSettings } from './run-trigger';

const modelFileSchema = z.looseObject({ env: z.string().min(1), model: modelSchema });

/** The model file's env and model; the model must have a retraining section. @throws naming the file and every problem */
/** A model with its retraining section. */
export type RetrainingModel = ModelConfig & { retraining: NonNullable<ModelConfig['retraining']> };

export function loadRetrainingModel(file: string): { env: string; model: RetrainingModel } {
  const { env, model } = readJsonFile(file, modelFileSchema, 'the model file');
  if (!model.retraining) throw new Error(`the model file ${file}: model ${model.id} has no retraining section`);
  return { env, model: model as RetrainingModel };
}

export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`the retraining Lambda's environment lacks ${name} (the RetrainTrigger construct sets it)`);
  return value;
}

/** The S3 client, path-style when the endpoint is overridden (moto_server). */
export function s3ClientOf(env: NodeJS.ProcessEnv, region: string): S3Client {
  const s3Endpoint = endpointOverride(env, 'S3');
  return new S3Client({ region, ...s3Endpoint, ...(s3Endpoint.endpoint ? { forcePathStyle: true } : {}) });
}

/** Importance share per feature, as the monitor weighs them. */
export function featureSharesOf(model: ModelConfig): Record<string, number> {
  const names = model.features.map((f) => f.name);
  const shares = importanceShares(names, Object.fromEntries(model.features.map((f) => [f.name, { importance: f.importance }])));
  return Object.fromEntries(names.map((n) => [n, shares.get(n) ?? 0]));
}

export interface RetrainingContext {
  readonly settings: TriggerSettings;
  readonly ports: TriggerPorts;
  readonly model: ModelConfig & { retraining: NonNullable<ModelConfig['retraining']> };
  /** The owner's warning topic, for the gate step's alert of a failure (`DW_ALERT_TOPIC_ARN`). */
  readonly alerts?: AlertSink;
  readonly clients: { readonly s3: S3Client; readonly sageMaker: SageMakerClient; readonly dynamoDb?: DynamoDBClient };
}

/** @throws Error naming each missing variable, or the model file's problems */
export function retrainingContext(env: NodeJS.ProcessEnv): RetrainingContext {
  const region = required(env, 'AWS_REGION');
  const bucket = required(env, 'DW_BUCKET');
  const pipelineName = required(env, 'DW_PIPELINE_NAME');
  const { env: envName, model } = loadRetrainingModel(env.DW_MODEL_FILE?.trim() || path.join(__dirname, 'model.json'));
  const s3 = s3ClientOf(env, region);
  const sageMaker = new SageMakerClient({ region, ...endpointOverride(env, 'SAGEMAKER') });
  const kmsKeyId = env.DW_KMS_KEY_ID?.trim();
  const ledgerTable = env.DW_LEDGER_TABLE?.trim();
  const alertTopicArn = env.DW_ALERT_TOPIC_ARN?.trim();
  const dynamoDb = ledgerTable ? new DynamoDBClient({ region, ...endpointOverride(env, 'DYNAMODB') }) : undefined;
  return {
    settings: { env: envName, modelId: model.id, pipelineName, policy: retrainPolicyFromConfig(model.retraining), featureShares: featureSharesOf(model) },
    ports: {
      store: new S3ObjectStore(s3, { bucket, ...(kmsKeyId ? { kmsKeyId } : {}) }),
      pipelines: new SageMakerPipelineRunner(sageMaker),
      clock: systemClock,
      ...(dynamoDb && ledgerTable ? { ledger: new DynamoDbLedger(dynamoDb, { tableName: ledgerTable }) } : {}),
    },
    model,
    ...(alertTopicArn ? { alerts: new SnsAlertSink(new SNSClient({ region, ...endpointOverride(env, 'SNS') }), alertTopicArn) } : {}),
    clients: { s3, sageMaker, ...(dynamoDb ? { dynamoDb } : {}) },
  };
}
