import { quoteIdentifier } from '../core/schema/identifier';

/** A table as the engine names it: Glue database + table in Athena, schema + view in DuckDB. */
export interface TableRef {
  readonly database?: string;
  readonly table: string;
}

/** `"database"."table"` (or `"table"`), each part validated and quoted. */
export function qualifiedTable(ref: TableRef): string {
  return ref.database === undefined ? quoteIdentifier(ref.table) : `${quoteIdentifier(ref.database)}.${quoteIdentifier(ref.table)}`;
}
