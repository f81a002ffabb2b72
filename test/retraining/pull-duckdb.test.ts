/**
 * The data pull on DuckDB over real Parquet files in the Firehose layout: the same SELECT the pull
 * sends to Athena's UNLOAD runs inside DuckDB's COPY, and the files it writes are read back. The
 * split must partition the labelled join (every labelled, non-shadow prediction of the window once,
 * with its latest label) by the id's CRC-32 (checked against Python's zlib), and reruns must give
 * the same bytes and dataset version, which a changed history file changes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemoryObjectStore } from '../../lambda/adapters/local/memory-object-store';
import { groundTruthColumns, predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { runArtifactKeys } from '../../lambda/retraining/run-record';
import { historyCacheKey, runPull, type PullSettings } from '../../lambda/retraining/pull/run-pull';
import { PullInputError } from '../../lambda/retraining/pull/window';
import { openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet, type LocalEngine } from '../support/duckdb';
import { localFiles, localPath, localUnloadEngine } from './pull-local.test-fixture';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';

jest.setTimeout(60_000);

const spec: ModelRecordSpec = {
  modelId: 'fraud',
  task: 'binary_classification',
  features: [{ name: 'amount_usd', kind: 'numeric' }, { name: 'channel', kind: 'categorical' }],
  businessColumns: [{ name: 'segment', type: 'string' }],
};
const settings: PullSettings = {
  modelId: 'fraud', bucket: 'data', spec,
  predictionTable: { database: 'driftwatch_test', table: 'predictions_fraud' },
  labelTable: { database: 'driftwatch_test', table: 'labels_fraud' },
  historyUri: 's3://team/fraud/history/', holdoutPercent: 20, minLabelledRows: 50, labelLookbackDays: 14,
};
const clock = { now: () => new Date('2026-11-25T14:00:00Z') };
type Row = Record<string, unknown>;

let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;
/** The labelled join as the test computes it: id → label. */
const expected = new Map<string, string>();

const prediction = (i: number, hour: string, day: string, variant = 'champion'): Row => ({
  prediction_id: `p${i}`, model_id: 'fraud', model_version: '3', variant, event_time: `${day}T${hour}:05:00.000Z`,
  amount_usd: i * 1.5, channel: i % 3 === 0 ? 'web' : 'app', prediction: (i % 10) / 10, predicted_label: i % 10 >= 5 ? 'fraud' : 'legit', segment: 'retail',
});

beforeAll(async () => {
  engine = await openDuckDb();
  tmp = tempDir('dw-pull-');
  const write = (prefix: 'predictions' | 'labels', dt: string, hour: string, records: Row[], part = 0) =>
    writeFirehoseParquet(engine, { root: tmp.dir, prefix, modelId: 'fraud', dt, hour, columns: prefix === 'predictions' ? predictionColumns(spec) : groundTruthColumns(spec), records, part });
  // 240 predictions over 2026-11-23/24 (in the 3-day window ending 2026-11-25T00:00Z), p0..p239.
  const days = ['2026-11-23', '2026-11-24'];
  for (const [d, day] of days.entries()) {
    const rows = Array.from({ length: 120 }, (_, k) => prediction(d * 120 + k, String(10 + (k % 4)), day));
    await write('predictions', day, '10', rows);
  }
  await write('predictions', '2026-11-24', '11', [prediction(7, '11', '2026-11-24')], 1); // p7 delivered twice
  await write('predictions', '2026-11-24', '12', [prediction(8, '12', '2026-11-24', 'shadow')], 1); // a shadow copy of p8
  await write('predictions', '2026-11-25', '03', [prediction(900, '03', '2026-11-25')]); // after the window
  // Labels: p0..p199 (fraud when i % 7 == 0); p3 relabelled later (latest wins); p900 outside; p200.. unlabelled.
  const label = (i: number, value: string, time: string) => ({ prediction_id: `p${i}`, label: value, label_time: time });
  await write('labels', '2026-11-25', '08', [...Array.from({ length: 200 }, (_, i) => label(i, i % 7 === 0 ? 'fraud' : 'legit', '2026-11-25T08:00:00.000Z')), label(900, 'fraud', '2026-11-25T08:00:00.000Z')]);
  await write('labels', '2026-11-26', '09', [label(3, 'fraud', '2026-11-26T09:00:00.000Z')]);
  for (let i = 0; i < 200; i++) expected.set(`p${i}`, i === 3 || i % 7 === 0 ? 'fraud' : 'legit');
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'fraud', database: 'driftwatch_test', table: 'predictions_fraud' });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'labels', modelId: 'fraud', database: 'driftwatch_test', table: 'labels_fraud' });
  const history = localPath(tmp.dir, settings.historyUri);
  fs.mkdirSync(path.join(history, 'year=2025'), { recursive: true });
  fs.writeFileSync(path.join(history, 'year=2025', 'part-0.csv'), 'amount_usd,channel,label\n1,web,legit\n');
  fs.writeFileSync(path.join(history, 'part-1.csv'), 'amount_usd,channel,label\n2,app,fraud\n');
});

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

function pullPorts(store = new MemoryObjectStore('data')) {
  const files = localFiles(tmp.dir);
  return { query: localUnloadEngine(engine as DuckDbEngine, tmp.dir), files, store, clock };
}

const input = (executionId: string, attemptId = 'a1') => ({ windowEnd: '2026-11-25T00:00:00Z', freshDays: 3, executionId, attemptId });

async function readSide(uri: string): Promise<Row[]> {
  return engine.query(`SELECT * FROM read_parquet('${localPath(tmp.dir, uri)}*.parquet', hive_partitioning = false) ORDER BY prediction_id`);
}

/** CRC-32 of each id by Python's zlib, a CRC written by no one here. */
function zlibCrc32(ids: readonly string[]): Map<string, number> {
  const run = spawnSync('python3', ['-c', 'import sys, zlib, json; print(json.dumps({i: zlib.crc32(i.encode()) for i in json.load(sys.stdin)}))'], { input: JSON.stringify(ids), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return new Map(Object.entries(JSON.parse(run.stdout) as Record<string, number>));
}

test('train and holdout partition the labelled join, the holdout by the id hash', async () => {
  const { output } = await runPull(pullPorts(), settings, input('exec-1'));
  const train = await readSide(output.trainUri);
  const holdout = await readSide(output.holdoutUri);
  const ids = (rows: Row[]) => rows.map((r) => String(r.prediction_id));
  expect([...ids(train), ...ids(holdout)].sort()).toEqual([...expected.keys()].sort());
  expect(ids(train).filter((id) => ids(holdout).includes(id))).toEqual([]);
  for (const r of [...train, ...holdout]) expect(r.label).toBe(expected.get(String(r.prediction_id)));
  const crc = zlibCrc32([...expected.keys()]);
  expect(ids(holdout).sort()).toEqual([...expected.keys()].filter((id) => crc.get(id)! % 100 < 20).sort());
  expect(output.trainRows).toBe(train.length);
  expect(output.holdoutRows).toBe(holdout.length);
  expect(holdout.length).toBeGreaterThan(20);
  expect(Object.keys(train[0])).toEqual(['prediction_id', 'model_version', 'variant', 'event_time', 'amount_usd', 'channel', 'prediction', 'predicted_label', 'segment', 'label']);
});

test('a rerun writes the same bytes and the same dataset version; the history is hashed once', async () => {
  const store = new MemoryObjectStore('data');
  const first = pullPorts(store);
  const a = await runPull(first, settings, input('exec-2'));
  const second = pullPorts(store);
  const b = await runPull(second, settings, input('exec-3', 'a2'));
  expect(b.output.datasetVersion).toBe(a.output.datasetVersion);
  expect(b.manifest.files.map((f) => [f.role, f.sha256])).toEqual(a.manifest.files.map((f) => [f.role, f.sha256]));
  expect(a.historyRead).toBe(2);
  expect(b.historyRead).toBe(0);
  expect(second.files.reads.filter((u) => u.startsWith(settings.historyUri))).toEqual([]);
  const stored = (await store.getJson(runArtifactKeys('fraud', 'exec-3').manifest))!.value as typeof b.manifest;
  expect(stored.datasetVersion).toBe(b.output.datasetVersion);
  expect(stored.query).toBe(second.query.statements[1]);
  expect(second.query.statements[0]).toContain(stored.query);
  expect(await store.getJson(historyCacheKey('fraud'))).not.toBeNull();
});

test('a changed history file changes the dataset version and is the only history file read again', async () => {
  const store = new MemoryObjectStore('data');
  const before = await runPull(pullPorts(store), settings, input('exec-4'));
  fs.appendFileSync(path.join(localPath(tmp.dir, settings.historyUri), 'part-1.csv'), '3,web,legit\n');
  const ports = pullPorts(store);
  const after = await runPull(ports, settings, input('exec-5'));
  expect(after.output.datasetVersion).not.toBe(before.output.datasetVersion);
  expect(after.historyRead).toBe(1);
  expect(ports.files.reads.filter((u) => u.startsWith(settings.historyUri))).toEqual([`${settings.historyUri}part-1.csv`]);
});

test('a window without labelled rows fails naming the window and the count, and leaves no manifest', async () => {
  const store = new MemoryObjectStore('data');
  const ports = pullPorts(store);
  const empty = { ...input('exec-6'), windowEnd: '2026-10-01T00:00:00Z' };
  const failure = runPull(ports, settings, empty);
  await expect(failure).rejects.toThrow(PullInputError);
  await expect(failure).rejects.toThrow('the data pull found 0 labelled rows in the window [2026-09-28T00:00:00.000Z, 2026-10-01T00:00:00.000Z) (labels read 14 days beyond), fewer than retraining.pipeline.dataPull.minLabelledRows = 50');
  expect(await store.getJson(runArtifactKeys('fraud', 'exec-6').manifest)).toBeNull();
  expect(fs.existsSync(localPath(tmp.dir, `s3://data/${runArtifactKeys('fraud', 'exec-6').run}/`))).toBe(false);
  expect(ports.query.statements).toHaveLength(1); // the count only: nothing was unloaded
});
