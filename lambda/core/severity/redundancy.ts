import { PSI_BINS } from '../defaults';
import { binIndex, quantileEdges, sortedNonMissing } from '../drift';
import type { Column, Dataset } from '../types';

/** Symmetric uncertainty at or above which two features count as re-encodings of each other. */
export const REDUNDANCY_MIN_SYMMETRIC_UNCERTAINTY = 0.95;
/** Rows the redundancy check reads at most (an even stride over the reference): enough to see a one-to-one mapping. */
export const REDUNDANCY_MAX_ROWS = 10_000;
/**
 * Work the check may do: pairs compared × (rows read + `PAIR_COST`). Wide data reads fewer rows (an
 * even stride) to stay within it — a few seconds on one core — down to `REDUNDANCY_MIN_ROWS`.
 */
export const REDUNDANCY_MAX_WORK = 100_000_000;
/** What comparing one pair costs beyond its rows, in rows. */
const PAIR_COST = 20;
/** Fewer rows than this cannot tell a re-encoding from chance: beyond, the check is skipped (and says so). */
export const REDUNDANCY_MIN_ROWS = 1_000;

export interface RedundancyOptions {
  /** @default REDUNDANCY_MIN_SYMMETRIC_UNCERTAINTY */
  readonly minSymmetricUncertainty?: number;
  /** @default REDUNDANCY_MAX_ROWS */
  readonly maxRows?: number;
  /** @default REDUNDANCY_MAX_WORK */
  readonly maxWork?: number;
}

/** The groups, and why the check was skipped when it was (too many columns of similar entropy). */
export interface RedundancyCheck {
  readonly groups: string[][];
  readonly skipped?: string;
}

/**
 * Groups of features that are (near) one-to-one re-encodings of each other in the reference: the
 * same fact stored in several columns, such as a month and the monthly indicators looked up from
 * it, or `x` and `log(x)`. Drift in one of them is drift in all of them by construction, so when no
 * importances are configured the dataset-level status counts each group once (see `datasetStatus`),
 * instead of letting the number of encodings of one fact decide whether the model is in doubt.
 *
 * Two features are linked when their symmetric uncertainty, 2·I(X;Y) / (H(X) + H(Y)) — the measure
 * the FCBF feature-selection method uses for redundancy — is at least 0.95 on the reference. Numeric
 * values are read as their decile bin (PSI's bins, on the sampled rows), categories as themselves, missing as a value
 * of its own. A feature constant in the reference carries no information there and is never grouped.
 * Groups are the connected components of the links; only groups of two or more are returned, in
 * feature order.
 *
 * Bounded: pairs whose entropies differ too much cannot reach the bound and are never compared (an
 * exact pruning); the pairs left are compared on up to `maxRows` rows, fewer for wide data so that
 * pairs × rows stays within `maxWork`. When that leaves fewer than `REDUNDANCY_MIN_ROWS` rows (about
 * 1,000 columns of similar entropy), no group is returned: see `redundancyCheck` for the reason.
 *
 * @example
 * redundantGroups(bankReference) // [['month', 'emp.var.rate', 'cons.price.idx', 'cons.conf.idx', 'nr.employed']]
 */
export function redundantGroups(reference: Dataset, options: RedundancyOptions = {}): string[][] {
  return redundancyCheck(reference, options).groups;
}

/**
 * `redundantGroups` with the reason when the check was skipped (too many candidate pairs).
 * @example redundancyCheck(tenThousandColumns).skipped // 'the redundancy check was skipped: 49,995,000 pairs of columns ...'
 */
export function redundancyCheck(reference: Dataset, options: RedundancyOptions = {}): RedundancyCheck {
  const minSu = options.minSymmetricUncertainty ?? REDUNDANCY_MIN_SYMMETRIC_UNCERTAINTY;
  const maxRows = options.maxRows ?? REDUNDANCY_MAX_ROWS;
  const maxWork = options.maxWork ?? REDUNDANCY_MAX_WORK;
  if (!(minSu > 0 && minSu <= 1)) throw new Error(`minSymmetricUncertainty must be in (0, 1], got ${minSu}`);
  if (!Number.isInteger(maxRows) || maxRows < 2) throw new Error(`maxRows must be an integer >= 2, got ${maxRows}`);
  // Entropies first on a small even sample to count the candidate pairs; then the rows the work allows.
  const minRatio = minSu / (2 - minSu);
  let rows = sampleRows(reference.rowCount, maxRows);
  let codes = reference.columns.map((c) => codesOf(c, rows));
  let entropies = codes.map((c) => entropy(c.values, c.levels));
  const pairs = candidatePairs(entropies, minRatio);
  if (pairs * (rows.length + PAIR_COST) > maxWork) {
    const affordable = Math.floor(maxWork / pairs) - PAIR_COST;
    const floor = Math.min(REDUNDANCY_MIN_ROWS, reference.rowCount);
    if (affordable < floor) {
      return {
        groups: [],
        skipped:
          `the redundancy check was skipped: ${pairs.toLocaleString('en-US')} pairs of columns have entropies close enough to be ` +
          `re-encodings of each other, more than it compares on ${floor.toLocaleString('en-US')} rows (pairs × rows within ${maxWork.toLocaleString('en-US')}); ` +
          'every feature counts on its own',
      };
    }
    rows = sampleRows(reference.rowCount, affordable);
    codes = reference.columns.map((c) => codesOf(c, rows));
    entropies = codes.map((c) => entropy(c.values, c.levels));
  }

  const parent = reference.columns.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  // SU ≤ 2·min(H)/(H(X)+H(Y)), so pairs whose entropies differ too much cannot reach the bound:
  // compare only neighbours in entropy order while that ratio allows it.
  const order = entropies.map((_, i) => i).filter((i) => entropies[i] > 0).sort((a, b) => entropies[a] - entropies[b]);
  for (let a = 0; a < order.length; a++) {
    for (let b = a + 1; b < order.length; b++) {
      const i = order[a];
      const j = order[b];
      if (entropies[i] < minRatio * entropies[j]) break;
      const hx = entropies[i];
      const hy = entropies[j];
      const mutual = hx + hy - jointEntropy(codes[i], codes[j]);
      if ((2 * mutual) / (hx + hy) >= minSu - 1e-12) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, string[]>();
  reference.columns.forEach((c, i) => {
    if (entropies[i] === 0) return;
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(c.name);
    else groups.set(root, [c.name]);
  });
  return { groups: [...groups.values()].filter((g) => g.length > 1) };
}

/** How many pairs the entropy bound leaves to compare (two pointers over the sorted entropies). */
function candidatePairs(entropies: readonly number[], minRatio: number): number {
  const sorted = entropies.filter((h) => h > 0).sort((a, b) => a - b);
  let pairs = 0;
  let b = 0;
  for (let a = 0; a < sorted.length; a++) {
    if (b < a + 1) b = a + 1;
    // b: the first index whose entropy is too large to pair with a (sorted[a] < minRatio·sorted[b]).
    while (b < sorted.length && !(sorted[a] < minRatio * sorted[b])) b++;
    pairs += b - a - 1;
  }
  return pairs;
}

/** Row numbers to read: all of them, or an even stride over the reference. */
function sampleRows(rowCount: number, maxRows: number): Int32Array {
  const n = Math.min(rowCount, maxRows);
  const rows = new Int32Array(n);
  for (let k = 0; k < n; k++) rows[k] = Math.floor((k * rowCount) / n);
  return rows;
}

interface Codes {
  /** 0..levels-1 per sampled row. */
  readonly values: Int32Array;
  readonly levels: number;
}

function codesOf(column: Column, rows: Int32Array): Codes {
  const values = new Int32Array(rows.length);
  if (column.kind === 'categorical') {
    // Missing (-1) becomes level 0, category k level k + 1.
    for (let r = 0; r < rows.length; r++) values[r] = column.codes[rows[r]] + 1;
    return { values, levels: column.dictionary.length + 1 };
  }
  // Deciles of the sampled rows (not of the whole column: no second full sort of a large reference).
  const sampled = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) sampled[r] = column.values[rows[r]];
  const present = sortedNonMissing(sampled);
  const edges = present.length > 0 ? quantileEdges(present, PSI_BINS) : [];
  for (let r = 0; r < rows.length; r++) {
    const v = column.values[rows[r]];
    values[r] = v !== v ? 0 : binIndex(v, edges) + 1;
  }
  return { values, levels: edges.length + 2 };
}

function entropyOfCounts(counts: Iterable<number>, total: number): number {
  let h = 0;
  for (const n of counts) {
    if (n > 0) h -= (n / total) * Math.log(n / total);
  }
  return h;
}

function entropy(values: Int32Array, levels: number): number {
  const counts = new Float64Array(levels);
  for (const v of values) counts[v]++;
  return entropyOfCounts(counts, values.length);
}

/** Reused joint counts: a pair costs its rows, not an allocation and a scan of every cell. */
const scratch = new Float64Array(1 << 20);

function jointEntropy(x: Codes, y: Codes): number {
  const n = x.values.length;
  if (x.levels * y.levels <= scratch.length) {
    const xs = x.values;
    const ys = y.values;
    const levels = y.levels;
    for (let r = 0; r < n; r++) scratch[xs[r] * levels + ys[r]]++;
    // Each cell once, in first-seen order, zeroed after use so the scratch is clean for the next pair.
    let h = 0;
    for (let r = 0; r < n; r++) {
      const k = xs[r] * levels + ys[r];
      const c = scratch[k];
      if (c > 0) {
        h -= (c / n) * Math.log(c / n);
        scratch[k] = 0;
      }
    }
    return h;
  }
  const counts = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const key = x.values[r] * y.levels + y.values[r];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return entropyOfCounts(counts.values(), n);
}

/**
 * Dataset-level evidence weights when no importances are configured: every group of re-encodings
 * (and every other feature) weighs the same, split equally among a group's members. Sums to 1.
 *
 * @example evidenceWeights(['a', 'b', 'c'], [['b', 'c']]) // Map { a => 0.5, b => 0.25, c => 0.25 }
 */
export function evidenceWeights(names: readonly string[], groups: readonly (readonly string[])[]): Map<string, number> {
  // Each compared member's group size, counting only compared members (one pass, no array scans).
  const compared = new Set(names);
  const groupSize = new Map<string, number>();
  for (const g of groups) {
    const members = g.filter((n) => compared.has(n));
    for (const n of members) groupSize.set(n, members.length);
  }
  const share = (name: string) => 1 / (groupSize.get(name) ?? 1);
  const units = names.reduce((sum, name) => sum + share(name), 0);
  return new Map(names.map((name) => [name, share(name) / units]));
}
