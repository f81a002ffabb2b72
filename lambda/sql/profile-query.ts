/**
 * ONE query per hour of predictions that profiles every feature at once against the reference's bins.
 *
 * Scan once: the hour's rows are read once (only the needed columns), then unpivoted in memory by a
 * CROSS JOIN with a small VALUES list of feature keys into a long (feature, number, category) relation.
 * Everything else works on that relation, so the cost in bytes scanned does not grow with the number
 * of features' bins.
 *
 * Binning without range joins or giant CASE expressions: the reference edges are UNIONed with the
 * values of the same feature and sorted; a running SUM over "is an edge" (edges ordered before equal
 * values) is then exactly #(edges <= v), the core's bin rule. This is one sort per feature partition —
 * O(n log n), portable to Trino and DuckDB — where a range join would compare every value with every
 * one of up to 1000 fine bins.
 *
 * Categorical values join the reference categories by equality (a hash join); no match = `other`
 * (position -1). A reference with more categories than it keeps lists the rest as 'rare' bins: a
 * value matching one of them is position -2, `other` but seen (`seenOther`), so unseen values stay
 * a bin of their own however many levels the reference has.
 *
 * The reference bins come either inline (a VALUES list; fine for local runs and small references) or
 * from a table of reference bins (`referenceBinRows`), which keeps the SQL small for any number of
 * edges: Athena rejects query strings above 262,144 bytes, and 50 features × 1000 fine edges inline
 * would be megabytes.
 */
import { quoteIdentifier } from '../core/schema/identifier';
import { isClassification, ModelRecordSpec } from '../core/schema/record-schema';
import type { DatasetProfile } from '../core/types';
import { fineGrid, type FineGrid } from './fine-grid';
import { gridProfileQuery } from './grid-profile-query';
import { sqlDouble, sqlInteger, sqlString } from './literal';
import { HourPartition, hourFilter, hourRangeFilter, servedRowsFilter } from './partition';
import { qualifiedTable, TableRef } from './table';
import {
  caseOverFid,
  categoryBins,
  fidsOf,
  groupedCategoryBins,
  groupedMoments,
  groupedNumericBins,
  groupedPredictedLabels,
  sortedCounts,
  keyColumns,
  keyRelation as groupedKeyRelation,
  NULLS,
  type Key,
} from './grouped-profile-sql';

/** Athena's limit on the query string. */
export const ATHENA_MAX_QUERY_BYTES = 262_144;

/** The largest finite double: values outside ±this (±Infinity, NaN) count as missing, as in the core. */
const MAX_DOUBLE = sqlDouble(Number.MAX_VALUE);

/** The unpivoted number when finite, else NULL (missing). */
const finiteX = `CASE WHEN raw_number >= -${MAX_DOUBLE} AND raw_number <= ${MAX_DOUBLE} THEN raw_number END`;

/** One row of the reference-bins table: an edge of a numeric feature or a category of a categorical one. */
export interface ReferenceBinRow {
  readonly feature: string;
  /** 'psi' and 'fine' rows carry `edge`; 'category' and 'rare' rows carry `category`. */
  readonly bin_set: 'psi' | 'fine' | 'category' | 'rare';
  /** Index of the edge in edges/fineEdges, or of the category in categories (or in rare). */
  readonly position: number;
  readonly edge: number | null;
  readonly category: string | null;
}

export type ReferenceBinsSource =
  | { readonly kind: 'inline' }
  /** A table with the columns of `ReferenceBinRow` plus `reference_id` (string), e.g. JSON lines in S3. */
  | { readonly kind: 'table'; readonly table: TableRef; readonly referenceId: string };

export interface ProfileQueryInput {
  readonly spec: ModelRecordSpec;
  readonly reference: DatasetProfile;
  /** The model's prediction table (Glue table / DuckDB view over the Firehose layout). */
  readonly table: TableRef;
  /** The hour to profile (the hourly Lambda). Give either this or `hours`. */
  readonly partition?: HourPartition;
  /** Every hour in [start, end) (UTC, truncated to the hour), e.g. a backtest's whole history. */
  readonly hours?: { readonly start: Date; readonly end: Date };
  /**
   * Profile each partition of the range separately in the same scan (parse with
   * `parsePartitionedProfileRows` or `groupedProfileAccumulator`):
   * - 'hour': one profile per (dt, hour) Firehose partition; rows start with dt, hour
   *   (`PARTITIONED_PROFILE_RESULT_COLUMNS`);
   * - 'day': one profile per UTC day; rows start with dt (`DAILY_PROFILE_RESULT_COLUMNS`). The same
   *   counts as the day's hours merged, with up to 24× fewer result rows: use it when every window
   *   is a whole number of days.
   * The reference edges are still unioned once per feature, not per partition, so one sort per
   * feature bins every partition at once. Left out: the hourly query (one partition, no group columns).
   */
  readonly groupBy?: 'hour' | 'day';
  /**
   * Group numeric values by fine bin only and return the PSI `bin` as NULL: fewer result rows and one
   * running sum less. Valid only when every PSI edge is also a fine edge (`psiEdgesAreFineEdges`);
   * the parsers then derive each PSI bin from its fine bin. @default false
   */
  readonly fineBinsOnly?: boolean;
  /** @default { kind: 'inline' } */
  readonly bins?: ReferenceBinsSource;
  /**
   * The fine grid as a table made once by `fineGridQuery` for the same spec, reference and bins,
   * instead of built in the query (a backtest's scans each built it: about 40 ms of each). Only with
   * `groupBy` and `fineBinsOnly`, the variant that bins by the grid.
   */
  readonly grid?: { readonly table: TableRef };
  /** Refuse to generate a longer query. @default ATHENA_MAX_QUERY_BYTES */
  readonly maxQueryBytes?: number;
}

/** The columns every profile query returns, in order (see `parseProfileRows`). */
export const PROFILE_RESULT_COLUMNS = [
  'part', 'feature', 'bin', 'fine_bin', 'category', 'n', 'missing', 'total', 'total_squares', 'low', 'high',
] as const;

/** The columns of the grouped variant (`groupBy: 'hour'`): the partition, then the profile columns. */
export const PARTITIONED_PROFILE_RESULT_COLUMNS = ['dt', 'hour', ...PROFILE_RESULT_COLUMNS] as const;

/** The columns of the daily variant (`groupBy: 'day'`): the day, then the profile columns. */
export const DAILY_PROFILE_RESULT_COLUMNS = ['dt', ...PROFILE_RESULT_COLUMNS] as const;

/**
 * The grouped variants end with three array columns: a numeric feature's bins come as ONE row per
 * (partition, feature) with bin and fine_bin NULL, n the total and, in fine-bin order, its non-empty
 * fine bins (`fine_bins`), their PSI bins (`bins`; NULL with `fineBinsOnly`) and their counts
 * (`bin_counts`). A categorical feature's counts likewise, with its category positions (-1 = other)
 * in `bins` and `fine_bins` NULL. Every other row has them NULL. Positions are INTEGER and counts
 * DOUBLE (exact below 2^53): DuckDB hands both to JavaScript as plain numbers, where BIGINT
 * elements would each become a BigInt.
 */
export const GROUPED_LIST_COLUMNS = ['fine_bins', 'bins', 'bin_counts'] as const;

/** Rows of the reference-bins table for one reference profile (write them once when the reference is fitted). */
export function referenceBinRows(reference: DatasetProfile): ReferenceBinRow[] {
  const rows: ReferenceBinRow[] = [];
  for (const f of reference.features) {
    quoteIdentifier(f.name);
    if (f.kind === 'numeric') {
      f.edges.forEach((edge, position) => rows.push({ feature: f.name, bin_set: 'psi', position, edge, category: null }));
      f.fineEdges.forEach((edge, position) => rows.push({ feature: f.name, bin_set: 'fine', position, edge, category: null }));
    } else {
      f.categories.forEach((category, position) =>
        rows.push({ feature: f.name, bin_set: 'category', position, edge: null, category }),
      );
      (f.rare ?? []).forEach((category, position) => rows.push({ feature: f.name, bin_set: 'rare', position, edge: null, category }));
    }
  }
  return rows;
}

/** The reference bins as a typed inline relation `(feature, bin_set, position, edge, category)`. */
export function referenceBinsValues(reference: DatasetProfile): string {
  const rows = referenceBinRows(reference).map(
    (r) =>
      `(${sqlString(r.feature)}, ${sqlString(r.bin_set)}, ${sqlInteger(r.position)}, ` +
      `${r.edge === null ? 'NULL' : sqlDouble(r.edge)}, ${r.category === null ? 'NULL' : sqlString(r.category)})`,
  );
  const empty = rows.length === 0;
  const values = empty ? `('', '', 0, 0E0, '')` : rows.join(',\n      ');
  return (
    'SELECT CAST(feature AS VARCHAR) AS feature, CAST(bin_set AS VARCHAR) AS bin_set, ' +
    'CAST(position AS BIGINT) AS position, CAST(edge AS DOUBLE) AS edge, CAST(category AS VARCHAR) AS category\n' +
    `    FROM (VALUES\n      ${values}) AS b(feature, bin_set, position, edge, category)` +
    (empty ? '\n    WHERE 1 = 0' : '')
  );
}

/** The WHERE clause on the partition columns and how the header comment names the scope. */
function queryScope(input: ProfileQueryInput): { filter: string; comment: string } {
  if ((input.partition === undefined) === (input.hours === undefined)) {
    throw new Error('profileQuery: give exactly one of partition (one hour) and hours (a range of hours)');
  }
  if (input.partition) {
    return { filter: hourFilter(input.partition), comment: `dt=${input.partition.dt} hour=${input.partition.hour}` };
  }
  const { start, end } = input.hours as { start: Date; end: Date };
  return { filter: hourRangeFilter(start, end), comment: `hours [${start.toISOString()}, ${end.toISOString()})` };
}

export function featureKeys(spec: ModelRecordSpec, reference: DatasetProfile): Key[] {
  const specKinds = new Map(spec.features.map((f) => [f.name, f.kind]));
  const keys: Key[] = reference.features.map((f) => {
    const kind = specKinds.get(f.name);
    if (kind === undefined) {
      throw new Error(`profileQuery: reference feature ${JSON.stringify(f.name)} is not a feature of model ${spec.modelId}`);
    }
    if (kind !== f.kind) {
      throw new Error(`profileQuery: feature ${JSON.stringify(f.name)} is ${kind} in model ${spec.modelId} but ${f.kind} in the reference`);
    }
    return { part: f.kind, name: f.name };
  });
  keys.push({ part: 'prediction', name: 'prediction' });
  if (isClassification(spec.task)) keys.push({ part: 'predicted_label', name: 'predicted_label' });
  return keys;
}

/** A numeric feature's grid over its fine edges (fine-grid.ts); null for the other keys. */
export function gridOf(reference: DatasetProfile, key: Key): FineGrid | null {
  if (key.part !== 'numeric') return null;
  const f = reference.features.find((r) => r.name === key.name);
  return f && f.kind === 'numeric' ? fineGrid(f.fineEdges) : null;
}

function caseOver(keys: readonly Key[], parts: readonly Key['part'][], cast: (column: string) => string, type: string): string {
  const arms = keys.filter((k) => parts.includes(k.part)).map((k) => `WHEN ${sqlString(k.name)} THEN ${cast(quoteIdentifier(k.name))}`);
  return arms.length === 0 ? `CAST(NULL AS ${type})` : `CASE k.feature ${arms.join(' ')} END`;
}

/**
 * The hourly profile query for one model. Returns rows with `PROFILE_RESULT_COLUMNS`:
 * - part 'rows': n = rows in the hour;
 * - part 'numeric' / 'prediction' with bin NULL: n (non-missing), missing, total (Σv), total_squares
 *   (Σv²), low (min), high (max); part 'categorical' / 'predicted_label' with category NULL: n, missing;
 * - part 'numeric' with bin set: n values in PSI bin `bin` and fine bin `fine_bin`;
 * - part 'categorical' with bin set: n values of reference category #bin (bin -1 = other);
 * - part 'predicted_label' with category set: n predictions of that label.
 *
 * With `hours` and `groupBy: 'hour'` the same rows come once per (dt, hour) partition in the range,
 * prefixed by dt and hour (`groupBy: 'day'`: once per day, prefixed by dt): a backtest profiles all of
 * history in one scan.
 *
 * @example
 *   const sql = profileQuery({ spec, reference, table: { database: 'driftwatch', table: 'fraud_v2_predictions' },
 *                              partition: { dt: '2026-11-24', hour: '13' } });
 */
export function profileQuery(input: ProfileQueryInput): string {
  const q = queryShape(input);
  const sql = q.gridded ? gridQuery(input, q) : `${profileCtes(input, q)}\n${profileSelects(q)}`;
  checkQuerySize(sql, input);
  return sql;
}

/** The reference bins relation: the bins inline, or the bins table's rows of this reference. */
export function binsSqlOf(input: Pick<ProfileQueryInput, 'reference' | 'bins'>): string {
  const bins = input.bins ?? { kind: 'inline' };
  return bins.kind === 'inline'
    ? referenceBinsValues(input.reference)
    : `SELECT feature, bin_set, position, edge, category FROM ${qualifiedTable(bins.table)}\n` +
        `    WHERE reference_id = ${sqlString(bins.referenceId)}`;
}

/** What the query's parts share: the keys, the CASEs choosing each key's column, the groups, the bin settings. */
function queryShape(input: ProfileQueryInput) {
  const { spec, reference } = input;
  const keys = featureKeys(spec, reference);
  const columns = keys.map((k) => quoteIdentifier(k.name)).join(', ');
  const binsSql = binsSqlOf(input);
  const g = input.groupBy !== undefined;
  // The grouped variants choose each key's column by its number (grouped-profile-sql.ts).
  const cases = (parts: Key['part'][], cast: (c: string) => string, type: string) =>
    g ? caseOverFid(keys, parts, cast, type, quoteIdentifier) : caseOver(keys, parts, cast, type);
  const numberCase = cases(['numeric', 'prediction'], (c) => `CAST(${c} AS DOUBLE)`, 'DOUBLE');
  const categoryCase = cases(['categorical', 'predicted_label'], (c) => `CAST(${c} AS VARCHAR)`, 'VARCHAR');
  const scope = queryScope(input);
  // The grouped variants carry their group columns through every step; the hourly query is unchanged.
  const groups = input.groupBy === 'hour' ? ['dt', 'hour'] : input.groupBy === 'day' ? ['dt'] : [];
  if (g && groups.length === 0) throw new Error(`profileQuery: groupBy must be 'hour' or 'day', got ${JSON.stringify(input.groupBy)}`);
  // Fine bins only: the PSI bin is derived from the fine bin by the parser (PSI edges ⊂ fine edges).
  const fineOnly = input.fineBinsOnly === true;
  // Grouped and fine bins only: each value's fine bin from its cell of a grid over the edges (fine-grid.ts).
  const gridded = g && fineOnly;
  if (input.grid && !gridded) throw new Error('profileQuery: grid is only for the grouped query with fineBinsOnly (the variant that bins by the grid)');
  const grids = gridded ? keys.map((k) => gridOf(reference, k)) : undefined;
  const keyRelation = g ? groupedKeyRelation(keys, grids) : `(VALUES ${keys.map((k) => `(${sqlString(k.part)}, ${sqlString(k.name)})`).join(', ')}) AS k(part, feature)`;
  const byFeature = g ? 'fid' : 'feature';
  const orderWindow = `PARTITION BY ${byFeature} ORDER BY x, is_value ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  const part = groups.map((c) => `"${c}", `).join('');
  const partOf = (alias: string) => groups.map((c) => `${alias}."${c}", `).join('');
  const partNull = groups.map((c) => `${NULLS.varchar} AS "${c}", `).join('');
  const by = part;
  // Categories of the reference beyond the kept ones join as 'rare' bins (only when there are any).
  const rare = reference.features.some((f) => f.kind === 'categorical' && (f.rare?.length ?? 0) > 0);
  const c = categoryBins('c', rare);

  return { spec, reference, keys, columns, binsSql, g, numberCase, categoryCase, scope, groups, keyRelation, byFeature, orderWindow, part, partOf, partNull, by, fineOnly, gridded, rare, c };
}

type QueryShape = ReturnType<typeof queryShape>;

/** The CTEs: the scope's rows, unpivoted to one value per row × key, cleaned, and the numeric values binned. */
function profileCtes(input: ProfileQueryInput, { spec, keys, columns, binsSql, g, numberCase, categoryCase, scope, keyRelation, byFeature, orderWindow, part, partNull, fineOnly }: QueryShape): string {
  return `-- driftwatch ${g ? `profile per ${input.groupBy}` : 'hourly profile'}: model ${spec.modelId}, ${scope.comment}
WITH ${g ? `feature_keys AS (
  SELECT ${keyColumns(false)} FROM ${keyRelation}
),
` : ''}hour_rows AS (
  SELECT ${part}${columns}
  FROM ${qualifiedTable(input.table)}
  WHERE ${scope.filter} AND ${servedRowsFilter()}
),
long_values AS (
  SELECT ${part}${g ? 'k.fid,' : 'k.part, k.feature,'}
    ${numberCase} AS raw_number,
    ${categoryCase} AS category
  FROM hour_rows
  CROSS JOIN ${g ? 'feature_keys k' : keyRelation}
),
clean_values AS (
  SELECT ${part}${g ? 'fid' : 'part, feature'}, category,
    ${finiteX} AS x
  FROM long_values
),
reference_bins AS (
  ${binsSql}
),
${numericPointCtes(keys, g, part, partNull, byFeature, orderWindow, fineOnly)}`;
}

/** The variant that bins by the fine grid (grid-profile-query.ts). */
function gridQuery(input: ProfileQueryInput, { spec, keys, binsSql, scope, groups, keyRelation, rare }: QueryShape): string {
  return gridProfileQuery({
    header: `-- driftwatch profile per ${input.groupBy}: model ${spec.modelId}, ${scope.comment}`,
    keys,
    keyRelation,
    groups,
    fromRows: `FROM ${qualifiedTable(input.table)}\n  WHERE ${scope.filter} AND ${servedRowsFilter()}`,
    binsSql,
    gridTable: input.grid ? qualifiedTable(input.grid.table) : undefined,
    rare,
  });
}

/** The ungridded variants' binning: the values (DISTINCT when grouped) and edges sorted together, running sums over the edges. */
function numericPointCtes(keys: readonly Key[], g: boolean, part: string, partNull: string, byFeature: string, orderWindow: string, fineOnly: boolean): string {
  return `numeric_points AS (
  SELECT ${g ? '' : part}${byFeature}, x, 1 AS is_value, 0 AS psi_edge, 0 AS fine_edge
  FROM ${g ? `(SELECT DISTINCT fid, x FROM clean_values WHERE ${fidsOf(keys, ['numeric'])} AND x IS NOT NULL) AS d` : `clean_values
  WHERE part = 'numeric' AND x IS NOT NULL`}
  UNION ALL
  SELECT ${g ? 'k.fid' : `${partNull}feature`}, edge AS x, 0 AS is_value,
    CASE WHEN bin_set = 'psi' THEN 1 ELSE 0 END AS psi_edge,
    CASE WHEN bin_set = 'fine' THEN 1 ELSE 0 END AS fine_edge
  FROM reference_bins${g ? `\n  JOIN feature_keys k ON k.part = 'numeric' AND k.feature = reference_bins.feature` : ''}
  WHERE bin_set IN ('psi', 'fine')
),
binned AS (
  SELECT ${g ? '' : part}${byFeature}, ${g ? 'x, ' : ''}is_value,
    ${fineOnly ? NULLS.bigint : `CAST(SUM(psi_edge) OVER (${orderWindow}) AS BIGINT)`} AS bin,
    CAST(SUM(fine_edge) OVER (${orderWindow}) AS BIGINT) AS fine_bin
  FROM numeric_points
)`;
}

/** The result rows: the row count, the moments, the numeric bins, the category bins and the predicted labels. */
function profileSelects({ keys, g, groups, part, partOf, by, fineOnly, rare, c }: QueryShape): string {
  return `SELECT ${part}'rows' AS part, ${NULLS.varchar} AS feature, ${NULLS.bigint} AS bin, ${NULLS.bigint} AS fine_bin,
  ${NULLS.varchar} AS category, COUNT(*) AS n, ${NULLS.bigint} AS missing, ${NULLS.double} AS total,
  ${NULLS.double} AS total_squares, ${NULLS.double} AS low, ${NULLS.double} AS high${g ? ',\n  NULL AS fine_bins, NULL AS bins, NULL AS bin_counts' : ''}
FROM hour_rows${g ? `\nGROUP BY ${groups.map((c) => `"${c}"`).join(', ')}` : ''}
UNION ALL
${g ? groupedMoments(part, partOf('m')) : `SELECT ${part}part, feature, ${NULLS.bigint}, ${NULLS.bigint}, ${NULLS.varchar},
  COUNT(x) + COUNT(category), COUNT(*) - COUNT(x) - COUNT(category), SUM(x), SUM(x * x), MIN(x), MAX(x)
FROM clean_values
GROUP BY ${by}part, feature`}
UNION ALL
${g ? groupedNumericBins(partOf('c'), fineOnly, sortedCounts(keys, partOf('v'))) : `SELECT ${part}'numeric', feature, bin, fine_bin, ${NULLS.varchar}, COUNT(*), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double}
FROM binned
WHERE is_value = 1
GROUP BY feature, bin, fine_bin`}
UNION ALL
${g ? groupedCategoryBins(keys, partOf('v'), partOf('c'), rare) : `SELECT 'categorical', v.feature, ${c.position}, ${NULLS.bigint}, ${NULLS.varchar}, COUNT(*), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double}
FROM clean_values v
LEFT JOIN reference_bins c ON ${c.sets} AND c.feature = v.feature AND c.category = v.category
WHERE v.part = 'categorical' AND v.category IS NOT NULL
GROUP BY v.feature, ${c.position}`}
UNION ALL
${g ? groupedPredictedLabels(keys, part, by) : `SELECT 'predicted_label', feature, ${NULLS.bigint}, ${NULLS.bigint}, category, COUNT(*), ${NULLS.bigint},
  ${NULLS.double}, ${NULLS.double}, ${NULLS.double}, ${NULLS.double}
FROM clean_values
WHERE part = 'predicted_label' AND category IS NOT NULL
GROUP BY feature, category`}
`;
}

/** @throws Error when the query is longer than Athena takes (the bins then go to a table) */
function checkQuerySize(sql: string, input: ProfileQueryInput): void {
  const { spec, reference } = input;
  const bytes = Buffer.byteLength(sql);
  const max = input.maxQueryBytes ?? ATHENA_MAX_QUERY_BYTES;
  if (bytes > max) {
    throw new Error(
      `profileQuery: the query for model ${spec.modelId} is ${bytes} bytes, above the limit of ${max} ` +
        `(Athena rejects longer query strings); with ${referenceBinRows(reference).length} reference bins inline, ` +
        `write referenceBinRows(reference) to a table and pass bins: { kind: 'table', ... }`,
    );
  }
}
