/**
 * The data pull's handler against moto_server: the real SDK v3 S3 client lists and reads the team's
 * history (a versioned bucket) and the run's files and writes manifest.json; the real Athena adapter
 * starts the count and the UNLOAD in moto's Athena.
 *
 * What moto cannot do, and the stand-ins: moto's Athena executes no SQL. It returns the query
 * string it was given (GetQueryExecution), which is what these tests assert of the UNLOAD; the
 * count's rows are seeded through moto's results API; and the Parquet files an UNLOAD would write
 * are put into moto's S3 by the test when the UNLOAD starts (a spy on AthenaClient.send that then
 * passes the call on to moto). Athena's FAILED state is an in-process fake of GetQueryExecution.
 * The rows themselves, the split and the SQL on a real engine: pull-duckdb.test.ts.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand, ListQueryExecutionsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { validateConfig } from '../../config';
import type { DatasetManifest } from '../../lambda/retraining/pull/manifest';
import { pullCountQuery } from '../../lambda/retraining/pull/pull-query';
import { seedAthenaResults } from '../support/athena-results';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';

jest.setTimeout(120_000);

const DATA = 'dw-test-data';
const TEAM = 'team-data';
const HISTORY = { 'fraud/training/2025/part-0.csv': 'amount,label\n1,legit\n', 'fraud/training/2025/part-1.csv': 'amount,label\n2,fraud\n' };
const FRESH = { 'split=train/q-1_0.parquet': 'PAR1 train rows PAR1', 'split=holdout/q-1_0.parquet': 'PAR1 holdout rows PAR1' };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pull-moto-'));
const savedEnv = { ...process.env };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let moto: MotoServer;
let s3: S3Client;
let athena: AthenaClient;
let handler: (event: unknown, context: { awsRequestId: string }) => Promise<Record<string, unknown>>;
const historyVersions: Record<string, string> = {};
/** GetObject calls on the history bucket, counted by a spy (the cache's observable effect). */
let historyReads = 0;
/** When set, GetQueryExecution of an UNLOAD answers FAILED with this reason (in-process). */
let failUnloadWith: string | undefined;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  athena = new AthenaClient(motoClientConfig(moto.endpoint));
  for (const bucket of [DATA, TEAM]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: TEAM, VersioningConfiguration: { Status: 'Enabled' } }));
  for (const [key, body] of Object.entries(HISTORY)) historyVersions[key] = (await s3.send(new PutObjectCommand({ Bucket: TEAM, Key: key, Body: body }))).VersionId!;
  await athena.send(new CreateWorkGroupCommand({ Name: 'driftwatch-test' }));

  const model = validateConfig(configWith('test', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: `s3://${TEAM}/fraud/training/` }, dataPull: { minLabelledRows: 50 } } })).models[0];
  const modelFile = path.join(tmp, 'model.json');
  fs.writeFileSync(modelFile, JSON.stringify({ env: 'test', model }));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: moto.endpoint,
    DW_BUCKET: DATA, DW_DATABASE: 'driftwatch_test', DW_WORKGROUP: 'driftwatch-test', DW_PREDICTION_TABLE: 'predictions_fraud_detector', DW_LABEL_TABLE: 'labels_fraud_detector', DW_MODEL_FILE: modelFile,
  });
  spyOnClients();
  handler = (await import('../../lambda/handlers/pull-data')).handler as unknown as typeof handler;
});

afterAll(async () => {
  jest.restoreAllMocks();
  process.env = savedEnv;
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The stand-ins described above, on the clients' prototypes (the handler builds its own clients). */
function spyOnClients() {
  const athenaSend = AthenaClient.prototype.send as (this: AthenaClient, c: unknown) => Promise<unknown>;
  const unloads = new Set<string>();
  jest.spyOn(AthenaClient.prototype, 'send').mockImplementation(async function (this: AthenaClient, command: unknown) {
    if (command instanceof GetQueryExecutionCommand && failUnloadWith && unloads.has(command.input.QueryExecutionId!)) {
      return { QueryExecution: { QueryExecutionId: command.input.QueryExecutionId, Status: { State: 'FAILED', StateChangeReason: failUnloadWith } } };
    }
    const out = (await athenaSend.call(this, command)) as { QueryExecutionId?: string };
    const sql = command instanceof StartQueryExecutionCommand ? command.input.QueryString! : '';
    if (sql.startsWith('UNLOAD (')) {
      unloads.add(out.QueryExecutionId!);
      const [, bucket, prefix] = /TO 's3:\/\/([^/]+)\/([^']+)'/.exec(sql)!;
      for (const [name, body] of Object.entries(FRESH)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${name}`, Body: body }));
    }
    return out;
  } as never);
  const s3Send = S3Client.prototype.send as (this: S3Client, c: unknown) => Promise<unknown>;
  jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, command: unknown) {
    if (command instanceof GetObjectCommand && command.input.Bucket === TEAM) historyReads++;
    return s3Send.call(this, command);
  } as never);
}

const event = (executionId: string) => ({ modelId: 'fraud_detector', windowEnd: '2026-11-25T00:00:00Z', freshDays: '28', executionId });
const counts = (train: number, holdout: number) => seedAthenaResults(moto.endpoint, [{ split: 'train', n: train }, { split: 'holdout', n: holdout }]);

async function readJson(bucket: string, key: string): Promise<unknown> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await out.Body!.transformToString());
}

async function queriesSent(): Promise<string[]> {
  const ids = (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'driftwatch-test' }))).QueryExecutionIds ?? [];
  return Promise.all(ids.map(async (id) => (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!.Query!));
}

test('the manifest lists every file with the SHA-256 of its bytes, the history versions, and the dataset version', async () => {
  await counts(160, 40);
  const before = historyReads;
  const out = await handler(event('exec-1'), { awsRequestId: 'req-1' });
  const fresh = `s3://${DATA}/retraining/fraud_detector/runs/exec-1/data/fresh/req-1/`;
  expect(out).toMatchObject({ trainUri: `${fresh}split=train/`, holdoutUri: `${fresh}split=holdout/`, historyUri: `s3://${TEAM}/fraud/training/`, trainRows: 160, holdoutRows: 40, historyFiles: 2 });
  const manifest = (await readJson(DATA, 'retraining/fraud_detector/runs/exec-1/data/manifest/manifest.json')) as DatasetManifest;
  expect(manifest.datasetVersion).toBe(out.datasetVersion);
  expect(out.manifestUri).toBe(`s3://${DATA}/retraining/fraud_detector/runs/exec-1/data/manifest/manifest.json`);
  expect(manifest.files.map((f) => [f.role, f.uri, f.bytes, f.sha256, f.versionId])).toEqual([
    ...Object.entries(HISTORY).map(([k, body]) => ['history', `s3://${TEAM}/${k}`, body.length, sha256(body), historyVersions[k]]),
    ['train', `${fresh}split=train/q-1_0.parquet`, FRESH['split=train/q-1_0.parquet'].length, sha256(FRESH['split=train/q-1_0.parquet']), undefined],
    ['holdout', `${fresh}split=holdout/q-1_0.parquet`, FRESH['split=holdout/q-1_0.parquet'].length, sha256(FRESH['split=holdout/q-1_0.parquet']), undefined],
  ]);
  expect(historyReads - before).toBe(2);
  // Train's history channel (ManifestFile) reads exactly the history objects hashed above
  expect(out.historyManifestUri).toBe(`s3://${DATA}/retraining/fraud_detector/runs/exec-1/data/manifest/history.manifest`);
  expect(await readJson(DATA, 'retraining/fraud_detector/runs/exec-1/data/manifest/history.manifest')).toEqual([
    { prefix: `s3://${TEAM}/fraud/training/` },
    ...Object.keys(HISTORY).map((k) => k.slice('fraud/training/'.length)),
  ]);
});

test("a file written under the history prefix after the pull is in neither manifest (Train's channel lists keys, not the prefix)", async () => {
  await counts(160, 40);
  await handler(event('exec-5'), { awsRequestId: 'req-5' });
  await s3.send(new PutObjectCommand({ Bucket: TEAM, Key: 'fraud/training/2026/late.csv', Body: 'amount,label\n3,legit\n' }));
  const channel = (await readJson(DATA, 'retraining/fraud_detector/runs/exec-5/data/manifest/history.manifest')) as unknown[];
  expect(channel).not.toContain('2026/late.csv');
  expect(channel).toHaveLength(1 + Object.keys(HISTORY).length);
  await s3.send(new DeleteObjectCommand({ Bucket: TEAM, Key: 'fraud/training/2026/late.csv' })); // the later tests' history is HISTORY
});

test('Athena got the count and the UNLOAD of the same SELECT, partitioned by split, into the attempt\'s prefix', async () => {
  const manifest = (await readJson(DATA, 'retraining/fraud_detector/runs/exec-1/data/manifest/manifest.json')) as DatasetManifest;
  const sent = await queriesSent();
  expect(sent).toContain(pullCountQuery(manifest.query));
  expect(sent).toContain(`UNLOAD (${manifest.query}\n) TO 's3://${DATA}/retraining/fraud_detector/runs/exec-1/data/fresh/req-1/' WITH (format = 'PARQUET', compression = 'SNAPPY', partitioned_by = ARRAY['split'])`);
  expect(manifest.query).toContain('FROM "driftwatch_test"."predictions_fraud_detector"');
  expect(manifest.query).toContain('crc32(to_utf8("prediction_id")) % 100 < 20');
});

test('a second run reads no unchanged history file again (the hash cache), and gets the same history digests', async () => {
  await counts(160, 40);
  const before = historyReads;
  const out = await handler(event('exec-2'), { awsRequestId: 'req-2' });
  expect(historyReads - before).toBe(0);
  const manifest = (await readJson(DATA, 'retraining/fraud_detector/runs/exec-2/data/manifest/manifest.json')) as DatasetManifest;
  expect(manifest.files.filter((f) => f.role === 'history').map((f) => [f.sha256, f.versionId])).toEqual(Object.entries(HISTORY).map(([k, body]) => [sha256(body), historyVersions[k]]));
  // The same bytes in every role: the same dataset version as the first run.
  expect(out.datasetVersion).toBe(((await readJson(DATA, 'retraining/fraud_detector/runs/exec-1/data/manifest/manifest.json')) as DatasetManifest).datasetVersion);
});

test('too few labelled rows: the step fails naming the window, the count and the field; nothing is unloaded or claimed', async () => {
  await counts(30, 5);
  const failure = handler(event('exec-3'), { awsRequestId: 'req-3' });
  await expect(failure).rejects.toThrow('the data pull found 35 labelled rows in the window [2026-10-28T00:00:00.000Z, 2026-11-25T00:00:00.000Z) (labels read 14 days beyond), fewer than retraining.pipeline.dataPull.minLabelledRows = 50');
  await expect(readJson(DATA, 'retraining/fraud_detector/runs/exec-3/data/manifest/manifest.json')).rejects.toThrow(/NoSuchKey|does not exist/);
  expect((await queriesSent()).filter((q) => q.includes('runs/exec-3/'))).toEqual([]);
});

test('an UNLOAD Athena fails (in-process FAILED) fails the step with Athena\'s reason and leaves no manifest', async () => {
  await counts(160, 40);
  failUnloadWith = 'HIVE_PATH_ALREADY_EXISTS: Target directory for table already exists';
  try {
    await expect(handler(event('exec-4'), { awsRequestId: 'req-4' })).rejects.toThrow(/HIVE_PATH_ALREADY_EXISTS/);
  } finally {
    failUnloadWith = undefined;
  }
  await expect(readJson(DATA, 'retraining/fraud_detector/runs/exec-4/data/manifest/manifest.json')).rejects.toThrow(/NoSuchKey|does not exist/);
});
