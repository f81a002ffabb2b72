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
import { referenceWindows } from '../backtest/drift-bands';
import type { BacktestConfig } from '../backtest/config';
import type { Column, Dataset } from '../core/types';
import { CorruptObject, PreconditionFailed, type MonitorPorts, type StoredJson } from '../ports';
import type { QueryEngine } from '../ports/query-engine';
import { parseSampleRows, sampleHourRows, sampleQuery } from '../sql/sample-query';
import { hourPartition } from '../sql/partition';
import { driftBandsEnabled } from './drift-bands';
import type { MonitorSettings } from './from-config';
import { monitorKeys } from './layout';
import { hourSpanLabel, num } from './messages';
import { recordSpecOf, type MonitorModel } from './model';
import type { MonitorTables } from './profile';
import { fitReference, parseReference, serializeReference, type MonitorReference } from './reference';
import { referenceBinLines } from './store-reference';

const HOUR_MS = 3_600_000;

/** The pooled baseline holds at most this many rows: each hour's sample limit is derived from it. */
export const BASELINE_SAMPLE_ROWS = 200_000;
/** Hours the fitting run samples itself when their stored sample is missing or corrupt. */
export const MAX_INLINE_SAMPLES = 24;
/** Samples read from the store at once while pooling. */
const READ_CONCURRENCY = 8;
/**
 * Pooling in proportion to traffic takes rows at the sample rate (rows / hourRows) this quantile of
 * the hours reaches: the 5% of hours sampled most thinly (the busiest: a spike, a replay) keep only
 * their sample instead of shrinking every other hour's share.
 */
const POOL_RATE_QUANTILE = 0.05;

export const HOUR_SAMPLE_FORMAT = 'driftwatch.hour-sample/v1' as const;
export const BASELINE_SAMPLES_FORMAT = 'driftwatch.baseline-samples/v1' as const;

/**
 * Rows sampled per hour for a baseline of `days`: ceil(BASELINE_SAMPLE_ROWS / (days × 24)).
 * @example sampleRowsPerHour(14) // 596
 */
export function sampleRowsPerHour(days: number): number {
  if (!Number.isInteger(days) || days < 1) throw new Error(`baseline.days must be a positive integer, got ${String(days)}`);
  return Math.ceil(BASELINE_SAMPLE_ROWS / (days * 24));
}

/** A stored column of a sample: numbers (null = missing) or dictionary codes (-1 = missing). */
export type SampleColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly values: readonly (number | null)[] }
  | { readonly name: string; readonly kind: 'categorical'; readonly dictionary: readonly string[]; readonly codes: readonly number[] };

/** One hour's sample, as stored at `monitorKeys.hourSample`. */
export interface HourSample {
  readonly format: typeof HOUR_SAMPLE_FORMAT;
  readonly modelId: string;
  /** ISO start of the UTC hour. */
  readonly hour: string;
  /** Rows the hour held when it was sampled. */
  readonly hourRows: number;
  /** The sample limit it was drawn with. */
  readonly limit: number;
  /** Rows in the sample: min(hourRows, limit). */
  readonly rows: number;
  readonly sampledAt: string;
  /** One per feature, named by feature id. */
  readonly columns: readonly SampleColumn[];
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

/** Samples one hour of the model's feature columns with one query. */
export async function sampleHour(query: QueryEngine, model: MonitorModel, tables: MonitorTables, hour: Date, limit: number, now: Date): Promise<HourSample> {
  const spec = recordSpecOf(model);
  const rows = await query.query(sampleQuery({ spec, table: tables.predictions, partition: hourPartition(hour), limit }));
  const data = parseSampleRows(rows, spec);
  return {
    format: HOUR_SAMPLE_FORMAT,
    modelId: model.modelId,
    hour: hour.toISOString(),
    hourRows: sampleHourRows(rows),
    limit,
    rows: data.rowCount,
    sampledAt: now.toISOString(),
    columns: data.columns.map((c): SampleColumn =>
      c.kind === 'numeric'
        ? { name: c.name, kind: 'numeric', values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) }
        : { name: c.name, kind: 'categorical', dictionary: [...c.dictionary], codes: Array.from(c.codes) },
    ),
  };
}

const count = z.number().int().nonnegative();
const hourSampleSchema = z.object({
  format: z.literal(HOUR_SAMPLE_FORMAT),
  modelId: z.string(),
  hour: z.iso.datetime(),
  hourRows: count,
  limit: z.number().int().positive(),
  rows: count,
  sampledAt: z.string(),
  columns: z.array(
    z.discriminatedUnion('kind', [
      z.object({ name: z.string(), kind: z.literal('numeric'), values: z.array(z.number().nullable()) }),
      z.object({ name: z.string(), kind: z.literal('categorical'), dictionary: z.array(z.string()), codes: z.array(z.number().int().min(-1)) }),
    ]),
  ),
});

/**
 * Validates a stored hour sample and checks it holds every feature of the model with its kind.
 * @throws CorruptObject naming the key and the problem (the fitting run then samples the hour again)
 */
export function parseHourSample(json: unknown, key: string, model: Pick<MonitorModel, 'modelId' | 'features'>): HourSample {
  const parsed = hourSampleSchema.safeParse(json);
  if (!parsed.success) throw new CorruptObject(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const sample = parsed.data as HourSample;
  const problems: string[] = [];
  if (sample.modelId !== model.modelId) problems.push(`it is a sample of model ${JSON.stringify(sample.modelId)}`);
  if (sample.rows > sample.hourRows) problems.push(`rows ${sample.rows} exceed hourRows ${sample.hourRows}`);
  for (const f of model.features) {
    const c = sample.columns.find((x) => x.name === f.id);
    if (!c) problems.push(`feature ${JSON.stringify(f.id)} is not in the sample`);
    else if (c.kind !== f.kind) problems.push(`feature ${JSON.stringify(f.id)} is ${c.kind} in the sample but ${f.kind} in the config`);
    else if ((c.kind === 'numeric' ? c.values.length : c.codes.length) !== sample.rows) problems.push(`feature ${JSON.stringify(f.id)} does not hold ${sample.rows} values`);
    else if (c.kind === 'categorical' && c.codes.some((code) => code >= c.dictionary.length)) problems.push(`feature ${JSON.stringify(f.id)} has a code outside its dictionary`);
  }
  if (problems.length > 0) throw new CorruptObject(key, problems.join('; '));
  return sample;
}

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

/** The pooled baseline: the features by id, each row's hour (hours since 1970), and what was taken. */
export interface PooledSamples {
  readonly data: Dataset;
  readonly hourOfRow: Float64Array;
  /** Rows the pooled hours held, and how many hours had rows. */
  readonly hourRows: number;
  readonly hours: number;
}

/**
 * The rate r at which hours are pooled: the 5th percentile of their sample rates rows / hourRows
 * (hours without rows left out), at most 1.
 */
export function poolRate(hours: readonly { readonly hourRows: number; readonly rows: number }[]): number {
  const rates = hours.filter((h) => h.rows > 0 && h.hourRows > 0).map((h) => h.rows / h.hourRows).sort((a, b) => a - b);
  return rates.length === 0 ? 1 : Math.min(1, rates[Math.floor(POOL_RATE_QUANTILE * (rates.length - 1))]);
}

/** Rows of a sample that go into the pool at rate r. */
function keptRows(sample: Pick<HourSample, 'hourRows' | 'rows'>, rate: number): number {
  return Math.min(sample.rows, Math.round(sample.hourRows * rate));
}

/**
 * Builds the pooled columns sample by sample (typed arrays, grown when needed), so pooling holds the
 * pool and the sample being added, never every sample at once: at 200,000 rows × 50 features the
 * parsed samples alone would take ~500 MB, the pool takes 80 MB.
 */
class PoolBuilder {
  private capacity: number;
  private n = 0;
  private hourRows = 0;
  private hours = 0;
  private hourOfRow: Float64Array;
  private readonly numeric = new Map<string, Float64Array>();
  private readonly categorical = new Map<string, { codes: Int32Array; dictionary: string[]; index: Map<string, number> }>();

  constructor(
    private readonly model: Pick<MonitorModel, 'features'>,
    capacity: number,
  ) {
    this.capacity = Math.max(1, capacity);
    this.hourOfRow = new Float64Array(this.capacity);
    for (const f of model.features) {
      if (f.kind === 'numeric') this.numeric.set(f.id, new Float64Array(this.capacity));
      else this.categorical.set(f.id, { codes: new Int32Array(this.capacity), dictionary: [], index: new Map() });
    }
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.capacity * 2);
    const grown = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.hourOfRow = grown(this.hourOfRow, (n) => new Float64Array(n));
    for (const [id, values] of this.numeric) this.numeric.set(id, grown(values, (n) => new Float64Array(n)));
    for (const c of this.categorical.values()) c.codes = grown(c.codes, (n) => new Int32Array(n));
    this.capacity = capacity;
  }

  /** Adds the first `keep` rows of a sample (validated by parseHourSample). */
  add(sample: HourSample, keep: number): void {
    if (sample.rows === 0) return;
    if (this.n + keep > this.capacity) this.grow(this.n + keep);
    this.hourOfRow.fill(Date.parse(sample.hour) / HOUR_MS, this.n, this.n + keep);
    for (const c of sample.columns) {
      const numeric = this.numeric.get(c.name);
      if (numeric && c.kind === 'numeric') {
        for (let r = 0; r < keep; r++) numeric[this.n + r] = c.values[r] ?? NaN;
        continue;
      }
      const target = this.categorical.get(c.name);
      if (!target || c.kind !== 'categorical') continue;
      const map = c.dictionary.map((category) => {
        let code = target.index.get(category);
        if (code === undefined) {
          code = target.dictionary.length;
          target.index.set(category, code);
          target.dictionary.push(category);
        }
        return code;
      });
      for (let r = 0; r < keep; r++) target.codes[this.n + r] = c.codes[r] < 0 ? -1 : map[c.codes[r]];
    }
    this.n += keep;
    this.hourRows += sample.hourRows;
    this.hours++;
  }

  result(): PooledSamples {
    const columns: Column[] = this.model.features.map((f): Column => {
      const numeric = this.numeric.get(f.id);
      if (numeric) return { kind: 'numeric', name: f.id, values: numeric.subarray(0, this.n) };
      const c = this.categorical.get(f.id) as { codes: Int32Array; dictionary: string[] };
      return { kind: 'categorical', name: f.id, codes: c.codes.subarray(0, this.n), dictionary: c.dictionary };
    });
    return { data: { rowCount: this.n, columns }, hourOfRow: this.hourOfRow.subarray(0, this.n), hourRows: this.hourRows, hours: this.hours };
  }
}

/**
 * Pools hour samples in proportion to each hour's traffic, so the reference weighs hours as the
 * windows it judges do: every hour keeps the first round(hourRows × r) rows of its sample (a sample
 * is in random order, so these are a uniform subsample of the hour), r = `poolRate` (the 5th
 * percentile of the hours' sample rates). When every sample holds its whole hour, r = 1 and every
 * row is kept; the hours sampled more thinly than r keep their whole sample. Rows in hour order.
 *
 * @param rate the pooling rate; by default `poolRate` of these samples
 * @example poolSamples(model, [a, b]).data.rowCount // a.rows + b.rows when both hold their whole hour
 */
export function poolSamples(model: Pick<MonitorModel, 'features'>, samples: readonly HourSample[], rate = poolRate(samples)): PooledSamples {
  const ordered = [...samples].sort((a, b) => a.hour.localeCompare(b.hour));
  const pool = new PoolBuilder(model, ordered.reduce((n, s) => n + keptRows(s, rate), 0));
  for (const s of ordered) pool.add(s, keptRows(s, rate));
  return pool.result();
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
  // referenceWindows reads only `window`; the rest makes it a whole BacktestConfig.
  const cut: BacktestConfig = { features: [], reference: { rows: pooled.data.rowCount }, window: { column: 'hour', every } };
  const enabled = driftBandsEnabled(model.driftBands);
  const windows = enabled ? referenceWindows(cut, pooled.data, pooled.hourOfRow) : null;
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
  return { ...draft, source: `${base}${note}` };
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
