/**
 * The monitor's Lambda runs (runProfile, runScore) against real parts: DuckDB runs the production SQL
 * over Parquet in Firehose's layout (two days of real bank-marketing predictions), the memory adapters
 * keep the S3 objects, metrics and events with S3's conditional-write rules.
 */
import { MemoryEventSink, MemoryMetricsSink, MemoryObjectStore } from '../../lambda/adapters/local';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { monitorKeys } from '../../lambda/monitor/layout';
import { parseHourProfile } from '../../lambda/monitor/profile';
import { serializeReference } from '../../lambda/monitor/reference';
import { runProfile } from '../../lambda/monitor/run-profile';
import { runScore, OUTBOX_ABANDONED_MS } from '../../lambda/monitor/run-score';
import { parseState } from '../../lambda/monitor/state';
import { monitorSettingsFromConfig } from '../../lambda/monitor/from-config';
import type { MonitorPorts } from '../../lambda/ports';
import { openDuckDb, tempDir, writeFirehoseParquet, type LocalEngine } from '../support/duckdb';
import { predictionColumns } from '../../lambda/core/schema/record-schema';
import { recordsToDataset } from '../sql/helpers';
import { bankSpec } from '../sql/bank';
import { config, model, production, productionReference, START, tables, WINDOW, writeProduction, type Production } from './production';

const HOUR_MS = 3_600_000;
const settings = monitorSettingsFromConfig(config, 14);

let engine: LocalEngine;
let dir: { dir: string; remove(): void };
let data: Production;

beforeAll(async () => {
  engine = await openDuckDb();
  dir = tempDir('dw-runs-');
  data = production();
  await writeProduction(engine, dir.dir, data, 12);
}, 120_000);
afterAll(() => {
  engine.close();
  dir.remove();
});

function ports(at: number, withReference = true) {
  const store = new MemoryObjectStore('bucket');
  const events = new MemoryEventSink();
  const metrics = new MemoryMetricsSink();
  const clock = { t: at, now() { return new Date(this.t); } };
  const p: MonitorPorts = { query: engine, store, events, metrics, clock };
  return { p, store, events, metrics, clock, ready: withReference ? store.putJson(monitorKeys.reference(model.modelId), serializeReference(productionReference(data))) : Promise.resolve() };
}

/** 25 minutes after hour h ended: hour h is settled (settle delay 20 minutes). */
const afterHour = (h: number) => START + (h + 1) * HOUR_MS + 25 * 60_000;

test('the hourly run profiles the newest settled hour and re-profiles the two before it, each equal to the core on the same rows', async () => {
  const { p, store, metrics, ready } = ports(afterHour(5));
  await ready;
  const out = await runProfile(p, model, tables, settings, {});
  expect(out.hours.map((h) => h.hour)).toEqual([3, 4, 5].map((h) => new Date(START + h * HOUR_MS).toISOString()));
  const key = monitorKeys.hourProfile(model.modelId, new Date(START + 5 * HOUR_MS));
  const stored = parseHourProfile((await store.getJson(key))?.value, key);
  const expected = observeDatasetProfile(recordsToDataset(bankSpec, data.hours[5]), productionReference(data).profile);
  expect(stored.rows).toBe(300);
  expect(stored.profile.features.map((f) => (f.kind === 'numeric' ? f.fineCounts : f.counts))).toEqual(
    expected.features.map((f) => (f.kind === 'numeric' ? f.fineCounts : f.counts)),
  );
  expect(metrics.data('Driftwatch').map((d) => [d.name, d.value, d.dimensions])).toEqual(
    [3, 4, 5].map(() => ['PredictionCount', 300, { Env: 'test', Model: model.modelId }]),
  );
});

test('without a pushed reference the monitor says "calibrating" and judges nothing', async () => {
  const { p, store, events, metrics } = ports(afterHour(5), false);
  expect((await runProfile(p, model, tables, settings, {})).status).toBe('calibrating');
  const scored = await runScore(p, model, tables, settings, WINDOW.name);
  expect(scored).toMatchObject({ status: 'calibrating', message: expect.stringContaining('driftwatch reference --push') });
  expect(events.events).toEqual([]);
  // Only the hourly traffic is published (so a no-traffic alarm stays quiet while calibrating); no drift metric.
  expect(metrics.data('Driftwatch').map((d) => [d.name, d.value])).toEqual([3, 4, 5].map(() => ['PredictionCount', 300]));
  // It keeps only samples of the hours, for the reference it fits from production later (fit-from-production.test.ts).
  expect(store.keys().filter((k) => !k.startsWith(`monitor/${model.modelId}/samples/`))).toEqual([]);
});

test('a repeated run of the same window changes nothing and sends no second event', async () => {
  const { p, store, events, ready } = ports(afterHour(5));
  await ready;
  const first = await runScore(p, model, tables, settings, WINDOW.name);
  expect(first.status).toBe('scored');
  const stateKey = monitorKeys.state(model.modelId, WINDOW.name);
  const before = await store.getJson(stateKey);
  const sent = events.events.length;
  const second = await runScore(p, model, tables, settings, WINDOW.name);
  expect(second).toMatchObject({ status: 'duplicate', resent: 0 });
  expect(events.events.length).toBe(sent);
  expect((await store.getJson(stateKey))?.etag).toBe(before?.etag);
});

test('two overlapping runs of one window: one scores, the other finds it decided', async () => {
  const { p, events, ready } = ports(afterHour(5));
  await ready;
  const outcomes = await Promise.all([runScore(p, model, tables, settings, WINDOW.name), runScore(p, model, tables, settings, WINDOW.name)]);
  expect(outcomes.map((o) => o.status).sort()).toEqual(['duplicate', 'scored']);
  const scored = outcomes.find((o) => o.status === 'scored');
  expect(events.events.length).toBe(scored?.status === 'scored' ? scored.events.length : -1);
});

test('a corrupt stored hour profile is refused with its key, re-profiled and named in the report', async () => {
  const { p, store, ready } = ports(afterHour(5));
  await ready;
  const key = monitorKeys.hourProfile(model.modelId, new Date(START + 2 * HOUR_MS));
  await store.putJson(key, { format: 'driftwatch.hour-profile/v1', rows: -3 });
  const out = await runScore(p, model, tables, settings, WINDOW.name);
  expect(out.status).toBe('scored');
  if (out.status !== 'scored') return;
  expect(out.window.rows).toBe(6 * 300);
  const report = (await store.getJson(monitorKeys.latestReport(model.modelId, WINDOW.name)))?.value as { problems: string[] };
  expect(report.problems).toEqual([expect.stringContaining(`the stored object ${key} is corrupt`)]);
  expect(parseHourProfile((await store.getJson(key))?.value, key).rows).toBe(300);
});

test('a window with hours missing reports its coverage; one with no predictions raises No Traffic, never drift', async () => {
  // Only hours 0-11 are logged: the window ending at hour 15 has 3 hours with rows, 6 to 14 has none.
  const partial = ports(afterHour(14));
  await partial.ready;
  const out = await runScore(partial.p, model, tables, settings, WINDOW.name);
  expect(out.status === 'scored' && out.window.hours).toEqual({ profiled: 6, expected: 6, withRows: 3 });

  const empty = ports(afterHour(20));
  await empty.ready;
  const none = await runScore(empty.p, model, tables, settings, WINDOW.name);
  expect(none.status === 'scored' && none.window.sample?.reason).toMatch(/^no traffic/);
  expect(empty.events.events.map((e) => [e.detailType, e.detail.signal, e.detail.severity])).toEqual([['Driftwatch No Traffic', 'traffic:dataset', 'warning']]);
  expect(empty.metrics.data('Driftwatch').some((d) => d.name === 'DriftStatus')).toBe(false);
});

test('events left in the outbox by a run that died are sent by the next run once abandoned', async () => {
  const { p, store, events, clock, ready } = ports(afterHour(20));
  await ready;
  // A run decides the empty window (a No Traffic event) but dies before sending: its events stay in the outbox.
  const failing = { ...p, events: { put: async () => Promise.reject(new Error('EventBridge unreachable')) } };
  await expect(runScore(failing, model, tables, settings, WINDOW.name)).rejects.toThrow('EventBridge unreachable');
  const stateKey = monitorKeys.state(model.modelId, WINDOW.name);
  expect(parseState((await store.getJson(stateKey))?.value, stateKey).outbox).toHaveLength(1);
  expect(await runScore(p, model, tables, settings, WINDOW.name)).toMatchObject({ status: 'duplicate', resent: 0 });
  clock.t += OUTBOX_ABANDONED_MS + 1;
  expect(await runScore(p, model, tables, settings, WINDOW.name)).toMatchObject({ status: 'duplicate', resent: 1 });
  expect(events.events.map((e) => e.detailType)).toEqual(['Driftwatch No Traffic']);
  expect(parseState((await store.getJson(stateKey))?.value, stateKey).outbox).toEqual([]);
});

test('a window that is not configured is refused, naming the configured ones', async () => {
  const { p, ready } = ports(afterHour(5));
  await ready;
  await expect(runScore(p, model, tables, settings, '2d')).rejects.toThrow('window "2d" is not configured for model bank_marketing (windows: 6h)');
});

test('a record that lands in an hour after it was first profiled is counted by the next hourly run (late records)', async () => {
  const late = tempDir('dw-late-');
  const lateEngine = await openDuckDb();
  try {
    await writeProduction(lateEngine, late.dir, data, 6);
    const { p, store, clock, ready } = ports(afterHour(5));
    await ready;
    const run = { ...p, query: lateEngine };
    await runProfile(run, model, tables, settings, {});
    const key = monitorKeys.hourProfile(model.modelId, new Date(START + 5 * HOUR_MS));
    expect(parseHourProfile((await store.getJson(key))?.value, key).rows).toBe(300);
    // Firehose delivers a retried record into hour 5's partition 40 minutes later.
    const at = new Date(START + 5 * HOUR_MS).toISOString();
    await writeFirehoseParquet(lateEngine, {
      root: late.dir, prefix: 'predictions', modelId: model.modelId, dt: at.slice(0, 10), hour: at.slice(11, 13), part: 1,
      columns: predictionColumns(bankSpec), records: [{ ...data.hours[5][0], prediction_id: 'late-1' }],
    });
    clock.t = afterHour(6);
    const next = await runProfile(run, model, tables, settings, {});
    expect(next.hours.map((h) => h.rows)).toEqual([300, 301, 0]); // hours 4, 5 (re-profiled, with the late record) and 6 (empty)
    expect(parseHourProfile((await store.getJson(key))?.value, key).rows).toBe(301);
  } finally {
    lateEngine.close();
    late.remove();
  }
});
