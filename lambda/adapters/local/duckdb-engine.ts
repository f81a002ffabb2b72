/**
 * DuckDB in-process as the local `QueryEngine`: it runs the same SQL the handlers send to Athena.
 * Also the loader for local tables: columns go in through DuckDB's appender a data chunk at a time
 * (2,048 rows per native call per column), which is what makes loading a million rows take about
 * a second instead of the minutes per-row INSERTs would.
 */
import { BIGINT, DOUBLE, DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBType, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { LoadColumn, TableEngine } from '../../ports/query-engine';
import { quoteIdentifier } from '../../core/schema/identifier';

export type { LoadColumn } from '../../ports/query-engine';

/** Result columns of one chunk: column name → its values (BIGINT as bigint, DOUBLE as number, VARCHAR as string). */
export type ChunkColumns = Readonly<Record<string, readonly unknown[]>>;

export interface DuckDbEngine extends TableEngine {
  readonly connection: DuckDBConnection;
  /**
   * Runs a query and hands its result to `onChunk` a chunk (up to 2,048 rows) at a time, column by
   * column: no row objects, and memory bounded by one chunk, for results of millions of rows.
   */
  queryChunks(sql: string, onChunk: (columns: ChunkColumns, rowCount: number) => void): Promise<void>;
  close(): void;
}

const CHUNK_ROWS = 2048;

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
  }
}

function checkLength(column: LoadColumn, rowCount: number): void {
  const length = column.type === 'varchar' ? column.codes.length : column.values.length;
  if (length < rowCount) throw new Error(`loadTable: column ${JSON.stringify(column.name)} has ${length} values, fewer than the ${rowCount} rows`);
}

const INTEGER_TYPE = { sql: 'INTEGER', type: INTEGER };
const VARCHAR_TYPE = { sql: 'VARCHAR', type: VARCHAR };
/** Stand for NULL in a raw whole-number column that has missing values (the type's most negative value). */
const NULL_BIGINT = -(2 ** 53);
const NULL_INTEGER = -(2 ** 31);

/** A vector of the chunk being filled (each column's vector takes its own type's values). */
interface Settable {
  setItem(index: number, value: number | bigint | string): void;
}

/** Creates `table` and appends `rowCount` rows a chunk at a time; `fill` writes column c's rows [start, start + n). */
async function createAndAppend(
  connection: DuckDBConnection,
  table: string,
  columns: readonly { name: string; type: { sql: string; type: DuckDBType } }[],
  rowCount: number,
  fill: (column: number, start: number, n: number, vector: Settable) => void,
): Promise<void> {
  const definition = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type.sql}`).join(', ');
  await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${definition})`);
  const appender = await connection.createAppender(table);
  try {
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rowCount - start);
      const chunk = DuckDBDataChunk.create(columns.map((c) => c.type.type), n);
      columns.forEach((_, c) => {
        const vector = chunk.getColumnVector(c);
        fill(c, start, n, vector as unknown as Settable);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Loads columns into a new table. Only valid numbers go through the appender (never NULL: a NULL in
 * a chunk makes the binding track validity with a BigInt bit operation per value, which cost more
 * than the values themselves), and strings go in as their dictionary codes (INTEGER). One
 * CREATE TABLE AS in row order then turns non-finite numbers and sentinels into NULL and codes into
 * strings, natively.
 */
async function appendTable(connection: DuckDBConnection, table: string, columns: readonly LoadColumn[], rowCount: number): Promise<void> {
  const raw = `${table}__raw`;
  const missing = columns.map(() => false);
  const rawColumns = columns.map((c) => ({ name: c.name, type: c.type === 'varchar' ? INTEGER_TYPE : duckType(c) }));
  await createAndAppend(connection, raw, rawColumns, rowCount, (c, start, n, vector) => {
    const column = columns[c];
    const values = column.type === 'varchar' ? column.codes : column.values;
    if (column.type === 'double') {
      for (let i = 0; i < n; i++) vector.setItem(i, values[start + i]);
      return;
    }
    // Whole numbers and codes: a missing one is written as the sentinel (codes are −1 already).
    const sentinel = column.type === 'bigint' ? NULL_BIGINT : column.type === 'integer' ? NULL_INTEGER : -1;
    for (let i = 0; i < n; i++) {
      let v = values[start + i];
      if (!Number.isFinite(v)) {
        missing[c] = true;
        v = sentinel;
      }
      vector.setItem(i, column.type === 'bigint' ? BigInt(v) : v);
    }
  });
  const dictionaries: string[] = [];
  try {
    const select: string[] = [];
    for (const [c, column] of columns.entries()) {
      const name = quoteIdentifier(column.name);
      if (column.type === 'double') {
        select.push(`CASE WHEN isfinite(r.${name}) THEN r.${name} END AS ${name}`);
      } else if (column.type !== 'varchar') {
        select.push(missing[c] ? `NULLIF(r.${name}, ${column.type === 'bigint' ? NULL_BIGINT : NULL_INTEGER}) AS ${name}` : `r.${name}`);
      } else {
        // Codes → strings: the dictionary as one list, indexed per row (code −1 → NULL).
        const dictionary = `${table}__dict${c}`;
        dictionaries.push(dictionary);
        const words = column.dictionary;
        const dictionaryColumns = [{ name: 'code', type: INTEGER_TYPE }, { name: 'value', type: VARCHAR_TYPE }];
        await createAndAppend(connection, dictionary, dictionaryColumns, words.length, (k, start, n, vector) => {
          for (let i = 0; i < n; i++) vector.setItem(i, k === 0 ? start + i : words[start + i]);
        });
        const list = `(SELECT list(value ORDER BY code) FROM ${quoteIdentifier(dictionary)})`;
        select.push(`CASE WHEN r.${name} >= 0 THEN ${list}[r.${name} + 1] END AS ${name}`);
      }
    }
    await connection.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT ${select.join(', ')} FROM ${quoteIdentifier(raw)} r ORDER BY r.rowid`);
  } finally {
    for (const t of [raw, ...dictionaries]) await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(t)}`);
  }
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
export async function openDuckDbEngine(options: { readonly threads?: number } = {}): Promise<DuckDbEngine> {
  const instance = await DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : undefined);
  const connection = await instance.connect();
  let closed = false;
  return {
    connection,
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
      await appendTable(connection, table, columns, rowCount);
    },
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}
