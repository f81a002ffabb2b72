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
      const result = await connection.run(sql);
      const names = result.columnNames();
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const values = chunk.getColumns();
        onChunk(Object.fromEntries(names.map((name, i) => [name, values[i]])), chunk.rowCount);
      }
    },
    async run(sql) {
      await connection.run(sql);
    },
    async loadTable(table, columns, rowCount) {
      if (columns.length === 0) throw new Error(`loadTable: table ${JSON.stringify(table)} needs at least one column`);
      columns.forEach((c) => checkLength(c, rowCount));
      const types = columns.map(duckType);
      const definition = columns.map((c, i) => `${quoteIdentifier(c.name)} ${types[i].sql}`).join(', ');
      await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${definition})`);
      const appender = await connection.createAppender(table);
      try {
        for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, rowCount - start);
          const chunk = DuckDBDataChunk.create(types.map((t) => t.type), n);
          columns.forEach((column, c) => {
            const vector = chunk.getColumnVector(c);
            if (column.type === 'varchar') {
              const { codes, dictionary } = column;
              for (let i = 0; i < n; i++) {
                const code = codes[start + i];
                vector.setItem(i, code < 0 ? null : dictionary[code]);
              }
            } else if (column.type === 'bigint') {
              for (let i = 0; i < n; i++) {
                const v = column.values[start + i];
                vector.setItem(i, Number.isFinite(v) ? BigInt(v) : null);
              }
            } else {
              const { values } = column;
              for (let i = 0; i < n; i++) {
                const v = values[start + i];
                // NaN and ±Infinity are missing values in the core; they load as NULL.
                vector.setItem(i, Number.isFinite(v) ? v : null);
              }
            }
            vector.flush();
          });
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}
