/**
 * Two days of a model in production, from real data: the UCI bank-marketing rows (shipped in the
 * repository) logged as a binary classifier's predictions, 300 an hour from 2026-11-24T00:00Z, written
 * as Parquet in exactly Firehose's layout (`predictions/<model>/dt=/hour=/`, labels likewise) and
 * registered in DuckDB under the Glue tables' names. Hours 0-29 and the reference are drawn (seeded
 * shuffle) from 2008's first 20,000 rows; from hour 30 the rows come from 2010, the documented
 * change (the economy moved: euribor3m, emp.var.rate, nr.employed, ...), so drift starts at hour 30.
 */
import * as path from 'node:path';
import { modelSchema, type ModelConfig } from '../../config/schema';
import { groundTruthColumns, predictionColumns } from '../../lambda/core/schema/record-schema';
import type { Column, Dataset } from '../../lambda/core/types';
import { referenceWindows } from '../../lambda/backtest/drift-bands';
import type { BacktestConfig } from '../../lambda/backtest';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import { fitReference, type MonitorReference } from '../../lambda/monitor/reference';
import type { MonitorTables } from '../../lambda/monitor/profile';
import { bankSpec, readBank } from '../sql/bank';
import { registerFirehoseTable, writeFirehoseParquet, type LocalEngine } from '../support/duckdb';
import { prng } from '../support/random';

export const ENV = 'test';
export const MODEL_ID = bankSpec.modelId;
export const START = Date.UTC(2026, 10, 24); // 2026-11-24T00:00Z
export const HOURS = 48;
export const ROWS_PER_HOUR = 300;
export const DRIFT_FROM_HOUR = 30;
export const WINDOW = { name: '6h', hours: 6 } as const;
const HOUR_MS = 3_600_000;

export const config: ModelConfig = modelSchema.parse({
  id: MODEL_ID,
  owner: { name: 'Growth ML', email: 'growth-ml@example.com', pagerDutySecretName: 'dw/test/pd', slackWebhookSecretName: 'dw/test/slack' },
  task: 'binary_classification',
  features: bankSpec.features,
  prediction: { type: 'score' },
  label: { classes: ['no', 'yes'], positiveClass: 'yes' },
  baseline: { days: 14 },
  monitor: { windows: [WINDOW], settleMinutes: 20, reprofileHours: 2, topK: 5, minRows: 100 },
});

export const model = monitorModelFromConfig(ENV, config, WINDOW.hours);

export const tables: MonitorTables = {
  predictions: { database: 'driftwatch_test', table: `predictions_${MODEL_ID}` },
  labels: { database: 'driftwatch_test', table: `labels_${MODEL_ID}` },
};

export type BankRecord = Record<string, unknown>;

export interface Production {
  /** The 10,000 reference rows (with event times over the 14 days before START). */
  readonly reference: BankRecord[];
  /** Hour h's records, h = 0..47. */
  readonly hours: BankRecord[][];
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The records of the two days and of the reference (deterministic). */
export function production(): Production {
  const bank = readBank();
  const early = shuffled(bank.slice(0, 20_000), 7);
  const late = shuffled(bank.slice(36_000), 11);
  const stamp = (r: BankRecord, ms: number, id: string): BankRecord => ({ ...r, prediction_id: id, model_id: MODEL_ID, event_time: iso(ms) });
  const refStart = START - 14 * 24 * HOUR_MS;
  const reference = early.slice(0, 10_000).map((r, i) => stamp(r, refStart + Math.floor((i * 14 * 24 * HOUR_MS) / 10_000), `ref-${i}`));
  const pre = early.slice(10_000);
  const hours = Array.from({ length: HOURS }, (_, h) => {
    const source = h < DRIFT_FROM_HOUR ? pre.slice(h * ROWS_PER_HOUR, (h + 1) * ROWS_PER_HOUR) : late.slice((h - DRIFT_FROM_HOUR) * ROWS_PER_HOUR, (h - DRIFT_FROM_HOUR + 1) * ROWS_PER_HOUR);
    return source.map((r, i) => stamp(r, START + h * HOUR_MS + Math.floor((i * HOUR_MS) / ROWS_PER_HOUR), `p-${h}-${i}`));
  });
  return { reference, hours };
}

/** Writes every hour's predictions and labels (labels land in the same hour) in Firehose's layout, and registers the tables. */
export async function writeProduction(engine: LocalEngine, root: string, p: Production, hours = HOURS): Promise<void> {
  const columns = predictionColumns({ ...bankSpec });
  const labelColumns = groundTruthColumns(bankSpec);
  for (let h = 0; h < hours; h++) {
    const at = iso(START + h * HOUR_MS);
    const partition = { root, modelId: MODEL_ID, dt: at.slice(0, 10), hour: at.slice(11, 13) };
    await writeFirehoseParquet(engine, { ...partition, prefix: 'predictions', columns, records: p.hours[h] });
    const labels = p.hours[h].map((r) => ({ prediction_id: r.prediction_id, label: r.predicted_label, label_time: r.event_time }));
    await writeFirehoseParquet(engine, { ...partition, prefix: 'labels', columns: labelColumns, records: labels });
  }
  for (const prefix of ['predictions', 'labels'] as const) {
    await registerFirehoseTable(engine, { root, prefix, modelId: MODEL_ID, database: tables.predictions.database as string, table: `${prefix}_${MODEL_ID}` });
  }
}

/** Records as a core Dataset: the features plus the model columns and event_time (ISO text). */
export function recordsDataset(records: readonly BankRecord[]): Dataset {
  const categorical = (name: string, values: readonly unknown[]): Column => {
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = Int32Array.from(values, (v) => {
      if (v === null || v === undefined) return -1;
      const s = String(v);
      if (!index.has(s)) index.set(s, index.size) && dictionary.push(s);
      return index.get(s) as number;
    });
    return { kind: 'categorical', name, codes, dictionary };
  };
  const columns: Column[] = bankSpec.features.map((f) =>
    f.kind === 'numeric'
      ? { kind: 'numeric', name: f.name, values: Float64Array.from(records, (r) => (r[f.name] === null ? NaN : (r[f.name] as number))) }
      : categorical(f.name, records.map((r) => r[f.name])),
  );
  columns.push({ kind: 'numeric', name: 'prediction', values: Float64Array.from(records, (r) => r.prediction as number) });
  columns.push(categorical('predicted_label', records.map((r) => r.predicted_label)));
  columns.push(categorical('label', records.map((r) => r.predicted_label)));
  columns.push(categorical('event_time', records.map((r) => r.event_time)));
  return { rowCount: records.length, columns };
}

/** The same model as a backtest config: 6-hour windows over event_time, the same baseline length. */
export const backtestConfig: BacktestConfig = {
  modelId: MODEL_ID,
  task: 'binary_classification',
  features: bankSpec.features,
  reference: { file: 'reference' },
  window: { column: 'event_time', every: WINDOW.name },
  prediction: 'prediction',
  predictedLabel: 'predicted_label',
  label: 'label',
  positiveLabel: 'yes',
  baseline: { windows: model.baseline.windows },
};

/** The reference exactly as the backtest fits it (profile, drift bands over 6-hour reference windows). */
export function productionReference(p: Production): MonitorReference {
  const data = recordsDataset(p.reference);
  const featureData: Dataset = { rowCount: data.rowCount, columns: data.columns.filter((c) => bankSpec.features.some((f) => f.name === c.name)) };
  const eventTime = data.columns.find((c) => c.name === 'event_time') as Extract<Column, { kind: 'categorical' }>;
  const hours = Float64Array.from(eventTime.codes, (code) => Math.floor(Date.parse(eventTime.dictionary[code]) / HOUR_MS));
  return fitReference(model, featureData, referenceWindows(backtestConfig, featureData, hours), { source: 'reference', createdAt: new Date(0) });
}

export const fixtureDir = path.join(__dirname);
