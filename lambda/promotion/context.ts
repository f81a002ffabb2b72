/**
 * What the promotion Lambda builds once per container: the model file beside the bundle (as the
 * monitor's and the retraining's), the names the ModelPromotion construct put in the environment, and
 * the AWS adapters of the ports.
 *
 * Environment (set by `lib/promotion/model-promotion.ts`): `AWS_REGION`, `DW_LEDGER_TABLE`,
 * `DW_DATABASE`, `DW_WORKGROUP`, `DW_EXECUTION_ROLE_ARN`, `DW_CANARY_ALARMS` (a JSON list of alarm
 * names), optional `DW_PREDICTIONS_TABLE` / `DW_LABELS_TABLE` (default the Glue tables' names),
 * `DW_MODEL_FILE` (default `model.json` beside the bundle), `AWS_ENDPOINT_URL[_SAGEMAKER|_ATHENA|_DYNAMODB]`
 * (tests point them at moto_server); for the registry mirror (`registry-mirror.ts`: every ledger entry
 * that moves the registry is mirrored into MLflow), optional `DW_MLFLOW_TRACKING_SERVER_ARN` (SageMaker
 * managed MLflow, requests SigV4-signed as the function's role) or `DW_MLFLOW_TRACKING_URI` (a server
 * of your own, reached without signing); optional `DW_CAPTURE_BUCKET` and `DW_CAPTURE_KMS_KEY_ID` (the
 * shadow config's Data Capture, `capture/capturing-hosting.ts`); optional `DW_ALERT_TOPIC_ARN` (the owner's warning topic: the
 * comparison's verdict, a promotion and a rollback are announced there, `owner-notices.ts`).
 */
import * as path from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import * as z from 'zod';
import { modelSchema } from '../../config/schema';
import { AthenaQueryEngine } from '../adapters/aws/athena-query-engine';
import { endpointOverride } from '../adapters/aws/endpoint';
import { readJsonFile } from '../adapters/local/json-file';
import { systemClock } from '../ports/clock';
import { dynamoDbClient, DynamoDbLedger } from './adapters/dynamodb-ledger';
import { SageMakerHosting } from './adapters/sagemaker-hosting';
import type { PromotionLedger } from './ledger';
import type { ModelHosting, PromotionPorts } from './ports';
import { withShadowCapture } from './capture/capturing-hosting';
import { MlflowRestTracker } from '../retraining/adapters/mlflow-rest';
import { managedMlflowTracker } from '../retraining/adapters/sagemaker-mlflow';
import { MirroringLedger } from './registry-mirror';
import { NotifyingLedger } from './owner-notices';
import { SnsAlertSink } from '../adapters/aws/sns-alert-sink';
import { SNSClient } from '@aws-sdk/client-sns';
import { promotionSettings, type PromotionSettings } from './settings';

const modelFileSchema = z.looseObject({ env: z.string().min(1), model: modelSchema });

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`the promotion Lambda's environment lacks ${name} (the ModelPromotion construct sets it)`);
  return value;
}

/** DW_CANARY_ALARMS as a list of names. @throws naming the variable and the value */
function alarmNames(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = z.array(z.string().min(1)).min(1).safeParse((() => { try { return JSON.parse(value); } catch { return value; } })());
  if (!parsed.success) throw new Error(`DW_CANARY_ALARMS must be a JSON list of alarm names, got ${JSON.stringify(value)}`);
  return parsed.data;
}

/** The ledger, mirrored into MLflow when the environment names a server (the managed one first). */
function mirrored(env: NodeJS.ProcessEnv, settings: PromotionSettings, ledger: PromotionLedger): PromotionLedger {
  const serverArn = env.DW_MLFLOW_TRACKING_SERVER_ARN?.trim();
  const trackingUri = env.DW_MLFLOW_TRACKING_URI?.trim();
  const tracker = serverArn ? managedMlflowTracker({ trackingServerArn: serverArn }) : trackingUri ? new MlflowRestTracker({ trackingUri }) : null;
  return tracker ? new MirroringLedger(ledger, tracker, { registeredModelName: settings.modelPackageGroup }) : ledger;
}

/** The ledger, announcing the owner's facts on `DW_ALERT_TOPIC_ARN` (the owner's warning topic) when set. */
function announced(env: NodeJS.ProcessEnv, region: string, ledger: PromotionLedger): PromotionLedger {
  const topicArn = env.DW_ALERT_TOPIC_ARN?.trim();
  return topicArn ? new NotifyingLedger(ledger, new SnsAlertSink(new SNSClient({ region, ...endpointOverride(env, 'SNS') }), topicArn)) : ledger;
}

/** The hosting port, with Data Capture on its shadow configs when the construct set the bucket and key (both or neither). */
function captured(env: NodeJS.ProcessEnv, modelId: string, samplingPercent: number, hosting: ModelHosting): ModelHosting {
  const bucket = env.DW_CAPTURE_BUCKET?.trim();
  const kmsKeyId = env.DW_CAPTURE_KMS_KEY_ID?.trim();
  if (!bucket && !kmsKeyId) return hosting;
  if (!bucket || !kmsKeyId) throw new Error(`DW_CAPTURE_BUCKET and DW_CAPTURE_KMS_KEY_ID go together (the ShadowCapture construct sets both); only ${bucket ? 'DW_CAPTURE_BUCKET' : 'DW_CAPTURE_KMS_KEY_ID'} is set`);
  return withShadowCapture(hosting, { modelId, bucket, kmsKeyId, samplingPercent });
}

export interface PromotionContext {
  readonly ports: PromotionPorts;
  readonly settings: PromotionSettings;
}

/** @throws Error naming each missing variable, or the model file's problems */
export function promotionContext(env: NodeJS.ProcessEnv): PromotionContext {
  const region = required(env, 'AWS_REGION');
  const file = env.DW_MODEL_FILE?.trim() || path.join(__dirname, 'model.json');
  const { env: envName, model } = readJsonFile(file, modelFileSchema, 'the model file');
  const base = promotionSettings(envName, model, env.DW_EXECUTION_ROLE_ARN?.trim() || undefined);
  const database = required(env, 'DW_DATABASE');
  const settings: PromotionSettings = {
    ...base,
    canaryAlarmNames: alarmNames(env.DW_CANARY_ALARMS) ?? base.canaryAlarmNames,
    predictionTable: { database, table: env.DW_PREDICTIONS_TABLE?.trim() || base.predictionTable.table },
    labelTable: { database, table: env.DW_LABELS_TABLE?.trim() || base.labelTable.table },
  };
  const athena = new AthenaClient({ region, ...endpointOverride(env, 'ATHENA') });
  return {
    settings,
    ports: {
      hosting: captured(env, model.id, model.promotion?.capture.samplingPercent ?? 100, new SageMakerHosting(new SageMakerClient({ region, ...endpointOverride(env, 'SAGEMAKER') }))),
      query: new AthenaQueryEngine(athena, { workGroup: required(env, 'DW_WORKGROUP'), database }),
      ledger: announced(env, region, mirrored(env, settings, new DynamoDbLedger(dynamoDbClient(env, region), { tableName: required(env, 'DW_LEDGER_TABLE') }))),
      clock: systemClock,
    },
  };
}
