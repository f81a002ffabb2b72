/**
 * Parsing the grouped profile query (`profileQuery({ ..., groupBy: 'hour' | 'day' })`) without ever
 * holding one full profile per partition: result rows are added straight into the profile of the
 * partition's target (e.g. the backtest window it belongs to), a chunk of columns at a time, so
 * memory is bounded by the number of targets, not by hours × features × 1000 fine bins.
 *
 * Each partition keeps only its small prediction aggregates (row count, score sums, predicted-label
 * counts): ADWIN is updated once per hourly batch, as the Lambda does.
 */
import type { DatasetProfile, NumericFeatureProfile } from '../core/types';
import { isNull, ResultCells } from './grouped-cells';
import {
  addCategory,
  addNumericBin,
  addStatistics,
  compareText,
  emptyTarget,
  predictionAggregates,
  targetProfile,
  type CategoricalSum,
  type FeatureSum,
  type NumericSum,
  type PartitionSum,
  type Statistics,
  type TargetSum,
} from './grouped-sums';
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
export function groupedProfileAccumulator(reference: DatasetProfile, options: GroupedProfileOptions): GroupedProfileAccumulator {
  return new GroupedProfileAccumulator(reference, options);
}

/** See `groupedProfileAccumulator`. */
export class GroupedProfileAccumulator {
  private readonly featureIndex: Record<'numeric' | 'categorical', Map<string, number>>;
  /** Per reference feature: the PSI bin of each fine bin (fineBinsOnly), else null. */
  private readonly psiOfFine: (Int32Array | null)[];
  private readonly targets: TargetSum[];
  private readonly partitions = new Map<string, PartitionSum>();

  constructor(
    private readonly reference: DatasetProfile,
    private readonly options: GroupedProfileOptions,
  ) {
    const indexOf = (kind: string) => new Map(reference.features.flatMap((f, i) => (f.kind === kind ? [[f.name, i] as const] : [])));
    this.featureIndex = { numeric: indexOf('numeric'), categorical: indexOf('categorical') };
    this.psiOfFine = reference.features.map((f) => (options.fineBinsOnly && f.kind === 'numeric' ? psiBinOfFineBin(f) : null));
    this.targets = Array.from({ length: options.targets }, () => emptyTarget(reference));
  }

  /**
   * Adds a chunk of result columns (`rowCount` rows); bound, so it can be passed as a chunk callback.
   * @throws Error naming the row and what is wrong with it
   */
  readonly add = (columns: ResultColumns, rowCount: number): void => {
    if (rowCount === 0) return;
    const cells = new ResultCells(columns);
    const [dt, part, feature] = ['dt', 'part', 'feature'].map((name) => cells.col(name));
    cells.col('n'); // required in every chunk: a result without it is refused before any row is added
    const hour = cells.has('hour') ? cells.col('hour') : undefined;
    // Numeric bins as one row of arrays per (partition, feature) (GROUPED_LIST_COLUMNS), when present.
    const listed = cells.has('fine_bins') && cells.has('bin_counts');
    const categoriesListed = cells.has('bins') && cells.has('bin_counts');
    let p: PartitionSum | undefined;
    let last: { d: unknown; h: unknown } = { d: undefined, h: undefined };
    for (let i = 0; i < rowCount; i++) {
      const d = dt[i];
      const h = hour === undefined ? null : hour[i];
      if (d === null || d === undefined || h === undefined || (hour !== undefined && h === null)) {
        cells.fail(i, `${hour === undefined ? 'dt is' : 'dt and hour are'} required in a grouped profile result`);
      }
      if (p === undefined || d !== last.d || h !== last.h) {
        p = this.partitionOf(cells, i, d, h);
        last = { d, h };
      }
      const t = this.targets[p.target];
      const kind = String(part[i]);
      if (kind === 'numeric' && listed && !isNull(cells.col('fine_bins')[i])) this.addNumericList(cells, i, t, String(feature[i]));
      else if (kind === 'categorical' && categoriesListed && !isNull(cells.col('bins')[i])) this.addCategoryList(cells, i, t, String(feature[i]));
      else this.addRow(cells, i, p, t, kind, String(feature[i]));
    }
  };

  /** The targets' profiles and every partition's prediction aggregates, in (dt, hour) order. */
  result(): GroupedProfiles {
    const profiles = this.targets.map(targetProfile);
    const sorted = [...this.partitions.values()].sort((a, b) => compareText(a.dt, b.dt) || compareText(a.hour ?? '', b.hour ?? ''));
    return {
      profiles,
      partitions: sorted.map((p) => ({ dt: p.dt, hour: p.hour, target: p.target, rows: p.rows, predictions: predictionAggregates(p, this.options.positiveLabel) })),
    };
  }

  /**
   * A row that is not a list of bins: the partition's row count, a bin row (its bin; the fine bin for
   * numeric features), a predicted label's count (its category), or else statistics. Checked in this
   * order, a chunk of bins never reads the statistics columns.
   */
  private addRow(cells: ResultCells, i: number, p: PartitionSum, t: TargetSum, kind: string, name: string): void {
    const count = cells.int('n', i);
    if (kind === 'rows') {
      p.rows += count;
      t.rowCount += count;
    } else if (kind === 'numeric' && !isNull(cells.col('fine_bin')[i])) this.addBinRow(cells, i, t, 'numeric', name, count);
    else if (kind === 'categorical' && !isNull(cells.col('bin')[i])) this.addBinRow(cells, i, t, 'categorical', name, count);
    else if (kind === 'predicted_label' && !isNull(cells.col('category')[i])) {
      const label = String(cells.col('category')[i]);
      p.labels.set(label, (p.labels.get(label) ?? 0) + count);
    } else if (!isNull(cells.col('missing')[i])) this.addStatisticsRow(cells, i, p, t, kind, name, count);
    else cells.fail(i, `part ${JSON.stringify(kind)}: neither a bin, a label nor statistics`);
  }

  /** The target's sum of feature `name` of this kind. */
  private featureOf(cells: ResultCells, i: number, t: TargetSum, kind: 'numeric' | 'categorical', name: string): FeatureSum {
    const index = this.featureIndex[kind].get(name);
    if (index === undefined) return cells.fail(i, `feature ${JSON.stringify(name)} is not a ${kind} feature of the reference`);
    return t.features[index];
  }

  /** The PSI bin of fine bin `fine` by the feature's map (fineBinsOnly), or the row's own `bin`. */
  private psiBin(s: NumericSum, fine: number, bin: () => number): number {
    const map = this.psiOfFine[this.reference.features.indexOf(s.ref)];
    return map ? (fine >= 0 && fine < map.length ? map[fine] : -1) : bin();
  }

  /** A row of arrays: every fine bin of one (partition, numeric feature) with its count. */
  private addNumericList(cells: ResultCells, i: number, t: TargetSum, name: string): void {
    const s = this.featureOf(cells, i, t, 'numeric', name) as NumericSum;
    const fbs = cells.list('fine_bins', i);
    const counts = cells.list('bin_counts', i);
    const mapped = this.psiOfFine[this.reference.features.indexOf(s.ref)] !== null;
    if (!mapped && !cells.has('bins')) cells.fail(i, 'no column "bins"');
    const bs = mapped ? null : cells.list('bins', i);
    if (counts.length !== fbs.length || (bs !== null && bs.length !== fbs.length)) cells.fail(i, 'the bin arrays differ in length');
    for (let j = 0; j < fbs.length; j++) {
      const fb = fbs[j];
      const b = this.psiBin(s, fb, () => (bs as number[])[j]);
      const c = counts[j];
      if (!Number.isSafeInteger(c) || !Number.isInteger(fb) || !Number.isInteger(b) || !addNumericBin(s, b, fb, c)) {
        cells.fail(i, `bin ${b} / fine bin ${fb} (count ${c}) is outside the reference's bins of feature ${JSON.stringify(name)}`);
      }
    }
  }

  /** A row of arrays: every category position of one (partition, categorical feature) with its count. */
  private addCategoryList(cells: ResultCells, i: number, t: TargetSum, name: string): void {
    const s = this.featureOf(cells, i, t, 'categorical', name) as CategoricalSum;
    const positions = cells.list('bins', i);
    const counts = cells.list('bin_counts', i);
    if (counts.length !== positions.length) cells.fail(i, 'the bin arrays differ in length');
    for (let j = 0; j < positions.length; j++) {
      const c = counts[j];
      if (!Number.isSafeInteger(c)) cells.fail(i, `count ${c} of category #${positions[j]} is not an integer`);
      if (!addCategory(s, positions[j], c)) cells.fail(i, `category #${positions[j]} is not a reference category of feature ${JSON.stringify(name)}`);
    }
  }

  /** A row per bin (the hourly query's shape): a numeric fine bin or a category position with its count. */
  private addBinRow(cells: ResultCells, i: number, t: TargetSum, kind: 'numeric' | 'categorical', name: string, count: number): void {
    const f = this.featureOf(cells, i, t, kind, name);
    if (f.ref.kind === 'numeric') {
      const fb = cells.int('fine_bin', i);
      const b = this.psiBin(f as NumericSum, fb, () => cells.int('bin', i));
      if (!addNumericBin(f as NumericSum, b, fb, count)) {
        cells.fail(i, `bin ${b} / fine bin ${fb} is outside the reference's bins of feature ${JSON.stringify(name)}`);
      }
      return;
    }
    const b = cells.int('bin', i);
    if (!addCategory(f as CategoricalSum, b, count)) cells.fail(i, `category #${b} is not a reference category of feature ${JSON.stringify(name)}`);
  }

  /** A statistics row: n, missing, total, total_squares, low, high of a feature or of the prediction. */
  private addStatisticsRow(cells: ResultCells, i: number, p: PartitionSum, t: TargetSum, kind: string, name: string, count: number): void {
    const stats: Statistics = {
      n: count,
      missing: cells.int('missing', i),
      total: cells.sum('total', i),
      totalSquares: cells.sum('total_squares', i),
      low: cells.num('low', i),
      high: cells.num('high', i),
    };
    if (kind === 'prediction') {
      p.score = stats;
      return;
    }
    const index = kind === 'numeric' || kind === 'categorical' ? this.featureIndex[kind].get(name) : undefined;
    if (index === undefined) {
      if (kind === 'predicted_label') return; // the predicted label's missing count
      cells.fail(i, `unknown part ${JSON.stringify(kind)} or feature ${JSON.stringify(name)}`);
    }
    addStatistics(t.features[index as number], stats);
  }

  /** The partition of row i, made on its first row. */
  private partitionOf(cells: ResultCells, i: number, d: unknown, h: unknown): PartitionSum {
    const key = h === null ? String(d) : `${String(d)} ${String(h)}`;
    let p = this.partitions.get(key);
    if (p) return p;
    const hourText = h === null ? null : String(h);
    p = { dt: String(d), hour: hourText, target: this.options.targetOf(String(d), hourText), rows: 0, score: null, labels: new Map() };
    if (!Number.isInteger(p.target) || p.target < 0 || p.target >= this.targets.length) {
      cells.fail(i, `the partition's target ${p.target} is not in [0, ${this.targets.length})`);
    }
    this.partitions.set(key, p);
    return p;
  }
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
