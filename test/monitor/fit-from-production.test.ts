/**
 * A model deployed without a pushed reference, on real parts: DuckDB runs the production SQL over
 * Parquet in Firehose's layout (14 days + 12 hours of real bank-marketing predictions, 30 an hour),
 * the memory adapters keep the objects with S3's conditional rules. Every hourly run of the 14-day
 * baseline samples its hours and says "calibrating"; the run after the last baseline hour is settled
 * fits exactly one reference from the samples, writes its bins and profiles on it; scoring judges
 * nothing before the fit and judges windows after it (drift injected in the last 6 hours).
 */
import { MemoryEventSink, MemoryMetricsSink, MemoryObjectStore } from '../../lambda/adapters/local';
import { referenceWindows } from '../../lambda/backtest/drift-bands';
import { fitDatasetProfile } from '../../lambda/core/profile';
import { groundTruthColumns, predictionColumns } from '../../lambda/core/schema/record-schema';
import type { Column, Dataset } from '../../lambda/core/types';
import {
  BASELINE_SAMPLE_ROWS, fitFromSamples, parseHourSample, poolSamples, sampleRowsPerHour, type HourSample,
} from '../../lambda/monitor/fit-from-production';
import { monitorSettingsFromConfig } from '../../lambda/monitor/from-config';
import { monitorKeys } from '../../lambda/monitor/layout';
import { parseHourProfile } from '../../lambda/monitor/profile';
import { fitReference, parseReference } from '../../lambda/monitor/reference';
import { runProfile, type ProfileOutcome } from '../../lambda/monitor/run-profile';
import { runScore, type ScoreOutcome } from '../../lambda/monitor/run-score';
import type { MonitorPorts } from '../../lambda/ports';
import { referenceBinRows } from '../../lambda/sql/profile-query';
import { openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet, type LocalEngine } from '../support/duckdb';
import { prng } from '../support/random';
import { bankSpec, readBank } from '../sql/bank';
import { recordsToDataset } from '../sql/helpers';
import { config, model, MODEL_ID, START, tables, WINDOW } from './production';

const HOUR_MS = 3_600_000;
const DAYS = 14;
const BASELINE_HOURS = DAYS * 24;
const ROWS_PER_HOUR = 30;
/** Hours after the baseline: 6 like it, then 6 of 2010's rows (the documented change). */
const AFTER_HOURS = 12;
const DRIFT_FROM = BASELINE_HOURS + 6;
const settings = monitorSettingsFromConfig(config, 14);
const hourAt = (h: number) => new Date(START + h * HOUR_MS);
/** 25 minutes after hour h ended: hour h is settled (settle delay 20 minutes). */
const afterHour = (h: number) => START + (h + 1) * HOUR_MS + 25 * 60_000;

let engine: LocalEngine;
let dir: { dir: string; remove(): void };
let hours: Record<string, unknown>[][];
const store = new MemoryObjectStore('bucket');
const events = new MemoryEventSink();
const metrics = new MemoryMetricsSink();
const clock = { t: 0, now() { return new Date(this.t); } };
let ports: MonitorPorts;
/** The store just before the run that fits (for the race of two fitting runs). */
let beforeFit: MemoryObjectStore;
const run: {
  noData?: ProfileOutcome;
  baseline: ProfileOutcome[];
  fit?: ProfileOutcome;
  next: ProfileOutcome[];
  scoreDuring?: ScoreOutcome;
  scoreJustAfterFit?: ScoreOutcome;
  scoreAfter?: ScoreOutcome;
  eventsBeforeAfterScore: number;
} = { baseline: [], next: [], eventsBeforeAfterScore: -1 };

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function copyStore(from: MemoryObjectStore): MemoryObjectStore {
  const to = new MemoryObjectStore('bucket');
  for (const key of from.keys()) {
    const o = from.get(key);
    if (o) void to.putText(key, o.body, o.contentType);
  }
  return to;
}

const at = async <T>(t: number, step: () => Promise<T>): Promise<T> => {
  clock.t = t;
  return step();
};

beforeAll(async () => {
  engine = await openDuckDb();
  dir = tempDir('dw-fit-');
  const bank = readBank();
  const early = shuffled(bank.slice(0, 20_000), 3);
  const late = shuffled(bank.slice(36_000), 5);
  hours = Array.from({ length: BASELINE_HOURS + AFTER_HOURS }, (_, h) => {
    const source = h < DRIFT_FROM ? early.slice(h * ROWS_PER_HOUR, (h + 1) * ROWS_PER_HOUR) : late.slice((h - DRIFT_FROM) * ROWS_PER_HOUR, (h - DRIFT_FROM + 1) * ROWS_PER_HOUR);
    return source.map((r, i) => ({ ...r, prediction_id: `p-${h}-${i}`, model_id: MODEL_ID, event_time: new Date(START + h * HOUR_MS + i * 60_000).toISOString() }));
  });
  const columns = predictionColumns(bankSpec);
  for (let h = 0; h < hours.length; h++) {
    const iso = hourAt(h).toISOString();
    const partition = { root: dir.dir, modelId: MODEL_ID, dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
    await writeFirehoseParquet(engine, { ...partition, prefix: 'predictions', columns, records: hours[h] });
    if (h >= BASELINE_HOURS) {
      const labels = hours[h].map((r) => ({ prediction_id: r.prediction_id, label: r.predicted_label, label_time: r.event_time }));
      await writeFirehoseParquet(engine, { ...partition, prefix: 'labels', columns: groundTruthColumns(bankSpec), records: labels });
    }
  }
  for (const prefix of ['predictions', 'labels'] as const) {
    await registerFirehoseTable(engine, { root: dir.dir, prefix, modelId: MODEL_ID, database: tables.predictions.database as string, table: `${prefix}_${MODEL_ID}` });
  }
  ports = { query: engine, store, events, metrics, clock };

  // Deployed two hours before the first prediction; then every hour, 25 minutes after it ends.
  run.noData = await at(START - 5 * 60_000, () => runProfile(ports, model, tables, settings, {}));
  for (let h = 0; h < BASELINE_HOURS + 1; h++) {
    run.baseline.push(await at(afterHour(h), () => runProfile(ports, model, tables, settings, {})));
    if (h === 200) run.scoreDuring = await runScore(ports, model, tables, settings, WINDOW.name);
  }
  beforeFit = copyStore(store);
  run.fit = await at(afterHour(BASELINE_HOURS + 1), () => runProfile(ports, model, tables, settings, {}));
  // A late (or replayed) run of a window that ends inside the baseline, once the reference exists.
  run.scoreJustAfterFit = await at(afterHour(BASELINE_HOURS - 1), () => runScore(ports, model, tables, settings, WINDOW.name));
  for (let h = BASELINE_HOURS + 2; h < hours.length; h++) run.next.push(await at(afterHour(h), () => runProfile(ports, model, tables, settings, {})));
  run.eventsBeforeAfterScore = events.events.length;
  run.scoreAfter = await at(afterHour(hours.length - 1), () => runScore(ports, model, tables, settings, WINDOW.name));
}, 300_000);

afterAll(() => {
  engine?.close();
  dir?.remove();
});

async function storedSample(h: number): Promise<HourSample> {
  const key = monitorKeys.hourSample(MODEL_ID, hourAt(h));
  return parseHourSample((await store.getJson(key))?.value, key, model);
}

/** The samples of the baseline as one Dataset, in hour order, written out independently of poolSamples. */
function pooledByHand(samples: readonly HourSample[]): Dataset {
  const columns: Column[] = model.features.map((f) => {
    const parts = samples.map((s) => s.columns.find((c) => c.name === f.id));
    if (f.kind === 'numeric') {
      return { kind: 'numeric', name: f.id, values: Float64Array.from(parts.flatMap((c) => (c?.kind === 'numeric' ? c.values : [])), (v) => v ?? NaN) };
    }
    const texts = parts.flatMap((c) => (c?.kind === 'categorical' ? c.codes.map((code) => (code < 0 ? null : c.dictionary[code])) : []));
    const dictionary = [...new Set(texts.filter((t): t is string => t !== null))];
    return { kind: 'categorical', name: f.id, codes: Int32Array.from(texts, (t) => (t === null ? -1 : dictionary.indexOf(t))), dictionary };
  });
  return { rowCount: samples.reduce((n, s) => n + s.rows, 0), columns };
}

test('the per-hour sample limit keeps the pooled baseline under 200,000 rows', () => {
  expect(BASELINE_SAMPLE_ROWS).toBe(200_000);
  expect([14, 21, 28].map(sampleRowsPerHour)).toEqual([596, 397, 298]);
  for (const days of [14, 21, 28]) expect(sampleRowsPerHour(days) * days * 24).toBeLessThan(BASELINE_SAMPLE_ROWS + days * 24);
});

test('before the first prediction a run stores nothing and says it waits for production', () => {
  expect(run.noData).toMatchObject({ status: 'calibrating', hours: [], baseline: { start: null, hoursSampled: 0, sampled: [] } });
  expect(run.noData?.message).toContain('no predictions yet; the reference is fitted from the first 14 days of production, up to 596 sampled rows an hour');
});

test('every hourly run of the baseline stores its hours\' samples and says calibrating with the count and when the reference comes', async () => {
  expect(run.baseline.map((o) => o.status)).toEqual(Array(BASELINE_HOURS + 1).fill('calibrating'));
  // The run after the last baseline hour is settled re-samples it (its late records) but is not due to fit yet.
  run.baseline.forEach((o, h) => expect(o.baseline?.hoursSampled).toBe(Math.min(h + 1, BASELINE_HOURS)));
  expect(run.baseline[BASELINE_HOURS].baseline?.sampled.map((s) => s.hour)).toEqual([BASELINE_HOURS - 2, BASELINE_HOURS - 1].map((h) => hourAt(h).toISOString()));
  expect(run.baseline[0].baseline?.sampled.map((s) => s.hour)).toEqual([hourAt(0).toISOString()]); // hours -2 and -1 held nothing
  expect(run.baseline[100].baseline?.sampled.map((s) => [s.hour, s.hourRows, s.rows])).toEqual([98, 99, 100].map((h) => [hourAt(h).toISOString(), 30, 30]));
  expect(run.baseline[100].message).toBe(
    'model bank_marketing is calibrating: 101 of 336 baseline hours sampled (3,030 rows, up to 596 an hour) since 2026-11-24T00:00:00.000Z; ' +
      'the reference is fitted from production by the first hourly run at or after 2026-12-08T02:20:00.000Z (or push a reference with `driftwatch reference --push`)',
  );
  expect(run.baseline[100].hours).toEqual([]);
  for (const h of [0, 150, BASELINE_HOURS - 1]) {
    const sample = await storedSample(h);
    expect(sample).toMatchObject({ hour: hourAt(h).toISOString(), hourRows: 30, rows: 30, limit: 596 });
  }
  // Nothing but samples before the fit: no profile, no reference, no state.
  expect(beforeFit.keys().filter((k) => !k.includes('/samples/'))).toEqual([]);
  expect(beforeFit.keys().filter((k) => k.includes('/samples/dt='))).toHaveLength(BASELINE_HOURS);
});

test('a scoring run before the fit is "calibrating" and sends no event', () => {
  expect(run.scoreDuring).toMatchObject({ status: 'calibrating', message: expect.stringContaining('no reference yet, so no drift is judged') });
  expect(run.eventsBeforeAfterScore).toBe(0);
  expect(beforeFit.keys().some((k) => k.includes('/state/') || k.includes('/reports/'))).toBe(false);
});

test('the run after the baseline fits one reference: the profile of the pooled samples, drift bands over its 6-hour windows', async () => {
  expect(run.fit?.status).toBe('profiled');
  const fitted = run.fit?.baseline?.fitted;
  expect(fitted).toMatchObject({ won: true, rows: BASELINE_HOURS * ROWS_PER_HOUR });
  const key = monitorKeys.reference(MODEL_ID);
  const reference = parseReference((await store.getJson(key))?.value, key, model);
  expect(reference.referenceId).toBe(fitted?.referenceId);
  expect(reference.createdAt).toBe(new Date(afterHour(BASELINE_HOURS + 1)).toISOString());

  const samples = await Promise.all(Array.from({ length: BASELINE_HOURS }, (_, h) => storedSample(h)));
  const pooled = pooledByHand(samples);
  expect(reference.profile).toEqual(fitDatasetProfile(pooled));
  // 30 rows an hour is under the limit: the samples hold every baseline row.
  const text = (d: Dataset) => Array.from({ length: d.rowCount }, (_, i) => JSON.stringify(d.columns.map((c) => (c.kind === 'numeric' ? c.values[i] : c.dictionary[c.codes[i]] ?? null)))).sort();
  expect(text(pooled)).toEqual(text(recordsToDataset(bankSpec, hours.slice(0, BASELINE_HOURS).flat())));

  // The drift bands: the same windows the backtest would cut from the samples' hours.
  const hourOfRow = Float64Array.from(samples.flatMap((s) => Array(s.rows).fill(Date.parse(s.hour) / HOUR_MS)));
  const cut = referenceWindows({ window: { column: 'hour', every: '6h' } }, pooled, hourOfRow);
  expect(reference.drift).toEqual(fitReference(model, pooled, cut, { source: '', createdAt: new Date(0) }).drift);
  expect(reference.drift.bands).toMatchObject({ ok: true, windows: 56 });
  expect(reference.source).toBe('production 2026-11-24 – 2026-12-08 (10,080 of 10,080 rows in 336 hours); drift bands over 56 6h windows');
});

test('with too few windows for drift bands the reference keeps the default thresholds and its source says why', async () => {
  const samples = await Promise.all(Array.from({ length: BASELINE_HOURS }, (_, h) => storedSample(h)));
  const span = { start: hourAt(0), end: hourAt(BASELINE_HOURS) };
  const weekly = fitFromSamples(model, poolSamples(model, samples), { windows: [{ name: '7d', hours: 168 }] }, span, new Date(0));
  expect(weekly.drift.bands).toMatchObject({ ok: false, windows: 2 });
  expect(weekly.drift.raised).toEqual([]);
  expect(weekly.source).toBe(
    'production 2026-11-24 – 2026-12-08 (10,080 of 10,080 rows in 336 hours); drift bands over 7d windows: the reference holds 2 windows of the monitoring size; ' +
      "calibrating drift thresholds needs at least 6 (NannyML's minimum): using the default thresholds",
  );
});

test('the reference bins are written as JSON lines for the Athena bins table', () => {
  const id = run.fit?.baseline?.fitted?.referenceId as string;
  const stored = store.get(monitorKeys.referenceBins(MODEL_ID, id));
  expect(stored?.contentType).toBe('application/x-ndjson');
  const lines = (stored?.body ?? '').trimEnd().split('\n').map((l) => JSON.parse(l));
  const key = monitorKeys.reference(MODEL_ID);
  return store.getJson(key).then((json) => {
    const reference = parseReference(json?.value, key, model);
    expect(lines).toEqual(referenceBinRows(reference.profile).map((r) => ({ reference_id: id, ...r })));
  });
});

test('the fitting run and the next ones profile their hours on the fitted reference, and sample no more', async () => {
  const id = run.fit?.baseline?.fitted?.referenceId;
  expect(run.fit?.hours.map((h) => [h.hour, h.rows])).toEqual([BASELINE_HOURS - 1, BASELINE_HOURS, BASELINE_HOURS + 1].map((h) => [hourAt(h).toISOString(), 30]));
  expect(run.next.every((o) => o.status === 'profiled' && o.baseline === undefined)).toBe(true);
  for (const h of [BASELINE_HOURS, hours.length - 1]) {
    const key = monitorKeys.hourProfile(MODEL_ID, hourAt(h));
    expect(parseHourProfile((await store.getJson(key))?.value, key)).toMatchObject({ referenceId: id, rows: 30 });
  }
  expect(store.keys().filter((k) => k.includes('/samples/dt='))).toHaveLength(BASELINE_HOURS);
});

test('a window inside the production baseline the reference was fitted on is not judged; after it windows are judged', () => {
  expect(run.scoreJustAfterFit).toMatchObject({ status: 'calibrating', message: expect.stringContaining('lies in the production baseline the reference was fitted on') });
  expect(run.eventsBeforeAfterScore).toBe(0);
  const after = run.scoreAfter;
  expect(after?.status).toBe('scored');
  if (after?.status !== 'scored') return;
  expect(after.window.rows).toBe(6 * ROWS_PER_HOUR);
  expect(after.window.drift.status).toBe('critical');
  expect(after.events.map((e) => [e.detailType, e.detail.action])).toContainEqual(['Driftwatch Drift Status Changed', 'trigger']);
});

test('a baseline hour whose sample is missing or corrupt is sampled again by the fitting run', async () => {
  const own = copyStore(beforeFit);
  own.delete(monitorKeys.hourSample(MODEL_ID, hourAt(10)));
  await own.putJson(monitorKeys.hourSample(MODEL_ID, hourAt(20)), { format: 'driftwatch.hour-sample/v1', rows: -1 });
  clock.t = afterHour(BASELINE_HOURS + 1);
  const out = await runProfile({ ...ports, store: own }, model, tables, settings, {});
  expect(out.baseline?.fitted).toMatchObject({ won: true, rows: BASELINE_HOURS * ROWS_PER_HOUR });
  for (const h of [10, 20]) {
    const key = monitorKeys.hourSample(MODEL_ID, hourAt(h));
    expect(parseHourSample((await own.getJson(key))?.value, key, model)).toMatchObject({ hourRows: 30, rows: 30 });
  }
});

test('two runs fitting at once store one reference, and both profile on it', async () => {
  const raced = { ...ports, store: beforeFit, events: new MemoryEventSink(), metrics: new MemoryMetricsSink() };
  clock.t = afterHour(BASELINE_HOURS + 1);
  const outcomes = await Promise.all([runProfile(raced, model, tables, settings, {}), runProfile(raced, model, tables, settings, {})]);
  const fitted = outcomes.map((o) => o.baseline?.fitted);
  expect(fitted.map((f) => f?.won).sort()).toEqual([false, true]);
  expect(fitted[0]?.referenceId).toBe(fitted[1]?.referenceId);
  const key = monitorKeys.reference(MODEL_ID);
  expect(parseReference((await beforeFit.getJson(key))?.value, key, model).referenceId).toBe(fitted[0]?.referenceId);
  for (const o of outcomes) {
    for (const h of o.hours) expect(parseHourProfile((await beforeFit.getJson(h.key))?.value, h.key).referenceId).toBe(fitted[0]?.referenceId);
  }
});

test('pooling keeps each hour in proportion to its traffic', () => {
  const sample = (hour: number, hourRows: number, values: number[]): HourSample => ({
    format: 'driftwatch.hour-sample/v1', modelId: MODEL_ID, hour: hourAt(hour).toISOString(), hourRows, limit: 100, rows: values.length, sampledAt: '',
    columns: model.features.map((f) =>
      f.kind === 'numeric' ? { name: f.id, kind: 'numeric' as const, values } : { name: f.id, kind: 'categorical' as const, dictionary: ['x'], codes: values.map(() => 0) },
    ),
  });
  // A busy hour of 1,000 rows sampled at 10%, a quiet one of 100 kept whole: the quiet one keeps 10% too.
  const busy = sample(1, 1000, Array.from({ length: 100 }, (_, i) => i));
  const quiet = sample(0, 100, Array.from({ length: 100 }, (_, i) => 1000 + i));
  const pooled = poolSamples(model, [busy, quiet]);
  expect(pooled.data.rowCount).toBe(110);
  const first = pooled.data.columns[0];
  const expected = [...Array.from({ length: 10 }, (_, i) => 1000 + i), ...Array.from({ length: 100 }, (_, i) => i)];
  expect(first.kind === 'numeric' && [...first.values]).toEqual(expected);
  expect([...pooled.hourOfRow.slice(9, 11)]).toEqual([START / HOUR_MS, START / HOUR_MS + 1]);
  expect(pooled).toMatchObject({ hourRows: 1100, hours: 2 });
});

test('with baseline.startDate the baseline starts that day: earlier hours are not sampled', async () => {
  const dated = { ...settings, baseline: { days: DAYS, startDate: '2026-11-25' } };
  const own = new MemoryObjectStore('bucket');
  const p = { ...ports, store: own };
  clock.t = afterHour(5);
  const early = await runProfile(p, model, tables, dated, {});
  expect(early).toMatchObject({ status: 'calibrating', baseline: { start: '2026-11-25T00:00:00.000Z', hoursSampled: 0, sampled: [] } });
  expect(own.keys()).toEqual([]);
  clock.t = afterHour(24);
  const first = await runProfile(p, model, tables, dated, {});
  expect(first.baseline?.sampled.map((s) => s.hour)).toEqual([hourAt(24).toISOString()]);
  expect(first.message).toContain('1 of 336 baseline hours sampled (30 rows, up to 596 an hour) since 2026-11-25T00:00:00.000Z');
});
