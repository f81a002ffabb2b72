/**
 * The columns a table really has (Glue in the cloud), so a failed query can say which column is
 * missing or typed differently instead of quoting the engine's error alone.
 */
export interface TableColumnInfo {
  readonly name: string;
  /** The catalog's type, lower case: 'double', 'string', 'bigint', 'timestamp', ... */
  readonly type: string;
}

export interface TableSchemaSource {
  /** The table's columns (partition keys included), or null when the table does not exist. */
  columns(database: string, table: string): Promise<readonly TableColumnInfo[] | null>;
}
