/**
 * DuckDB as the local stand-in for Athena: Parquet files written in exactly the Firehose layout
 * (`<prefix>/<model_id>/dt=YYYY-MM-DD/hour=HH/part-N.parquet`) and views over them, registered under the
 * names the Glue tables have, with the partition columns typed as strings like the Glue partition keys.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ColumnType, TableColumn } from '../../lambda/core/schema/record-schema';

export interface LocalEngine {
  readonly connection: DuckDBConnection;
  /** Runs a query and returns its rows (BIGINT as bigint, DOUBLE as number, VARCHAR as string). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  run(sql: string): Promise<void>;
  close(): void;
}

/** An in-memory DuckDB: the production adapter (lambda/adapters/local/duckdb-engine.ts). */
export async function openDuckDb(): Promise<LocalEngine> {
  return openDuckDbEngine();
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'driftwatch-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const DUCK_TYPES: Record<ColumnType, string> = { string: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', timestamp: 'TIMESTAMP' };

const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;

/**
 * Writes `records` as Firehose would after format conversion: JSON lines read with the table's typed
 * columns (what the Glue schema does) and written as one Parquet file in the hour's partition folder.
 */
export async function writeFirehoseParquet(
  engine: LocalEngine,
  options: {
    readonly root: string;
    readonly prefix: 'predictions' | 'labels';
    readonly modelId: string;
    readonly dt: string;
    readonly hour: string;
    readonly columns: readonly TableColumn[];
    readonly records: readonly Record<string, unknown>[];
    readonly part?: number;
  },
): Promise<string> {
  const folder = path.join(options.root, options.prefix, options.modelId, `dt=${options.dt}`, `hour=${options.hour}`);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `part-${options.part ?? 0}.parquet`);
  const jsonl = `${file}.jsonl`;
  fs.writeFileSync(jsonl, options.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const columns = options.columns.map((c) => `${sqlPath(c.name)}: ${sqlPath(DUCK_TYPES[c.type])}`).join(', ');
  const select = options.columns.map((c) => `"${c.name}"`).join(', ');
  await engine.run(
    `COPY (SELECT ${select} FROM read_json(${sqlPath(jsonl)}, format = 'newline_delimited', columns = {${columns}})) ` +
      `TO ${sqlPath(file)} (FORMAT PARQUET)`,
  );
  fs.rmSync(jsonl);
  return file;
}

/**
 * Registers `"<database>"."<table>"` as a view over every Parquet file under `<root>/<prefix>/<modelId>/`,
 * with hive partitions dt and hour as VARCHAR (the Glue partition keys are strings).
 */
export async function registerFirehoseTable(
  engine: LocalEngine,
  options: { readonly root: string; readonly prefix: 'predictions' | 'labels'; readonly modelId: string; readonly database: string; readonly table: string },
): Promise<void> {
  const glob = path.join(options.root, options.prefix, options.modelId, '*', '*', '*.parquet');
  await engine.run(`CREATE SCHEMA IF NOT EXISTS "${options.database}"`);
  await engine.run(
    `CREATE OR REPLACE VIEW "${options.database}"."${options.table}" AS SELECT * FROM read_parquet(${sqlPath(glob)}, ` +
      `hive_partitioning = true, hive_types = {'dt': VARCHAR, 'hour': VARCHAR})`,
  );
}
