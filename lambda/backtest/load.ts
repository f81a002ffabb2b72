/**
 * Loads history into the local engine laid out as production: a prediction relation with the record
 * contract's columns (prediction_id, model_id, model_version, variant, event_time, features,
 * prediction, predicted_label) plus the `dt`/`hour` partition columns, a ground-truth relation
 * (prediction_id, label, label_time, dt, hour) and the reference-bins table the profile SQL joins.
 *
 * The rows are held once, as numbers: a staging table of doubles and dictionary codes (INTEGER)
 * loaded through the appender, one small table per string column's dictionary and one row per hour
 * with its partition. The prediction and ground-truth relations are VIEWs over them that add the
 * constant and derived columns and turn codes into strings as a query reads them: the SQL sees the
 * same columns and types as a table of the Firehose layout, and a query for a range of hours
 * converts only that range's rows. A table of strings would be held beside the staging table (a
 * million rows × 20 features: about 400 MB against 150 MB), and building it would copy every row.
 */
import type { Column } from '../core/types';
import type { DatasetProfile } from '../core/types';
import type { LoadColumn, TableEngine } from '../ports/query-engine';
import { hourPartition } from '../sql/partition';
import { referenceBinRows } from '../sql/profile-query';
import { sqlString } from '../sql/literal';
import { HOUR_MS } from './batches';

export interface HistoryTables {
  /** The prediction relation (a view). */
  readonly predictions: string;
  /** The ground-truth relation (a view), when the history has labels. */
  readonly labels: string | null;
  readonly referenceBins: string;
  readonly referenceId: string;
  /** Every object the load made, views first (the order `dropHistory` drops them in). */
  readonly objects: readonly { readonly kind: 'VIEW' | 'TABLE'; readonly name: string }[];
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

const q = (name: string) => `"${name}"`;

/** A column as staging holds it: a double, or a dictionary code (−1 missing) with its dictionary to load. */
interface Staged {
  readonly load: LoadColumn;
  readonly dictionary: { readonly table: string; readonly words: readonly string[] } | null;
}

function stage(column: Column, name: string, firstRow: number, n: number, prefix: string, index: number): Staged {
  if (column.kind === 'numeric') return { load: { name, type: 'double', values: column.values.subarray(firstRow, firstRow + n) }, dictionary: null };
  return {
    load: { name, type: 'integer', values: column.codes.subarray(firstRow, firstRow + n) },
    dictionary: { table: `${prefix}_dict${index}`, words: column.dictionary },
  };
}

/** How the views read a staged column: the double, or its code's string from its dictionary's join (NULL for −1). */
function readStaged(staged: Staged, index: number): { value: string; join: string } {
  if (!staged.dictionary) return { value: `s.${q(staged.load.name)}`, join: '' };
  // A join per dictionary, not a list indexed per row: DuckDB copies a scalar subquery's list into
  // every row it reads, which doubled the profile query's time.
  const alias = `d${index}`;
  return { value: `${alias}."value"`, join: ` LEFT JOIN ${q(staged.dictionary.table)} ${alias} ON ${alias}."code" = s.${q(staged.load.name)}` };
}

/** Loads the monitored rows and the reference bins; returns the relations' names. */
export async function loadHistory(engine: TableEngine, input: HistoryInput): Promise<HistoryTables> {
  const { prefix } = input;
  const names = { staging: `${prefix}_staging`, hours: `${prefix}_hours`, predictions: `${prefix}_predictions`, labels: input.label ? `${prefix}_labels` : null };
  const referenceBins = `${prefix}_reference_bins`;
  const staged = stageColumns(input);
  const dictionaries = staged.all.flatMap((s) => (s.dictionary ? [s.dictionary] : []));
  const objects: HistoryTables['objects'] = [
    { kind: 'VIEW', name: names.predictions },
    ...(names.labels ? [{ kind: 'VIEW' as const, name: names.labels }] : []),
    ...[names.staging, names.hours, referenceBins, ...dictionaries.map((d) => d.table)].map((name) => ({ kind: 'TABLE' as const, name })),
  ];
  await loadStaging(engine, input, names.staging, staged, dictionaries);
  await loadHours(engine, input.hourOfRow, names.hours);
  await createViews(engine, input.modelId, names, staged);
  // The reference bins as a table (the production path: inline bins for 20 features × 1000 fine
  // edges would pass Athena's query-size limit).
  const referenceId = input.referenceId ?? 'backtest';
  await loadReferenceBins(engine, referenceBins, referenceId, input.reference);
  return { predictions: names.predictions, labels: names.labels, referenceBins, referenceId, objects };
}

interface StagedColumns {
  /** In the staging table's order: the features, then prediction, predicted_label and label. */
  readonly all: readonly Staged[];
  readonly features: readonly Staged[];
  readonly prediction: Staged | null;
  readonly predictedLabel: Staged | null;
  readonly label: Staged | null;
}

function stageColumns(input: HistoryInput): StagedColumns {
  const n = input.hourOfRow.length;
  const all: Staged[] = [];
  const add = (column: Column, name: string) => {
    const s = stage(column, name, input.firstRow, n, input.prefix, all.length);
    all.push(s);
    return s;
  };
  const features = input.features.map((c) => add(c, c.name));
  const prediction = input.prediction ? add(input.prediction, 'prediction') : null;
  const predictedLabel = input.predictedLabel ? add(input.predictedLabel, 'predicted_label') : null;
  const label = input.label ? add(input.label, 'label') : null;
  return { all, features, prediction, predictedLabel, label };
}

/** The staging table (row id, hour key, the staged columns) and one small table per dictionary. */
async function loadStaging(engine: TableEngine, input: HistoryInput, staging: string, staged: StagedColumns, dictionaries: readonly NonNullable<Staged['dictionary']>[]): Promise<void> {
  const n = input.hourOfRow.length;
  const rowIds = new Float64Array(n);
  for (let r = 0; r < n; r++) rowIds[r] = input.firstRow + r;
  const columns: LoadColumn[] = [
    // INTEGER when it fits: a BIGINT costs a BigInt per row on the way in.
    { name: 'row_id', type: input.firstRow + n < 2 ** 31 ? 'integer' : 'bigint', values: rowIds },
    { name: 'hour_key', type: 'integer', values: input.hourOfRow },
    ...staged.all.map((s) => s.load),
  ];
  await engine.loadTable(staging, columns, n);
  for (const d of dictionaries) {
    const codes = Int32Array.from(d.words.keys());
    await engine.loadTable(d.table, [{ name: 'code', type: 'integer', values: codes }, { name: 'value', type: 'varchar', codes, dictionary: d.words }], d.words.length);
  }
}

/** One row per distinct hour: its Firehose partition (dt, hour), which the views add to each row. */
async function loadHours(engine: TableEngine, hourOfRow: Float64Array, hoursTable: string): Promise<void> {
  const distinct = [...new Set(hourOfRow)].sort((a, b) => a - b);
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
}

/** The prediction and ground-truth views over staging, with the record contract's columns. */
async function createViews(engine: TableEngine, modelId: string, names: { staging: string; hours: string; predictions: string; labels: string | null }, staged: StagedColumns): Promise<void> {
  const read = new Map(staged.all.map((st, i) => [st, readStaged(st, i)] as const));
  const value = (st: Staged) => (read.get(st) as { value: string }).value;
  const joins = (list: readonly (Staged | null)[]) => list.map((st) => (st ? (read.get(st) as { join: string }).join : '')).join('');
  const { features, prediction, predictedLabel, label } = staged;
  const featureList = features.map((st) => `${value(st)} AS ${q(st.load.name)}`).join(', ');
  // The hour's start, computed once per hour (not per row) before the join.
  const hoursWithTime = `(SELECT *, CAST("dt" || ' ' || "hour" || ':00:00' AS TIMESTAMP) AS "event_time" FROM ${q(names.hours)})`;
  const eventTime = 'h."event_time"';
  const fromHours = `FROM ${q(names.staging)} s JOIN ${hoursWithTime} h ON h."hour_key" = s."hour_key"`;
  await engine.run(
    `CREATE VIEW ${q(names.predictions)} AS SELECT CAST(s."row_id" AS VARCHAR) AS "prediction_id", ` +
      `${sqlString(modelId)} AS "model_id", 'backtest' AS "model_version", 'champion' AS "variant", ${eventTime} AS "event_time", ` +
      `${featureList}, ${prediction ? value(prediction) : 'CAST(NULL AS DOUBLE)'} AS "prediction", ` +
      `${predictedLabel ? value(predictedLabel) : 'CAST(NULL AS VARCHAR)'} AS "predicted_label", h."dt", h."hour" ` +
      `${fromHours}${joins([...features, prediction, predictedLabel])}`,
  );
  if (names.labels && label) {
    const labelled = label.dictionary ? `s."label" >= 0` : `s."label" IS NOT NULL`;
    await engine.run(
      `CREATE VIEW ${q(names.labels)} AS SELECT CAST(s."row_id" AS VARCHAR) AS "prediction_id", ${value(label)} AS "label", ` +
        `${eventTime} AS "label_time", h."dt", h."hour" ${fromHours}${joins([label])} WHERE ${labelled}`,
    );
  }
}

/** Strings as dictionary codes (−1 for null), as the engine's loader takes them. */
function dictionaryOf(values: readonly (string | null)[]): { codes: number[]; dictionary: string[] } {
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
}

async function loadReferenceBins(engine: TableEngine, table: string, referenceId: string, reference: DatasetProfile): Promise<void> {
  const bins = referenceBinRows(reference);
  await engine.loadTable(
    table,
    [
      { name: 'reference_id', type: 'varchar', ...dictionaryOf(bins.map(() => referenceId)) },
      { name: 'feature', type: 'varchar', ...dictionaryOf(bins.map((b) => b.feature)) },
      { name: 'bin_set', type: 'varchar', ...dictionaryOf(bins.map((b) => b.bin_set)) },
      { name: 'position', type: 'bigint', values: bins.map((b) => b.position) },
      { name: 'edge', type: 'double', values: bins.map((b) => (b.edge === null ? Number.NaN : b.edge)) },
      { name: 'category', type: 'varchar', ...dictionaryOf(bins.map((b) => b.category)) },
    ],
    bins.length,
  );
}

/** Drops the run's views and tables (when the engine was given by the caller and stays open). */
export async function dropHistory(engine: TableEngine, tables: HistoryTables): Promise<void> {
  for (const o of tables.objects) await engine.run(`DROP ${o.kind} IF EXISTS ${q(o.name)}`);
}
