/**
 * End to end against moto_server: the real SDK v3 Firehose and S3 clients, an ExtendedS3 delivery stream
 * (moto delivers raw JSON lines, without Parquet conversion) and the records read back from the bucket.
 */
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GroundTruthLogger, PredictionLogger } from '../../lambda/client/prediction-logger';
import { S3_LAYOUT } from '../../lambda/core/schema/record-schema';
import { MotoServer, motoClientConfig, startMoto } from '../support/moto';
import { fraudRecord, fraudSpec } from './fixtures';

const bucket = 'driftwatch-prediction-log';
let moto: MotoServer;
let s3: S3Client;
let firehose: FirehoseClient;

async function createStream(name: string, prefix: string): Promise<void> {
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${bucket}`,
        RoleARN: 'arn:aws:iam::123456789012:role/driftwatch-firehose',
        Prefix: prefix,
      },
    }),
  );
}

/** Every JSON line stored under `prefix`, in key order. */
async function readLines(prefix: string): Promise<Record<string, unknown>[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const keys = (listed.Contents ?? []).map((c) => c.Key as string).sort();
  const lines: Record<string, unknown>[] = [];
  for (const key of keys) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    for (const line of body.split('\n')) if (line !== '') lines.push(JSON.parse(line));
  }
  return lines;
}

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  firehose = new FirehoseClient(motoClientConfig(moto.endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  firehose?.destroy();
  await moto?.stop();
});

describe('PredictionLogger against moto_server', () => {
  it('delivers every valid record to S3 as one JSON line each, in the contract layout', async () => {
    await createStream('fraud-v2-predictions', S3_LAYOUT.predictions('fraud_v2'));
    const logger = new PredictionLogger('fraud-v2-predictions', fraudSpec, firehose);
    const records = Array.from({ length: 620 }, (_, i) => fraudRecord(i));
    const invalid = fraudRecord(9999, { variant: 'canary' });
    for (const r of records) expect((await logger.log(r)).accepted).toBe(true);
    expect((await logger.log(invalid)).accepted).toBe(false);
    const undelivered = await logger.close();

    expect(undelivered.map((u) => u.record)).toEqual([invalid]);
    expect(logger.stats).toMatchObject({ delivered: 620, rejected: 1, failed: 0, calls: 2 });
    // moto keeps the prefix's !{timestamp} namespaces literally; the records are what matters here.
    const lines = await readLines('predictions/fraud_v2/');
    expect(lines).toHaveLength(620);
    expect(lines.map((l) => l.prediction_id).sort()).toEqual(records.map((r) => r.prediction_id).sort());
    const byId = new Map(lines.map((l) => [l.prediction_id, l]));
    for (const r of records) {
      expect(byId.get(r.prediction_id)).toEqual({ ...r, event_time: (r.event_time as string).replace('Z', '.000Z') });
    }
  });

  it('delivers ground-truth labels to their own stream', async () => {
    await createStream('fraud-v2-labels', S3_LAYOUT.labels('fraud_v2'));
    const logger = new GroundTruthLogger('fraud-v2-labels', fraudSpec, firehose);
    await logger.log({ prediction_id: 'p-1', label: 'fraud', label_time: '2026-12-01T07:00:00Z' });
    await logger.log({ prediction_id: 'p-2', label: 'legit', label_time: '2026-12-02T07:00:00.5Z' });
    expect(await logger.close()).toEqual([]);
    expect(await readLines('labels/fraud_v2/')).toEqual([
      { prediction_id: 'p-1', label: 'fraud', label_time: '2026-12-01T07:00:00.000Z' },
      { prediction_id: 'p-2', label: 'legit', label_time: '2026-12-02T07:00:00.500Z' },
    ]);
  });

  it('returns every record with the reason when the stream does not exist', async () => {
    const logger = new PredictionLogger('no-such-stream', fraudSpec, firehose, { sleep: async () => undefined });
    const record = fraudRecord(1);
    await logger.log(record);
    const [u, ...rest] = await logger.close();
    expect(rest).toEqual([]);
    expect(u.record).toBe(record);
    expect(u.errorCode).toBe('ResourceNotFoundException');
    expect(u.reason).toMatch(/^PutRecordBatch to no-such-stream failed and is not retryable: ResourceNotFoundException/);
  });
});
