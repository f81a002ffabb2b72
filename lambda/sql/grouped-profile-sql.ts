/**
 * The parts of the grouped profile query (`profileQuery({ ..., groupBy })`, a backtest's or a
 * backfill's scan of many partitions) that differ from the hourly query's. The grouped variants work
 * on each feature's number (`fid`, its position in the feature keys) rather than its name: the
 * unpivoted relation (one row per row × feature, the largest the query holds) carries an integer
 * instead of two strings, and every join and group hashes and compares that integer; the names come
 * back by a join of the few result groups with the feature keys.
 */
import { gridLiterals, type FineGrid } from './fine-grid';
import { sqlString } from './literal';

/** One unpivoted column: its part and name; its `fid` is its index in the keys. */
export type Key = { readonly part: 'numeric' | 'categorical' | 'prediction' | 'predicted_label'; readonly name: string };

export const NULLS = {
  bigint: 'CAST(NULL AS BIGINT)',
  varchar: 'CAST(NULL AS VARCHAR)',
  double: 'CAST(NULL AS DOUBLE)',
};

/**
 * A category's bin and the bins it joins: its position among the kept categories, -1 unseen, and,
 * when the reference has rare categories, -2 for one of those (without any, the query is as it was).
 */
export function categoryBins(alias: string, rare: boolean): { position: string; sets: string } {
  return rare
    ? { position: `CASE WHEN ${alias}.bin_set = 'rare' THEN -2 ELSE COALESCE(${alias}.position, -1) END`, sets: `${alias}.bin_set IN ('category', 'rare')` }
    : { position: `COALESCE(${alias}.position, -1)`, sets: `${alias}.bin_set = 'category'` };
}

/** `fid IN (...)` for the keys of these parts (`fid IN (-1)`, which holds for none, when there are none). */
export function fidsOf(keys: readonly Key[], parts: readonly Key['part'][], column = 'fid'): string {
  const fids = keys.flatMap((k, i) => (parts.includes(k.part) ? [i] : []));
  return `${column} IN (${fids.length > 0 ? fids.join(', ') : '-1'})`;
}

/** The column of each key of these parts, chosen by the row's `k.fid` (NULL for the other keys). */
export function caseOverFid(keys: readonly Key[], parts: readonly Key['part'][], cast: (column: string) => string, type: string, quote: (name: string) => string): string {
  const arms = keys.flatMap((k, i) => (parts.includes(k.part) ? [`WHEN ${i} THEN ${cast(quote(k.name))}`] : []));
  return arms.length === 0 ? `CAST(NULL AS ${type})` : `CASE k.fid ${arms.join(' ')} END`;
}

/**
 * The feature keys as a relation `k(part, feature, fid)`; with `grids` (one per key, null for all but
 * numeric features) also `grid_low, grid_scale, grid_top` (fine-grid.ts).
 */
export function keyRelation(keys: readonly Key[], grids?: readonly (FineGrid | null)[]): string {
  const row = (k: Key, i: number) => `(${sqlString(k.part)}, ${sqlString(k.name)}, ${i}${grids ? `, ${gridLiterals(grids[i])}` : ''})`;
  return `(VALUES ${keys.map(row).join(', ')}) AS k(part, feature, fid${grids ? ', grid_low, grid_scale, grid_top' : ''})`;
}

/** The `feature_keys` CTE's columns, typed (a VALUES column of NULLs has no type of its own). */
export function keyColumns(gridded: boolean): string {
  return gridded
    ? 'part, feature, fid, CAST(grid_low AS DOUBLE) AS grid_low, CAST(grid_scale AS DOUBLE) AS grid_scale, CAST(grid_top AS INTEGER) AS grid_top'
    : 'part, feature, fid';
}

/**
 * One row of arrays per (partition, numeric feature) from `counts`, a relation of the count `n` per
 * (partition, fid, [bin,] fine_bin): `sortedCounts`, or the grid's (grid-profile-query.ts).
 */
export function groupedNumericBins(partOfCounts: string, fineOnly: boolean, counts: string): string {
  // Each (partition, feature)'s bins come back as one row of arrays (GROUPED_LIST_COLUMNS), not a
  // row per bin: ~1,500 rows instead of 1.3 million for a backtest of 100 days of 15 features.
  const order = `ORDER BY c.fine_bin${fineOnly ? '' : ', c.bin'}`;
  return `SELECT ${partOfCounts}'numeric', k.feature, ${NULLS.bigint}, ${NULLS.bigint}, ${NULLS.varchar}, SUM(c.n), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double},
  array_agg(CAST(c.fine_bin AS INTEGER) ${order}), ${fineOnly ? 'NULL' : `array_agg(CAST(c.bin AS INTEGER) ${order})`}, array_agg(CAST(c.n AS DOUBLE) ${order})
FROM (
  ${counts}
) AS c
JOIN feature_keys k ON k.fid = c.fid
GROUP BY ${partOfCounts}k.feature`;
}

/*
 * The count per (partition, fid, bin, fine_bin) when PSI bins are needed too (not fine bins only,
 * which the grid bins): each feature's DISTINCT values are binned, not every value, since history
 * repeats values across partitions (and within them), so the one sort per feature shrinks to the
 * distinct values (20 million values sorted took 20 s on 2 cores; their distinct values and a hash
 * join back, 4 s). The bin rule is the same, so the counts are exactly those of the hourly query per
 * partition.
 */
export function sortedCounts(keys: readonly Key[], partOfValue: string): string {
  return `SELECT ${partOfValue}v.fid, b.bin, b.fine_bin, COUNT(*) AS n
  FROM clean_values v
  JOIN binned b ON b.is_value = 1 AND b.fid = v.fid AND b.x = v.x
  WHERE ${fidsOf(keys, ['numeric'], 'v.fid')}
  GROUP BY ${partOfValue}v.fid, b.bin, b.fine_bin`;
}

/** As the hourly query's moments (n, missing, Σx, Σx², min, max) per (partition, feature), grouped on the feature's number. */
export function groupedMoments(partOfValue: string, partOfMoments: string): string {
  return `SELECT ${partOfMoments}k.part, k.feature, ${NULLS.bigint}, ${NULLS.bigint}, ${NULLS.varchar},
  m.n, m.missing, m.total, m.total_squares, m.low, m.high, NULL, NULL, NULL
FROM (
  SELECT ${partOfValue}fid, COUNT(x) + COUNT(category) AS n, COUNT(*) - COUNT(x) - COUNT(category) AS missing,
    SUM(x) AS total, SUM(x * x) AS total_squares, MIN(x) AS low, MAX(x) AS high
  FROM clean_values
  GROUP BY ${partOfValue}fid
) AS m
JOIN feature_keys k ON k.fid = m.fid`;
}

/**
 * As the hourly query's category counts, as one row of arrays per (partition, feature): `bins` holds
 * the category positions (-1 = other). The reference's categories are joined by the feature's number,
 * which the (small) bins table gets from the feature keys.
 */
export function groupedCategoryBins(keys: readonly Key[], partOfValue: string, partOfCounts: string, rare: boolean): string {
  const r = categoryBins('r', rare);
  return `SELECT ${partOfCounts}'categorical', k.feature, ${NULLS.bigint}, ${NULLS.bigint}, ${NULLS.varchar}, SUM(c.n), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double},
  NULL, array_agg(CAST(c.position AS INTEGER) ORDER BY c.position), array_agg(CAST(c.n AS DOUBLE) ORDER BY c.position)
FROM (
  SELECT ${partOfValue}v.fid, ${r.position} AS position, COUNT(*) AS n
  FROM clean_values v
  LEFT JOIN (
    SELECT rk.fid, rb.bin_set, rb.position, rb.category
    FROM reference_bins rb
    JOIN feature_keys rk ON rk.part = 'categorical' AND rk.feature = rb.feature
  ) AS r ON ${r.sets} AND r.fid = v.fid AND r.category = v.category
  WHERE ${fidsOf(keys, ['categorical'], 'v.fid')} AND v.category IS NOT NULL
  GROUP BY ${partOfValue}v.fid, ${r.position}
) AS c
JOIN feature_keys k ON k.fid = c.fid
GROUP BY ${partOfCounts}k.feature`;
}

/** As the hourly query's predicted-label counts per partition. */
export function groupedPredictedLabels(keys: readonly Key[], part: string, by: string): string {
  return `SELECT ${part}'predicted_label', 'predicted_label', ${NULLS.bigint}, ${NULLS.bigint}, category, COUNT(*), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, NULL, NULL, NULL
FROM clean_values
WHERE ${fidsOf(keys, ['predicted_label'])} AND category IS NOT NULL
GROUP BY ${by}category`;
}
