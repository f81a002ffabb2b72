/**
 * Seeds moto's Athena with query results through its documented results API
 * (`POST /moto-api/static/athena/query-results`; moto's `AthenaBackend.get_query_results`): moto
 * does not execute SQL, it keeps a queue of results and hands the next one to each query execution
 * when it starts. So seed once per query, in the order the queries will start, before starting them.
 *
 * Rows go in as Athena returns them: a header row of column names first, then every value as a
 * `VarCharValue` string, NULL as a cell without one. Row objects such as DuckDB returns for the same
 * SQL are converted as Athena prints each type (BIGINT and INTEGER as digits, DOUBLE as Java's
 * Double.toString, e.g. "100.0" and "1.0E-7"; a Date as `YYYY-MM-DD HH:MM:SS.mmm`), so a test can feed
 * DuckDB's answer through moto and the real client and the parsers see Athena's text.
 *
 * moto serves a result in one page whatever its size (it ignores MaxResults and never returns a
 * NextToken), so a seeded result of 2,500 rows comes back as one page of 2,501; the adapter's paging
 * over NextToken is exercised with the in-process fake (`test/support/aws-fake.ts`).
 */
import * as http from 'node:http';

export interface AthenaCell {
  readonly VarCharValue?: string;
}

export interface AthenaResult {
  readonly rows: { readonly Data: AthenaCell[] }[];
  readonly column_info: Record<string, unknown>[];
}

/**
 * A DOUBLE as Athena (Trino) prints it, which is Java's Double.toString: plain decimals with at least
 * one fractional digit between 1e-3 and 1e7 ("100.0", "0.25"), computerized scientific outside ("1.0E-7").
 */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Athena's column type for values as DuckDB returns them (a column of whole numbers is taken as INTEGER). */
export function athenaType(values: readonly unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  const sample = present[0];
  if (typeof sample === 'bigint') return 'bigint';
  if (typeof sample === 'number') return present.every((v) => Number.isInteger(v)) ? 'integer' : 'double';
  if (typeof sample === 'boolean') return 'boolean';
  if (sample instanceof Date) return 'timestamp';
  return 'varchar';
}

/** Athena's text for one value of a column of `type` (what `VarCharValue` holds); null/undefined → no value (NULL). */
export function athenaText(value: unknown, type = 'varchar'): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' && (type === 'double' || type === 'real')) return javaDouble(value);
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'object') return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));
  return String(value);
}

export interface ResultOptions {
  /** Column order. @default the keys of the rows, in order of first appearance */
  readonly columns?: readonly string[];
  /** Athena types of columns whose type the values do not show (a DOUBLE column of whole numbers). @default inferred */
  readonly types?: Readonly<Record<string, string>>;
}

/** One Athena result in moto's format: header row + data rows, and a ColumnInfo per column. */
export function toAthenaResult(rows: readonly Record<string, unknown>[], options: ResultOptions = {}): AthenaResult {
  const names = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const types = names.map((n) => options.types?.[n] ?? athenaType(rows.map((r) => r[n])));
  const header = { Data: names.map((n) => ({ VarCharValue: n })) };
  const data = rows.map((row) => ({
    Data: names.map((n, i) => {
      const text = athenaText(row[n], types[i]);
      return text === undefined ? {} : { VarCharValue: text };
    }),
  }));
  const column_info = names.map((name, i) => ({
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: name,
    Label: name,
    Type: types[i],
    Precision: 0,
    Scale: 0,
    Nullable: 'UNKNOWN',
    CaseSensitive: true,
  }));
  return { rows: [header, ...data], column_info };
}

/** Queues `rows` as the result of the next query execution moto starts (in this account and region). */
export async function seedAthenaResults(
  endpoint: string,
  rows: readonly Record<string, unknown>[],
  options: ResultOptions & { readonly accountId?: string; readonly region?: string } = {},
): Promise<void> {
  const body = JSON.stringify({
    account_id: options.accountId ?? '123456789012',
    region: options.region ?? 'us-east-1',
    results: [toAthenaResult(rows, options)],
  });
  const status = await post(`${endpoint}/moto-api/static/athena/query-results`, body);
  if (status !== 201) throw new Error(`moto refused the Athena results (HTTP ${status})`);
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
