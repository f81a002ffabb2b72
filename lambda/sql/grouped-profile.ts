/**
 * Parsing the grouped profile query (`profileQuery({ ..., groupBy: 'hour' | 'day' })`) without ever
 * holding one full profile per partition: result rows are added straight into the profile of the
 * partition's target (e.g. the backtest window it belongs to), a chunk of columns at a time, so
 * memory is bounded by the number of targets, not by hours × features × 1000 fine bins.
 *
 * Each partition keeps only its small prediction aggregates (row count, score sums, predicted-label
 * counts): ADWIN is updated once per hourly batch, as the Lambda does.
 */
import {
  PROFILE_FORMAT,
  type CategoricalFeatureProfile,
  type DatasetProfile,
  type NumericFeatureProfile,
} from '../core/types';
import { saturate } from '../core/profile/numeric';
import type { PredictionAggregates, ResultRow } from './parse-profile';

/** A result as columns (name → one value per row): DuckDB's chunks, or rows turned into columns. */
export type ResultColumns = Readonly<Record<string, readonly unknown[]>>;

/** Whether every PSI edge of every numeric feature is also one of its fine edges (then `fineBinsOnly` is valid). */
export function psiEdgesAreFineEdges(reference: DatasetProfile): boolean {
  return reference.features.every((f) => {
    if (f.kind !== 'numeric') return true;
    const fine = new Set(f.fineEdges);
    return f.edges.every((e) => fine.has(e));
  });
}

/**
 * The PSI bin of each fine bin, when PSI edges are fine edges: a value in fine bin j lies in
 * [fineEdges[j−1], fineEdges[j]), so exactly the PSI edges ≤ fineEdges[j−1] are ≤ it.
 * @example psiBinOfFineBin({ edges: [2], fineEdges: [1, 2, 3], ... }) // Int32Array [0, 0, 1, 1]
 */
export function psiBinOfFineBin(feature: NumericFeatureProfile): Int32Array {
  const map = new Int32Array(feature.fineEdges.length + 1);
  let psi = 0;
  for (let j = 1; j < map.length; j++) {
    while (psi < feature.edges.length && feature.edges[psi] <= feature.fineEdges[j - 1]) psi++;
    map[j] = psi;
  }
  return map;
}

/** One partition of the grouped result: where it went and its prediction aggregates. */
export interface PartitionAggregates {
  readonly dt: string;
  /** null for `groupBy: 'day'`. */
  readonly hour: string | null;
  /** The target index `targetOf` gave it. */
  readonly target: number;
  readonly rows: number;
  readonly predictions: PredictionAggregates;
}

export interface GroupedProfiles {
  /** One profile per target (all-zero counts for a target no partition went to). */
  readonly profiles: DatasetProfile[];
  /** Every partition seen, in (dt, hour) order. */
  readonly partitions: PartitionAggregates[];
}

export interface GroupedProfileOptions {
  /** How many profiles to build. */
  readonly targets: number;
  /** The target of a partition (hour null for day groups); throw to refuse an unexpected partition. */
  readonly targetOf: (dt: string, hour: string | null) => number;
  /** The positive label, for the predictions' positive rate. */
  readonly positiveLabel?: string;
  /** The query was generated with `fineBinsOnly: true`: derive PSI bins from fine bins. */
  readonly fineBinsOnly?: boolean;
}

interface NumericSum {
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

interface CategoricalSum {
  readonly ref: CategoricalFeatureProfile;
  count: number;
  missing: number;
  readonly counts: Float64Array;
  other: number;
  /** Of other: values among the reference's rare categories (bin -2). */
  seenOther: number;
}

type FeatureSum = NumericSum | CategoricalSum;

interface PartitionSum {
  readonly dt: string;
  readonly hour: string | null;
  readonly target: number;
  rows: number;
  score: { n: number; missing: number; total: number | null; totalSquares: number | null; low: number | null; high: number | null } | null;
  readonly labels: Map<string, number>;
}

const isNull = (v: unknown) => v === null || v === undefined;

const replacer = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Accumulates grouped profile results chunk by chunk (`add`), then builds the targets' profiles and
 * the partitions' prediction aggregates (`result`). Counts are exactly those of the partitions'
 * profiles merged with `mergeDatasetProfiles`; sums agree to rounding (they are added in another order).
 *
 * @example
 *   const acc = groupedProfileAccumulator(reference, { targets: windows.length, targetOf: (dt) => windowOfDay(dt) });
 *   await engine.queryChunks(profileQuery({ ..., groupBy: 'day' }), (columns, n) => acc.add(columns, n));
 *   const { profiles, partitions } = acc.result();
 */
export function groupedProfileAccumulator(reference: DatasetProfile, options: GroupedProfileOptions) {
  const indexOf = (kind: string) => new Map(reference.features.flatMap((f, i) => (f.kind === kind ? [[f.name, i] as const] : [])));
  const numericIndex = indexOf('numeric');
  const categoricalIndex = indexOf('categorical');
  const psiOfFine = reference.features.map((f) => (options.fineBinsOnly && f.kind === 'numeric' ? psiBinOfFineBin(f) : null));
  const targets = Array.from({ length: options.targets }, () => ({
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
  }));
  const partitions = new Map<string, PartitionSum>();

  function add(columns: ResultColumns, rowCount: number): void {
    if (rowCount === 0) return;
    const col = (name: string): readonly unknown[] => {
      const c = columns[name];
      if (c === undefined) throw new Error(`grouped profile result: no column ${JSON.stringify(name)}`);
      return c;
    };
    // Columns are read when first needed: an engine may convert them lazily (most rows are bins).
    const read: Record<string, readonly unknown[]> = {};
    const lazy = (name: string) => () => (read[name] ??= col(name));
    const [bin, fineBin, category, missing, total, totalSquares, low, high] = [
      'bin', 'fine_bin', 'category', 'missing', 'total', 'total_squares', 'low', 'high',
    ].map(lazy);
    const [dt, part, feature, n] = ['dt', 'part', 'feature', 'n'].map(col);
    const hour = 'hour' in columns ? col('hour') : undefined;
    // Numeric bins as one row of arrays per (partition, feature) (GROUPED_LIST_COLUMNS), when present.
    const [fineBins, psiBins, binCounts] = ['fine_bins', 'bins', 'bin_counts'].map((name) => (name in columns ? lazy(name) : undefined));
    const rowAt = (i: number) => Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v[i]]));
    const fail = (i: number, why: string): never => {
      throw new Error(`profile row ${JSON.stringify(rowAt(i), replacer)}: ${why}`);
    };
    const numAt = (c: readonly unknown[], i: number, name: string): number | null => {
      const v = c[i];
      if (v === null || v === undefined || v === '') return null;
      const x = Number(v);
      if (!Number.isFinite(x)) fail(i, `column ${name} = ${String(v)} is not a number`);
      return x;
    };
    // SUM(x) and SUM(x * x) overflow to ±Infinity for values near ±1.8e308: saturated, as the core's sums are.
    const sumAt = (c: readonly unknown[], i: number, name: string): number | null => {
      const x = Number(c[i]);
      return x === Infinity || x === -Infinity ? saturate(x) : numAt(c, i, name);
    };
    const intAt = (c: readonly unknown[], i: number, name: string): number => {
      const x = numAt(c, i, name);
      if (x === null || !Number.isSafeInteger(x)) return fail(i, `column ${name} = ${String(c[i])} is not an integer`);
      return x;
    };

    let lastKey = '';
    let p: PartitionSum | undefined;
    for (let i = 0; i < rowCount; i++) {
      const d = dt[i];
      const h = hour === undefined ? null : hour[i];
      if (d === null || d === undefined || h === undefined || (hour !== undefined && h === null)) {
        fail(i, `${hour === undefined ? 'dt is' : 'dt and hour are'} required in a grouped profile result`);
      }
      const key = h === null ? String(d) : `${String(d)} ${String(h)}`;
      if (key !== lastKey || p === undefined) {
        p = partitions.get(key);
        if (!p) {
          const hourText = h === null ? null : String(h);
          p = { dt: String(d), hour: hourText, target: options.targetOf(String(d), hourText), rows: 0, score: null, labels: new Map() };
          if (!Number.isInteger(p.target) || p.target < 0 || p.target >= targets.length) {
            fail(i, `the partition's target ${p.target} is not in [0, ${targets.length})`);
          }
          partitions.set(key, p);
        }
        lastKey = key;
      }
      const t = targets[p.target];
      const kind = String(part[i]);
      if (kind === 'numeric' && fineBins && binCounts && !isNull(fineBins()[i])) {
        const name = String(feature[i]);
        const index = numericIndex.get(name);
        if (index === undefined) return fail(i, `feature ${JSON.stringify(name)} is not a numeric feature of the reference`);
        const s = t.features[index] as NumericSum;
        const fbs = listAt(fineBins(), i, 'fine_bins', fail);
        const counts = listAt(binCounts(), i, 'bin_counts', fail);
        const map = psiOfFine[index];
        const bs = map ? null : listAt((psiBins ?? fail(i, 'no column "bins"'))(), i, 'bins', fail);
        if (counts.length !== fbs.length || (bs !== null && bs.length !== fbs.length)) fail(i, 'the bin arrays differ in length');
        for (let j = 0; j < fbs.length; j++) {
          const fb = fbs[j];
          const b = map ? (fb >= 0 && fb < map.length ? map[fb] : -1) : (bs as number[])[j];
          const c = counts[j];
          if (!Number.isSafeInteger(c) || !Number.isInteger(fb) || !Number.isInteger(b) || b < 0 || b >= s.counts.length || fb < 0 || fb >= s.fineCounts.length) {
            fail(i, `bin ${b} / fine bin ${fb} (count ${c}) is outside the reference's bins of feature ${JSON.stringify(name)}`);
          }
          s.counts[b] += c;
          s.fineCounts[fb] += c;
        }
        continue;
      }
      if (kind === 'categorical' && psiBins && binCounts && !isNull(psiBins()[i])) {
        const name = String(feature[i]);
        const index = categoricalIndex.get(name);
        if (index === undefined) return fail(i, `feature ${JSON.stringify(name)} is not a categorical feature of the reference`);
        const s = t.features[index] as CategoricalSum;
        const positions = listAt(psiBins(), i, 'bins', fail);
        const counts = listAt(binCounts(), i, 'bin_counts', fail);
        if (counts.length !== positions.length) fail(i, 'the bin arrays differ in length');
        for (let j = 0; j < positions.length; j++) {
          const b = positions[j];
          const c = counts[j];
          if (!Number.isSafeInteger(c)) fail(i, `count ${c} of category #${b} is not an integer`);
          if (b === -1) s.other += c;
          else if (b === -2 && s.ref.rare) {
            s.other += c;
            s.seenOther += c;
          } else if (Number.isInteger(b) && b >= 0 && b < s.counts.length) s.counts[b] += c;
          else fail(i, `category #${b} is not a reference category of feature ${JSON.stringify(name)}`);
        }
        continue;
      }
      const count = intAt(n, i, 'n');
      if (kind === 'rows') {
        p.rows += count;
        t.rowCount += count;
        continue;
      }
      const name = String(feature[i]);
      // A bin row carries its bin (fine bin for numeric features), a label row its category;
      // anything else is a statistics row. Checked in this order, a chunk of bins never reads the
      // statistics columns.
      const numeric = kind === 'numeric' && !isNull(fineBin()[i]);
      if (numeric || (kind === 'categorical' && !isNull(bin()[i]))) {
        const index = (numeric ? numericIndex : categoricalIndex).get(name);
        if (index === undefined) return fail(i, `feature ${JSON.stringify(name)} is not a ${kind} feature of the reference`);
        const f = t.features[index];
        if (f.ref.kind === 'numeric') {
          const s = f as NumericSum;
          const fb = intAt(fineBin(), i, 'fine_bin');
          const map = psiOfFine[index];
          const b = map ? (fb >= 0 && fb < map.length ? map[fb] : -1) : intAt(bin(), i, 'bin');
          if (b < 0 || b >= s.counts.length || fb < 0 || fb >= s.fineCounts.length) {
            fail(i, `bin ${b} / fine bin ${fb} is outside the reference's bins of feature ${JSON.stringify(name)}`);
          }
          s.counts[b] += count;
          s.fineCounts[fb] += count;
        } else {
          const s = f as CategoricalSum;
          const b = intAt(bin(), i, 'bin');
          if (b === -1) s.other += count;
          else if (b === -2 && s.ref.rare) {
            s.other += count;
            s.seenOther += count;
          } else if (b >= 0 && b < s.counts.length) s.counts[b] += count;
          else fail(i, `category #${b} is not a reference category of feature ${JSON.stringify(name)}`);
        }
      } else if (kind === 'predicted_label' && !isNull(category()[i])) {
        const label = String(category()[i]);
        p.labels.set(label, (p.labels.get(label) ?? 0) + count);
      } else if (!isNull(missing()[i])) {
        // Statistics row: n, missing, total, total_squares, low, high.
        const stats = {
          n: count,
          missing: intAt(missing(), i, 'missing'),
          total: sumAt(total(), i, 'total'),
          totalSquares: sumAt(totalSquares(), i, 'total_squares'),
          low: numAt(low(), i, 'low'),
          high: numAt(high(), i, 'high'),
        };
        if (kind === 'prediction') {
          p.score = stats;
          continue;
        }
        const index = kind === 'numeric' ? numericIndex.get(name) : kind === 'categorical' ? categoricalIndex.get(name) : undefined;
        if (index === undefined) {
          if (kind === 'predicted_label') continue; // the predicted label's missing count
          fail(i, `unknown part ${JSON.stringify(kind)} or feature ${JSON.stringify(name)}`);
        }
        const f = t.features[index as number];
        f.count += stats.n;
        f.missing += stats.missing;
        if (f.ref.kind === 'numeric' && stats.n > 0) {
          const s = f as NumericSum;
          s.sum += stats.total ?? 0;
          s.sumSquares += stats.totalSquares ?? 0;
          if (stats.low !== null) s.min = s.min === null ? stats.low : Math.min(s.min, stats.low);
          if (stats.high !== null) s.max = s.max === null ? stats.high : Math.max(s.max, stats.high);
        }
      } else {
        fail(i, `part ${JSON.stringify(kind)}: neither a bin, a label nor statistics`);
      }
    }
  }

  function result(): GroupedProfiles {
    const profiles = targets.map((t, index): DatasetProfile => ({
      format: PROFILE_FORMAT,
      rowCount: t.rowCount,
      features: t.features.map((f) => {
        const binned = f.counts.reduce((a, b) => a + b, f.ref.kind === 'categorical' ? (f as CategoricalSum).other : 0);
        const where = `profile rows for feature ${JSON.stringify(f.ref.name)} (target ${index})`;
        if (binned !== f.count) throw new Error(`${where}: bins hold ${binned} values but the count is ${f.count}`);
        if (f.count + f.missing !== t.rowCount) {
          throw new Error(`${where}: count ${f.count} + missing ${f.missing} is not the ${t.rowCount} rows`);
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
      }),
    }));
    const sorted = [...partitions.values()].sort((a, b) => compareText(a.dt, b.dt) || compareText(a.hour ?? '', b.hour ?? ''));
    return {
      profiles,
      partitions: sorted.map((p) => ({ dt: p.dt, hour: p.hour, target: p.target, rows: p.rows, predictions: predictionAggregates(p, options.positiveLabel) })),
    };
  }

  return { add, result };
}

/**
 * An array cell as numbers: a DuckDB list (`DuckDBListValue`, its `items`), a JS array (row objects)
 * or Athena's text form `[1, 2, 3]`; elements may be bigints or numeric strings.
 */
function listAt(column: readonly unknown[], i: number, name: string, fail: (i: number, why: string) => never): number[] {
  const v = column[i];
  const items: readonly unknown[] | null = Array.isArray(v)
    ? v
    : typeof v === 'string'
      ? v.replace(/^\s*\[|\]\s*$/g, '').split(',').filter((x) => x.trim() !== '')
      : v !== null && typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)
        ? (v as { items: unknown[] }).items
        : null;
  if (items === null) return fail(i, `column ${name} is not an array`);
  const out = new Array<number>(items.length);
  for (let j = 0; j < items.length; j++) {
    const x = Number(items[j]);
    if (!Number.isFinite(x)) fail(i, `column ${name} holds ${String(items[j])}, not a number`);
    out[j] = x;
  }
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** As `parsePredictionAggregates` computes them from one partition's rows. */
function predictionAggregates(p: PartitionSum, positiveLabel: string | undefined): PredictionAggregates {
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

/** Result rows as columns (for engines that return row objects, e.g. Athena's or the `QueryEngine` port's). */
export function rowsToColumns(rows: readonly ResultRow[]): Record<string, unknown[]> {
  const names = new Set<string>();
  for (const row of rows.slice(0, 1)) for (const k of Object.keys(row)) names.add(k);
  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = rows.map((r) => r[name]);
  return columns;
}

/** One partition's full profile from a grouped result (`profileQuery({ ..., groupBy })`). */
export interface PartitionProfile {
  readonly dt: string;
  /** null for `groupBy: 'day'`. */
  readonly hour: string | null;
  readonly profile: DatasetProfile;
  readonly predictions: PredictionAggregates;
}

/**
 * Splits the rows of a grouped profile query by partition and parses each into its own profile
 * (counts exactly as `parseProfileRows` of that partition's hourly rows). Partitions come back in
 * time order; partitions without rows are absent (the query cannot see them). One full profile per
 * partition: for many partitions, accumulate into windows with `groupedProfileAccumulator` instead.
 */
export function parsePartitionedProfileRows(
  rows: readonly ResultRow[],
  reference: DatasetProfile,
  options: { readonly positiveLabel?: string; readonly fineBinsOnly?: boolean } = {},
): PartitionProfile[] {
  const keyOf = (dt: unknown, hour: unknown) => (hour === undefined || hour === null ? String(dt) : `${String(dt)} ${String(hour)}`);
  const keys = [...new Set(rows.map((r) => keyOf(r.dt, r.hour)))].sort(compareText);
  const index = new Map(keys.map((k, i) => [k, i]));
  const acc = groupedProfileAccumulator(reference, {
    targets: keys.length,
    targetOf: (dt, hour) => index.get(keyOf(dt, hour)) as number,
    positiveLabel: options.positiveLabel,
    fineBinsOnly: options.fineBinsOnly,
  });
  acc.add(rowsToColumns(rows), rows.length);
  const { profiles, partitions } = acc.result();
  return partitions.map((p) => ({ dt: p.dt, hour: p.hour, profile: profiles[p.target], predictions: p.predictions }));
}
