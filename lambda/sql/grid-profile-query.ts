/**
 * The grouped profile query that bins by the fine grid (`profileQuery({ groupBy, fineBinsOnly: true })`,
 * a backtest's scans of many partitions). Same result rows as the other grouped variants
 * (`DAILY_PROFILE_RESULT_COLUMNS` / `PARTITIONED_PROFILE_RESULT_COLUMNS` + `GROUPED_LIST_COLUMNS`).
 *
 * Each part reads the scope's rows itself and keeps only what it aggregates, instead of every part
 * reading one relation of every row × feature (`clean_values` in profile-query.ts): an engine holds a
 * relation that several parts read (DuckDB materializes such a CTE), so that one was the size of the
 * scan × 22 columns and the largest thing the query held. Here:
 * - the moments (n, missing, Σx, Σx², min, max) of every feature are aggregated over the rows as they
 *   are, one row per partition with a column per feature and moment (`moments`), then turned into one
 *   row per (partition, feature): no unpivot of the rows at all;
 * - the numeric values are unpivoted once, binned by the grid and counted per (partition, feature,
 *   fine bin) as they stream: only the counts are held;
 * - the values of dense grid cells (few: the edges there bunch closer than the grid resolves) are
 *   unpivoted again, for the features that have such cells only, and binned by ranks (fine-grid.ts);
 * - the categories are unpivoted and counted per (partition, feature, category), then the few groups
 *   are joined with the reference's categories.
 * On Athena each part scans its own columns (Trino inlines a CTE where it is referenced), which is
 * about what the other variants cost there too: their one relation is inlined into each part as well.
 */
import { quoteIdentifier } from '../core/schema/identifier';
import { cellSql, EDGES_PER_CELL, fineBinByRanks, gridCellCtes, MAX_GRID_CELLS } from './fine-grid';
import { caseOverFid, categoryBins, groupedNumericBins, keyColumns, NULLS, type Key } from './grouped-profile-sql';

/** What the grid query needs of the profile query's input and shape (profile-query.ts). */
export interface GridQueryInput {
  /** The header comment's first line. */
  readonly header: string;
  readonly keys: readonly Key[];
  /** The feature keys relation with each numeric key's grid (`keyRelation(keys, grids)`). */
  readonly keyRelation: string;
  /** The partition columns: ['dt'] or ['dt', 'hour']. */
  readonly groups: readonly string[];
  /** `FROM ... WHERE ...` of the scope's served rows. */
  readonly fromRows: string;
  /** The reference bins relation. */
  readonly binsSql: string;
  /** The grid as a table (`fineGridQuery`), else built in the query. */
  readonly gridTable?: string;
  /** The reference has rare categories. */
  readonly rare: boolean;
}

/** The largest finite double: values outside ±this (±Infinity, NaN) count as missing, as in the core. */
const MAX_DOUBLE = Number.MAX_VALUE.toExponential().toUpperCase();

/** `x` when finite, else NULL (missing). */
const finite = (x: string) => `CASE WHEN ${x} >= -${MAX_DOUBLE} AND ${x} <= ${MAX_DOUBLE} THEN ${x} END`;

/** Keys of the numeric features and the prediction: the ones with moments beyond n and missing. */
const NUMBER_PARTS: readonly Key['part'][] = ['numeric', 'prediction'];

/** The grouped profile query binning by the grid; see the file comment. */
export function gridProfileQuery(input: GridQueryInput): string {
  const { keys, groups } = input;
  const column = (k: Key) => `h.${quoteIdentifier(k.name)}`;
  const rows = `(SELECT ${[...groups, ...keys.map((k) => k.name)].map(quoteIdentifier).join(', ')} ${input.fromRows}) AS h`;
  const of = (alias: string) => groups.map((c) => `${alias}.${quoteIdentifier(c)}, `).join('');
  const by = (alias: string) => groups.map((c) => `${alias}.${quoteIdentifier(c)}`).join(', ');
  const parts = { rows, of, by };
  return `${input.header}
WITH feature_keys AS (
  SELECT ${keyColumns(true)} FROM ${input.keyRelation}
),
reference_bins AS (
  ${input.binsSql}
),
${gridCellCtes(input.gridTable)},
grid_cells AS (
  SELECT ${gridKey('fid', 'cell')} AS grid_key, edges, low_edge, high_edge, base
  FROM grid
),
${momentsCte(keys, parts, column)},
${denseCtes(keys, parts)}
SELECT ${of('m')}'rows' AS part, ${NULLS.varchar} AS feature, ${NULLS.bigint} AS bin, ${NULLS.bigint} AS fine_bin,
  ${NULLS.varchar} AS category, m.row_count AS n, ${NULLS.bigint} AS missing, ${NULLS.double} AS total,
  ${NULLS.double} AS total_squares, ${NULLS.double} AS low, ${NULLS.double} AS high,
  NULL AS fine_bins, NULL AS bins, NULL AS bin_counts
FROM moments m
UNION ALL
${momentRows(keys, of)}
UNION ALL
${groupedNumericBins(of('c'), true, gridCounts(keys, parts))}
UNION ALL
${categoryCounts(keys, parts, input.rare)}${predictedLabels(keys, parts)}
`;
}

interface Parts {
  /** The scope's rows as `h`. */
  readonly rows: string;
  /** The partition columns of a relation, each followed by a comma (`m."dt", `). */
  readonly of: (alias: string) => string;
  /** The partition columns of a relation as a GROUP BY list. */
  readonly by: (alias: string) => string;
}

/** `moments`: per partition, the row count and each key's moments (`n3`, `total3`, ... for key 3), from the rows as they are. */
function momentsCte(keys: readonly Key[], { rows, of, by }: Parts, column: (k: Key) => string): string {
  const values = keys.map((k, i) => (NUMBER_PARTS.includes(k.part) ? `${finite(`CAST(${column(k)} AS DOUBLE)`)} AS v${i}` : `${column(k)} AS v${i}`));
  const aggregates = keys.flatMap((k, i) =>
    NUMBER_PARTS.includes(k.part)
      ? [`COUNT(c.v${i}) AS n${i}`, `SUM(c.v${i}) AS total${i}`, `SUM(c.v${i} * c.v${i}) AS squares${i}`, `MIN(c.v${i}) AS low${i}`, `MAX(c.v${i}) AS high${i}`]
      : [`COUNT(c.v${i}) AS n${i}`],
  );
  return `moments AS (
  SELECT ${of('c')}COUNT(*) AS row_count,
    ${aggregates.join(',\n    ')}
  FROM (
    SELECT ${of('h')}${values.join(', ')}
    FROM ${rows}
  ) AS c
  GROUP BY ${by('c')}
)`;
}

/** One moments row per (partition, key), as the other grouped variants give them (`groupedMoments`). */
function momentRows(keys: readonly Key[], of: (alias: string) => string): string {
  const pick = (moment: string, parts: readonly Key['part'][], type: keyof typeof NULLS) => {
    const arms = keys.flatMap((k, i) => (parts.includes(k.part) ? [`WHEN ${i} THEN m.${moment}${i}`] : []));
    return arms.length === 0 ? NULLS[type] : `CASE k.fid ${arms.join(' ')} END`;
  };
  const all: readonly Key['part'][] = ['numeric', 'categorical', 'prediction', 'predicted_label'];
  const n = pick('n', all, 'bigint');
  return `SELECT ${of('m')}k.part, k.feature, ${NULLS.bigint}, ${NULLS.bigint}, ${NULLS.varchar},
  ${n}, m.row_count - ${n},
  ${pick('total', NUMBER_PARTS, 'double')}, ${pick('squares', NUMBER_PARTS, 'double')},
  ${pick('low', NUMBER_PARTS, 'double')}, ${pick('high', NUMBER_PARTS, 'double')}, NULL, NULL, NULL
FROM moments m
CROSS JOIN feature_keys k`;
}

/**
 * A cell's key among all features' cells: joining on one integer instead of (fid, cell) took a third
 * of the time on DuckDB (15 million values against 60,000 cells: 0.5 instead of 1.4 s).
 */
function gridKey(fid: string, cell: string): string {
  return `CAST(${fid} AS BIGINT) * ${MAX_GRID_CELLS} + ${cell}`;
}

/** The numeric values of the keys `which` selects, one row per (row, key): partition columns, fid, x and its cell's `grid_key` (both NULL when missing). */
function numericValues(keys: readonly Key[], { rows, of }: Parts, which: string): string {
  const number = caseOverFid(keys, ['numeric'], (c) => `CAST(${c} AS DOUBLE)`, 'DOUBLE', (name) => `h.${quoteIdentifier(name)}`);
  // The CASE is needed: DuckDB's LEAST and GREATEST skip a NULL where Trino's return it.
  return `SELECT ${of('f')}f.fid, f.x, CASE WHEN f.x IS NOT NULL THEN ${gridKey('f.fid', cellSql('f.x', 'f.'))} END AS grid_key
  FROM (
    SELECT ${of('l')}l.fid, l.grid_low, l.grid_scale, l.grid_top, ${finite('l.raw_number')} AS x
    FROM (
      SELECT ${of('h')}k.fid, k.grid_low, k.grid_scale, k.grid_top, ${number} AS raw_number
      FROM ${rows}
      CROSS JOIN feature_keys k
      WHERE ${which}
    ) AS l
  ) AS f`;
}

/**
 * `dense_values`: the values in grid cells holding more than EDGES_PER_CELL edges, read only for the
 * features that have such cells; `binned`: their fine bins by ranks among the feature's fine edges.
 */
function denseCtes(keys: readonly Key[], parts: Parts): string {
  const dense = `edges > ${EDGES_PER_CELL}`;
  const denseFeatures = `k.part = 'numeric' AND k.fid IN (SELECT fid FROM grid WHERE ${dense})`;
  return `dense_values AS (
  SELECT ${parts.of('v')}v.fid, v.x
  FROM (
  ${numericValues(keys, parts, denseFeatures)}
  ) AS v
  JOIN grid_cells g ON g.grid_key = v.grid_key
  WHERE g.${dense}
),
dense_points AS (
  SELECT fid, x, 1 AS is_value
  FROM (SELECT DISTINCT fid, x FROM dense_values) AS d
  UNION ALL
  SELECT fid, edge AS x, 0 AS is_value
  FROM grid_edges
  WHERE fid IN (SELECT fid FROM grid WHERE ${dense})
),
binned AS (
  SELECT fid, x, is_value, ${fineBinByRanks('fid')} AS fine_bin
  FROM dense_points
)`;
}

/**
 * The count per (partition, fid, fine bin) for `groupedNumericBins`: a value's fine bin is its cell's
 * base plus its cell's edges ≤ x (a cell of at most EDGES_PER_CELL edges: its lowest and highest), or
 * its rank among the feature's edges (a dense cell). A value is in exactly one of the two.
 */
function gridCounts(keys: readonly Key[], parts: Parts): string {
  const { of, by } = parts;
  const inline = 'g.base + CASE WHEN v.x >= g.low_edge THEN 1 ELSE 0 END + CASE WHEN g.edges = 2 AND v.x >= g.high_edge THEN 1 ELSE 0 END';
  return `SELECT ${of('w')}w.fid, w.fine_bin, COUNT(*) AS n
  FROM (
    SELECT ${of('v')}v.fid, ${inline} AS fine_bin
    FROM (
    ${numericValues(keys, parts, "k.part = 'numeric'")}
    ) AS v
    JOIN grid_cells g ON g.grid_key = v.grid_key
    WHERE g.edges <= ${EDGES_PER_CELL}
    UNION ALL
    SELECT ${of('v')}v.fid, b.fine_bin
    FROM dense_values v
    JOIN binned b ON b.is_value = 1 AND b.fid = v.fid AND b.x = v.x
  ) AS w
  GROUP BY ${by('w')}, w.fid, w.fine_bin`;
}

/**
 * As the other grouped variants' category counts (`groupedCategoryBins`): the categorical values
 * unpivoted and counted per (partition, feature, category), and only those groups joined with the
 * reference's categories for their positions (-1 other, -2 rare).
 */
function categoryCounts(keys: readonly Key[], { rows, of, by }: Parts, rare: boolean): string {
  const category = caseOverFid(keys, ['categorical'], (c) => `CAST(${c} AS VARCHAR)`, 'VARCHAR', (name) => `h.${quoteIdentifier(name)}`);
  const r = categoryBins('r', rare);
  return `SELECT ${of('c')}'categorical', k.feature, ${NULLS.bigint}, ${NULLS.bigint}, ${NULLS.varchar}, SUM(c.n), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double},
  NULL, array_agg(CAST(c.position AS INTEGER) ORDER BY c.position), array_agg(CAST(c.n AS DOUBLE) ORDER BY c.position)
FROM (
  SELECT ${of('v')}v.fid, ${r.position} AS position, SUM(v.n) AS n
  FROM (
    SELECT ${of('u')}u.fid, u.category, COUNT(*) AS n
    FROM (
      SELECT ${of('h')}k.fid, ${category} AS category
      FROM ${rows}
      CROSS JOIN feature_keys k
      WHERE k.part = 'categorical'
    ) AS u
    WHERE u.category IS NOT NULL
    GROUP BY ${by('u')}, u.fid, u.category
  ) AS v
  LEFT JOIN (
    SELECT rk.fid, rb.bin_set, rb.position, rb.category
    FROM reference_bins rb
    JOIN feature_keys rk ON rk.part = 'categorical' AND rk.feature = rb.feature
  ) AS r ON ${r.sets} AND r.fid = v.fid AND r.category = v.category
  GROUP BY ${by('v')}, v.fid, ${r.position}
) AS c
JOIN feature_keys k ON k.fid = c.fid
GROUP BY ${by('c')}, k.feature`;
}

/** The predicted labels' counts per partition (nothing without a predicted-label key). */
function predictedLabels(keys: readonly Key[], { rows, of, by }: Parts): string {
  const key = keys.find((k) => k.part === 'predicted_label');
  if (!key) return '';
  const label = `CAST(h.${quoteIdentifier(key.name)} AS VARCHAR)`;
  return `
UNION ALL
SELECT ${of('h')}'predicted_label', 'predicted_label', ${NULLS.bigint}, ${NULLS.bigint}, ${label}, COUNT(*), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, NULL, NULL, NULL
FROM ${rows}
WHERE h.${quoteIdentifier(key.name)} IS NOT NULL
GROUP BY ${by('h')}, ${label}`;
}
