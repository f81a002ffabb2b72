/**
 * The DuckDB engine the backtest loads history into: `loadTable` keeps the rows in order with the
 * port's missing-value contract (NaN/±Infinity and code −1 load as NULL), and `queryChunks` hands a
 * large result over in column chunks, every row once.
 */
import { openDuckDbEngine, type DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';

let engine: DuckDbEngine;

beforeAll(async () => {
  engine = await openDuckDbEngine();
});

afterAll(() => engine?.close());

describe('loadTable', () => {
  it('loads rows in order, non-finite numbers and code −1 as NULL, strings through their dictionary', async () => {
    await engine.loadTable('mixed', [
      { name: 'x', type: 'double', values: Float64Array.of(1.5, NaN, Infinity, -Infinity, 2) },
      { name: 'i', type: 'integer', values: [1, 2, NaN, 4, -5] },
      { name: 'b', type: 'bigint', values: [1, 2, 3, NaN, 2 ** 40] },
      { name: 's', type: 'varchar', codes: [0, -1, 1, 1, 0], dictionary: ['retail', 'sme'] },
      { name: 'none', type: 'varchar', codes: [-1, -1, -1, -1, -1], dictionary: [] },
    ], 5);
    expect(await engine.query('SELECT * FROM mixed')).toEqual([
      { x: 1.5, i: 1, b: 1n, s: 'retail', none: null },
      { x: null, i: 2, b: 2n, s: null, none: null },
      { x: null, i: null, b: 3n, s: 'sme', none: null },
      { x: null, i: 4, b: null, s: 'sme', none: null },
      { x: 2, i: -5, b: 2n ** 40n, s: 'retail', none: null },
    ]);
    const described = await engine.query('DESCRIBE mixed');
    expect(described.map((c) => c.column_type)).toEqual(['DOUBLE', 'INTEGER', 'BIGINT', 'VARCHAR', 'VARCHAR']);
    // Only the table itself is left: the staging tables are dropped.
    expect(await engine.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'mixed%'")).toEqual([{ table_name: 'mixed' }]);
  });

  it('keeps 100,000 rows in load order across chunks', async () => {
    const n = 100_000;
    await engine.loadTable('ordered', [
      { name: 'k', type: 'integer', values: Float64Array.from({ length: n }, (_, i) => i) },
      { name: 'c', type: 'varchar', codes: Int32Array.from({ length: n }, (_, i) => i % 3), dictionary: ['a', 'b', 'c'] },
    ], n);
    const [r] = await engine.query(
      "SELECT count(*) AS rows, count(*) FILTER (WHERE k <> rn OR c <> ['a', 'b', 'c'][k % 3 + 1]) AS misplaced " +
        'FROM (SELECT k, c, row_number() OVER () - 1 AS rn FROM ordered)',
    );
    expect(r).toEqual({ rows: BigInt(n), misplaced: 0n });
  });

  it('starts each chunk of 2,048 rows clean: a NULL or a string of one chunk is not carried into the next', async () => {
    const n = 3 * 2048;
    // The first chunk is all missing, the others all present (the loader reuses one chunk).
    await engine.loadTable('clean', [
      { name: 'k', type: 'integer', values: Float64Array.from({ length: n }, (_, i) => i) },
      { name: 'x', type: 'double', values: Float64Array.from({ length: n }, (_, i) => (i < 2048 ? NaN : i)) },
      { name: 's', type: 'varchar', codes: Int32Array.from({ length: n }, (_, i) => (i < 2048 ? -1 : i % 2)), dictionary: ['even', 'odd'] },
    ], n);
    const [r] = await engine.query(
      "SELECT count(x) AS xs, count(*) FILTER (WHERE k >= 2048 AND (x IS NULL OR x <> k)) AS wrong_x, " +
        "count(*) FILTER (WHERE k >= 2048 AND s IS DISTINCT FROM ['even', 'odd'][k % 2 + 1]) AS wrong_s, count(s) FILTER (WHERE k < 2048) AS early_s FROM clean",
    );
    expect(r).toEqual({ xs: BigInt(n - 2048), wrong_x: 0n, wrong_s: 0n, early_s: 0n });
  });
});

describe('a compressing engine', () => {
  it('holds every row with its own values across the checkpoints of a long load', async () => {
    const compressed = await openDuckDbEngine({ compress: true, preserveInsertionOrder: false });
    try {
      const n = 500_000; // more than two checkpoints' worth of rows
      await compressed.loadTable('long', [
        { name: 'k', type: 'integer', values: Float64Array.from({ length: n }, (_, i) => i) },
        { name: 'x', type: 'double', values: Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? NaN : i / 8)) },
      ], n);
      const [r] = await compressed.query(
        'SELECT count(*) AS rows, count(DISTINCT k) AS keys, min(k) AS first, max(k) AS last, count(x) AS present, ' +
          'count(*) FILTER (WHERE x IS NOT NULL AND x <> k / 8) AS changed, count(*) FILTER (WHERE x IS NULL AND k % 97 <> 0) AS lost FROM long',
      );
      // Every row once, each with its own values (a missing one as NULL, no other).
      expect(r).toEqual({ rows: BigInt(n), keys: BigInt(n), first: 0, last: n - 1, present: BigInt(n - Math.ceil(n / 97)), changed: 0n, lost: 0n });
    } finally {
      compressed.close();
    }
  });
});

describe('queryChunks', () => {
  it('hands over every row once, column by column, in chunks of at most 2,048 rows', async () => {
    let rows = 0;
    let total = 0n;
    let chunks = 0;
    let largest = 0;
    await engine.queryChunks('SELECT k, k * 2 AS twice FROM ordered', (columns, n) => {
      chunks++;
      rows += n;
      largest = Math.max(largest, n);
      expect(columns.k).toHaveLength(n);
      for (let i = 0; i < n; i++) total += BigInt(columns.twice[i] as number);
    });
    expect(rows).toBe(100_000);
    expect(total).toBe(2n * BigInt((100_000 * 99_999) / 2));
    expect(chunks).toBeGreaterThan(1);
    expect(largest).toBeLessThanOrEqual(2048);
  });
});
