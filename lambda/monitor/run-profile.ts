/**
 * The hourly run (the profile Lambda): profile the newest settled hour and re-profile the few before
 * it, each with one query, each stored (overwriting) at `monitorKeys.hourProfile`.
 *
 * Late records: Firehose buffers up to 15 minutes and producers retry, so hour H is first profiled
 * `settleMinutes` after it ends, then again by each of the next `reprofileHours` hourly runs. A record
 * arriving later than `settleMinutes + reprofileHours` hours after its hour ended is in the logs (and
 * in any later re-run of that hour) but not in the stored profile.
 *
 * Without a reference (none pushed yet) a run samples its hours instead and says "calibrating";
 * the run after the baseline's last hour is settled fits the reference from those samples and
 * profiles its hours on it (`fit-from-production.ts`).
 */
import type { MonitorPorts } from '../ports';
import { monitorKeys } from './layout';
import { calibrateFromProduction, type BaselineProgress } from './fit-from-production';
import { hourMetrics, METRICS_NAMESPACE } from './metrics';
import type { MonitorModel } from './model';
import { profileHour, storedHourProfile, type MonitorTables } from './profile';
import { parseReference, type MonitorReference } from './reference';
import type { MonitorSettings } from './from-config';

const HOUR_MS = 3_600_000;

export interface ProfileOutcome {
  /** 'calibrating': no reference yet, nothing profiled (the hours were sampled for the baseline). */
  readonly status: 'profiled' | 'calibrating';
  readonly hours: readonly { readonly hour: string; readonly rows: number; readonly key: string }[];
  readonly message?: string;
  /** Without a pushed reference: the production baseline so far (and, on the run that fits it, the reference). */
  readonly baseline?: BaselineProgress;
}

/** The hours a run at `now` profiles: the newest settled hour and `reprofileHours` before it, oldest first. */
export function hoursToProfile(now: Date, settings: Pick<MonitorSettings, 'settleMinutes' | 'reprofileHours'>): Date[] {
  const newest = Math.floor((now.getTime() - settings.settleMinutes * 60_000) / HOUR_MS) * HOUR_MS - HOUR_MS;
  return Array.from({ length: settings.reprofileHours + 1 }, (_, i) => new Date(newest - (settings.reprofileHours - i) * HOUR_MS));
}

/** The model's reference from the store, or null when none was pushed yet. @throws CorruptObject */
export async function loadReference(store: MonitorPorts['store'], model: MonitorModel): Promise<MonitorReference | null> {
  const key = monitorKeys.reference(model.modelId);
  const stored = await store.getJson(key);
  return stored ? parseReference(stored.value, key, model) : null;
}

/**
 * Profiles the hours of this run (or the one hour asked for) and stores each.
 * @example await runProfile(ports, model, tables, settings, {})                      // the hourly schedule
 * @example await runProfile(ports, model, tables, settings, { hour: new Date('2026-12-01T07:00:00Z') }) // a backfill
 */
export async function runProfile(
  ports: Pick<MonitorPorts, 'query' | 'store' | 'metrics' | 'clock'>,
  model: MonitorModel,
  tables: MonitorTables,
  settings: MonitorSettings,
  input: { readonly hour?: Date },
): Promise<ProfileOutcome> {
  const now = ports.clock.now();
  const scheduled = hoursToProfile(now, settings);
  const hours = input.hour ? [input.hour] : scheduled;
  let reference = await loadReference(ports.store, model);
  let baseline: BaselineProgress | undefined;
  if (!reference) {
    const calibration = await calibrateFromProduction(ports, model, tables, settings, hours, scheduled[0], now);
    // Traffic is known while calibrating too: the no-traffic alarm must not fire on a quiet monitor.
    for (const s of calibration.baseline.sampled) await ports.metrics.publish(METRICS_NAMESPACE, hourMetrics(model, new Date(s.hour), s.hourRows));
    if (calibration.status === 'calibrating') return { status: 'calibrating', hours: [], message: calibration.message, baseline: calibration.baseline };
    reference = calibration.reference;
    baseline = calibration.baseline;
  }
  const done: { hour: string; rows: number; key: string }[] = [];
  for (const hour of hours) {
    const profile = await profileHour(ports.query, model, reference, tables, hour, now);
    const key = monitorKeys.hourProfile(model.modelId, hour);
    await ports.store.putJson(key, storedHourProfile(profile));
    await ports.metrics.publish(METRICS_NAMESPACE, hourMetrics(model, hour, profile.rows));
    done.push({ hour: hour.toISOString(), rows: profile.rows, key });
  }
  return { status: 'profiled', hours: done, ...(baseline && { baseline }) };
}
