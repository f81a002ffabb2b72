/**
 * The DuckDB engine the backtest loads history into: `loadTable` keeps the rows in order with the
 * port's missing-value contract (NaN/±Infinity and code −1 load as NULL), and `queryChunks` hands a
 * large result over in column chunks, every row once.
 */
import { openDuckDbEngine, type DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { dropHistory, loadHistory } from '../../lambda/backtest/load';
import { fitDatasetProfile } from '../../lambda/core/profile';
import type { Column } from '../../lambda/core/types';

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

describe('loadTable enum columns', () => {
  it('holds strings as their codes under an enum type of the dictionary: code −1 as NULL, the strings read back through CAST', async () => {
    const n = 5000; // more than one chunk of 2,048 rows
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`); // past 255: 16-bit codes
    await engine.loadTable('enums', [
      { name: 'k', type: 'integer', values: Float64Array.from({ length: n }, (_, i) => i) },
      { name: 'e', type: 'enum', codes: Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : i % 300)), dictionary: words, enumType: 'enums_e' },
      { name: 'small', type: 'enum', codes: [...Array(n).keys()].map((i) => i % 2), dictionary: ["o'k", ''], enumType: 'enums_small' },
    ], n);
    const [r] = await engine.query(
      "SELECT count(*) FILTER (WHERE k % 7 = 0 AND e IS NOT NULL) AS kept_missing, count(*) FILTER (WHERE k % 7 <> 0 AND CAST(e AS VARCHAR) IS DISTINCT FROM 'w' || (k % 300)) AS wrong, " +
        "count(*) FILTER (WHERE CAST(small AS VARCHAR) <> CASE WHEN k % 2 = 0 THEN 'o''k' ELSE '' END) AS wrong_small FROM enums",
    );
    expect(r).toEqual({ kept_missing: 0n, wrong: 0n, wrong_small: 0n });
    // The named types hold the dictionaries, in code order.
    expect(await engine.query('SELECT enum_range(NULL::enums_e) AS e, enum_range(NULL::enums_small) AS small')).toEqual([{ e: words, small: ["o'k", ''] }]);
    const types = await engine.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'enums' ORDER BY ordinal_position");
    expect(types.map((t) => String(t.data_type).replace(/\(.*/, ''))).toEqual(['INTEGER', 'ENUM', 'ENUM']);
    // No table is left beside it (the dictionary that made the type is dropped); the type goes with DROP TYPE once the table is gone.
    expect(await engine.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'enums%'")).toEqual([{ table_name: 'enums' }]);
    await engine.run('DROP TABLE enums');
    await engine.run('DROP TYPE enums_e');
    await engine.run('DROP TYPE enums_small');
  });

  it('refuses a dictionary that repeats a string, naming the column and the string', async () => {
    await expect(
      engine.loadTable('twice', [{ name: 'seg', type: 'enum', codes: [0, 1], dictionary: ['retail', 'retail'], enumType: 'twice_seg' }], 2),
    ).rejects.toThrow(`loadTable: enum column "seg"'s dictionary holds "retail" twice`);
  });
});

describe('loadHistory', () => {
  it('reads string columns back as their strings through the view, a dictionary that repeats a string included', async () => {
    const hour = Date.UTC(2024, 0, 1) / 3_600_000;
    const features: Column[] = [
      { kind: 'categorical', name: 'seg', codes: Int32Array.of(0, 1, 2, -1, 2), dictionary: ['retail', 'sme', 'retail'] },
      { kind: 'numeric', name: 'x', values: Float64Array.of(1, 2, 3, 4, NaN) },
    ];
    const loaded = await loadHistory(engine, {
      prefix: 'words',
      modelId: 'm',
      features,
      reference: fitDatasetProfile({ rowCount: 5, columns: [{ kind: 'numeric', name: 'x', values: Float64Array.of(1, 2, 3, 4, 5) }] }),
      prediction: null,
      predictedLabel: null,
      label: null,
      firstRow: 0,
      hourOfRow: Float64Array.of(hour, hour, hour, hour + 1, hour + 1),
    });
    expect(await engine.query(`SELECT prediction_id, seg, x, dt, hour FROM ${loaded.predictions} ORDER BY prediction_id`)).toEqual([
      { prediction_id: '0', seg: 'retail', x: 1, dt: '2024-01-01', hour: '00' },
      { prediction_id: '1', seg: 'sme', x: 2, dt: '2024-01-01', hour: '00' },
      { prediction_id: '2', seg: 'retail', x: 3, dt: '2024-01-01', hour: '00' },
      { prediction_id: '3', seg: null, x: 4, dt: '2024-01-01', hour: '01' },
      { prediction_id: '4', seg: 'retail', x: null, dt: '2024-01-01', hour: '01' },
    ]);
    // The partition columns are enums of their strings in ascending order: they filter, sort and concatenate as strings do.
    expect(await engine.query(`SELECT DISTINCT dt, hour, event_time FROM ${loaded.predictions} WHERE dt BETWEEN '2023-12-31' AND '2024-01-09' AND hour > '00' ORDER BY hour DESC`)).toEqual([
      { dt: '2024-01-01', hour: '01', event_time: new Date('2024-01-01T01:00:00Z') },
    ]);
    // The categories group as strings (one 'retail', not one per code).
    expect(await engine.query(`SELECT seg, count(*) AS n FROM ${loaded.predictions} GROUP BY seg ORDER BY seg NULLS LAST`)).toEqual([
      { seg: 'retail', n: 3n },
      { seg: 'sme', n: 1n },
      { seg: null, n: 1n },
    ]);
    await dropHistory(engine, loaded);
    expect(await engine.query("SELECT type_name FROM duckdb_types() WHERE type_name LIKE 'words%'")).toEqual([]);
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
