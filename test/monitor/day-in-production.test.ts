/**
 * A day in production (two, in fact): the real profile and score handlers run in-process, hour by
 * hour, with the real SDK v3 clients against moto_server — S3 for the reference, profiles, state and
 * reports; EventBridge with a rule to SQS that captures the events; Athena's API. moto's Athena does
 * not execute SQL, so each query the handler starts is first run by DuckDB over the same Parquet files
 * (Firehose's layout) and its result seeded into moto: the SQL, the client's polling and paging and
 * the parsing of Athena's text are all exercised. The EMF metrics are read from the handler's stdout.
 *
 * Drift starts at hour 30. The events, metrics, reports and state must be what `driftwatch backtest`
 * says for the same rows, decided by the same engine.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateWorkGroupCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { PutRuleCommand, PutTargetsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDatabaseCommand, CreateTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import { predictionColumns } from '../../lambda/core/schema/record-schema';
import { bankSpec } from '../sql/bank';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseEmfLines } from '../../lambda/adapters/aws';
import { runBacktest } from '../../lambda/backtest';
import type { BacktestResult } from '../../lambda/backtest';
import { handler as profileHandler } from '../../lambda/handlers/profile-hour';
import { handler as scoreHandler } from '../../lambda/handlers/score-window';
import { handlerContext, resetHandlerContext } from '../../lambda/handlers/context';
import { monitorKeys } from '../../lambda/monitor/layout';
import { metricCount, possibleMetrics, windowMetricData } from '../../lambda/monitor/metrics';
import { EVENT_DETAIL_SCHEMAS } from '../../lambda/monitor/events';
import { serializeReference } from '../../lambda/monitor/reference';
import type { MonitorReport } from '../../lambda/monitor/report';
import { parseState } from '../../lambda/monitor/state';
import { S3ObjectStore } from '../../lambda/adapters/aws';
import { seedAthenaResults } from '../support/athena-results';
import { captureStdout } from '../support/capture-stdout';
import { openDuckDb, tempDir, type LocalEngine } from '../support/duckdb';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import {
  backtestConfig, config, DRIFT_FROM_HOUR, ENV, HOURS, model, MODEL_ID, production, productionReference, recordsDataset, START, tables, WINDOW, writeProduction,
} from './production';

const HOUR_MS = 3_600_000;
const BUCKET = 'dw-test-data';

let moto: MotoServer;
let duck: LocalEngine;
let dir: { dir: string; remove(): void };
let sqs: SQSClient;
let queueUrl: string;
const savedEnv = { ...process.env };

interface Captured {
  events: { 'detail-type': string; detail: Record<string, unknown> }[];
  emf: string;
  backtest: BacktestResult;
  store: S3ObjectStore;
}
let run: Captured;
let data: ReturnType<typeof production>;
/** The Monitor Failed events the fault test received (checked against their schema below). */
const failedEvents: Captured['events'] = [];

async function receiveAll(): Promise<Captured['events']> {
  const out: Captured['events'] = [];
  for (let empty = 0; empty < 2; ) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!got.Messages?.length) {
      empty++;
      continue;
    }
    for (const m of got.Messages) {
      out.push(JSON.parse(m.Body as string));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return out;
}

beforeAll(async () => {
  moto = await startMoto();
  duck = await openDuckDb();
  dir = tempDir('dw-day-');
  data = production();
  await writeProduction(duck, dir.dir, data);

  const aws = motoClientConfig(moto.endpoint);
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  sqs = new SQSClient(aws);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'dw-events' }))).QueueUrl as string;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const events = new EventBridgeClient(aws);
  await events.send(new PutRuleCommand({ Name: 'driftwatch-to-sqs', EventPattern: JSON.stringify({ source: ['driftwatch'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'driftwatch-to-sqs', Targets: [{ Id: 'queue', Arn: arn }] }));

  const modelFile = path.join(dir.dir, 'model.json');
  fs.writeFileSync(modelFile, JSON.stringify({ env: ENV, model: config }));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: moto.endpoint,
    DW_BUCKET: BUCKET, DW_WORKGROUP: 'driftwatch-test', DW_DATABASE: tables.predictions.database, DW_PREDICTIONS_TABLE: tables.predictions.table,
    DW_LABELS_TABLE: (tables.labels as { table: string }).table, DW_MODEL_FILE: modelFile, POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  resetHandlerContext();
  const ctx = handlerContext();
  await ctx.ports.clients.athena.send(new CreateWorkGroupCommand({ Name: 'driftwatch-test' }));
  // moto's Athena cannot run SQL: DuckDB runs each query the handler starts, and moto serves its rows.
  ctx.ports.clients.athena.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === StartQueryExecutionCommand.name) {
        const sql = (args.input as StartQueryExecutionCommandInput).QueryString as string;
        await seedAthenaResults(moto.endpoint, await duck.query(sql));
      }
      return next(args);
    },
    { step: 'initialize', name: 'seedFromDuckDb' },
  );
  run = { events: [], emf: '', store: ctx.ports.store, backtest: undefined as unknown as BacktestResult };
  await run.store.putJson(monitorKeys.reference(MODEL_ID), serializeReference(productionReference(data)));

  // The day: every hour, 25 minutes after it ends, the profile run; every 6 hours the scoring run.
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
  const { output } = await captureStdout(async () => {
    for (let h = 0; h < HOURS; h++) {
      jest.setSystemTime(START + (h + 1) * HOUR_MS + 25 * 60_000);
      await profileHandler({});
      if ((h + 1) % WINDOW.hours === 0) await scoreHandler({ window: WINDOW.name });
    }
  });
  jest.useRealTimers();
  run.emf = output;
  run.events = await receiveAll();
  run.backtest = await runBacktest({ data: recordsDataset(data.hours.flat()), config: backtestConfig, reference: recordsDataset(data.reference) });
}, 300_000);

afterAll(async () => {
  jest.useRealTimers();
  process.env = savedEnv;
  resetHandlerContext();
  duck?.close();
  dir?.remove();
  await moto?.stop();
});

/** Deep equality with numbers equal to 1e-12 relative. */
function expectClose(actual: unknown, expected: unknown, at = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > 1e-12 * Math.max(1, Math.abs(expected))) throw new Error(`${at}: ${actual} vs ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== 'object') return expect(actual).toEqual(expected);
  expect(typeof actual).toBe('object');
  expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], v, `${at}.${k}`);
}

const triggers = () => run.events.filter((e) => e.detail.action === 'trigger');

test('drift injected at hour 30 pages in the window that holds it, and nothing pages before', () => {
  const driftWindow = Math.floor(DRIFT_FROM_HOUR / WINDOW.hours);
  const critical = triggers().filter((e) => e['detail-type'] === 'Driftwatch Drift Status Changed' && e.detail.severity === 'critical');
  expect(critical.length).toBeGreaterThan(0);
  expect(Math.min(...critical.map((e) => (e.detail.window as { index: number }).index))).toBe(driftWindow);
  const dataset = critical.find((e) => e.detail.signal === 'drift:dataset');
  expect(dataset?.detail).toMatchObject({
    env: ENV, modelId: MODEL_ID, dedupKey: `${ENV}/${MODEL_ID}/6h/drift:dataset`, window: { name: '6h', index: driftWindow, start: '2026-11-25T06:00:00.000Z', end: '2026-11-25T12:00:00.000Z' },
    reportUri: `s3://${BUCKET}/${monitorKeys.report(MODEL_ID, '6h', new Date('2026-11-25T06:00:00Z'), 'json')}`,
  });
  expect((dataset?.detail.topFeatures as { name: string; since: string }[])[0].since).toBe('2026-11-25T06:00:00.000Z');
});

test('the events are the alerts and resolutions the backtest decides for the same rows, message for message', () => {
  const fromEvents = run.events.map((e) => ({
    window: (e.detail.window as { index: number }).index,
    key: e.detail.signal,
    severity: e.detail.severity,
    ...(e.detail.action === 'trigger' ? { message: e.detail.message } : {}),
  }));
  const fromBacktest = [
    ...run.backtest.alerts.map((a) => ({ window: a.window, key: a.key, severity: a.severity, message: a.message })),
    ...run.backtest.resolutions.map((r) => ({ window: r.window, key: r.key, severity: 'ok' })),
  ];
  const order = (xs: { window: number; key: unknown }[]) => [...xs].sort((a, b) => a.window - b.window || String(a.key).localeCompare(String(b.key)));
  expect(run.backtest.windows).toHaveLength(HOURS / WINDOW.hours);
  expect(order(fromEvents)).toEqual(order(fromBacktest));
});

test('the EMF metrics are the backtest windows\' metrics, and the hourly traffic count', () => {
  const emitted = parseEmfLines(run.emf, { namespace: 'Driftwatch' });
  const windowData = emitted.filter((d) => d.dimensions.Window !== undefined);
  const expected = run.backtest.windows.flatMap((w) => windowMetricData(model, WINDOW.name, w, new Date(Date.parse(String(w.end)))));
  const key = (d: { name: string; dimensions: object; timestamp: Date }) => `${d.timestamp.toISOString()} ${d.name} ${JSON.stringify(d.dimensions)}`;
  expect(windowData.map(key).sort()).toEqual(expected.map(key).sort());
  const byKey = new Map(expected.map((d) => [key(d), d.value]));
  for (const d of windowData) expect(d.value).toBeCloseTo(byKey.get(key(d)) as number, 12);
  // Every hour is counted (the first runs also re-profile the two empty hours before the data began).
  const traffic = new Map(emitted.filter((d) => d.name === 'PredictionCount').map((d) => [d.timestamp.getTime(), d.value]));
  expect([...traffic.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: HOURS + 2 }, (_, i) => START + (i - 2) * HOUR_MS));
  expect([...traffic.values()]).toEqual([...traffic.keys()].map((t) => (t < START ? 0 : data.hours[(t - START) / HOUR_MS].length)));
});

test('each window\'s S3 report (JSON and HTML) and the final state agree with the backtest', async () => {
  for (const w of run.backtest.windows) {
    const key = monitorKeys.report(MODEL_ID, WINDOW.name, new Date(String(w.start)), 'json');
    const report = (await run.store.getJson(key))?.value as MonitorReport;
    const { hours, ...judged } = report.judged;
    expect(hours).toEqual({ profiled: 6, expected: 6, withRows: 6 });
    // Sums of scores add up in another order (per hour through Athena's text vs one grouped scan): equal to 1e-12.
    expectClose(judged, JSON.parse(JSON.stringify(w)));
  }
  const stateKey = monitorKeys.state(MODEL_ID, WINDOW.name);
  const state = parseState((await run.store.getJson(stateKey))?.value, stateKey);
  expect(state.windows).toBe(run.backtest.windows.length);
  expect(state.outbox).toEqual([]);
  const last = run.backtest.windows[run.backtest.windows.length - 1];
  expect(Object.keys(state.since).sort()).toEqual(last.features.filter((f) => f.status !== 'ok').map((f) => f.name).sort());
});

test('each window has a self-contained HTML report beside its JSON', async () => {
  const client = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
  const key = monitorKeys.report(MODEL_ID, WINDOW.name, new Date('2026-11-25T06:00:00Z'), 'html');
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  expect(object.ContentType).toBe('text/html; charset=utf-8');
  const html = await object.Body?.transformToString();
  expect(html).toContain(`<title>Driftwatch ${ENV}: model ${MODEL_ID}, 6h window 2026-11-25T06:00:00.000Z – 2026-11-25T12:00:00.000Z</title>`);
  expect(html).toContain("default-src 'none'"); // no external requests: one self-contained page
  expect(html).toContain('euribor3m');
});

/** The Glue table's columns as the CDK app defines them (the record contract), with one column changed. */
async function glueTable(change: (columns: { Name: string; Type: string }[]) => { Name: string; Type: string }[]): Promise<void> {
  const glue = handlerContext().ports.clients.glue;
  const Columns = change(predictionColumns(bankSpec).map((c) => ({ Name: c.name, Type: c.type })));
  const input = { Name: tables.predictions.table, StorageDescriptor: { Columns }, PartitionKeys: [{ Name: 'dt', Type: 'string' }, { Name: 'hour', Type: 'string' }] };
  try {
    await glue.send(new UpdateTableCommand({ DatabaseName: tables.predictions.database, TableInput: input }));
  } catch {
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: tables.predictions.database } })).catch(() => undefined);
    await glue.send(new CreateTableCommand({ DatabaseName: tables.predictions.database, TableInput: input }));
  }
}

async function failedEvent(): Promise<Captured['events'][number]> {
  const failed = (await receiveAll()).filter((e) => e['detail-type'] === 'Driftwatch Monitor Failed');
  expect(failed).toHaveLength(1);
  failedEvents.push(...failed);
  expect(failed[0].detail).toMatchObject({ env: ENV, modelId: MODEL_ID, signal: 'monitor:profile', severity: 'critical', step: 'profile', dedupKey: `${ENV}/${MODEL_ID}/hourly/monitor:profile` });
  return failed[0];
}

test('a feature column missing from the table fails the run, and a Monitor Failed event names it (from the Glue table)', async () => {
  await glueTable((columns) => columns.filter((c) => c.Name !== 'age'));
  const glob = path.join(dir.dir, 'predictions', MODEL_ID, '*', '*', '*.parquet');
  await duck.run(
    `CREATE OR REPLACE VIEW "${tables.predictions.database}"."${tables.predictions.table}" AS SELECT * EXCLUDE ("age") FROM ` +
      `read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': VARCHAR, 'hour': VARCHAR})`,
  );
  await expect(profileHandler({ hour: '2026-11-25T07:00:00Z' })).rejects.toThrow(/"age"/);
  const event = await failedEvent();
  expect(event.detail.message).toMatch(/^column "age" is missing from predictions_bank_marketing \(feature \(numeric\)\) \(the query failed: .*"age"/);
});

test('a feature column re-typed in the table fails the run, and the Monitor Failed event names the column and both types', async () => {
  await glueTable((columns) => columns.map((c) => (c.Name === 'age' ? { ...c, Type: 'string' } : c)));
  const glob = path.join(dir.dir, 'predictions', MODEL_ID, '*', '*', '*.parquet');
  await duck.run(
    `CREATE OR REPLACE VIEW "${tables.predictions.database}"."${tables.predictions.table}" AS SELECT * REPLACE ('n/a' AS "age") FROM ` +
      `read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': VARCHAR, 'hour': VARCHAR})`,
  );
  await expect(profileHandler({ hour: '2026-11-25T07:00:00Z' })).rejects.toThrow(/column "age" of predictions_bank_marketing is string; the model expects double/);
  const event = await failedEvent();
  expect(event.detail.message).toMatch(/^column "age" of predictions_bank_marketing is string; the model expects double \(feature \(numeric\)\) \(the query failed: /);
});

test('a bad event is refused with the field named, before any work', async () => {
  await expect(profileHandler({ hour: '2026-11-25T07:30:00Z' })).rejects.toThrow(/profile-hour: bad event: hour: .*start of an hour/);
  await expect(scoreHandler({ window: 7 })).rejects.toThrow(/score-window: bad event: window/);
});

test('every metric emitted is one of the catalogue\'s, whose size is the documented count per model', () => {
  const catalogue = possibleMetrics(model, [WINDOW.name]);
  expect(catalogue).toHaveLength(metricCount(model, 1));
  expect(metricCount(model, 1)).toBe(1 + 1 * (4 + 2 * 5 + 2 * 5 + 2)); // top-K 5, 5 binary metrics, 2 ADWIN proxies
  const id = (d: { name: string; dimensions: object }) => `${d.name} ${JSON.stringify(Object.entries(d.dimensions).sort())}`;
  const known = new Set(catalogue.map(id));
  const emitted = new Set(parseEmfLines(run.emf, { namespace: 'Driftwatch' }).map(id));
  expect([...emitted].filter((m) => !known.has(m))).toEqual([]);
  expect(emitted.size).toBeGreaterThan(15);
});

test('every event validates against its detail type\'s JSON Schema (python-jsonschema, draft 2020-12)', () => {
  const file = path.join(dir.dir, 'events.json');
  const events = [...run.events, ...failedEvents];
  fs.writeFileSync(file, JSON.stringify({ schemas: EVENT_DETAIL_SCHEMAS, events }));
  const script = [
    'import json, sys',
    'from jsonschema import Draft202012Validator',
    'data = json.load(open(sys.argv[1]))',
    'for schema in data["schemas"].values(): Draft202012Validator.check_schema(schema)',
    'bad = [f"{e[\'detail-type\']}: {err.message}" for e in data["events"] for err in Draft202012Validator(data["schemas"][e["detail-type"]]).iter_errors(e["detail"])]',
    'print(json.dumps({"checked": len(data["events"]), "errors": bad}))',
  ].join('\n');
  const out = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  const result = JSON.parse(out.stdout);
  expect(result.errors).toEqual([]);
  expect(result.checked).toBe(events.length);
  expect(new Set(events.map((e) => e['detail-type']))).toEqual(new Set(['Driftwatch Drift Status Changed', 'Driftwatch Monitor Failed']));
});
