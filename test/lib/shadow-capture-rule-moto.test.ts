/**
 * The capture rule's synthesized event pattern in moto_server's EventBridge, fed S3 "Object Created"
 * events in EventBridge's shape (source aws.s3, detail.bucket.name, detail.object.key): only a file
 * under the model's capture prefix in the data bucket reaches the converter. An SQS queue stands in for
 * the function; the bucket's Ref in the pattern is replaced by the bucket's name, the one change.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeTemporaryAssets } from '../../lib/monitor';
import { CAPTURE_HANDLER } from '../../lib/promotion/shadow-capture';
import { startMoto, type MotoServer } from '../support/moto';
import { ruleToQueue, type RuleToQueue } from '../support/rule-to-queue';
import { promotionStack, stubBundles } from './promotion.test-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-capture-rule-'));
const bundles = stubBundles(path.join(tmp, 'bundles'));
fs.mkdirSync(path.join(bundles, CAPTURE_HANDLER), { recursive: true });
fs.writeFileSync(path.join(bundles, CAPTURE_HANDLER, 'index.js'), 'exports.handler = async () => ({});\n');
const STREAM = { deliveryStreamName: 's', deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/s' };
const { template } = promotionStack(path.join(tmp, 'out'), bundles, { props: { predictionStream: STREAM } });
const [rule] = Object.values(template.findResources('AWS::Events::Rule', { Properties: { Name: 'dw-team-fraud_detector-capture' } })) as { Properties: { EventPattern: { detail: { bucket: { name: unknown[] } } } } }[];
const BUCKET = 'dw-team-data';

let moto: MotoServer;
let captureRule: RuleToQueue;

beforeAll(async () => {
  moto = await startMoto();
  const pattern = { ...rule.Properties.EventPattern, detail: { ...rule.Properties.EventPattern.detail, bucket: { name: [BUCKET] } } };
  captureRule = await ruleToQueue(moto.endpoint, 'dw-team-fraud_detector-capture', pattern);
}, 60_000);

afterAll(async () => {
  captureRule?.destroy();
  await moto?.stop();
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const s3Event = (key: string, bucket = BUCKET, detailType = 'Object Created') => ({
  Source: 'aws.s3',
  DetailType: detailType,
  Detail: JSON.stringify({ version: '0', bucket: { name: bucket }, object: { key, size: 10, etag: 'e' }, 'request-id': 'r', requester: '123456789012', reason: 'PutObject' }),
});

it('sends a capture file of the model to the converter, and nothing else of the bucket', async () => {
  const capture = 'capture/fraud_detector/champion=1/shadow=2/fraud-detector-team/shadow/2026/12/01/18/f.jsonl';
  const delivered = await captureRule.deliver([
    s3Event(capture),
    s3Event('capture/churn/champion=1/shadow=2/churn/shadow/2026/12/01/18/f.jsonl'),
    s3Event('predictions/fraud_detector/dt=2026-12-01/hour=18/part.parquet'),
    s3Event(capture, 'another-bucket'),
    s3Event(capture, BUCKET, 'Object Deleted'),
  ]);
  expect(delivered.map((e) => [e['detail-type'], e.detail.bucket.name, e.detail.object.key])).toEqual([['Object Created', BUCKET, capture]]);
});
