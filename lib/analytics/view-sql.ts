/**
 * The SQL of the per-model view joining predictions to their (late) labels. Every name is a
 * validated identifier quoted with quoteIdentifier, so no config value can inject SQL.
 */
import { quoteIdentifier } from '../../lambda/core/schema/identifier';
import type { TableColumn } from '../../lambda/core/schema/record-schema';

export interface JoinedViewSqlOptions {
  readonly databaseName: string;
  readonly viewName: string;
  readonly predictionTable: string;
  readonly labelTable: string;
  /** The prediction table's columns (predictionColumns), selected explicitly so the view's shape is fixed. */
  readonly predictionColumns: readonly TableColumn[];
  /** Days of predictions (and labels) the view covers, by UTC arrival date. */
  readonly lookbackDays: number;
}

/**
 * `CREATE OR REPLACE VIEW` joining each prediction of the lookback window to its latest label.
 * Rows without a label stay (LEFT JOIN) with `labelled = false`, so label coverage is a plain
 * `avg(CAST(labelled AS double))`. Both sides are pruned on the `dt` partition.
 *
 * @example
 * joinedViewSql({ databaseName: 'driftwatch_dev', viewName: 'labelled_predictions_fraud', ... })
 */
export function joinedViewSql(o: JoinedViewSqlOptions): string {
  if (!Number.isInteger(o.lookbackDays) || o.lookbackDays < 1) {
    throw new Error(`lookbackDays must be a positive integer, got ${o.lookbackDays}`);
  }
  const q = quoteIdentifier;
  const db = q(o.databaseName);
  const since = `date_format(current_date - INTERVAL '${o.lookbackDays}' DAY, '%Y-%m-%d')`;
  const selected = [
    ...o.predictionColumns.map((c) => `p.${q(c.name)}`),
    `p.${q('dt')}`,
    `p.${q('hour')}`,
    `l.${q('label')}`,
    `l.${q('label_time')}`,
    `(l.${q('prediction_id')} IS NOT NULL) AS ${q('labelled')}`,
  ];
  return [
    `CREATE OR REPLACE VIEW ${db}.${q(o.viewName)} AS`,
    'SELECT',
    selected.map((s) => `  ${s}`).join(',\n'),
    `FROM ${db}.${q(o.predictionTable)} p`,
    'LEFT JOIN (',
    `  SELECT ${q('prediction_id')}, ${q('label')}, ${q('label_time')},`,
    `    row_number() OVER (PARTITION BY ${q('prediction_id')} ORDER BY ${q('label_time')} DESC) AS ${q('label_rank')}`,
    `  FROM ${db}.${q(o.labelTable)}`,
    `  WHERE ${q('dt')} >= ${since}`,
    `) l ON l.${q('prediction_id')} = p.${q('prediction_id')} AND l.${q('label_rank')} = 1`,
    `WHERE p.${q('dt')} >= ${since}`,
  ].join('\n');
}
