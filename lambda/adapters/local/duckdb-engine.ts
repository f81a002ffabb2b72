/**
 * DuckDB in-process as the local `QueryEngine`: it runs the same SQL the handlers send to Athena.
 * Also the loader for local tables: columns go in through DuckDB's appender a data chunk at a time
 * (2,048 rows per native call per column), which is what makes loading a million rows take about
 * a second instead of the minutes per-row INSERTs would.
 */
import { BIGINT, DOUBLE, DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBType, DuckDBVector, ENUM, INTEGER, VARCHAR } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import type { LoadColumn, TableEngine, UnloadEngine } from '../../ports/query-engine';
import { quoteIdentifier } from '../../core/schema/identifier';

export type { LoadColumn } from '../../ports/query-engine';

/** Result columns of one chunk: column name → its values (BIGINT as bigint, DOUBLE as number, VARCHAR as string). */
export type ChunkColumns = Readonly<Record<string, readonly unknown[]>>;

export interface DuckDbEngine extends TableEngine, UnloadEngine {
  readonly connection: DuckDBConnection;
  /**
   * Runs a query and hands its result to `onChunk` a chunk (up to 2,048 rows) at a time, column by
   * column: no row objects, and memory bounded by one chunk, for results of millions of rows.
   */
  queryChunks(sql: string, onChunk: (columns: ChunkColumns, rowCount: number) => void): Promise<void>;
  close(): void;
}

/**
 * Trino functions the portable SQL uses that DuckDB lacks, as macros with Trino's results:
 * `to_utf8(varchar)` → the UTF-8 bytes, `crc32(varbinary)` → the CRC-32 (IEEE, as java.util.zip
 * and zlib) as a BIGINT, `sequence(start, stop)` → the list start..stop. The retraining pull's
 * train/holdout split is `crc32(to_utf8(id)) % 100`; the grouped profile query's grid cells come from
 * `UNNEST(sequence(0, top))`.
 */
const TRINO_FUNCTION_MACROS = [
  'CREATE OR REPLACE MACRO to_utf8(s) AS encode(s)',
  'CREATE OR REPLACE MACRO sequence(a, b) AS generate_series(a, b)',
  // Bitwise CRC-32 over the bytes (read back from their hex): 8 shift/xor rounds per byte.
  `CREATE OR REPLACE MACRO crc32(b) AS xor(list_reduce([('0x' || substr(hex(b), 2 * i + 1, 2))::BIGINT FOR i IN range(octet_length(b))],
    lambda c, x: list_reduce(range(8), lambda r, k: xor(r >> 1, CASE WHEN (r & 1) = 1 THEN 3988292384 ELSE 0 END), xor(c, x)), 4294967295), 4294967295)`,
];

const CHUNK_ROWS = 2048;
/**
 * Rows between a compressing engine's checkpoints while a table loads (a multiple of CHUNK_ROWS):
 * the uncompressed rows held at once are this many, not the whole table.
 */
const FLUSH_ROWS = 100 * CHUNK_ROWS;

function duckType(column: LoadColumn): { sql: string; type: DuckDBType } {
  switch (column.type) {
    case 'double':
      return { sql: 'DOUBLE', type: DOUBLE };
    case 'integer':
      return { sql: 'INTEGER', type: INTEGER };
    case 'bigint':
      return { sql: 'BIGINT', type: BIGINT };
    case 'varchar':
      return { sql: 'VARCHAR', type: VARCHAR };
    case 'enum':
      return { sql: quoteIdentifier(column.enumType), type: ENUM([...column.dictionary]) };
  }
}

function checkLength(column: LoadColumn, rowCount: number): void {
  const length = column.type === 'varchar' || column.type === 'enum' ? column.codes.length : column.values.length;
  if (length < rowCount) throw new Error(`loadTable: column ${JSON.stringify(column.name)} has ${length} values, fewer than the ${rowCount} rows`);
}

const INTEGER_TYPE = { sql: 'INTEGER', type: INTEGER };
const VARCHAR_TYPE = { sql: 'VARCHAR', type: VARCHAR };

/** A vector of the chunk being filled (each column's vector takes its own type's values). */
interface Settable {
  setItem(index: number, value: number | bigint | string | null): void;
}

/** Creates `table` and appends `rowCount` rows a chunk at a time; `fill` writes column c's rows [start, start + n). */
async function createAndAppend(
  connection: DuckDBConnection,
  table: string,
  columns: readonly { name: string; type: { sql: string; type: DuckDBType } }[],
  rowCount: number,
  fill: (column: number, start: number, n: number, vector: Settable) => void,
  /** Called after every `FLUSH_ROWS` rows have been flushed into the table (a compressing engine checkpoints). */
  onFlush?: () => Promise<void>,
): Promise<void> {
  const definition = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type.sql}`).join(', ');
  await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${definition})`);
  const appender = await connection.createAppender(table);
  // One chunk, reset and refilled for each 2,048 rows (the appender copies what it is given): a new
  // chunk each time left its native vectors to the garbage collector, which does not see their size
  // and let about 100 MB of them pile up while a million rows of 22 columns loaded.
  const chunk = DuckDBDataChunk.create(columns.map((c) => c.type.type));
  try {
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rowCount - start);
      chunk.reset();
      chunk.rowCount = n;
      columns.forEach((column, c) => {
        // Each column's vector from its known type: `getColumnVector` reads the type back from the
        // chunk, and for an enum that is every word of its dictionary, on every chunk (1,000 words of
        // one column × 490 chunks: 0.2 s of a million rows' load).
        const vector = DuckDBVector.create(bindings.data_chunk_get_vector(chunk.chunk, c), n, column.type.type);
        fill(c, start, n, vector as unknown as Settable);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
      if (onFlush && (start + n) % FLUSH_ROWS === 0 && start + n < rowCount) {
        appender.flushSync();
        await onFlush();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * The vector's typed array over its native memory (the binding keeps it as `items`), or null when
 * this binding version has none: writing it directly costs a store per value, where `setItem` does a
 * validity check per value.
 */
function nativeItems(vector: Settable, n: number): Float64Array | Int32Array | null {
  const items = (vector as unknown as { items?: unknown }).items;
  return (items instanceof Float64Array || items instanceof Int32Array) && items.length >= n ? items : null;
}

/**
 * Writes the codes [start, start + n) of an enum column into a chunk's vector (its codes as 8-, 16-
 * or 32-bit integers, by the dictionary's size), a code −1 as NULL (through `setItem`, as numbers).
 */
function writeCodes(vector: Settable, codes: ArrayLike<number>, start: number, n: number): void {
  const items = (vector as unknown as { items?: unknown }).items;
  if (!(items instanceof Uint8Array || items instanceof Uint16Array || items instanceof Uint32Array) || items.length < n) {
    throw new Error('loadTable: this DuckDB binding gives enum vectors no array of codes to write');
  }
  for (let i = 0; i < n; i++) items[i] = codes[start + i];
  for (let i = 0; i < n; i++) if (codes[start + i] < 0) vector.setItem(i, null);
}

/** A dictionary as a table `(code INTEGER, value VARCHAR)`, one row per word, code = its index. */
async function appendDictionary(connection: DuckDBConnection, table: string, words: readonly string[]): Promise<void> {
  const columns = [{ name: 'code', type: INTEGER_TYPE }, { name: 'value', type: VARCHAR_TYPE }];
  await createAndAppend(connection, table, columns, words.length, (k, start, n, vector) => {
    for (let i = 0; i < n; i++) vector.setItem(i, k === 0 ? start + i : words[start + i]);
  });
}

/** Creates an enum column's type: its dictionary (unique strings, in code order) as the type's values. */
async function createEnumType(connection: DuckDBConnection, table: string, column: Extract<LoadColumn, { type: 'enum' }>): Promise<void> {
  const words = column.dictionary;
  if (new Set(words).size !== words.length) {
    const repeated = words.find((w, i) => words.indexOf(w) !== i) as string;
    throw new Error(`loadTable: enum column ${JSON.stringify(column.name)}'s dictionary holds ${JSON.stringify(repeated)} twice (an enum's values are unique)`);
  }
  // From a table rather than a literal list: a dictionary of a million ids would be a statement of megabytes.
  const dictionary = `${table}__${column.name}__words`;
  await appendDictionary(connection, dictionary, words);
  try {
    await connection.run(`CREATE TYPE ${quoteIdentifier(column.enumType)} AS ENUM (SELECT "value" FROM ${quoteIdentifier(dictionary)} ORDER BY "code")`);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(dictionary)}`);
  }
}

/**
 * Writes rows [start, start + n) of a number column into a chunk's vector, the non-finite ones as
 * NULL. Only the NULLs go through `setItem`: once a chunk has one, the binding tracks validity with
 * a BigInt bit operation per `setItem`, which for every value would cost more than the values.
 */
function writeNumbers(vector: Settable, type: 'double' | 'integer' | 'bigint', values: ArrayLike<number>, start: number, n: number): void {
  const items = type === 'bigint' ? null : nativeItems(vector, n);
  if (items) {
    for (let i = 0; i < n; i++) items[i] = values[start + i];
    for (let i = 0; i < n; i++) if (!Number.isFinite(values[start + i])) vector.setItem(i, null);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = values[start + i];
    vector.setItem(i, !Number.isFinite(v) ? null : type === 'bigint' ? BigInt(v) : v);
  }
}

/**
 * Loads columns into a new table. Numbers go through the appender as they are, a missing one (NaN,
 * ±Infinity) as NULL: the rows are held once, never copied (a million rows of 20 columns is about
 * 150 MB, which a copy would double at the peak). With strings, the numbers and the strings'
 * dictionary codes (INTEGER) go into a staging table first, and one CREATE TABLE AS in row order
 * turns codes into strings natively (code −1 into NULL). Enum columns go in as their codes, under
 * the type `createEnumType` makes first.
 */
async function appendTable(connection: DuckDBConnection, table: string, columns: readonly LoadColumn[], rowCount: number, onFlush?: () => Promise<void>): Promise<void> {
  if (columns.every((c) => c.type !== 'varchar')) {
    for (const c of columns) if (c.type === 'enum') await createEnumType(connection, table, c);
    const fill = (c: number, start: number, n: number, vector: Settable) => {
      const column = columns[c] as Exclude<LoadColumn, { type: 'varchar' }>;
      if (column.type === 'enum') writeCodes(vector, column.codes, start, n);
      else writeNumbers(vector, column.type, column.values, start, n);
    };
    await createAndAppend(connection, table, columns.map((c) => ({ name: c.name, type: duckType(c) })), rowCount, fill, onFlush);
    return;
  }
  if (columns.some((c) => c.type === 'enum')) throw new Error(`loadTable: table ${JSON.stringify(table)} mixes varchar and enum columns; load one kind`);
  const raw = `${table}__raw`;
  const rawColumns = columns.map((c) => ({ name: c.name, type: c.type === 'varchar' ? INTEGER_TYPE : duckType(c) }));
  await createAndAppend(connection, raw, rawColumns, rowCount, (c, start, n, vector) => {
    const column = columns[c] as Exclude<LoadColumn, { type: 'enum' }>;
    if (column.type === 'varchar') writeNumbers(vector, 'integer', column.codes, start, n);
    else writeNumbers(vector, column.type, column.values, start, n);
  });
  const dictionaries: string[] = [];
  try {
    const select: string[] = [];
    for (const [c, column] of columns.entries()) {
      const name = quoteIdentifier(column.name);
      if (column.type !== 'varchar') {
        select.push(`r.${name}`);
      } else {
        // Codes → strings: the dictionary as one list, indexed per row (code −1 → NULL).
        const dictionary = `${table}__dict${c}`;
        dictionaries.push(dictionary);
        await appendDictionary(connection, dictionary, column.dictionary);
        const list = `(SELECT list(value ORDER BY code) FROM ${quoteIdentifier(dictionary)})`;
        select.push(`CASE WHEN r.${name} >= 0 THEN ${list}[r.${name} + 1] END AS ${name}`);
      }
    }
    await connection.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT ${select.join(', ')} FROM ${quoteIdentifier(raw)} r ORDER BY r.rowid`);
  } finally {
    for (const t of [raw, ...dictionaries]) await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(t)}`);
  }
}

/** DuckDB settings for one engine (each left out keeps DuckDB's default). */
export interface DuckDbOptions {
  /** Worker threads. @default the machine's cores */
  readonly threads?: number;
  /** DuckDB's `memory_limit` (e.g. '1GB'): past it, large operators spill to a temporary directory. @default 80% of RAM */
  readonly memoryLimit?: string;
  /**
   * false lets unordered queries and CREATE TABLE AS without ORDER BY run without keeping row order,
   * which holds less in memory; results of queries with GROUP BY are unordered either way. @default true
   */
  readonly preserveInsertionOrder?: boolean;
  /**
   * Keep loaded tables compressed, as a database file would: each `loadTable` ends with a
   * CHECKPOINT that compresses the new rows (a million rows × 20 features of doubles and codes:
   * 35 MB instead of 230 MB), and scans decompress what they read. @default false
   */
  readonly compress?: boolean;
  /**
   * false turns off DuckDB's common-subplan optimizer, which computes a subquery that a query repeats
   * once and holds it for every place that reads it. The grouped grid query (grid-profile-query.ts)
   * repeats its scan's rows in each part so that each part streams them into its own aggregates; held
   * once instead, they were all of history's rows at the peak: a backtest of a million rows × 20
   * features in one scan peaked at 932 MB with it and 620 MB without. @default true
   */
  readonly commonSubplans?: boolean;
}

/**
 * Opens an in-memory DuckDB database.
 *
 * @example
 *   const engine = await openDuckDbEngine();
 *   await engine.loadTable('t', [{ name: 'x', type: 'double', values: new Float64Array([1, 2]) }], 2);
 *   await engine.query('SELECT SUM(x) AS s FROM t'); // [{ s: 3 }]
 *   engine.close();
 */
export async function openDuckDbEngine(options: DuckDbOptions = {}): Promise<DuckDbEngine> {
  const config: Record<string, string> = {};
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.preserveInsertionOrder === false) config.preserve_insertion_order = 'false';
  const instance = await DuckDBInstance.create(':memory:', Object.keys(config).length > 0 ? config : undefined);
  const connection = await instance.connect();
  if (options.compress) {
    // An in-memory database compresses only when attached so, and only what a checkpoint writes.
    await connection.run("ATTACH ':memory:' AS compressed (COMPRESS)");
    await connection.run('USE compressed');
  }
  if (options.commonSubplans === false) await connection.run("SET disabled_optimizers = 'common_subplan'");
  for (const sql of TRINO_FUNCTION_MACROS) await connection.run(sql);
  let closed = false;
  return {
    connection,
    async unload(select, target) {
      const partitions = target.partitionBy?.length ? `, PARTITION_BY (${target.partitionBy.map(quoteIdentifier).join(', ')})` : '';
      // The newline ends a trailing -- comment of the SELECT before the parenthesis.
      await connection.run(`COPY (${select}\n) TO '${target.location.replace(/'/g, "''")}' (FORMAT parquet${partitions})`);
    },
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    async queryChunks(sql, onChunk) {
      // A materialized result read chunk by chunk: a streamed one (connection.stream) hangs on
      // this UNION ALL of several pipelines (duckdb/duckdb#22215), with the CPU idle.
      const result = await connection.run(sql);
      const names = result.columnNames();
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        // Columns are converted to JS values only when read (a consumer often needs a few).
        const columns: Record<string, readonly unknown[]> = {};
        const current = chunk;
        names.forEach((name, i) => {
          let values: readonly unknown[] | undefined;
          Object.defineProperty(columns, name, { enumerable: true, get: () => (values ??= current.getColumnValues(i)) });
        });
        onChunk(columns, chunk.rowCount);
      }
    },
    async run(sql) {
      await connection.run(sql);
    },
    async loadTable(table, columns, rowCount) {
      if (columns.length === 0) throw new Error(`loadTable: table ${JSON.stringify(table)} needs at least one column`);
      columns.forEach((c) => checkLength(c, rowCount));
      const checkpoint = options.compress ? () => connection.run('CHECKPOINT compressed').then(() => undefined) : undefined;
      await appendTable(connection, table, columns, rowCount, checkpoint);
      await checkpoint?.();
    },
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}
