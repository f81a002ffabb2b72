/**
 * The scoring run (the score Lambda, one schedule per window): gather the window's hour profiles,
 * measure, decide, and publish — with the state replaced by a conditional write, so an overlapping
 * or repeated run for the same window changes nothing and sends no second event.
 *
 * Order, so nothing is lost when a run dies part-way: the decided state is written together with
 * its events in an outbox; reports, metrics and events go out after; the outbox is then cleared.
 * A run that finds the window already decided only resends an outbox left behind by a run that
 * died (older than OUTBOX_ABANDONED_MS), never one still being sent.
 */
import { mergeDatasetProfiles, observeDatasetProfile } from '../core/profile';
import type { Column, DatasetProfile } from '../core/types';
import { CorruptObject, PreconditionFailed, type MonitorPorts, type StoredJson } from '../ports';
import type { MonitorEventEntry } from '../ports/event-sink';
import { decideWindow, type DecideContext } from './decide';
import { windowEvents } from './events';
import type { MonitorSettings } from './from-config';
import { monitorKeys } from './layout';
import { hourSpanLabel } from './messages';
import { METRICS_NAMESPACE, windowMetricData } from './metrics';
import { metricsOf, type MonitorModel } from './model';
import { expandHourProfile, parseHourProfile, profileHour, storedHourProfile, type HourProfile, type MonitorTables } from './profile';
import type { MonitorReference } from './reference';
import { monitorReport, renderMonitorHtml } from './report';
import { loadReference } from './run-profile';
import { measureWindow, windowPerformance, type WindowSpan } from './score';
import { initialState, parseState, type MonitorState } from './state';
import type { MonitorWindow } from './types';

const HOUR_MS = 3_600_000;
/** Hours a scoring run profiles itself when their stored profile is missing, stale or corrupt. */
export const MAX_INLINE_PROFILES = 24;
/** An outbox older than this was left by a run that died; a later run sends it. */
export const OUTBOX_ABANDONED_MS = 10 * 60_000;

export type ScoreOutcome =
  | { readonly status: 'calibrating'; readonly message: string }
  | { readonly status: 'duplicate'; readonly window: string; readonly end: string; readonly resent: number }
  | { readonly status: 'scored'; readonly window: MonitorWindow; readonly events: readonly MonitorEventEntry[]; readonly reportUri: string };

/** The window a run at `now` scores: the last `hours` hours ending at the newest settled hour boundary. */
export function windowEnding(now: Date, hours: number, settleMinutes: number): { start: Date; end: Date } {
  const end = Math.floor((now.getTime() - settleMinutes * 60_000) / HOUR_MS) * HOUR_MS;
  return { start: new Date(end - hours * HOUR_MS), end: new Date(end) };
}

/** A profile with the reference's bins and no rows (a window whose hours hold nothing). */
function emptyProfile(reference: DatasetProfile): DatasetProfile {
  const columns: Column[] = reference.features.map((f) =>
    f.kind === 'numeric' ? { kind: 'numeric', name: f.name, values: new Float64Array(0) } : { kind: 'categorical', name: f.name, codes: new Int32Array(0), dictionary: [] },
  );
  return observeDatasetProfile({ rowCount: 0, columns }, reference);
}

/**
 * The window's hour profiles: stored ones when they are on this reference's bins, re-profiled (up to
 * MAX_INLINE_PROFILES) when missing, corrupt or on an older reference; the rest count as not profiled.
 */
async function gatherHours(
  ports: Pick<MonitorPorts, 'query' | 'store' | 'clock'>,
  model: MonitorModel,
  reference: MonitorReference,
  tables: MonitorTables,
  span: { start: Date; end: Date },
): Promise<{ hours: HourProfile[]; expected: number; problems: string[] }> {
  const hours: HourProfile[] = [];
  const problems: string[] = [];
  let inline = 0;
  let expected = 0;
  for (let t = span.start.getTime(); t < span.end.getTime(); t += HOUR_MS) {
    expected++;
    const hour = new Date(t);
    const key = monitorKeys.hourProfile(model.modelId, hour);
    let stored: HourProfile | null = null;
    try {
      const json: StoredJson | null = await ports.store.getJson(key);
      const envelope = json ? parseHourProfile(json.value, key) : null;
      // On an older reference's bins (a reference pushed since): profiled again on this one.
      stored = envelope && envelope.referenceId === reference.referenceId ? expandHourProfile(envelope, reference, key) : null;
    } catch (error) {
      if (!(error instanceof CorruptObject)) throw error;
      problems.push(`${error.message}; re-profiled`);
    }
    if (!stored && inline < MAX_INLINE_PROFILES) {
      inline++;
      stored = await profileHour(ports.query, model, reference, tables, hour, ports.clock.now());
      await ports.store.putJson(key, storedHourProfile(stored));
    }
    if (stored) hours.push(stored);
  }
  return { hours, expected, problems };
}

/** The stored state and its etag, or the initial state. */
async function readState(store: MonitorPorts['store'], model: MonitorModel, window: string): Promise<{ state: MonitorState; etag: string | null }> {
  const key = monitorKeys.state(model.modelId, window);
  const stored = await store.getJson(key);
  return stored ? { state: parseState(stored.value, key), etag: stored.etag } : { state: initialState(model.modelId, window), etag: null };
}

const revive = (o: MonitorState['outbox'][number]): MonitorEventEntry => ({ ...o.event, time: new Date(o.event.time) });

/** Sends the outbox and clears it (a lost race to clear it means another run already did). */
async function flushOutbox(ports: Pick<MonitorPorts, 'events' | 'store'>, key: string, state: MonitorState, etag: string): Promise<number> {
  if (state.outbox.length === 0) return 0;
  await ports.events.put(state.outbox.map(revive));
  try {
    await ports.store.putJson(key, { ...state, outbox: [] }, { ifMatch: etag });
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error;
  }
  return state.outbox.length;
}

/**
 * Scores the window `windowName` as of the clock's now.
 * @throws Error naming the window when it is not configured
 */
export async function runScore(
  ports: MonitorPorts,
  model: MonitorModel,
  tables: MonitorTables,
  settings: MonitorSettings,
  windowName: string,
): Promise<ScoreOutcome> {
  const config = settings.windows.find((w) => w.name === windowName);
  if (!config) throw new Error(`window ${JSON.stringify(windowName)} is not configured for model ${model.modelId} (windows: ${settings.windows.map((w) => w.name).join(', ')})`);
  const now = ports.clock.now();
  const reference = await loadReference(ports.store, model);
  if (!reference) return { status: 'calibrating', message: `model ${model.modelId}: no reference yet, so no drift is judged (push one with \`driftwatch reference --push\`)` };
  const range = windowEnding(now, config.hours, settings.settleMinutes);
  // A reference fitted from production is not judged against the baseline hours it was fitted on;
  // a pushed reference (training data) judges every window, also those before the push.
  if (reference.baseline && range.end.getTime() <= Date.parse(reference.baseline.end)) {
    return { status: 'calibrating', message: `model ${model.modelId}: window ${windowName} ending ${range.end.toISOString()} lies in the production baseline the reference was fitted on (${reference.baseline.start} – ${reference.baseline.end}), so no drift is judged on it` };
  }
  const stateKey = monitorKeys.state(model.modelId, windowName);

  for (let attempt = 0; attempt < 3; attempt++) {
    const { state, etag } = await readState(ports.store, model, windowName);
    if (state.lastEnd !== null && state.lastEnd >= range.end.toISOString()) {
      const abandoned = state.outbox.some((o) => now.getTime() - Date.parse(o.queuedAt) > OUTBOX_ABANDONED_MS);
      const resent = abandoned && etag ? await flushOutbox(ports, stateKey, state, etag) : 0;
      return { status: 'duplicate', window: windowName, end: range.end.toISOString(), resent };
    }
    const gathered = await gatherHours(ports, model, reference, tables, range);
    const profile = gathered.hours.map((h) => h.profile).reduce(mergeDatasetProfiles, emptyProfile(reference.profile));
    const span: WindowSpan = {
      index: state.windows,
      start: range.start,
      end: range.end,
      label: hourSpanLabel(range.start, range.end),
      hours: { profiled: gathered.hours.length, expected: gathered.expected, withRows: gathered.hours.filter((h) => h.rows > 0).length },
    };
    const performance = await windowPerformance(ports.query, model, tables, range, settings.labelLookbackDays);
    const batches = gathered.hours.map((h) => ({ hour: h.hour, predictions: h.predictions }));
    const ctx: DecideContext = { model, reference, metrics: metricsOf(model) };
    const decided = decideWindow(state, measureWindow(model, reference, span, profile, batches, performance), ctx);
    const reportKey = monitorKeys.report(model.modelId, windowName, range.start, 'json');
    const reportUri = ports.store.uri(reportKey);
    const events = windowEvents({ env: model.env, modelId: model.modelId, window: windowName, judged: decided.window, reportUri }, decided.alerts, decided.resolutions, now);
    const next: MonitorState = { ...decided.state, outbox: events.map((e) => ({ event: { ...e, time: e.time.toISOString() }, queuedAt: now.toISOString() })) };
    let written: { etag: string };
    try {
      written = await ports.store.putJson(stateKey, next, etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
    } catch (error) {
      if (error instanceof PreconditionFailed) continue; // another run decided first: read its state again
      throw error;
    }
    const report = monitorReport(model, windowName, reference, decided, gathered.problems);
    await ports.store.putJson(reportKey, report);
    await ports.store.putText(monitorKeys.report(model.modelId, windowName, range.start, 'html'), renderMonitorHtml(report), 'text/html; charset=utf-8');
    await ports.store.putJson(monitorKeys.latestReport(model.modelId, windowName), report);
    await ports.metrics.publish(METRICS_NAMESPACE, windowMetricData(model, windowName, decided.window, range.end));
    await flushOutbox(ports, stateKey, next, written.etag);
    return { status: 'scored', window: decided.window, events, reportUri };
  }
  throw new Error(`window ${windowName} of model ${model.modelId}: the state at ${stateKey} kept changing under this run (3 attempts)`);
}
