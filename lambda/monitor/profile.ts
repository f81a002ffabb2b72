/**
 * Step 1 of the engine: profile hours of predictions on the reference's bins, with the profile SQL
 * of `lambda/sql` (every feature in one scan). Two shapes of the same step:
 * - `profileHour`: one hour, one query (the hourly Lambda; re-profiling an hour overwrites it);
 * - `profileHistory`: many hours in one grouped scan, added straight into their windows' profiles
 *   (the backtest replaying history; the same bin rule, the same counts as the hours merged).
 */
import * as z from 'zod';
import { PROFILE_FORMAT, type CategoricalFeatureProfile, type DatasetProfile, type FeatureProfile, type NumericFeatureProfile } from '../core/types';
import { CorruptObject } from '../ports/errors';
import type { QueryEngine, TableEngine } from '../ports/query-engine';
import { quoteIdentifier } from '../core/schema/identifier';
import { fineGridQuery } from '../sql/fine-grid-query';
import { ATHENA_MAX_QUERY_BYTES, parsePredictionAggregates, parseProfileRows, profileQuery, referenceBinsValues, type PredictionAggregates, type ReferenceBinsSource } from '../sql';
import { groupedProfileAccumulator, psiEdgesAreFineEdges, rowsToColumns, type GroupedProfiles, type ResultColumns } from '../sql/grouped-profile';
import { hourPartition } from '../sql/partition';
import type { TableRef } from '../sql/table';
import { isClassifier, recordSpecOf, type MonitorModel } from './model';
import type { MonitorReference } from './reference';

export const HOUR_PROFILE_FORMAT = 'driftwatch.hour-profile/v1' as const;

/** One hour of one model's predictions, profiled: what the hourly Lambda stores. */
export interface HourProfile {
  readonly format: typeof HOUR_PROFILE_FORMAT;
  readonly modelId: string;
  /** The reference whose bins the counts are on. */
  readonly referenceId: string;
  /** ISO start of the UTC hour. */
  readonly hour: string;
  readonly rows: number;
  readonly profile: DatasetProfile;
  readonly predictions: PredictionAggregates;
  /** When it was profiled (a later re-profile of the same hour replaces it). */
  readonly profiledAt: string;
}

/** The model's tables as the query engine names them. */
export interface MonitorTables {
  readonly predictions: TableRef;
  readonly labels: TableRef | null;
  /** The reference-bins table (wide models: inline bins would pass Athena's query-length limit). */
  readonly referenceBins?: TableRef;
  /** The reference's fine grid made once by `createFineGrid` (a replay's many scans), or none: each scan builds it. */
  readonly fineGrid?: TableRef | null;
}

/** Inline bins when the query stays well under Athena's limit, the bins table otherwise. */
function binsSource(reference: MonitorReference, tables: MonitorTables): ReferenceBinsSource {
  const inlineBytes = referenceBinsValues(reference.profile).length;
  if (inlineBytes < ATHENA_MAX_QUERY_BYTES / 2 || !tables.referenceBins) return { kind: 'inline' };
  return { kind: 'table', table: tables.referenceBins, referenceId: reference.referenceId };
}

/** The profile spec: a regression's predicted label is not profiled. */
function profileSpec(model: MonitorModel) {
  const spec = recordSpecOf(model);
  return { ...spec, task: isClassifier(model) ? spec.task : ('regression' as const) };
}

/**
 * Profiles one UTC hour with one query.
 * @example const hp = await profileHour(ports.query, model, reference, tables, new Date('2026-12-01T07:00:00Z'), clock.now())
 */
export async function profileHour(
  query: QueryEngine,
  model: MonitorModel,
  reference: MonitorReference,
  tables: MonitorTables,
  hour: Date,
  now: Date,
): Promise<HourProfile> {
  const sql = profileQuery({
    spec: profileSpec(model),
    reference: reference.profile,
    table: tables.predictions,
    partition: hourPartition(hour),
    bins: binsSource(reference, tables),
  });
  const rows = await query.query(sql);
  const profile = parseProfileRows(rows, reference.profile);
  return {
    format: HOUR_PROFILE_FORMAT,
    modelId: model.modelId,
    referenceId: reference.referenceId,
    hour: hour.toISOString(),
    rows: profile.rowCount,
    profile,
    predictions: parsePredictionAggregates(rows, { positiveLabel: model.positiveLabel }),
    profiledAt: now.toISOString(),
  };
}

/**
 * A feature's profile as an hour profile stores it: the counts, without the bins, which are the
 * reference's (an hour profile names its reference, and its bins are that reference's by
 * construction). Storing the reference's 1,000 fine edges per feature again in every hour would be
 * three quarters of each stored hour, and of the time a 7-day score spends reading 168 of them.
 */
export type StoredFeature =
  | Omit<NumericFeatureProfile, 'edges' | 'fineEdges'>
  | Omit<CategoricalFeatureProfile, 'categories' | 'rare'>;

/** An hour profile as stored at `monitorKeys.hourProfile`: its profile without the reference's bins. */
export interface StoredHourProfile extends Omit<HourProfile, 'profile'> {
  readonly profile: { readonly format: typeof PROFILE_FORMAT; readonly rowCount: number; readonly features: readonly StoredFeature[] };
}

/** The stored form of an hour profile (`expandHourProfile` restores it with the reference). */
export function storedHourProfile(hour: HourProfile): StoredHourProfile {
  const features = hour.profile.features.map((f): StoredFeature => {
    if (f.kind === 'numeric') {
      const { edges: _edges, fineEdges: _fine, ...counts } = f;
      return counts;
    }
    const { categories: _categories, rare: _rare, ...counts } = f;
    return counts;
  });
  return { ...hour, profile: { format: PROFILE_FORMAT, rowCount: hour.profile.rowCount, features } };
}

const hourProfileSchema = z.object({
  format: z.literal(HOUR_PROFILE_FORMAT),
  modelId: z.string(),
  referenceId: z.string(),
  hour: z.string(),
  rows: z.number().int().nonnegative(),
  profile: z.object({
    format: z.literal(PROFILE_FORMAT),
    rowCount: z.number().int().nonnegative(),
    features: z.array(z.object({ kind: z.enum(['numeric', 'categorical']), name: z.string() }).passthrough()),
  }),
  predictions: z.object({
    count: z.number(),
    missing: z.number(),
    sum: z.number(),
    sumSquares: z.number(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    meanScore: z.number().nullable(),
    labelCounts: z.record(z.string(), z.number()),
    positiveRate: z.number().nullable(),
  }),
  profiledAt: z.string(),
});

/**
 * Validates a stored hour profile's envelope (its counts are checked when it is expanded).
 * @throws CorruptObject naming the key (the scorer then re-profiles the hour)
 */
export function parseHourProfile(json: unknown, key: string): StoredHourProfile {
  const parsed = hourProfileSchema.safeParse(json);
  if (!parsed.success) throw new CorruptObject(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data as unknown as StoredHourProfile;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** Counts that fit `bins` bins and add up to `total`, or what is wrong with them. */
function binCountProblem(counts: unknown, bins: number, total: number): string | null {
  if (!Array.isArray(counts) || counts.length !== bins) return `has ${Array.isArray(counts) ? counts.length : 'no'} counts for the reference's ${bins} bins`;
  let sum = 0;
  for (const c of counts) {
    if (!isCount(c)) return `holds ${JSON.stringify(c)}, not a count`;
    sum += c;
  }
  return sum === total ? null : `counts add up to ${sum}, not ${total}`;
}

/** Why a stored feature's counts do not fit the reference feature's bins (null when they do). */
function featureProblem(f: Record<string, unknown>, ref: FeatureProfile, rowCount: number): string | null {
  const count = f.count;
  const missing = f.missing;
  if (!isCount(count) || !isCount(missing) || count + missing !== rowCount) return `count ${String(count)} + missing ${String(missing)} is not the hour's ${rowCount} rows`;
  if (ref.kind === 'numeric') {
    for (const k of ['sum', 'sumSquares'] as const) if (typeof f[k] !== 'number' || !Number.isFinite(f[k])) return `${k} is ${JSON.stringify(f[k])}`;
    if ((count === 0) !== (f.min === null) || (count === 0) !== (f.max === null)) return 'min and max must be null exactly when count is 0';
    return binCountProblem(f.counts, ref.edges.length + 1, count) ?? binCountProblem(f.fineCounts, ref.fineEdges.length + 1, count);
  }
  if (!isCount(f.other)) return `other is ${JSON.stringify(f.other)}`;
  if (f.seenOther !== undefined && (!isCount(f.seenOther) || f.seenOther > f.other)) return `seenOther ${JSON.stringify(f.seenOther)} is not a count up to other`;
  return binCountProblem(f.counts, ref.categories.length, count - f.other);
}

/**
 * A stored hour profile with its reference's bins put back. The counts are checked against those
 * bins (lengths, whole counts, totals) with plain loops: the bins come from the validated reference,
 * and a 7-day score checks 168 hours.
 * @throws CorruptObject naming the key, when it is not on this reference's bins or its counts do not fit them
 */
export function expandHourProfile(stored: StoredHourProfile, reference: MonitorReference, key: string): HourProfile {
  if (stored.referenceId !== reference.referenceId) throw new CorruptObject(key, `it counts on reference ${stored.referenceId}, not ${reference.referenceId}`);
  const byName = new Map(stored.profile.features.map((f) => [f.name, f]));
  const rowCount = stored.profile.rowCount;
  const features = reference.profile.features.map((ref): FeatureProfile => {
    const f = byName.get(ref.name);
    if (!f || f.kind !== ref.kind) throw new CorruptObject(key, `feature ${JSON.stringify(ref.name)} (${ref.kind}) is not in it`);
    const problem = featureProblem(f as unknown as Record<string, unknown>, ref, rowCount);
    if (problem) throw new CorruptObject(key, `feature ${JSON.stringify(ref.name)}: ${problem}`);
    return ref.kind === 'numeric'
      ? ({ ...f, edges: ref.edges, fineEdges: ref.fineEdges } as NumericFeatureProfile)
      : ({ ...f, categories: ref.categories, ...(ref.rare && { rare: ref.rare }) } as CategoricalFeatureProfile);
  });
  if (stored.rows !== rowCount) throw new CorruptObject(key, `rows ${stored.rows} is not the profile's ${rowCount}`);
  return { ...stored, profile: { format: PROFILE_FORMAT, rowCount, features } };
}

/** The bins a grouped scan joins: the bins table when there is one, else as `binsSource` chooses. */
function historyBins(reference: MonitorReference, tables: MonitorTables): ReferenceBinsSource {
  return tables.referenceBins ? { kind: 'table', table: tables.referenceBins, referenceId: reference.referenceId } : binsSource(reference, tables);
}

/**
 * Makes the fine grid `profileHistory` bins by into the table `name`, once for the many scans of a
 * replay (each would build it again: about 40 ms of each), and returns it for `tables.fineGrid`; null
 * (nothing made) when the reference's scans do not bin by the grid (PSI edges that are not fine edges).
 */
export async function createFineGrid(engine: TableEngine, model: MonitorModel, reference: MonitorReference, tables: MonitorTables, name: string): Promise<TableRef | null> {
  if (!psiEdgesAreFineEdges(reference.profile)) return null;
  const select = fineGridQuery({ spec: profileSpec(model), reference: reference.profile, bins: historyBins(reference, tables) });
  await engine.run(`CREATE TABLE ${quoteIdentifier(name)} AS\n${select}`);
  return { table: name };
}

/** A query engine that can stream results as column chunks (DuckDB). */
interface ChunkedEngine extends QueryEngine {
  queryChunks?(sql: string, onChunk: (columns: ResultColumns, rowCount: number) => void): Promise<void>;
}

/** Streams a query's result as column chunks: natively where the engine can, from row objects otherwise. */
async function queryChunks(engine: ChunkedEngine, sql: string, onChunk: (columns: ResultColumns, rowCount: number) => void): Promise<void> {
  if (engine.queryChunks) return engine.queryChunks(sql, onChunk);
  const rows = await engine.query(sql);
  onChunk(rowsToColumns(rows), rows.length);
}

/** A profile with no features: the profile query then aggregates only rows and predictions. */
const NO_FEATURES: DatasetProfile = { format: 'driftwatch.profile/v1', rowCount: 0, features: [] };

export interface HistoryScan {
  /** Every hour in [start, end). */
  readonly hours: { readonly start: Date; readonly end: Date };
  /** 'day' when every window is a whole number of UTC days (up to 24× fewer result rows). */
  readonly groupBy: 'hour' | 'day';
  /** How many window profiles to build, and the window of a partition (hour null for days). */
  readonly targets: number;
  readonly targetOf: (dt: string, hour: string | null) => number;
}

/**
 * Profiles every hour of a range in one grouped scan, each partition added into its window's
 * profile as the result streams in (no per-hour profile is held). With day grain, the prediction
 * aggregates still come per hour (a second, narrow scan), because ADWIN is fed hour by hour.
 */
export async function profileHistory(
  engine: ChunkedEngine,
  model: MonitorModel,
  reference: MonitorReference,
  tables: MonitorTables,
  scan: HistoryScan,
): Promise<GroupedProfiles> {
  const spec = profileSpec(model);
  // PSI edges are fine edges when the core fitted the reference (k/10 = 100k/1000, the same
  // doubles): group by fine bin only and derive the PSI bin; otherwise group by both.
  const fineBinsOnly = psiEdgesAreFineEdges(reference.profile);
  const options = { targets: scan.targets, targetOf: scan.targetOf, positiveLabel: model.positiveLabel };
  const profiled = groupedProfileAccumulator(reference.profile, { ...options, fineBinsOnly });
  const grid = fineBinsOnly && tables.fineGrid ? { table: tables.fineGrid } : undefined;
  await queryChunks(
    engine,
    profileQuery({ spec, reference: reference.profile, table: tables.predictions, hours: scan.hours, groupBy: scan.groupBy, fineBinsOnly, bins: historyBins(reference, tables), grid }),
    profiled.add,
  );
  const grouped = profiled.result();
  if (scan.groupBy === 'hour' || !(model.columns.prediction || (isClassifier(model) && model.columns.predictedLabel))) return grouped;
  const hourly = groupedProfileAccumulator(NO_FEATURES, options);
  await queryChunks(
    engine,
    profileQuery({ spec: { ...spec, features: [] }, reference: NO_FEATURES, table: tables.predictions, hours: scan.hours, groupBy: 'hour' }),
    hourly.add,
  );
  return { profiles: grouped.profiles, partitions: hourly.result().partitions };
}
