/**
 * A reference fitted from production, for a model whose team pushed none: the monitor samples the
 * first `baseline.days` of production, says "calibrating" meanwhile (no drift is judged against
 * nothing), then fits the reference from the pooled samples, once, and profiles on it from then on.
 *
 * - **Sampling.** While the model has no reference, every hourly run (`runProfile`) samples the
 *   hours it would profile: a uniform random sample of at most `sampleRowsPerHour(days)` rows of
 *   each hour's feature columns (`sampleQuery`), stored at `monitorKeys.hourSample` and recorded,
 *   with the hour's row count, in `monitorKeys.baselineSamples`. The limit is
 *   ceil(BASELINE_SAMPLE_ROWS / (days × 24)) — 596 rows an hour for 14 days, 397 for 21, 298 for
 *   28 — so the pooled baseline holds about BASELINE_SAMPLE_ROWS rows at most (200,256 for 14 days:
 *   the limit rounds up), whatever the traffic. Re-sampling an hour (the late-record rule of
 *   `runProfile`) overwrites its sample.
 * - **Cost of the fit** at the bound, 200,000 rows × 50 features (40 numeric): the pool is 80 MB of
 *   typed arrays (samples are added as they are read, never all held); the fit with daily drift
 *   bands took 11 s on one core of the project's machine and raised the process's peak RSS by
 *   ~190 MB. The profile function needs that headroom on the one run that fits.
 * - **The baseline** is `days` × 24 hours from `baseline.startDate` (00:00 UTC) or, without one,
 *   from the first hour with predictions. Hours before it are not kept, hours after it not sampled.
 * - **The fit** happens in the first hourly run whose oldest hour is the baseline's last hour, i.e.
 *   when that hour is re-profiled for the last time: at or after baseline end + `reprofileHours` h +
 *   `settleMinutes` (`fitDueAt`). That run re-samples the hours it holds, reads every sample of the
 *   baseline (an hour whose sample is missing or corrupt is sampled again, up to MAX_INLINE_SAMPLES),
 *   pools them in proportion to each hour's traffic (`poolRate`), fits the reference with
 *   `fitReference` — drift bands over the pool cut into windows of the monitor's first window by
 *   each row's hour, exactly as the backtest cuts a reference — and writes its bins (JSON lines,
 *   `referenceBinLines`, the rows of the Athena bins table) and then the reference with
 *   `ifNoneMatch: '*'`: of two runs fitting at once, one reference wins and the other run reads and
 *   uses it. A pushed reference later simply overwrites it.
 */
import * as z from 'zod';
import { CorruptObject, PreconditionFailed, type MonitorPorts, type StoredJson } from '../ports';
import { driftBandsEnabled } from './drift-bands';
import { cutReferenceWindows } from './reference-windows';
import type { MonitorSettings } from './from-config';
import { monitorKeys } from './layout';
import { hourSpanLabel, num } from './messages';
import type { MonitorModel } from './model';
import { parseHourSample, sampleHour, type HourSample } from './hour-sample';
import { keptRows, PoolBuilder, poolRate, type PooledSamples } from './pool-samples';
import type { MonitorTables } from './profile';
import { fitReference, parseReference, serializeReference, type MonitorReference } from './reference';
import { referenceBinLines } from './store-reference';

const HOUR_MS = 3_600_000;

export { HOUR_SAMPLE_FORMAT, parseHourSample, sampleHour, type HourSample, type SampleColumn } from './hour-sample';
export { poolRate, poolSamples, type PooledSamples } from './pool-samples';

/** The pooled baseline holds at most this many rows: each hour's sample limit is derived from it. */
export const BASELINE_SAMPLE_ROWS = 200_000;
/** Hours the fitting run samples itself when their stored sample is missing or corrupt. */
export const MAX_INLINE_SAMPLES = 24;
/** Samples read from the store at once while pooling. */
const READ_CONCURRENCY = 8;
export const BASELINE_SAMPLES_FORMAT = 'driftwatch.baseline-samples/v1' as const;

/**
 * Rows sampled per hour for a baseline of `days`: ceil(BASELINE_SAMPLE_ROWS / (days × 24)).
 * @example sampleRowsPerHour(14) // 596
 */
export function sampleRowsPerHour(days: number): number {
  if (!Number.isInteger(days) || days < 1) throw new Error(`baseline.days must be a positive integer, got ${String(days)}`);
  return Math.ceil(BASELINE_SAMPLE_ROWS / (days * 24));
}

/** The record of the baseline's sampled hours, at `monitorKeys.baselineSamples`. */
export interface BaselineSamples {
  readonly format: typeof BASELINE_SAMPLES_FORMAT;
  readonly modelId: string;
  /** ISO hour → the hour's row count and the rows its sample holds. */
  readonly hours: Readonly<Record<string, { readonly hourRows: number; readonly rows: number }>>;
}

/** What a run reports about the baseline while calibrating (and on the run that fits). */
export interface BaselineProgress {
  /** ISO start and end of the baseline; null until the first hour with predictions. */
  readonly start: string | null;
  readonly end: string | null;
  /** Hours of the baseline sampled so far, and the rows their samples hold. */
  readonly hoursSampled: number;
  readonly rowsSampled: number;
  /** The first run at or after this instant fits the reference (null while the start is unknown). */
  readonly fitDueAt: string | null;
  /** The hours this run sampled. */
  readonly sampled: readonly { readonly hour: string; readonly hourRows: number; readonly rows: number; readonly key: string }[];
  /** On the run that fitted: the reference it uses (`won: false` when another run's fit was stored first). */
  readonly fitted?: { readonly referenceId: string; readonly rows: number; readonly source: string; readonly won: boolean };
}

export type Calibration =
  | { readonly status: 'calibrating'; readonly message: string; readonly baseline: BaselineProgress }
  | { readonly status: 'fitted'; readonly reference: MonitorReference; readonly baseline: BaselineProgress };

/** The baseline's span: from `startDate`, else from the first sampled hour with rows; null when neither is known yet. */
export function baselineSpan(baseline: MonitorSettings['baseline'], samples: BaselineSamples | null): { start: Date; end: Date } | null {
  let start: number;
  if (baseline.startDate !== undefined) {
    start = Date.parse(`${baseline.startDate}T00:00:00Z`);
    if (Number.isNaN(start)) throw new Error(`baseline.startDate ${JSON.stringify(baseline.startDate)} is not a date as YYYY-MM-DD`);
  } else {
    const withRows = Object.entries(samples?.hours ?? {}).filter(([, h]) => h.hourRows > 0).map(([hour]) => Date.parse(hour));
    if (withRows.length === 0) return null;
    start = Math.min(...withRows);
  }
  return { start: new Date(start), end: new Date(start + baseline.days * 24 * HOUR_MS) };
}

/**
 * When the reference is due: the first hourly run whose oldest hour (it re-profiles `reprofileHours`
 * before the newest settled one) is the baseline's last hour.
 */
export function fitDueAt(end: Date, settings: Pick<MonitorSettings, 'settleMinutes' | 'reprofileHours'>): Date {
  return new Date(end.getTime() + settings.reprofileHours * HOUR_MS + settings.settleMinutes * 60_000);
}

const count = z.number().int().nonnegative();
const baselineSamplesSchema = z.object({
  format: z.literal(BASELINE_SAMPLES_FORMAT),
  modelId: z.string(),
  hours: z.record(z.string(), z.object({ hourRows: count, rows: count })),
});

async function readBaselineSamples(store: MonitorPorts['store'], model: MonitorModel): Promise<{ samples: BaselineSamples; etag: string | null }> {
  const key = monitorKeys.baselineSamples(model.modelId);
  const stored: StoredJson | null = await store.getJson(key);
  const empty: BaselineSamples = { format: BASELINE_SAMPLES_FORMAT, modelId: model.modelId, hours: {} };
  if (!stored) return { samples: empty, etag: null };
  const parsed = baselineSamplesSchema.safeParse(stored.value);
  // A corrupt record is rebuilt from what is sampled from now on (the fit re-samples the hours it lacks).
  return { samples: parsed.success ? (parsed.data as BaselineSamples) : empty, etag: stored.etag };
}

/** Adds this run's hours to the record with a conditional write, merging again when another run wrote first. */
async function recordSampled(store: MonitorPorts['store'], model: MonitorModel, sampled: readonly HourSample[]): Promise<BaselineSamples> {
  const key = monitorKeys.baselineSamples(model.modelId);
  for (let attempt = 0; attempt < 5; attempt++) {
    const { samples, etag } = await readBaselineSamples(store, model);
    if (sampled.length === 0) return samples;
    const hours = { ...samples.hours };
    for (const s of sampled) hours[s.hour] = { hourRows: s.hourRows, rows: s.rows };
    const next: BaselineSamples = { ...samples, hours: Object.fromEntries(Object.entries(hours).sort(([a], [b]) => a.localeCompare(b))) };
    try {
      await store.putJson(key, next, etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
      return next;
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
  }
  throw new Error(`model ${model.modelId}: the baseline record at ${key} kept changing under this run (5 attempts)`);
}

/** Whether an hour belongs to the baseline as far as it is known (hours before the first data are not kept). */
function inBaseline(hour: Date, span: { start: Date; end: Date } | null, fixedStart: boolean): boolean {
  if (!span) return true;
  if (hour.getTime() >= span.end.getTime()) return false;
  return !fixedStart || hour.getTime() >= span.start.getTime();
}

/**
 * Fits the reference from the pooled baseline: the profile, and the drift bands over the pool cut
 * into windows of the monitor's first window (by each row's hour, as the backtest cuts a reference).
 * When the bands cannot be fitted (too few windows) the reference's `source` says why.
 */
export function fitFromSamples(
  model: MonitorModel,
  pooled: PooledSamples,
  settings: Pick<MonitorSettings, 'windows'>,
  span: { start: Date; end: Date },
  now: Date,
): MonitorReference {
  const window = settings.windows[0];
  if (!window) throw new Error(`model ${model.modelId}: no monitoring window is configured to cut the baseline into drift-band windows`);
  const every = `${window.hours}h`;
  const enabled = driftBandsEnabled(model.driftBands);
  const windows = enabled ? cutReferenceWindows({ column: 'hour', every, everyHours: window.hours }, pooled.data, pooled.hourOfRow) : null;
  const rows = `${num(pooled.data.rowCount)} of ${num(pooled.hourRows)} rows in ${pooled.hours} hours`;
  const base = `production ${hourSpanLabel(span.start, span.end)} (${rows})`;
  const draft = fitReference(model, pooled.data, windows, { source: base, createdAt: now });
  const bands = draft.drift.bands;
  const note = !enabled
    ? '; drift bands disabled (driftBands.enabled is false)'
    : bands && !bands.ok
      ? `; drift bands over ${window.name} windows: ${bands.reason}`
      : bands
        ? `; drift bands over ${bands.windows} ${window.name} windows`
        : '';
  return { ...draft, source: `${base}${note}`, baseline: { start: span.start.toISOString(), end: span.end.toISOString() } };
}

/**
 * Stores a reference fitted from production unless one exists: its bins first (keyed by its id, so
 * a losing run's bins are never read), then the reference with `ifNoneMatch: '*'`. The loser reads
 * and returns the winner's.
 */
async function storeFitted(store: MonitorPorts['store'], model: MonitorModel, reference: MonitorReference): Promise<{ reference: MonitorReference; won: boolean }> {
  await store.putText(monitorKeys.referenceBins(model.modelId, reference.referenceId), referenceBinLines(reference), 'application/x-ndjson');
  const key = monitorKeys.reference(model.modelId);
  try {
    await store.putJson(key, serializeReference(reference), { ifNoneMatch: '*' });
    return { reference, won: true };
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error;
  }
  const stored = await store.getJson(key);
  if (!stored) throw new Error(`model ${model.modelId}: the reference at ${store.uri(key)} was written by another run and is gone again`);
  return { reference: parseReference(stored.value, key, model), won: false };
}

/**
 * Pools every sample of the baseline in hour order, reading READ_CONCURRENCY ahead; an hour whose
 * sample is missing or corrupt is sampled again (up to MAX_INLINE_SAMPLES). The pooling rate comes
 * from the baseline record's counts, so each sample is added as it is read and then dropped.
 */
async function poolBaseline(
  ports: Pick<MonitorPorts, 'query' | 'store'>,
  model: MonitorModel,
  tables: MonitorTables,
  span: { start: Date; end: Date },
  record: BaselineSamples,
  fresh: ReadonlyMap<string, HourSample>,
  limit: number,
  now: Date,
): Promise<{ pooled: PooledSamples; resampled: HourSample[] }> {
  const hours: Date[] = [];
  for (let t = span.start.getTime(); t < span.end.getTime(); t += HOUR_MS) hours.push(new Date(t));
  const counts = hours.map((h) => fresh.get(h.toISOString()) ?? record.hours[h.toISOString()]).filter((c) => c !== undefined);
  const rate = poolRate(counts);
  const pool = new PoolBuilder(model, counts.reduce((n, c) => n + keptRows(c, rate), 0));
  // Never rejects (a rejection waiting its turn would be unhandled): errors are rethrown in order.
  const read = async (hour: Date): Promise<{ sample: HourSample | null } | { error: unknown }> => {
    const done = fresh.get(hour.toISOString());
    if (done) return { sample: done };
    const key = monitorKeys.hourSample(model.modelId, hour);
    try {
      const stored = await ports.store.getJson(key);
      return { sample: stored ? parseHourSample(stored.value, key, model) : null };
    } catch (error) {
      return error instanceof CorruptObject ? { sample: null } : { error };
    }
  };
  const pending = new Map<number, ReturnType<typeof read>>();
  const resampled: HourSample[] = [];
  for (let i = 0; i < hours.length; i++) {
    for (let j = i; j < Math.min(hours.length, i + READ_CONCURRENCY); j++) if (!pending.has(j)) pending.set(j, read(hours[j]));
    const got = await (pending.get(i) as ReturnType<typeof read>);
    pending.delete(i);
    if ('error' in got) throw got.error;
    let sample = got.sample;
    if (!sample && resampled.length < MAX_INLINE_SAMPLES) {
      sample = await sampleHour(ports.query, model, tables, hours[i], limit, now);
      await ports.store.putJson(monitorKeys.hourSample(model.modelId, hours[i]), sample);
      resampled.push(sample);
    }
    if (sample) pool.add(sample, keptRows(sample, rate));
  }
  return { pooled: pool.result(), resampled };
}

const pushHint = 'or push a reference with `driftwatch reference --push`';

/**
 * One hourly run of a model without a reference: samples the run's hours that belong to the
 * baseline and, once the baseline is over, fits the reference from production.
 *
 * @param hours the hours the run would profile (oldest first)
 * @param runOldest the oldest hour of the regular hourly run at the clock's now: the fit is due when it reaches the baseline's last hour
 */
export async function calibrateFromProduction(
  ports: Pick<MonitorPorts, 'query' | 'store'>,
  model: MonitorModel,
  tables: MonitorTables,
  settings: MonitorSettings,
  hours: readonly Date[],
  runOldest: Date,
  now: Date,
): Promise<Calibration> {
  const limit = sampleRowsPerHour(settings.baseline.days);
  const fixedStart = settings.baseline.startDate !== undefined;
  const before = await readBaselineSamples(ports.store, model);
  const known = baselineSpan(settings.baseline, before.samples);
  // Without a start date, empty hours before the first predictions are not kept.
  const firstWithRows = known && !fixedStart ? known.start.getTime() : Infinity;
  const taken: HourSample[] = [];
  for (const hour of hours) {
    if (!inBaseline(hour, known, fixedStart)) continue;
    const sample = await sampleHour(ports.query, model, tables, hour, limit, now);
    if (!fixedStart && sample.hourRows === 0 && hour.getTime() < firstWithRows) continue;
    await ports.store.putJson(monitorKeys.hourSample(model.modelId, hour), sample);
    taken.push(sample);
  }
  let record = await recordSampled(ports.store, model, taken);
  const span = baselineSpan(settings.baseline, record);
  const sampledNow = taken.map((s) => ({ hour: s.hour, hourRows: s.hourRows, rows: s.rows, key: monitorKeys.hourSample(model.modelId, new Date(s.hour)) }));
  const progress = (r: BaselineSamples): BaselineProgress => {
    const inSpan = Object.entries(r.hours).filter(([hour]) => span !== null && Date.parse(hour) >= span.start.getTime() && Date.parse(hour) < span.end.getTime());
    return {
      start: span?.start.toISOString() ?? null,
      end: span?.end.toISOString() ?? null,
      hoursSampled: inSpan.length,
      rowsSampled: inSpan.reduce((a, [, h]) => a + h.rows, 0),
      fitDueAt: span ? fitDueAt(span.end, settings).toISOString() : null,
      sampled: sampledNow,
    };
  };

  if (!span) {
    const message =
      `model ${model.modelId} is calibrating: no predictions yet; the reference is fitted from the first ${settings.baseline.days} days ` +
      `of production, up to ${num(limit)} sampled rows an hour (${pushHint})`;
    return { status: 'calibrating', message, baseline: progress(record) };
  }
  if (runOldest.getTime() < span.end.getTime() - HOUR_MS) {
    const p = progress(record);
    const message =
      `model ${model.modelId} is calibrating: ${p.hoursSampled} of ${settings.baseline.days * 24} baseline hours sampled ` +
      `(${num(p.rowsSampled)} rows, up to ${num(limit)} an hour) since ${p.start}; the reference is fitted from production ` +
      `by the first hourly run at or after ${p.fitDueAt} (${pushHint})`;
    return { status: 'calibrating', message, baseline: p };
  }

  const fresh = new Map(taken.map((s) => [s.hour, s]));
  const { pooled, resampled } = await poolBaseline(ports, model, tables, span, record, fresh, limit, now);
  if (resampled.length > 0) record = await recordSampled(ports.store, model, resampled);
  if (pooled.data.rowCount === 0) {
    const message =
      `model ${model.modelId} is calibrating: the baseline ${hourSpanLabel(span.start, span.end)} holds no predictions, so no reference ` +
      `can be fitted from it: set baseline.startDate to a day with traffic (${pushHint})`;
    return { status: 'calibrating', message, baseline: progress(record) };
  }
  const fitted = await storeFitted(ports.store, model, fitFromSamples(model, pooled, settings, span, now));
  const { reference, won } = fitted;
  return {
    status: 'fitted',
    reference,
    baseline: { ...progress(record), fitted: { referenceId: reference.referenceId, rows: reference.rows, source: reference.source, won } },
  };
}
