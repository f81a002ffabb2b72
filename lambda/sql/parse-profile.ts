/**
 * Turns the long rows of `profileQuery` into a DatasetProfile (exactly what `observeDatasetProfile`
 * computes in memory from the same rows) and into the hour's prediction aggregates.
 */
import {
  PROFILE_FORMAT,
  type CategoricalFeatureProfile,
  type DatasetProfile,
  type FeatureProfile,
  type NumericFeatureProfile,
} from '../core/types';
import { saturate } from '../core/profile/numeric';

/**
 * A result row as the engines return it: DuckDB gives BIGINT as bigint, Athena's GetQueryResults gives
 * every value as a string; all are accepted.
 */
export type ResultValue = string | number | bigint | null | undefined;
export type ResultRow = Readonly<Record<string, ResultValue | unknown>>;

function num(row: ResultRow, column: string): number | null {
  const v = row[column];
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`profile row ${JSON.stringify(row, replacer)}: column ${column} = ${String(v)} is not a number`);
  return n;
}

/**
 * A sum column (total, total_squares): SUM(x) and SUM(x * x) overflow to ±Infinity in the engine for
 * values near ±1.8e308 (squares from ±1.3e154), and are saturated as the core's profiles saturate theirs.
 */
function sum(row: ResultRow, column: string): number | null {
  const v = row[column];
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  if (n === Infinity || n === -Infinity) return saturate(n);
  return num(row, column);
}

function int(row: ResultRow, column: string): number {
  const n = num(row, column);
  if (n === null || !Number.isSafeInteger(n)) {
    throw new Error(`profile row ${JSON.stringify(row, replacer)}: column ${column} = ${String(row[column])} is not an integer`);
  }
  return n;
}

const replacer = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

interface Stats {
  n: number;
  missing: number;
  total: number | null;
  totalSquares: number | null;
  low: number | null;
  high: number | null;
}

interface Parsed {
  rowCount: number;
  stats: Map<string, Stats>;
  bins: Map<string, { bin: number; fineBin: number | null; n: number }[]>;
  labels: Map<string, number>;
}

function group(rows: readonly ResultRow[]): Parsed {
  const parsed: Parsed = { rowCount: 0, stats: new Map(), bins: new Map(), labels: new Map() };
  for (const row of rows) {
    const part = String(row.part);
    if (part === 'rows') {
      parsed.rowCount = int(row, 'n');
      continue;
    }
    const feature = String(row.feature);
    if (row.missing !== null && row.missing !== undefined) {
      parsed.stats.set(`${part}:${feature}`, {
        n: int(row, 'n'),
        missing: int(row, 'missing'),
        total: sum(row, 'total'),
        totalSquares: sum(row, 'total_squares'),
        low: num(row, 'low'),
        high: num(row, 'high'),
      });
    } else if (part === 'predicted_label') {
      parsed.labels.set(String(row.category), int(row, 'n'));
    } else if (part === 'numeric' || part === 'categorical') {
      const key = `${part}:${feature}`;
      const list = parsed.bins.get(key) ?? [];
      list.push({ bin: int(row, 'bin'), fineBin: num(row, 'fine_bin'), n: int(row, 'n') });
      parsed.bins.set(key, list);
    } else {
      throw new Error(`profile row ${JSON.stringify(row, replacer)}: unknown part ${JSON.stringify(part)}`);
    }
  }
  return parsed;
}

function checkTotals(name: string, count: number, missing: number, binned: number, rowCount: number): void {
  if (binned !== count) {
    throw new Error(`profile rows for feature ${JSON.stringify(name)}: bins hold ${binned} values but the count is ${count}`);
  }
  if (count + missing !== rowCount) {
    throw new Error(
      `profile rows for feature ${JSON.stringify(name)}: count ${count} + missing ${missing} is not the hour's ${rowCount} rows`,
    );
  }
}

function numericProfile(ref: NumericFeatureProfile, p: Parsed): NumericFeatureProfile {
  const stats = p.stats.get(`numeric:${ref.name}`);
  const counts = new Array<number>(ref.edges.length + 1).fill(0);
  const fineCounts = new Array<number>(ref.fineEdges.length + 1).fill(0);
  for (const { bin, fineBin, n } of p.bins.get(`numeric:${ref.name}`) ?? []) {
    if (bin < 0 || bin >= counts.length || fineBin === null || fineBin < 0 || fineBin >= fineCounts.length) {
      throw new Error(`profile rows for feature ${JSON.stringify(ref.name)}: bin ${bin} / fine bin ${fineBin} is outside the reference's bins`);
    }
    counts[bin] += n;
    fineCounts[fineBin] += n;
  }
  const count = stats?.n ?? 0;
  const missing = stats?.missing ?? 0;
  checkTotals(ref.name, count, missing, counts.reduce((a, b) => a + b, 0), p.rowCount);
  return {
    kind: 'numeric',
    name: ref.name,
    count,
    missing,
    // Athena and DuckDB sum to ±Infinity beyond 1.8e308: saturated, as the core's profiles are.
    sum: count > 0 ? saturate(stats?.total ?? 0) : 0,
    sumSquares: count > 0 ? saturate(stats?.totalSquares ?? 0) : 0,
    min: count > 0 ? stats?.low ?? null : null,
    max: count > 0 ? stats?.high ?? null : null,
    edges: [...ref.edges],
    counts,
    fineEdges: [...ref.fineEdges],
    fineCounts,
  };
}

function categoricalProfile(ref: CategoricalFeatureProfile, p: Parsed): CategoricalFeatureProfile {
  const stats = p.stats.get(`categorical:${ref.name}`);
  const counts = new Array<number>(ref.categories.length).fill(0);
  let other = 0;
  let seenOther = 0;
  for (const { bin, n } of p.bins.get(`categorical:${ref.name}`) ?? []) {
    if (bin === -1) other += n;
    else if (bin === -2 && ref.rare) {
      other += n;
      seenOther += n;
    } else if (bin >= 0 && bin < counts.length) counts[bin] += n;
    else throw new Error(`profile rows for feature ${JSON.stringify(ref.name)}: category #${bin} is not a reference category`);
  }
  const count = stats?.n ?? 0;
  const missing = stats?.missing ?? 0;
  checkTotals(ref.name, count, missing, counts.reduce((a, b) => a + b, other), p.rowCount);
  return { kind: 'categorical', name: ref.name, count, missing, categories: [...ref.categories], counts, other, ...(ref.rare && { seenOther }) };
}

/**
 * The hour's DatasetProfile from the rows of `profileQuery(…, reference)`: features in the reference's
 * order, on its bins. An empty hour gives rowCount 0 and all-zero counts. Throws (naming the feature)
 * when the rows are inconsistent, e.g. bins that do not add up to the count.
 */
export function parseProfileRows(rows: readonly ResultRow[], reference: DatasetProfile): DatasetProfile {
  const parsed = group(rows);
  const features = reference.features.map(
    (f): FeatureProfile => (f.kind === 'numeric' ? numericProfile(f, parsed) : categoricalProfile(f, parsed)),
  );
  return { format: PROFILE_FORMAT, rowCount: parsed.rowCount, features };
}

/** Prediction aggregates of one hour (they merge by adding counts and sums). */
export interface PredictionAggregates {
  /** Rows with a (finite) prediction. */
  readonly count: number;
  readonly missing: number;
  readonly sum: number;
  readonly sumSquares: number;
  readonly min: number | null;
  readonly max: number | null;
  /** sum / count; null when count is 0. */
  readonly meanScore: number | null;
  /** Predictions per predicted label (classification only; empty otherwise). */
  readonly labelCounts: Readonly<Record<string, number>>;
  /** Share of rows with a predicted label that predicted `positiveLabel`; null without one or without labels. */
  readonly positiveRate: number | null;
}

/**
 * The prediction aggregates from the same rows: count, mean score, min/max, and for classification the
 * predicted-label counts and the positive rate for `options.positiveLabel`.
 */
export function parsePredictionAggregates(rows: readonly ResultRow[], options: { readonly positiveLabel?: string } = {}): PredictionAggregates {
  const parsed = group(rows);
  const stats = parsed.stats.get('prediction:prediction');
  const count = stats?.n ?? 0;
  const labelCounts: Record<string, number> = {};
  for (const [label, n] of [...parsed.labels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) labelCounts[label] = n;
  const labelled = Object.values(labelCounts).reduce((a, b) => a + b, 0);
  const sum = count > 0 ? stats?.total ?? 0 : 0;
  return {
    count,
    missing: stats?.missing ?? 0,
    sum,
    sumSquares: count > 0 ? stats?.totalSquares ?? 0 : 0,
    min: count > 0 ? stats?.low ?? null : null,
    max: count > 0 ? stats?.high ?? null : null,
    meanScore: count > 0 ? sum / count : null,
    labelCounts,
    positiveRate: options.positiveLabel !== undefined && labelled > 0 ? (labelCounts[options.positiveLabel] ?? 0) / labelled : null,
  };
}
