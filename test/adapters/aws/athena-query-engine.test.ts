/**
 * AthenaQueryEngine with the real SDK v3 AthenaClient. Against moto_server: a seeded result comes back
 * row for row, with the workgroup and database the query ran in. moto never fails, cancels, throttles
 * or stalls a query and serves any result as one page, so those cases answer in-process through the
 * same client (`test/support/aws-fake.ts`), saying in each test which Athena answer it stands in for.
 */
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AthenaQueryEngine, AthenaQueryEngineOptions } from '../../../lambda/adapters/aws/athena-query-engine';
import { QueryFailed } from '../../../lambda/ports/errors';
import { athenaText, athenaType, seedAthenaResults, toAthenaResult } from '../../support/athena-results';
import { openDuckDb } from '../../support/duckdb';
import { awsJsonError, FakeAnswer, JsonCall, jsonServiceFake } from '../../support/aws-fake';
import { MotoServer, motoClientConfig, startMoto } from '../../support/moto';

const workGroup = 'dw-test';
const database = 'driftwatch_test';
let moto: MotoServer;
let athena: AthenaClient;

beforeAll(async () => {
  moto = await startMoto();
  athena = new AthenaClient(motoClientConfig(moto.endpoint));
  await athena.send(new CreateWorkGroupCommand({ Name: workGroup, Configuration: { ResultConfiguration: { OutputLocation: 's3://dw-results/athena/' } } }));
});

afterAll(async () => {
  athena?.destroy();
  await moto?.stop();
});

/** Profile-like rows: counts as bigint, a double, a category with NULLs and an empty string. */
function profileRows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    feature: i % 7 === 0 ? null : `f${i % 50}`,
    bin: BigInt(i),
    n: BigInt(i * 3),
    mean: i % 11 === 0 ? null : i / 8,
    label: i % 13 === 0 ? '' : 'yes',
  }));
}

/** What Athena gives back for those rows: each value as Athena prints its column's type, NULL as null. */
function asStrings(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const types = Object.fromEntries(Object.keys(rows[0]).map((k) => [k, athenaType(rows.map((r) => r[k]))]));
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, athenaText(v, types[k]) ?? null])));
}

const noWait = { sleep: async () => undefined, random: () => 0.5 };

describe('AthenaQueryEngine against moto_server', () => {
  it('returns a seeded 2,500-row result as the same rows, NULLs and empty strings included', async () => {
    const rows = profileRows(2500);
    await seedAthenaResults(moto.endpoint, rows);
    const engine = new AthenaQueryEngine(athena, { workGroup, database, pollInitialDelayMs: 10 });
    const got = await engine.query('SELECT feature, bin, n, mean, label FROM profile');
    expect(got).toEqual(asStrings(rows));
    expect(got[0]).toEqual({ feature: null, bin: '0', n: '0', mean: null, label: '' });
    expect(got[8]).toEqual({ feature: 'f8', bin: '8', n: '24', mean: '1.0', label: 'yes' });
  });

  it("carries DuckDB's answer to the same SQL through moto as Athena's text, every value intact", async () => {
    const duck = await openDuckDb();
    const sql =
      "SELECT i AS bin, (i * 3)::BIGINT AS n, i / 8 AS mean, CASE WHEN i % 4 = 0 THEN NULL ELSE 1e-7 * i END AS tiny, " +
      "CASE WHEN i % 3 = 0 THEN NULL ELSE 'c' || i END AS category FROM range(1200) t(i)";
    const expected = await duck.query(sql);
    duck.close();
    await seedAthenaResults(moto.endpoint, expected, { types: { mean: 'double', tiny: 'double' } });
    const got = await new AthenaQueryEngine(athena, { workGroup, database, pollInitialDelayMs: 10 }).query(sql);
    expect(got[16]).toMatchObject({ bin: '16', mean: '2.0', tiny: null, category: 'c16' });
    expect(got[1]).toMatchObject({ mean: '0.125', tiny: '1.0E-7', category: 'c1' });
    expect(got[3].category).toBeNull();
    const asDuck = got.map((r) => ({ bin: BigInt(r.bin as string), n: BigInt(r.n as string), mean: Number(r.mean), tiny: r.tiny === null ? null : Number(r.tiny), category: r.category }));
    expect(asDuck).toEqual(expected);
  });

  it('runs the query in the configured workgroup and database and records its statistics', async () => {
    await seedAthenaResults(moto.endpoint, [{ rows: 1n }]);
    const engine = new AthenaQueryEngine(athena, { workGroup, database, pollInitialDelayMs: 10 });
    const sql = 'SELECT count(*) AS rows FROM predictions';
    expect(await engine.query(sql)).toEqual([{ rows: '1' }]);

    const id = engine.lastStatistics!.queryExecutionId;
    const execution = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!;
    expect(execution).toMatchObject({ Query: sql, WorkGroup: workGroup, QueryExecutionContext: { Database: database } });
    expect(engine.lastStatistics).toEqual({ queryExecutionId: id, dataScannedInBytes: 0, engineExecutionTimeInMillis: 0, totalExecutionTimeInMillis: 0 });
  });

  it('gives each query the result seeded for it, in the order the queries start', async () => {
    await seedAthenaResults(moto.endpoint, [{ hour: '00', rows: 5n }]);
    await seedAthenaResults(moto.endpoint, [{ hour: '01', rows: 7n }]);
    const engine = new AthenaQueryEngine(athena, { workGroup, database, pollInitialDelayMs: 10 });
    expect(await engine.query('SELECT 0')).toEqual([{ hour: '00', rows: '5' }]);
    expect(await engine.query('SELECT 1')).toEqual([{ hour: '01', rows: '7' }]);
  });

  it('refuses queries after close()', async () => {
    const engine = new AthenaQueryEngine(athena, { workGroup, database });
    engine.close();
    await expect(engine.query('SELECT 1')).rejects.toThrow('after close()');
  });
});

/** An AthenaClient whose calls `answer` answers in-process; maxAttempts 1 so only the adapter retries. */
function fakeAthena(answer: (call: JsonCall, calls: readonly JsonCall[]) => FakeAnswer) {
  const fake = jsonServiceFake(answer);
  const client = new AthenaClient({ ...motoClientConfig('http://athena.fake'), requestHandler: fake.requestHandler, maxAttempts: 1 });
  return { client, calls: fake.calls, count: (operation: string) => fake.calls.filter((c) => c.operation === operation).length };
}

const started: FakeAnswer = { body: { QueryExecutionId: 'q-1' } };
const state = (State: string, extra: Record<string, unknown> = {}): FakeAnswer => ({
  body: { QueryExecution: { QueryExecutionId: 'q-1', Status: { State, ...extra }, Statistics: { DataScannedInBytes: 4096, EngineExecutionTimeInMillis: 812, TotalExecutionTimeInMillis: 900 } } },
});
const oneRow: FakeAnswer = { body: { ResultSet: { Rows: toAthenaResult([{ x: '1' }]).rows, ResultSetMetadata: { ColumnInfo: [{ Name: 'x', Type: 'varchar' }] } } } };

/** A query that succeeds with one row, except for the calls `override` answers itself. */
function succeeding(override: (call: JsonCall, calls: readonly JsonCall[]) => FakeAnswer | undefined = () => undefined) {
  return fakeAthena((call, calls) => {
    const special = override(call, calls);
    if (special) return special;
    if (call.operation === 'StartQueryExecution') return started;
    if (call.operation === 'GetQueryExecution') return state('SUCCEEDED');
    return oneRow;
  });
}

const options = (extra: Partial<AthenaQueryEngineOptions> = {}): AthenaQueryEngineOptions => ({ workGroup, database, ...noWait, ...extra });

async function failure(promise: Promise<unknown>): Promise<QueryFailed> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(QueryFailed);
  return error as QueryFailed;
}

describe('AthenaQueryEngine on answers moto cannot give (in-process fake)', () => {
  it('reads every page of a 2,500-row result, 1,000 rows a request, the header only on the first', async () => {
    // Real Athena pages GetQueryResults with NextToken; moto returns everything at once.
    const result = toAthenaResult(profileRows(2500));
    const { client, calls } = succeeding((call) => {
      if (call.operation !== 'GetQueryResults') return undefined;
      const start = call.input.NextToken ? Number(call.input.NextToken) : 0;
      const end = start + call.input.MaxResults;
      const page = { Rows: result.rows.slice(start, end), ResultSetMetadata: { ColumnInfo: result.column_info } };
      return { body: { ResultSet: page, ...(end < result.rows.length ? { NextToken: String(end) } : {}) } };
    });
    const engine = new AthenaQueryEngine(client, options());
    expect(await engine.query('SELECT * FROM profile')).toEqual(asStrings(profileRows(2500)));
    const pages = calls.filter((c) => c.operation === 'GetQueryResults');
    expect(pages.map((c) => [c.input.MaxResults, c.input.NextToken])).toEqual([[1000, undefined], [1000, '1000'], [1000, '2000']]);
  });

  it('sends the caller\'s ClientRequestToken, so a repeated start is the same execution', async () => {
    const { client, calls } = succeeding();
    const engine = new AthenaQueryEngine(client, options());
    const token = 'fraud-2024-05-01T13-profile-000000001';
    await engine.query('SELECT 1', { clientRequestToken: token });
    expect(calls[0].input).toMatchObject({ ClientRequestToken: token, WorkGroup: workGroup, QueryExecutionContext: { Database: database } });
    await expect(engine.query('SELECT 1', { clientRequestToken: 'short' })).rejects.toThrow('32-128 characters');
  });

  it('exposes the statistics of the last query for the cost benchmark', async () => {
    const { client } = succeeding();
    const engine = new AthenaQueryEngine(client, options());
    await engine.query('SELECT 1');
    expect(engine.lastStatistics).toEqual({ queryExecutionId: 'q-1', dataScannedInBytes: 4096, engineExecutionTimeInMillis: 812, totalExecutionTimeInMillis: 900 });
  });

  it('turns a FAILED query into QueryFailed with Athena\'s reason, retryable as Athena says', async () => {
    const transient = succeeding((call) =>
      call.operation === 'GetQueryExecution'
        ? state('FAILED', { StateChangeReason: 'Internal error', AthenaError: { ErrorCategory: 1, ErrorType: 401, Retryable: true } })
        : undefined,
    );
    const first = await failure(new AthenaQueryEngine(transient.client, options()).query('SELECT 1'));
    expect([first.state, first.reason, first.retryable, first.queryId]).toEqual(['FAILED', 'Internal error', true, 'q-1']);

    const schema = succeeding((call) =>
      call.operation === 'GetQueryExecution' ? state('FAILED', { StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'amount' cannot be resolved" }) : undefined,
    );
    const second = await failure(new AthenaQueryEngine(schema.client, options()).query('SELECT amount'));
    expect([second.state, second.retryable]).toEqual(['FAILED', false]);
    expect(second.message).toContain("Column 'amount' cannot be resolved");
  });

  it('turns a CANCELLED query (e.g. the workgroup\'s bytes-scanned limit) into a non-retryable QueryFailed', async () => {
    const { client } = succeeding((call) =>
      call.operation === 'GetQueryExecution' ? state('CANCELLED', { StateChangeReason: 'Query exhausted the bytes scanned limit' }) : undefined,
    );
    const error = await failure(new AthenaQueryEngine(client, options()).query('SELECT 1'));
    expect([error.state, error.retryable, error.reason]).toEqual(['CANCELLED', false, 'Query exhausted the bytes scanned limit']);
  });

  it('refuses a query Athena will not start (InvalidRequestException) as a non-retryable FAILED', async () => {
    const { client } = succeeding((call) =>
      call.operation === 'StartQueryExecution' ? awsJsonError('InvalidRequestException', 'line 1:1: mismatched input') : undefined,
    );
    const error = await failure(new AthenaQueryEngine(client, options()).query('SELEC 1'));
    expect([error.state, error.retryable]).toEqual(['FAILED', false]);
  });

  it('retries a throttled start and status poll with backoff, then succeeds', async () => {
    const delays: number[] = [];
    const { client, count } = succeeding((call, calls) => {
      const nth = calls.filter((c) => c.operation === call.operation).length;
      if (call.operation === 'StartQueryExecution' && nth <= 2) return awsJsonError('TooManyRequestsException', 'CONCURRENT_QUERY_LIMIT_EXCEEDED');
      if (call.operation === 'GetQueryExecution' && nth === 1) return awsJsonError('ThrottlingException', 'Rate exceeded');
      return undefined;
    });
    const engine = new AthenaQueryEngine(client, options({ sleep: async (ms) => void delays.push(ms), throttleBaseDelayMs: 100 }));
    expect(await engine.query('SELECT 1')).toEqual([{ x: '1' }]);
    expect([count('StartQueryExecution'), count('GetQueryExecution')]).toEqual([3, 2]);
    // Full jitter at random 0.5: half of 100 · 2^(n-1) for the start's retries 1 and 2, then the poll's retry 1.
    expect(delays).toEqual([50, 100, 50]);
  });

  it('gives up on throttling after the bounded retries with a retryable THROTTLED', async () => {
    const { client, count } = succeeding((call) =>
      call.operation === 'StartQueryExecution' ? awsJsonError('TooManyRequestsException', 'CONCURRENT_QUERY_LIMIT_EXCEEDED') : undefined,
    );
    const error = await failure(new AthenaQueryEngine(client, options({ throttleRetries: 3 })).query('SELECT 1'));
    expect([error.state, error.retryable]).toEqual(['THROTTLED', true]);
    expect(error.reason).toContain('StartQueryExecution throttled 4 times');
    expect(count('StartQueryExecution')).toBe(4);
  });

  it('stops a query that never finishes and fails it as a retryable TIMEOUT', async () => {
    let now = 0;
    const waits: number[] = [];
    const { client, calls } = succeeding((call) => (call.operation === 'GetQueryExecution' ? state('RUNNING') : call.operation === 'StopQueryExecution' ? { body: {} } : undefined));
    const engine = new AthenaQueryEngine(
      client,
      options({ now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)), pollInitialDelayMs: 100, pollMaxDelayMs: 400, timeoutMs: 1000 }),
    );
    const error = await failure(engine.query('SELECT 1'));
    expect([error.state, error.retryable, error.queryId]).toEqual(['TIMEOUT', true, 'q-1']);
    expect(waits).toEqual([100, 200, 400, 300]); // doubling up to the cap, the last wait cut at the deadline
    expect(calls.filter((c) => c.operation === 'StopQueryExecution').map((c) => c.input)).toEqual([{ QueryExecutionId: 'q-1' }]);
  });
});
