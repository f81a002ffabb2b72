/**
 * One window score in its own process, for `npm run bench:monitor` to time and to read the peak
 * memory of (bundled by the benchmark and run with plain node, so neither tsx nor DuckDB is in the
 * process). Usage: node score-child.js <fixture.json> <window> run|steps
 *
 * The store (a MemoryObjectStore, as the backtest uses) holds the reference and one stored hour
 * profile per hour of the window — the JSON the profile Lambda writes, cycled from the few hours the
 * benchmark really profiled, each with its own hour. The label join is answered with the rows DuckDB
 * returned for the same SQL (as Athena would return them: numbers as strings), so the process does
 * only the Lambda's side of the work.
 * - `run`: `runScore`, the score Lambda's whole run (read, parse, merge, measure, decide, state,
 *   reports, metrics, events);
 * - `steps`: the same steps called one by one and timed each (read + parse, merge, measure, decide, reports).
 * Prints one JSON line.
 */
import * as fs from 'node:fs';
import { modelSchema } from '../../config/schema';
import { MemoryEventSink } from '../../lambda/adapters/local/memory-event-sink';
import { MemoryMetricsSink } from '../../lambda/adapters/local/memory-metrics-sink';
import { MemoryObjectStore } from '../../lambda/adapters/local/memory-object-store';
import { mergeDatasetProfiles } from '../../lambda/core/profile';
import { decideWindow } from '../../lambda/monitor/decide';
import { monitorModelFromConfig, monitorSettingsFromConfig } from '../../lambda/monitor/from-config';
import { monitorKeys } from '../../lambda/monitor/layout';
import { metricsOf } from '../../lambda/monitor/model';
import { expandHourProfile, parseHourProfile, storedHourProfile, type HourProfile, type MonitorTables } from '../../lambda/monitor/profile';
import { parseReference } from '../../lambda/monitor/reference';
import { monitorReport, renderMonitorHtml } from '../../lambda/monitor/report';
import { runScore, windowEnding } from '../../lambda/monitor/run-score';
import { measureWindow, windowPerformance } from '../../lambda/monitor/score';
import { initialState } from '../../lambda/monitor/state';
import type { MonitorPorts, QueryEngine } from '../../lambda/ports';

/** What the benchmark hands the child. */
export interface ScoreFixture {
  readonly env: string;
  /** The model's platform config entry (validated again here, as the handler does). */
  readonly config: unknown;
  readonly tables: MonitorTables;
  readonly labelLookbackDays: number;
  /** The reference as stored (`serializeReference`). */
  readonly reference: unknown;
  /** Stored hour profiles (JSON) the window's hours cycle through. */
  readonly hourProfiles: readonly unknown[];
  /** The clock of the run (ISO). */
  readonly now: string;
  /** Label-join SQL → the rows to answer it with. */
  readonly answers: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

export interface ScoreChildResult {
  readonly mode: 'run' | 'steps';
  readonly window: string;
  /** Milliseconds of the whole score (run) or of each step (steps). */
  readonly ms: number;
  readonly steps?: Readonly<Record<string, number>>;
  readonly status: string;
  readonly rows: number;
  readonly hours: number;
  /** RSS just before the score, after the store was filled and a GC ran (MB). */
  readonly rssBeforeMb: number;
  /** The process's peak RSS when the score returned (process.resourceUsage().maxRSS, MB). */
  readonly maxRssMb: number;
  /** Bytes of JSON the store held before the score (the reference and the hour profiles). */
  readonly storeBytes: number;
  readonly hourProfileBytes: number;
  /** Bytes the run stored per report: JSON (dated), HTML, JSON (latest). */
  readonly reportBytes?: number;
  readonly metrics?: number;
  readonly events?: number;
  readonly queries: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

async function main(): Promise<void> {
  const [file, windowName, mode] = process.argv.slice(2);
  if (!file || !windowName || (mode !== 'run' && mode !== 'steps')) throw new Error('usage: score-child.js <fixture.json> <window> run|steps');
  let fixture: ScoreFixture | null = JSON.parse(fs.readFileSync(file, 'utf8')) as ScoreFixture;
  const { answers, tables, labelLookbackDays, env } = fixture;
  const config = modelSchema.parse(fixture.config);
  const settings = monitorSettingsFromConfig(config, labelLookbackDays);
  const window = settings.windows.find((w) => w.name === windowName);
  if (!window) throw new Error(`window ${windowName} is not configured`);
  const model = monitorModelFromConfig(env, config, window.hours);
  const now = new Date(fixture.now);

  const store = new MemoryObjectStore('bench');
  await store.putJson(monitorKeys.reference(model.modelId), fixture.reference);
  const range = windowEnding(now, window.hours, settings.settleMinutes);
  let hours = 0;
  for (let t = range.start.getTime(); t < range.end.getTime(); t += 3_600_000, hours++) {
    const hour = new Date(t);
    const stored = fixture.hourProfiles[hours % fixture.hourProfiles.length] as HourProfile;
    await store.putJson(monitorKeys.hourProfile(model.modelId, hour), storedHourProfile({ ...stored, hour: hour.toISOString(), profiledAt: new Date(t + 3_600_000 + 25 * 60_000).toISOString() }));
  }
  const storeBytes = store.keys().reduce((sum, k) => sum + (store.get(k)?.body.length ?? 0), 0);
  const hourProfileBytes = store.get(monitorKeys.hourProfile(model.modelId, range.start))?.body.length ?? 0;

  let queries = 0;
  const query: QueryEngine = {
    async query(sql) {
      queries++;
      const rows = answers[sql];
      if (!rows) throw new Error(`the benchmark has no answer for this query:\n${sql.slice(0, 400)}`);
      return rows.map((r) => ({ ...r }));
    },
    close() {},
  };
  const events = new MemoryEventSink();
  const metrics = new MemoryMetricsSink();
  const ports: MonitorPorts = { query, store, events, metrics, clock: { now: () => now } };
  // Only the store, the answers and the code stay: the fixture's parsed copies go before the GC.
  fixture = null;
  (globalThis as { gc?: () => void }).gc?.();
  const rssBeforeMb = mb(process.memoryUsage().rss);

  const base = { window: windowName, rssBeforeMb, storeBytes, hourProfileBytes };
  if (mode === 'run') {
    const started = performance.now();
    const outcome = await runScore(ports, model, tables, settings, windowName);
    const ms = performance.now() - started;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const reportKeys = store.keys().filter((k) => k.includes('/reports/'));
    const result: ScoreChildResult = {
      ...base,
      mode,
      ms,
      maxRssMb,
      status: outcome.status === 'scored' ? outcome.window.status : outcome.status,
      rows: outcome.status === 'scored' ? outcome.window.rows : 0,
      hours,
      reportBytes: reportKeys.reduce((sum, k) => sum + (store.get(k)?.body.length ?? 0), 0),
      metrics: metrics.published.length,
      events: events.events.length,
      queries,
    };
    console.log(JSON.stringify(result));
    return;
  }

  // steps: what runScore does, one timed step at a time.
  const steps: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const out = await f();
    steps[name] = performance.now() - started;
    return out;
  };
  const started = performance.now();
  const reference = await timed('read + parse reference', async () => {
    const key = monitorKeys.reference(model.modelId);
    return parseReference((await store.getJson(key))?.value, key, model);
  });
  const parsed = await timed(`read + parse ${hours} hour profiles`, async () => {
    const out: HourProfile[] = [];
    for (let t = range.start.getTime(); t < range.end.getTime(); t += 3_600_000) {
      const key = monitorKeys.hourProfile(model.modelId, new Date(t));
      out.push(expandHourProfile(parseHourProfile((await store.getJson(key))?.value, key), reference, key));
    }
    return out;
  });
  const merged = await timed('merge', () => parsed.map((h) => h.profile).reduce((a, b) => mergeDatasetProfiles(a, b)));
  const performance_ = await timed('label join (answered)', () => windowPerformance(query, model, tables, range, settings.labelLookbackDays));
  const span = { index: 0, start: range.start, end: range.end, label: windowName, hours: { profiled: parsed.length, expected: hours, withRows: parsed.length } };
  const batches = parsed.map((h) => ({ hour: h.hour, predictions: h.predictions }));
  const measured = await timed('measure (compare with the reference)', () => measureWindow(model, reference, span, merged, batches, performance_));
  const decided = await timed('decide', () => decideWindow(initialState(model.modelId, windowName), measured, { model, reference, metrics: metricsOf(model) }));
  await timed('reports (JSON + HTML)', () => {
    const report = monitorReport(model, windowName, reference, decided, []);
    return JSON.stringify(report).length + renderMonitorHtml(report).length;
  });
  const ms = performance.now() - started;
  const result: ScoreChildResult = {
    ...base,
    mode,
    ms,
    steps,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    status: decided.window.status,
    rows: decided.window.rows,
    hours,
    queries,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
