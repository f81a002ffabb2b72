/**
 * Loads history into the local engine laid out as production: a prediction table with the record
 * contract's columns (prediction_id, model_id, model_version, variant, event_time, features,
 * prediction, predicted_label) plus the `dt`/`hour` partition columns, a ground-truth table
 * (prediction_id, label, label_time, dt, hour) and the reference-bins table the profile SQL joins.
 *
 * Columns go in through the appender into a narrow staging table (numbers and codes only); one
 * CREATE TABLE AS then adds the constant and derived columns natively, so no per-row strings are
 * built in JavaScript.
 */
import type { Column } from '../core/types';
import type { DatasetProfile } from '../core/types';
import type { LoadColumn, TableEngine } from '../ports/query-engine';
import { hourPartition } from '../sql/partition';
import { referenceBinRows } from '../sql/profile-query';
import { sqlString } from '../sql/literal';
import { HOUR_MS } from './batches';

export interface HistoryTables {
  readonly predictions: string;
  readonly labels: string | null;
  readonly referenceBins: string;
  readonly referenceId: string;
}

export interface HistoryInput {
  /** Table name prefix (an identifier), unique per run on a shared engine. */
  readonly prefix: string;
  readonly modelId: string;
  /** Feature columns already renamed to their identifiers, rows [firstRow, firstRow + n). */
  readonly features: readonly Column[];
  readonly prediction: Column | null;
  readonly predictedLabel: Column | null;
  readonly label: Column | null;
  readonly firstRow: number;
  /** Hour (since 1970) of each monitored row. */
  readonly hourOfRow: Float64Array;
  readonly reference: DatasetProfile;
  /** The reference's id in the bins table. @default 'backtest' */
  readonly referenceId?: string;
}

function toLoadColumn(column: Column, name: string, firstRow: number, n: number): LoadColumn {
  return column.kind === 'numeric'
    ? { name, type: 'double', values: column.values.subarray(firstRow, firstRow + n) }
    : { name, type: 'varchar', codes: column.codes.subarray(firstRow, firstRow + n), dictionary: column.dictionary };
}

const q = (name: string) => `"${name}"`;

/** Loads the monitored rows and the reference bins; returns the table names. */
export async function loadHistory(engine: TableEngine, input: HistoryInput): Promise<HistoryTables> {
  const n = input.hourOfRow.length;
  const { prefix, firstRow } = input;
  const staging = `${prefix}_staging`;
  const hoursTable = `${prefix}_hours`;
  const tables: HistoryTables = {
    predictions: `${prefix}_predictions`,
    labels: input.label ? `${prefix}_labels` : null,
    referenceBins: `${prefix}_reference_bins`,
    referenceId: input.referenceId ?? 'backtest',
  };

  const rowIds = new Float64Array(n);
  for (let r = 0; r < n; r++) rowIds[r] = firstRow + r;
  const columns: LoadColumn[] = [
    // INTEGER when it fits: a BIGINT costs a BigInt per row on the way in.
    { name: 'row_id', type: firstRow + n < 2 ** 31 ? 'integer' : 'bigint', values: rowIds },
    { name: 'hour_key', type: 'integer', values: input.hourOfRow },
    ...input.features.map((c) => toLoadColumn(c, c.name, firstRow, n)),
  ];
  if (input.prediction) columns.push(toLoadColumn(input.prediction, 'prediction', firstRow, n));
  if (input.predictedLabel) columns.push(toLoadColumn(input.predictedLabel, 'predicted_label', firstRow, n));
  if (input.label) columns.push(toLoadColumn(input.label, 'label', firstRow, n));
  await engine.loadTable(staging, columns, n);

  // One row per distinct hour: its Firehose partition (dt, hour) and the hour's start as event time.
  const distinct = [...new Set(input.hourOfRow)].sort((a, b) => a - b);
  const dts: string[] = [];
  const hrs: string[] = [];
  for (const h of distinct) {
    const p = hourPartition(new Date(h * HOUR_MS));
    dts.push(p.dt);
    hrs.push(p.hour);
  }
  const index = (values: string[]) => Int32Array.from(values.keys());
  await engine.loadTable(
    hoursTable,
    [
      { name: 'hour_key', type: 'integer', values: distinct },
      { name: 'dt', type: 'varchar', codes: index(dts), dictionary: dts },
      { name: 'hour', type: 'varchar', codes: index(hrs), dictionary: hrs },
    ],
    distinct.length,
  );

  const featureList = input.features.map((c) => `s.${q(c.name)}`).join(', ');
  // The hour's start, computed once per hour (not per row) before the join.
  const hoursWithTime = `(SELECT *, CAST("dt" || ' ' || "hour" || ':00:00' AS TIMESTAMP) AS "event_time" FROM ${q(hoursTable)})`;
  const eventTime = 'h."event_time"';
  await engine.run(
    `CREATE TABLE ${q(tables.predictions)} AS SELECT CAST(s."row_id" AS VARCHAR) AS "prediction_id", ` +
      `${sqlString(input.modelId)} AS "model_id", 'backtest' AS "model_version", 'champion' AS "variant", ${eventTime} AS "event_time", ` +
      `${featureList}, ${input.prediction ? 's."prediction"' : 'CAST(NULL AS DOUBLE)'} AS "prediction", ` +
      `${input.predictedLabel ? 's."predicted_label"' : 'CAST(NULL AS VARCHAR)'} AS "predicted_label", h."dt", h."hour" ` +
      `FROM ${q(staging)} s JOIN ${hoursWithTime} h ON h."hour_key" = s."hour_key"`,
  );
  if (tables.labels) {
    await engine.run(
      `CREATE TABLE ${q(tables.labels)} AS SELECT CAST(s."row_id" AS VARCHAR) AS "prediction_id", s."label", ` +
        `${eventTime} AS "label_time", h."dt", h."hour" ` +
        `FROM ${q(staging)} s JOIN ${hoursWithTime} h ON h."hour_key" = s."hour_key" WHERE s."label" IS NOT NULL`,
    );
  }
  await engine.run(`DROP TABLE ${q(staging)}`);

  // The reference bins as a table (the production path: inline bins for 20 features × 1000 fine
  // edges would pass Athena's query-size limit).
  const bins = referenceBinRows(input.reference);
  const strings = (values: (string | null)[]) => {
    const dictionary: string[] = [];
    const at = new Map<string, number>();
    const codes = values.map((v) => {
      if (v === null) return -1;
      let c = at.get(v);
      if (c === undefined) {
        c = dictionary.length;
        at.set(v, c);
        dictionary.push(v);
      }
      return c;
    });
    return { codes, dictionary };
  };
  await engine.loadTable(
    tables.referenceBins,
    [
      { name: 'reference_id', type: 'varchar', ...strings(bins.map(() => tables.referenceId)) },
      { name: 'feature', type: 'varchar', ...strings(bins.map((b) => b.feature)) },
      { name: 'bin_set', type: 'varchar', ...strings(bins.map((b) => b.bin_set)) },
      { name: 'position', type: 'bigint', values: bins.map((b) => b.position) },
      { name: 'edge', type: 'double', values: bins.map((b) => (b.edge === null ? Number.NaN : b.edge)) },
      { name: 'category', type: 'varchar', ...strings(bins.map((b) => b.category)) },
    ],
    bins.length,
  );
  return tables;
}

/** Drops the run's tables (when the engine was given by the caller and stays open). */
export async function dropHistory(engine: TableEngine, tables: HistoryTables): Promise<void> {
  for (const t of [tables.predictions, tables.labels, tables.referenceBins, ]) {
    if (t) await engine.run(`DROP TABLE IF EXISTS ${q(t)}`);
  }
  await engine.run(`DROP TABLE IF EXISTS ${q(tables.predictions.replace(/_predictions$/, '_hours'))}`);
}
