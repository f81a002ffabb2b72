/**
 * One hour's feature values, a uniform random sample of at most `limit` rows: what the monitor keeps
 * of each hour of its baseline while it has no reference yet (`lambda/monitor/fit-from-production.ts`),
 * to fit one from production once the baseline is over.
 *
 * `ORDER BY random() LIMIT n` is a uniform sample without replacement of min(n, rows) rows in both
 * engines: Trino's and DuckDB's `random()` give an independent double in [0, 1) per row, and the
 * sort with a limit is a top-n (memory for n rows, one pass). `TABLESAMPLE` is not used: its
 * methods and units differ between the engines (Trino: BERNOULLI/SYSTEM percentages; DuckDB:
 * reservoir row counts) and a percentage cannot bound the rows. The hour's row count comes back on
 * every row (a COUNT(*) of the same partition, cross-joined), so the hours can be pooled in
 * proportion to their traffic.
 */
import { quoteIdentifier } from '../core/schema/identifier';
import type { ModelRecordSpec } from '../core/schema/record-schema';
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../core/types';
import { sqlInteger } from './literal';
import { hourFilter, servedRowsFilter, type HourPartition } from './partition';
import type { ResultRow } from './parse-profile';
import { qualifiedTable, type TableRef } from './table';

/**
 * The result column holding the hour's row count. It starts with an underscore, which no feature
 * can (identifiers start with a letter), so it never collides with a feature column.
 */
export const SAMPLE_HOUR_ROWS_COLUMN = '_hour_rows';

/** At most this many rows per sample: a guard against a limit that would return a whole busy hour. */
export const MAX_SAMPLE_LIMIT = 100_000;

export interface SampleQueryInput {
  /** Which feature columns to read (every feature of the spec, by name and kind). */
  readonly spec: Pick<ModelRecordSpec, 'modelId' | 'features'>;
  /** The model's prediction table. */
  readonly table: TableRef;
  /** The hour to sample (its partition is the only one scanned). */
  readonly partition: HourPartition;
  /** Rows to return at most (1 to MAX_SAMPLE_LIMIT). */
  readonly limit: number;
}

/**
 * The sample query: every feature column as the table types it, and the hour's row count.
 *
 * @example
 *   sampleQuery({ spec, table: { database: 'driftwatch', table: 'fraud_v2_predictions' },
 *                 partition: { dt: '2026-11-24', hour: '13' }, limit: 596 })
 * @throws Error when the limit is not an integer in 1..MAX_SAMPLE_LIMIT, the spec has no feature, or a name is not an identifier
 */
export function sampleQuery(input: SampleQueryInput): string {
  const { spec, limit } = input;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SAMPLE_LIMIT) {
    throw new Error(`sampleQuery: limit must be an integer from 1 to ${MAX_SAMPLE_LIMIT}, got ${String(limit)}`);
  }
  if (spec.features.length === 0) throw new Error(`sampleQuery: model ${spec.modelId} has no feature to sample`);
  const table = qualifiedTable(input.table);
  const filter = `${hourFilter(input.partition)} AND ${servedRowsFilter()}`;
  const columns = spec.features.map((f) => `s.${quoteIdentifier(f.name)}`).join(', ');
  const names = spec.features.map((f) => quoteIdentifier(f.name)).join(', ');
  return `-- driftwatch hour sample: model ${quoteIdentifier(spec.modelId)}, dt=${input.partition.dt} hour=${input.partition.hour}, at most ${sqlInteger(limit)} rows
SELECT ${columns}, c.n AS "${SAMPLE_HOUR_ROWS_COLUMN}"
FROM (
  SELECT ${names}
  FROM ${table}
  WHERE ${filter}
) AS s
CROSS JOIN (
  SELECT COUNT(*) AS n
  FROM ${table}
  WHERE ${filter}
) AS c
ORDER BY random()
LIMIT ${sqlInteger(limit)}`;
}

const replacer = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * A numeric cell: numbers, bigints and numeric text (Athena's "100.0", "1.0E-7", "NaN", "Infinity");
 * NULL, empty text and non-finite values are missing (NaN), as in the core.
 */
function numberOf(value: unknown, feature: string): number {
  if (value === null || value === undefined || value === '') return NaN;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^\s*[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|NaN|Infinity)\s*$/.test(value)) n = Number(value);
  else throw new Error(`sample row: numeric feature ${JSON.stringify(feature)} holds ${describe(value)}, not a number (is the column still typed double in the table?)`);
  return Number.isFinite(n) ? n : NaN;
}

/**
 * The hour's row count from the sample's rows (0 for an hour with no partition: no rows come back).
 * @throws Error when a row's count is not a non-negative integer
 */
export function sampleHourRows(rows: readonly ResultRow[]): number {
  if (rows.length === 0) return 0;
  const v = rows[0][SAMPLE_HOUR_ROWS_COLUMN];
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isSafeInteger(n) || n < rows.length) {
    throw new Error(`sample row ${JSON.stringify(rows[0], replacer)}: column ${SAMPLE_HOUR_ROWS_COLUMN} = ${describe(v)} is not the hour's row count (at least the ${rows.length} rows sampled)`);
  }
  return n;
}

/**
 * The sample's rows as a core Dataset, one column per feature of the spec named by feature id:
 * numeric from numbers, bigints or numeric text (NULL → NaN), categorical as text (NULL → missing,
 * code −1; a number or bigint cell is taken as its text). Works on DuckDB's typed values and on
 * Athena's text alike.
 *
 * @example parseSampleRows(await engine.query(sampleQuery(input)), spec).columns[0] // { kind: 'numeric', name: 'age', values: Float64Array [...] }
 * @throws Error naming the feature when a column is missing from the rows or a numeric cell is not a number
 */
export function parseSampleRows(rows: readonly ResultRow[], spec: Pick<ModelRecordSpec, 'features'>): Dataset {
  const columns: Column[] = spec.features.map((f): Column => {
    if (rows.length > 0 && !Object.hasOwn(rows[0], f.name)) {
      throw new Error(`sample rows: no column ${JSON.stringify(f.name)} (a ${f.kind} feature of the model)`);
    }
    if (f.kind === 'numeric') {
      const values = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        values[i] = numberOf(row[f.name], f.name);
      });
      return { kind: 'numeric', name: f.name, values } satisfies NumericColumn;
    }
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(rows.length);
    rows.forEach((row, i) => {
      const v = row[f.name];
      if (v === null || v === undefined) {
        codes[i] = -1;
        return;
      }
      const text = typeof v === 'string' ? v : String(v);
      let code = index.get(text);
      if (code === undefined) {
        code = dictionary.length;
        index.set(text, code);
        dictionary.push(text);
      }
      codes[i] = code;
    });
    return { kind: 'categorical', name: f.name, codes, dictionary } satisfies CategoricalColumn;
  });
  return { rowCount: rows.length, columns };
}
