/**
 * The capture converter against moto_server: SageMaker Data Capture files in the documented format
 * (`fixtures/capture/`, "View captured data" in
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html) are put under
 * the model's capture prefix in S3, the handler is invoked with EventBridge's "Object Created" event,
 * and the records arrive through moto's Firehose (which delivers raw JSON lines to S3). The lines that
 * cannot be converted land in the error prefix with the reason; the records that arrived then pair up
 * by prediction_id in the shadow query on DuckDB. The shadow config's DataCaptureConfig is checked on
 * moto's SageMaker, created through the promotion Lambda's own context.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelCommand, DescribeEndpointConfigCommand } from '@aws-sdk/client-sagemaker';
import { handler, resetCaptureToLog } from '../../lambda/handlers/capture-to-log';
import { promotionContext } from '../../lambda/promotion/context';
import { shadowEndpointConfig } from '../../lambda/core/promotion/deployment';
import { groundTruthColumns, predictionColumns, S3_LAYOUT, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { parseShadowCells, shadowPairsQuery } from '../../lambda/sql/shadow-query';
import { openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { hostingClient } from './moto-hosting';

const bucket = 'dw-test-data';
const stream = 'dw-test-fraud-predictions';
const owner = { name: 'Risk ML', email: 'risk@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' };
const features = [{ name: 'amount', kind: 'numeric' }, { name: 'country', kind: 'categorical' }, { name: 'age', kind: 'numeric' }] as const;
const spec: ModelRecordSpec = { modelId: 'fraud', task: 'binary_classification', features };
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'capture', name), 'utf8');
const captureKey = (variant: string) => `capture/fraud/champion=1/shadow=2/fraud-prod/${variant}/2026/12/01/18/00-01-000-${variant}.jsonl`;
const objectCreated = (key: string) => ({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucket }, object: { key } } });

let moto: MotoServer;
let s3: S3Client;
let firehose: FirehoseClient;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-capture-'));
const saved = { ...process.env };

/** Every JSON line under `prefix`, with the key it is in. */
async function readLines(prefix: string): Promise<Record<string, unknown>[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const out: Record<string, unknown>[] = [];
  for (const key of (listed.Contents ?? []).map((c) => c.Key as string).sort()) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    for (const line of body.split('\n')) if (line !== '') out.push({ ...JSON.parse(line), _key: key });
  }
  return out;
}

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  firehose = new FirehoseClient(motoClientConfig(moto.endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: stream,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: 'arn:aws:iam::123456789012:role/dw-firehose', Prefix: S3_LAYOUT.predictions('fraud') },
    }),
  );
  const model = { id: 'fraud', owner, task: 'binary_classification', features, prediction: { type: 'score' }, label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' }, promotion: { endpointName: 'fraud-prod' } };
  fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify({ env: 'test', model }));
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: moto.endpoint, DW_MODEL_FILE: path.join(tmp, 'model.json'), DW_PREDICTION_STREAM: stream });
  resetCaptureToLog();
  for (const [variant, file] of [['champion', 'champion-csv.jsonl'], ['shadow', 'shadow-json.jsonl']]) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: captureKey(variant), Body: fixture(file) }));
  }
}, 60_000);

afterAll(async () => {
  process.env = { ...saved };
  s3?.destroy();
  firehose?.destroy();
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('capture-to-log against moto_server', () => {
  let champion: Awaited<ReturnType<typeof handler>>;
  let shadow: Awaited<ReturnType<typeof handler>>;

  beforeAll(async () => {
    champion = await handler(objectCreated(captureKey('champion')));
    // EventBridge's S3 events may carry the key URL-encoded ('=' as %3D): the handler decodes it.
    shadow = await handler(objectCreated(captureKey('shadow').replace(/=/g, '%3D')));
  });

  it('delivers the production variant\'s CSV captures as variant champion, version 1, prediction_id = InferenceId', async () => {
    expect(champion).toMatchObject({ outcome: 'converted', variant: 'champion', delivered: 3, failed: 0 });
    const rows = (await readLines('predictions/fraud/')).filter((r) => r.variant === 'champion');
    const byId = new Map(rows.map((r) => [r.prediction_id, r]));
    expect(byId.get('req-1')).toMatchObject({ model_id: 'fraud', model_version: '1', event_time: '2026-12-01T18:00:01.000Z', amount: 12.5, country: 'DE', age: 41, prediction: 0.91, predicted_label: 'fraud' });
    // An empty CSV field is a missing value; the response's own label wins over the 0.5 threshold.
    expect(byId.get('req-2')).toMatchObject({ amount: 80, country: 'FR', age: null, prediction: 0.12, predicted_label: 'legit' });
    // RFC 4180 quoting: "U""S" is U"S, a quoted number is still a number.
    expect(byId.get('req-3')).toMatchObject({ amount: 3.5, country: 'U"S', age: 7, prediction: 0.55, predicted_label: 'fraud' });
  });

  it('delivers the shadow variant\'s JSON captures (BASE64 too) as variant shadow, version 2', async () => {
    expect(shadow).toMatchObject({ outcome: 'converted', variant: 'shadow', delivered: 3, failed: 2 });
    const rows = (await readLines('predictions/fraud/')).filter((r) => r.variant === 'shadow');
    const byId = new Map(rows.map((r) => [r.prediction_id, r]));
    expect([...byId.keys()].sort()).toEqual(['req-1', 'req-2', 'req-3']);
    expect(byId.get('req-1')).toMatchObject({ model_version: '2', amount: 12.5, country: 'DE', age: 41, prediction: 0.2, predicted_label: 'legit' });
    expect(byId.get('req-2')).toMatchObject({ amount: 80, country: 'FR', age: null, prediction: 0.7, predicted_label: 'fraud' });
    expect(byId.get('req-3')).toMatchObject({ amount: 3.5, country: 'U"S', age: 7, prediction: 0.61, event_time: '2026-12-01T18:00:03.050Z' });
  });

  it('keeps the lines it could not convert in the error prefix, with the reason and the line itself', async () => {
    const errors = await readLines('errors/predictions/fraud/capture-conversion-failed/');
    expect(errors.map((e) => e._key)).toEqual([shadow.errorKey, shadow.errorKey]);
    expect(shadow.errorKey).toMatch(/^errors\/predictions\/fraud\/capture-conversion-failed\/dt=\d{4}-\d{2}-\d{2}\/champion=1\/shadow=2\/fraud-prod\/shadow\//);
    expect(errors.map((e) => [e.line, e.errorCode])).toEqual([[3, 'CaptureConversionFailed'], [5, 'CaptureConversionFailed']]);
    expect(errors[0].errorMessage).toMatch(/not a JSON line/);
    expect(errors[1].errorMessage).toMatch(/feature "amount" \(numeric\) is "lots", not a finite number/);
    const shadowLines = fixture('shadow-json.jsonl').split('\n');
    expect(Buffer.from(String(errors[1].rawData), 'base64').toString('utf8')).toBe(shadowLines[4]);
    expect(errors[0].source).toBe(`s3://${bucket}/${captureKey('shadow')}`);
  });

  it('the shadow query pairs the champion\'s and the shadow\'s rows of the same requests by prediction_id', async () => {
    const engine = await openDuckDb();
    const dir = tempDir();
    try {
      const records = (await readLines('predictions/fraud/')).map(({ _key, ...r }) => r);
      await writeFirehoseParquet(engine, { root: dir.dir, prefix: 'predictions', modelId: 'fraud', dt: '2026-12-01', hour: '18', columns: predictionColumns(spec), records });
      const labels = ['req-1:legit', 'req-2:legit', 'req-3:fraud'].map((s) => ({ prediction_id: s.split(':')[0], label: s.split(':')[1], label_time: '2026-12-01T19:00:00.000Z' }));
      await writeFirehoseParquet(engine, { root: dir.dir, prefix: 'labels', modelId: 'fraud', dt: '2026-12-01', hour: '19', columns: groundTruthColumns(spec), records: labels });
      await registerFirehoseTable(engine, { root: dir.dir, prefix: 'predictions', modelId: 'fraud', database: 'driftwatch', table: 'fraud_predictions' });
      await registerFirehoseTable(engine, { root: dir.dir, prefix: 'labels', modelId: 'fraud', database: 'driftwatch', table: 'fraud_labels' });
      const sql = shadowPairsQuery({ spec, predictionTable: { database: 'driftwatch', table: 'fraud_predictions' }, labelTable: { database: 'driftwatch', table: 'fraud_labels' }, window: { start: new Date('2026-12-01T18:00:00Z'), end: new Date('2026-12-01T19:00:00Z') }, candidateVersion: '2' });
      const cells = new Map(parseShadowCells(await engine.query(sql)).map((c) => [`${c.label}/${c.champion}/${c.candidate}`, c.count]));
      // req-1: legit, champion fraud, shadow legit; req-2: legit, legit, fraud; req-3: fraud, fraud, fraud.
      expect(cells).toEqual(new Map([['legit/fraud/legit', 1], ['legit/legit/fraud', 1], ['fraud/fraud/fraud', 1]]));
    } finally {
      engine.close();
      dir.remove();
    }
  });

  it('the promotion Lambda\'s shadow configs capture input and output of both variants to the versions\' prefix, with the key', async () => {
    const { client } = hostingClient(moto.endpoint);
    for (const ModelName of ['dw-test-fraud-v1', 'dw-test-fraud-v2']) {
      await client.send(new CreateModelCommand({ ModelName, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/dw-model', PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:1' } }));
    }
    // The promotion Lambda's own context, as the construct sets its environment.
    const env = { ...process.env, DW_LEDGER_TABLE: 'l', DW_DATABASE: 'd', DW_WORKGROUP: 'w', DW_EXECUTION_ROLE_ARN: 'arn:aws:iam::123456789012:role/dw-model', DW_CAPTURE_BUCKET: bucket, DW_CAPTURE_KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/data' };
    expect(() => promotionContext({ ...env, DW_CAPTURE_KMS_KEY_ID: '' })).toThrow(/DW_CAPTURE_BUCKET and DW_CAPTURE_KMS_KEY_ID go together/);
    const { ports } = promotionContext(env);
    const variant = { modelName: 'dw-test-fraud-v1', instanceType: 'ml.m5.large', instanceCount: 1 };
    await ports.hosting.createEndpointConfig(shadowEndpointConfig('dw-test-fraud-c1-s2', variant, { ...variant, modelName: 'dw-test-fraud-v2' }));
    await ports.hosting.createEndpointConfig({ name: 'dw-test-fraud-v1', production: { ...variant, variantName: 'champion' } });
    const config = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'dw-test-fraud-c1-s2' }));
    expect(config.DataCaptureConfig).toMatchObject({
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: `s3://${bucket}/capture/fraud/champion=1/shadow=2`,
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/data',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    });
    // The champion alone again (end-shadow, promotion, rollback): nothing to compare, nothing captured.
    expect((await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'dw-test-fraud-v1' }))).DataCaptureConfig?.DestinationS3Uri).toBeUndefined();
    client.destroy();
  });
});
