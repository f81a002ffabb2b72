/**
 * The running sums a grouped profile result is added into: per target (a backtest window) one sum
 * per reference feature, per partition its prediction aggregates; and the profile and aggregates
 * they make at the end.
 */
import { PROFILE_FORMAT, type CategoricalFeatureProfile, type DatasetProfile, type FeatureProfile, type NumericFeatureProfile } from '../core/types';
import { saturate } from '../core/profile/numeric';
import type { PredictionAggregates } from './parse-profile';

export interface NumericSum {
  readonly ref: NumericFeatureProfile;
  count: number;
  missing: number;
  sum: number;
  sumSquares: number;
  min: number | null;
  max: number | null;
  readonly counts: Float64Array;
  readonly fineCounts: Float64Array;
}

export interface CategoricalSum {
  readonly ref: CategoricalFeatureProfile;
  count: number;
  missing: number;
  readonly counts: Float64Array;
  other: number;
  /** Of other: values among the reference's rare categories (bin -2). */
  seenOther: number;
}

export type FeatureSum = NumericSum | CategoricalSum;

export interface TargetSum {
  rowCount: number;
  readonly features: FeatureSum[];
}

/** The statistics row of one (partition, feature): n, missing, Σx, Σx², min, max. */
export interface Statistics {
  readonly n: number;
  readonly missing: number;
  readonly total: number | null;
  readonly totalSquares: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface PartitionSum {
  readonly dt: string;
  readonly hour: string | null;
  readonly target: number;
  rows: number;
  score: Statistics | null;
  readonly labels: Map<string, number>;
}

/** A target with nothing added yet. */
export function emptyTarget(reference: DatasetProfile): TargetSum {
  return {
    rowCount: 0,
    features: reference.features.map(
      (ref): FeatureSum =>
        ref.kind === 'numeric'
          ? {
              ref,
              count: 0,
              missing: 0,
              sum: 0,
              sumSquares: 0,
              min: null,
              max: null,
              counts: new Float64Array(ref.edges.length + 1),
              fineCounts: new Float64Array(ref.fineEdges.length + 1),
            }
          : { ref, count: 0, missing: 0, counts: new Float64Array(ref.categories.length), other: 0, seenOther: 0 },
    ),
  };
}

/** Adds `count` values to PSI bin `bin` and fine bin `fine`. @returns false when either is not a bin of the reference */
export function addNumericBin(s: NumericSum, bin: number, fine: number, count: number): boolean {
  if (bin < 0 || bin >= s.counts.length || fine < 0 || fine >= s.fineCounts.length) return false;
  s.counts[bin] += count;
  s.fineCounts[fine] += count;
  return true;
}

/** Adds `count` values at category position `bin` (-1 other, -2 a rare reference category). @returns false for any other position */
export function addCategory(s: CategoricalSum, bin: number, count: number): boolean {
  if (bin === -1) s.other += count;
  else if (bin === -2 && s.ref.rare) {
    s.other += count;
    s.seenOther += count;
  } else if (Number.isInteger(bin) && bin >= 0 && bin < s.counts.length) s.counts[bin] += count;
  else return false;
  return true;
}

/** Adds one partition's statistics of a feature. */
export function addStatistics(f: FeatureSum, stats: Statistics): void {
  f.count += stats.n;
  f.missing += stats.missing;
  if (f.ref.kind !== 'numeric' || stats.n === 0) return;
  const s = f as NumericSum;
  s.sum += stats.total ?? 0;
  s.sumSquares += stats.totalSquares ?? 0;
  if (stats.low !== null) s.min = s.min === null ? stats.low : Math.min(s.min, stats.low);
  if (stats.high !== null) s.max = s.max === null ? stats.high : Math.max(s.max, stats.high);
}

/** The profile of target `index`. @throws when its bins or counts do not add up to its rows */
export function targetProfile(t: TargetSum, index: number): DatasetProfile {
  return { format: PROFILE_FORMAT, rowCount: t.rowCount, features: t.features.map((f) => featureProfile(f, t.rowCount, index)) };
}

function featureProfile(f: FeatureSum, rowCount: number, index: number): FeatureProfile {
  const binned = f.counts.reduce((a, b) => a + b, f.ref.kind === 'categorical' ? (f as CategoricalSum).other : 0);
  const where = `profile rows for feature ${JSON.stringify(f.ref.name)} (target ${index})`;
  if (binned !== f.count) throw new Error(`${where}: bins hold ${binned} values but the count is ${f.count}`);
  if (f.count + f.missing !== rowCount) {
    throw new Error(`${where}: count ${f.count} + missing ${f.missing} is not the ${rowCount} rows`);
  }
  if (f.ref.kind === 'categorical') {
    const s = f as CategoricalSum;
    return {
      kind: 'categorical',
      name: s.ref.name,
      count: s.count,
      missing: s.missing,
      categories: [...s.ref.categories],
      counts: [...s.counts],
      other: s.other,
      ...(s.ref.rare && { seenOther: s.seenOther }),
    };
  }
  const s = f as NumericSum;
  const some = s.count > 0;
  return {
    kind: 'numeric',
    name: s.ref.name,
    count: s.count,
    missing: s.missing,
    sum: some ? saturate(s.sum) : 0,
    sumSquares: some ? saturate(s.sumSquares) : 0,
    min: some ? s.min : null,
    max: some ? s.max : null,
    edges: [...s.ref.edges],
    counts: [...s.counts],
    fineEdges: [...s.ref.fineEdges],
    fineCounts: [...s.fineCounts],
  };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** As `parsePredictionAggregates` computes them from one partition's rows. */
export function predictionAggregates(p: PartitionSum, positiveLabel: string | undefined): PredictionAggregates {
  const count = p.score?.n ?? 0;
  const labelCounts: Record<string, number> = {};
  for (const label of [...p.labels.keys()].sort(compareText)) labelCounts[label] = p.labels.get(label) as number;
  const labelled = Object.values(labelCounts).reduce((a, b) => a + b, 0);
  const sum = count > 0 ? p.score?.total ?? 0 : 0;
  return {
    count,
    missing: p.score?.missing ?? 0,
    sum,
    sumSquares: count > 0 ? p.score?.totalSquares ?? 0 : 0,
    min: count > 0 ? p.score?.low ?? null : null,
    max: count > 0 ? p.score?.high ?? null : null,
    meanScore: count > 0 ? sum / count : null,
    labelCounts,
    positiveRate: positiveLabel !== undefined && labelled > 0 ? (labelCounts[positiveLabel] ?? 0) / labelled : null,
  };
}
