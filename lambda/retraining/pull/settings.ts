/**
 * What the pull Lambda builds once per container: the model file beside the bundle, the Athena
 * engine in the environment's workgroup, the S3 clients.
 *
 * Environment: `AWS_REGION`, `DW_BUCKET` (the data bucket), `DW_DATABASE`, `DW_WORKGROUP`,
 * `DW_PREDICTION_TABLE`, `DW_LABEL_TABLE`, optional `DW_MODEL_FILE` (default `model.json` beside the
 * bundle), `AWS_ENDPOINT_URL[_S3|_ATHENA]` (tests point them at moto_server).
 */
import * as path from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { modelRecordSpec } from '../../../config/record-spec';
import { AthenaQueryEngine } from '../../adapters/aws/athena-query-engine';
import { endpointOverride } from '../../adapters/aws/endpoint';
import { S3ObjectStore } from '../../adapters/aws/s3-object-store';
import { systemClock } from '../../ports/clock';
import { loadRetrainingModel, required, s3ClientOf, type RetrainingModel } from '../settings';
import type { PullPorts, PullSettings } from './run-pull';
import { S3DatasetFiles } from './s3-dataset-files';

/**
 * Each Athena query (the count, the unload) may run this long: two of them, the listing and the
 * hashing fit in the Lambda step's 10 minutes.
 */
export const PULL_QUERY_TIMEOUT_MS = 4 * 60_000;

/** @throws Error naming each missing variable, or the model file's problems */
export function pullContext(env: NodeJS.ProcessEnv): { ports: PullPorts; settings: PullSettings } {
  const region = required(env, 'AWS_REGION');
  const bucket = required(env, 'DW_BUCKET');
  const database = required(env, 'DW_DATABASE');
  const workGroup = required(env, 'DW_WORKGROUP');
  const { model } = loadRetrainingModel(env.DW_MODEL_FILE?.trim() || path.join(__dirname, 'model.json'));
  const s3 = s3ClientOf(env, region);
  const athena = new AthenaClient({ region, ...endpointOverride(env, 'ATHENA') });
  return {
    ports: {
      query: new AthenaQueryEngine(athena, { workGroup, database, timeoutMs: PULL_QUERY_TIMEOUT_MS }),
      files: new S3DatasetFiles(s3),
      store: new S3ObjectStore(s3, { bucket }),
      clock: systemClock,
    },
    settings: pullSettings(model, { bucket, predictionTable: { database, table: required(env, 'DW_PREDICTION_TABLE') }, labelTable: { database, table: required(env, 'DW_LABEL_TABLE') } }),
  };
}

/** The pull's settings from a model's config (its `retraining.pipeline` section) and where its tables are. */
export function pullSettings(model: RetrainingModel, where: Pick<PullSettings, 'bucket' | 'predictionTable' | 'labelTable'>): PullSettings {
  const pull = model.retraining.pipeline.dataPull;
  return {
    modelId: model.id,
    ...where,
    spec: modelRecordSpec(model),
    historyUri: model.retraining.pipeline.trainingData.s3Uri,
    holdoutPercent: pull.holdoutPercent,
    minLabelledRows: pull.minLabelledRows,
    labelLookbackDays: pull.labelLookbackDays,
  };
}
