/**
 * What is wrong with a model's prediction table, from the table's real columns: a feature column
 * missing, or typed other than the record contract says (`predictionColumns`). Pure; the handler
 * asks it when a query fails, so the "monitor failed" event names the column.
 */
import { predictionColumns } from '../core/schema/record-schema';
import type { TableColumnInfo } from '../ports/table-schema';
import { recordSpecOf, type MonitorModel } from './model';

/** The catalog types a contract type may have (Athena reads a float column as a double). */
const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
  string: ['string', 'varchar'],
  double: ['double', 'float'],
  bigint: ['bigint', 'int', 'integer'],
  timestamp: ['timestamp'],
};

/**
 * One line per problem, naming the column, the table and both types; empty when the table fits.
 * @example schemaProblems(model, 'predictions_fraud', [{ name: 'amount', type: 'string' }, ...])
 *   // ['column "amount" of predictions_fraud is string; the model expects double (a numeric feature)']
 */
export function schemaProblems(model: MonitorModel, table: string, columns: readonly TableColumnInfo[] | null): string[] {
  if (columns === null) return [`table ${table} does not exist`];
  const actual = new Map(columns.map((c) => [c.name.toLowerCase(), c.type.toLowerCase().replace(/\(.*$/, '')]));
  const problems: string[] = [];
  for (const c of predictionColumns(recordSpecOf(model))) {
    const type = actual.get(c.name);
    if (type === undefined) problems.push(`column ${JSON.stringify(c.name)} is missing from ${table} (${c.comment})`);
    else if (!(ACCEPTED[c.type] ?? [c.type]).includes(type)) problems.push(`column ${JSON.stringify(c.name)} of ${table} is ${type}; the model expects ${c.type} (${c.comment})`);
  }
  return problems;
}
