/**
 * The query engine the monitor sends its SQL to: Athena in the cloud, DuckDB in-process locally
 * (`lambda/adapters/local/duckdb-engine.ts`). The SQL is the portable dialect of `lambda/sql`.
 */

/**
 * Runs one SQL statement and returns its rows as objects keyed by column name. Values are what the
 * engine gives (DuckDB: BIGINT as bigint, DOUBLE as number; Athena: strings); the parsers in
 * `lambda/sql` accept all of them.
 */
export interface QueryEngine {
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Releases the engine's resources; further queries fail. */
  close(): void | Promise<void>;
}

/**
 * A column to load: numbers (NaN = NULL), integers, or strings as dictionary codes (−1 = NULL) held
 * as strings (`varchar`) or as an enumerated type (`enum`). An enum column holds only its codes (1 to
 * 4 bytes a row) under a type named `enumType`, which the load creates (from the dictionary, unique
 * strings in code order) and the caller drops after the table; read it as `CAST(name AS VARCHAR)`,
 * which costs nothing in a query that does not read it (a join to a dictionary table is made by every
 * query reading the relation, used or not).
 */
export type LoadColumn =
  | { readonly name: string; readonly type: 'double'; readonly values: ArrayLike<number> }
  | { readonly name: string; readonly type: 'integer' | 'bigint'; readonly values: ArrayLike<number> }
  | { readonly name: string; readonly type: 'varchar'; readonly codes: ArrayLike<number>; readonly dictionary: readonly string[] }
  | { readonly name: string; readonly type: 'enum'; readonly codes: ArrayLike<number>; readonly dictionary: readonly string[]; readonly enumType: string };

/**
 * An engine that can also hold local tables (DuckDB): the backtest loads history into it and then
 * runs the production SQL over it.
 */
export interface TableEngine extends QueryEngine {
  /** Runs a statement that returns no rows (DDL, CREATE TABLE AS). */
  run(sql: string): Promise<void>;
  /** Creates `table` with these columns (names must be identifiers) and appends `rowCount` rows. */
  loadTable(table: string, columns: readonly LoadColumn[], rowCount: number): Promise<void>;
}

/** Where `unload` writes: Parquet files under `location`, in `<column>=<value>/` folders per `partitionBy` column. */
export interface UnloadTarget {
  /** `s3://bucket/prefix/` (Athena) or a local directory (DuckDB); it must hold no file yet. */
  readonly location: string;
  /** Columns (the SELECT's last ones, in order) whose values name the folders; they are not written inside the files. */
  readonly partitionBy?: readonly string[];
}

/**
 * An engine that can write a query's rows as Parquet files instead of returning them: Athena's
 * `UNLOAD (...) TO ... WITH (format = 'PARQUET')`, DuckDB's `COPY (...) TO ... (FORMAT parquet)`.
 * The SELECT is the same text for both.
 */
export interface UnloadEngine extends QueryEngine {
  unload(select: string, target: UnloadTarget): Promise<void>;
}
