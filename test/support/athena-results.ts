/**
 * Seeds moto's Athena with query results through its documented results API
 * (`POST /moto-api/static/athena/query-results`; moto's `AthenaBackend.get_query_results`): moto
 * does not execute SQL, it keeps a queue of results and hands the next one to each query execution
 * when it starts. So seed once per query, in the order the queries will start, before starting them.
 *
 * Rows go in as Athena returns them: a header row of column names first, then every value as a
 * `VarCharValue` string, NULL as a cell without one. Row objects such as DuckDB returns for the same
 * SQL are converted (bigint and number as their decimal text, Date as Athena's
 * `YYYY-MM-DD HH:MM:SS.mmm`), so a test can feed DuckDB's answer through moto and the real client.
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

/** Athena's text for one value (what `VarCharValue` holds); null/undefined → no value (NULL). */
export function athenaText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'object') return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));
  return String(value);
}

function athenaType(values: readonly unknown[]): string {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (typeof sample === 'bigint') return 'bigint';
  if (typeof sample === 'number') return 'double';
  if (typeof sample === 'boolean') return 'boolean';
  if (sample instanceof Date) return 'timestamp';
  return 'varchar';
}

/**
 * One Athena result in moto's format: header row + data rows, and a ColumnInfo per column.
 * @param columns column order @default the keys of the rows, in order of first appearance
 */
export function toAthenaResult(rows: readonly Record<string, unknown>[], columns?: readonly string[]): AthenaResult {
  const names = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const header = { Data: names.map((n) => ({ VarCharValue: n })) };
  const data = rows.map((row) => ({
    Data: names.map((n) => {
      const text = athenaText(row[n]);
      return text === undefined ? {} : { VarCharValue: text };
    }),
  }));
  const column_info = names.map((name) => ({
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: name,
    Label: name,
    Type: athenaType(rows.map((r) => r[name])),
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
  options: { readonly columns?: readonly string[]; readonly accountId?: string; readonly region?: string } = {},
): Promise<void> {
  const body = JSON.stringify({
    account_id: options.accountId ?? '123456789012',
    region: options.region ?? 'us-east-1',
    results: [toAthenaResult(rows, options.columns)],
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
