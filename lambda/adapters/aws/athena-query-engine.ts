/**
 * Athena as the monitor's `QueryEngine`: start the query in the workgroup, poll until it ends, read
 * the result pages. The adapter owns what the engine must not see: polling with a growing delay and
 * an overall timeout (a stuck query is stopped, so it never bills on), retries on Athena's throttling
 * (its concurrency limits answer with TooManyRequestsException for seconds, longer than the SDK's own
 * three quick attempts cover), and the translation of every way a query ends badly into `QueryFailed`.
 *
 * Values come back as Athena gives them: strings, and null for a cell without `VarCharValue` (the
 * parsers in `lambda/sql` accept strings).
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetQueryResultsCommandOutput,
  QueryExecution,
  Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { QueryFailed } from '../../ports/errors';
import type { UnloadEngine, UnloadTarget } from '../../ports/query-engine';
import { sqlString } from '../../sql/literal';
import { defaultSleep, errorMessage, errorName, isThrottling, jitteredDelay } from './backoff';

export interface AthenaQueryEngineOptions {
  /** The workgroup (its configuration sets the result location, encryption and the bytes-scanned limit). */
  readonly workGroup: string;
  /** The Glue database unqualified table names resolve in. */
  readonly database: string;
  /** Result location, only for workgroups that do not enforce their own. @default the workgroup's */
  readonly outputLocation?: string;
  /** The first wait between status polls; it doubles up to `pollMaxDelayMs`. @default 200 */
  readonly pollInitialDelayMs?: number;
  /** @default 2000 */
  readonly pollMaxDelayMs?: number;
  /** A query still running after this long is stopped and fails with state TIMEOUT. @default 300000 (5 min) */
  readonly timeoutMs?: number;
  /** Retries of one throttled call before it fails with state THROTTLED. @default 5 */
  readonly throttleRetries?: number;
  /** Backoff before throttle retry n is uniform in [0, min(max, base · 2^(n-1))]. @default 500 */
  readonly throttleBaseDelayMs?: number;
  /** @default 10000 */
  readonly throttleMaxDelayMs?: number;
  /** For tests: replace waiting, jitter and the clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Per-call options beyond the port's (`QueryEngine.query(sql)` stays callable without them). */
export interface AthenaQueryOptions {
  /**
   * Athena's idempotency token (32-128 characters): a second start with the same token returns the
   * first execution instead of running the query again (an overlapping invocation). @default a new one per call
   */
  readonly clientRequestToken?: string;
}

/** What the last successful query cost, for the cost benchmark. */
export interface AthenaQueryStatistics {
  readonly queryExecutionId: string;
  readonly dataScannedInBytes: number;
  readonly engineExecutionTimeInMillis: number;
  readonly totalExecutionTimeInMillis: number;
}

/** GetQueryResults' largest page. */
const PAGE_SIZE = 1000;

export class AthenaQueryEngine implements UnloadEngine {
  /** Statistics of the last query that succeeded; undefined before the first. */
  lastStatistics: AthenaQueryStatistics | undefined;
  private closed = false;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  /** The client stays the caller's: `close()` does not destroy it (one client serves the container). */
  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaQueryEngineOptions,
  ) {
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  /**
   * Runs `sql` and returns its rows keyed by column name (strings or null).
   * @throws QueryFailed FAILED (Athena's reason; retryable as Athena says), CANCELLED, TIMEOUT or THROTTLED
   */
  async query(sql: string, options: AthenaQueryOptions = {}): Promise<Record<string, unknown>[]> {
    if (this.closed) throw new Error('AthenaQueryEngine: query after close()');
    const id = await this.start(sql, options.clientRequestToken);
    const execution = await this.waitUntilDone(id);
    const rows = await this.readResults(id);
    this.lastStatistics = statistics(id, execution);
    return rows;
  }

  /**
   * Writes the rows of `select` as Snappy Parquet under `target.location` (`unloadStatement`); the
   * location must be empty (Athena refuses to write into a prefix that holds objects).
   * @throws QueryFailed as `query` does
   */
  async unload(select: string, target: UnloadTarget, options: AthenaQueryOptions = {}): Promise<void> {
    if (this.closed) throw new Error('AthenaQueryEngine: unload after close()');
    const id = await this.start(unloadStatement(select, target), options.clientRequestToken);
    this.lastStatistics = statistics(id, await this.waitUntilDone(id));
  }

  close(): void {
    this.closed = true;
  }

  private async start(sql: string, token: string | undefined): Promise<string> {
    if (token !== undefined && (token.length < 32 || token.length > 128)) {
      throw new Error(`clientRequestToken must be 32-128 characters (Athena's limit), got ${token.length}: ${JSON.stringify(token)}`);
    }
    const { workGroup, database, outputLocation } = this.options;
    const command = new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: workGroup,
      QueryExecutionContext: { Database: database },
      ...(token !== undefined ? { ClientRequestToken: token } : {}),
      ...(outputLocation !== undefined ? { ResultConfiguration: { OutputLocation: outputLocation } } : {}),
    });
    const out = await this.call('StartQueryExecution', undefined, () => this.client.send(command));
    if (!out.QueryExecutionId) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    return out.QueryExecutionId;
  }

  /** Polls with a doubling delay until the query ends; stops it when the time allowed runs out. */
  private async waitUntilDone(id: string): Promise<QueryExecution> {
    const timeoutMs = this.options.timeoutMs ?? 300_000;
    const deadline = this.now() + timeoutMs;
    let delay = this.options.pollInitialDelayMs ?? 200;
    for (;;) {
      const out = await this.call('GetQueryExecution', id, () =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const execution = out.QueryExecution ?? {};
      if (finished(id, execution)) return execution;
      const left = deadline - this.now();
      if (left <= 0) {
        await this.stopQuietly(id);
        throw new QueryFailed('TIMEOUT', `still ${execution.Status?.State ?? 'running'} after ${timeoutMs} ms; stopped`, true, id);
      }
      await this.sleep(Math.min(delay, left));
      delay = Math.min(this.options.pollMaxDelayMs ?? 2000, delay * 2);
    }
  }

  /** Best effort: a stop that fails must not hide the timeout it follows. */
  private async stopQuietly(id: string): Promise<void> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // The timeout error below is what the caller needs; the query ends at the workgroup's limits anyway.
    }
  }

  /** Reads every page; the first row of the first page is the header Athena adds to a SELECT's result. */
  private async readResults(id: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let names: string[] | undefined;
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const token = nextToken;
      const page: GetQueryResultsCommandOutput = await this.call('GetQueryResults', id, () =>
        this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE_SIZE })),
      );
      names ??= columnNames(page, id);
      let data = page.ResultSet?.Rows ?? [];
      if (firstPage && data.length > 0 && isHeader(data[0], names)) data = data.slice(1);
      firstPage = false;
      for (const row of data) rows.push(toRecord(row, names));
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }

  /**
   * One API call, retried on throttling with jittered exponential backoff a bounded number of times.
   * Athena's InvalidRequestException (a query it refuses to start) becomes a non-retryable FAILED.
   */
  private async call<T>(operation: string, id: string | undefined, send: () => Promise<T>): Promise<T> {
    const retries = this.options.throttleRetries ?? 5;
    const backoff = {
      baseDelayMs: this.options.throttleBaseDelayMs ?? 500,
      maxDelayMs: this.options.throttleMaxDelayMs ?? 10_000,
      random: this.options.random,
    };
    for (let retry = 1; ; retry++) {
      try {
        return await send();
      } catch (error) {
        if (isThrottling(error)) {
          if (retry > retries) {
            throw new QueryFailed('THROTTLED', `${operation} throttled ${retry} times: ${errorMessage(error)}`, true, id);
          }
          await this.sleep(jitteredDelay(retry, backoff));
          continue;
        }
        if (errorName(error) === 'InvalidRequestException') {
          throw new QueryFailed('FAILED', `${operation}: ${errorMessage(error)}`, false, id);
        }
        throw error;
      }
    }
  }
}

/**
 * Athena's UNLOAD of a SELECT to an S3 prefix as Snappy Parquet, partitioned into `<column>=<value>/`
 * folders by `target.partitionBy` (the SELECT's last columns).
 * @example unloadStatement('SELECT 1 AS x', { location: 's3://b/p/' }) // UNLOAD (SELECT 1 AS x\n) TO 's3://b/p/' WITH (format = 'PARQUET', compression = 'SNAPPY')
 */
export function unloadStatement(select: string, target: UnloadTarget): string {
  if (!/^s3:\/\/[^/]+\/.+\/$/.test(target.location)) throw new Error(`Athena UNLOAD writes to an s3://bucket/prefix/ ending in '/', got ${JSON.stringify(target.location)}`);
  const partitions = target.partitionBy?.length ? `, partitioned_by = ARRAY[${target.partitionBy.map(sqlString).join(', ')}]` : '';
  // The newline ends a trailing -- comment of the SELECT before the parenthesis.
  return `UNLOAD (${select}\n) TO ${sqlString(target.location)} WITH (format = 'PARQUET', compression = 'SNAPPY'${partitions})`;
}

/** True when the query succeeded; throws QueryFailed when it ended otherwise; false while it runs. */
function finished(id: string, execution: QueryExecution): boolean {
  const status = execution.Status ?? {};
  switch (status.State) {
    case 'SUCCEEDED':
      return true;
    case 'FAILED': {
      const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'Athena gave no reason';
      throw new QueryFailed('FAILED', reason, status.AthenaError?.Retryable ?? false, id);
    }
    case 'CANCELLED':
      // The workgroup's bytes-scanned limit cancels a query; running it again would hit the limit again.
      throw new QueryFailed('CANCELLED', status.StateChangeReason ?? 'the query was cancelled', false, id);
    default:
      return false; // QUEUED, RUNNING
  }
}

function columnNames(page: GetQueryResultsCommandOutput, id: string): string[] {
  const names = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? c.Label ?? '');
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`query ${id}: two result columns are named ${JSON.stringify(name)}; alias them apart`);
    seen.add(name);
  }
  return names;
}

function isHeader(row: Row, names: readonly string[]): boolean {
  const cells = row.Data ?? [];
  return cells.length === names.length && cells.every((cell, i) => cell.VarCharValue === names[i]);
}

function toRecord(row: Row, names: readonly string[]): Record<string, unknown> {
  const cells = row.Data ?? [];
  const record: Record<string, unknown> = {};
  names.forEach((name, i) => {
    record[name] = cells[i]?.VarCharValue ?? null;
  });
  return record;
}

function statistics(id: string, execution: QueryExecution): AthenaQueryStatistics {
  const s = execution.Statistics ?? {};
  return {
    queryExecutionId: id,
    dataScannedInBytes: s.DataScannedInBytes ?? 0,
    engineExecutionTimeInMillis: s.EngineExecutionTimeInMillis ?? 0,
    totalExecutionTimeInMillis: s.TotalExecutionTimeInMillis ?? 0,
  };
}
