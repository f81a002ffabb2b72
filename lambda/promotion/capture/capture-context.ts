/**
 * What the capture converter builds once per container: the model file beside the bundle (as the
 * promotion Lambda's), the prediction stream and the S3 and Firehose clients.
 *
 * Environment (set by `lib/promotion/shadow-capture.ts`): `AWS_REGION`, `DW_PREDICTION_STREAM` (the
 * model's prediction Firehose stream), optional `DW_MODEL_FILE` (default `model.json` beside the
 * bundle) and `AWS_ENDPOINT_URL[_S3|_FIREHOSE]` (tests point them at moto_server).
 */
import * as path from 'node:path';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { modelRecordSpec } from '../../../config/record-spec';
import { modelSchema } from '../../../config/schema';
import { endpointOverride } from '../../adapters/aws/endpoint';
import { readJsonFile } from '../../adapters/local/json-file';
import { systemClock } from '../../ports/clock';
import type { CapturePorts, CaptureSettings, CaptureStore } from './convert-capture-file';

const modelFileSchema = z.looseObject({ env: z.string().min(1), model: modelSchema });

/** The capture files and the error objects, in the data bucket (encrypted with its default key). */
export class S3CaptureStore implements CaptureStore {
  constructor(private readonly client: S3Client) {}

  async read(bucket: string, key: string): Promise<string> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  }

  async write(bucket: string, key: string, body: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));
  }
}

export interface CaptureContext {
  readonly settings: CaptureSettings;
  readonly ports: CapturePorts;
}

/** @throws Error naming a missing variable, a model without a promotion section, or the model file's problems */
export function captureContext(env: NodeJS.ProcessEnv): CaptureContext {
  const region = env.AWS_REGION?.trim();
  const stream = env.DW_PREDICTION_STREAM?.trim();
  if (!region || !stream) throw new Error(`the capture converter's environment lacks ${!region ? 'AWS_REGION' : 'DW_PREDICTION_STREAM'} (the ShadowCapture construct sets it)`);
  const file = env.DW_MODEL_FILE?.trim() || path.join(__dirname, 'model.json');
  const { model } = readJsonFile(file, modelFileSchema, 'the model file');
  if (!model.promotion) throw new Error(`model ${model.id} has no promotion section: there is no shadow to capture`);
  const s3Endpoint = endpointOverride(env, 'S3');
  return {
    settings: {
      spec: modelRecordSpec(model),
      deliveryStreamName: stream,
      logChampion: model.promotion.capture.champion,
      ...(model.label.positiveClass !== undefined ? { positiveClass: model.label.positiveClass } : {}),
      ...(model.label.classes !== undefined ? { classes: model.label.classes } : {}),
    },
    ports: {
      store: new S3CaptureStore(new S3Client({ region, ...s3Endpoint, ...(s3Endpoint.endpoint ? { forcePathStyle: true } : {}) })),
      firehose: new FirehoseClient({ region, ...endpointOverride(env, 'FIREHOSE') }),
      clock: systemClock,
    },
  };
}
