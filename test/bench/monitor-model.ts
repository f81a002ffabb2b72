/**
 * The model `npm run bench:monitor` measures: a binary classifier with 50 features — 35 numeric in
 * seven shapes (normal, log-normal amounts, exponential, uniform, integer counts with ties, bimodal,
 * a 1–5 rating), 15 categorical with 5 to 200 levels (Zipf-weighted) — four numeric and two
 * categorical features with missing values, and importances falling off as 1 / (rank + 1) so the
 * top-K metrics are a real choice. Every row comes from a seeded PRNG (`test/support/random.ts`):
 * the same seed gives the same rows, the same Parquet and the same profiles on every machine.
 */
import { modelSchema, type ModelConfig } from '../../config/schema';
import type { Column, Dataset } from '../../lambda/core/types';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import type { MonitorModel } from '../../lambda/monitor/model';
import { fitReference, type MonitorReference } from '../../lambda/monitor/reference';
import { normal, pick, prng, zipfTable } from './support';

export const ENV = 'bench';
export const MODEL_ID = 'bench_wide50';

export const NUMERIC_FEATURES = 35;
/** Levels of the 15 categorical features. */
export const CATEGORICAL_LEVELS = [5, 6, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 100, 150, 200] as const;
/** Missing-value rates of the features that have them (the others never miss). */
const MISSING: Readonly<Record<string, number>> = { n03: 0.01, n10: 0.02, n17: 0.05, n24: 0.005, c03: 0.01, c09: 0.03 };

const pad = (i: number) => String(i).padStart(2, '0');
export const NUMERIC_NAMES = Array.from({ length: NUMERIC_FEATURES }, (_, i) => `n${pad(i)}`);
export const CATEGORICAL_NAMES = CATEGORICAL_LEVELS.map((_, i) => `c${pad(i)}`);
export const FEATURE_NAMES = [...NUMERIC_NAMES, ...CATEGORICAL_NAMES];
const LEVEL_NAMES = CATEGORICAL_LEVELS.map((n, c) => Array.from({ length: n }, (_, k) => `c${pad(c)}_L${String(k).padStart(3, '0')}`));
const LEVEL_TABLES = CATEGORICAL_LEVELS.map((n) => zipfTable(n, 1.1));
/** c01 reweighted (flatter) in a drifted hour. */
const DRIFTED_C01 = zipfTable(CATEGORICAL_LEVELS[1], 0.3);

/** The platform config entry of the benchmark model (validated like `config/<env>.ts`; monitor defaults: windows 1d and 7d, top-K 10). */
export const config: ModelConfig = modelSchema.parse({
  id: MODEL_ID,
  owner: { name: 'Bench ML', email: 'bench-ml@example.com', pagerDutySecretName: 'dw/bench/pd', slackWebhookSecretName: 'dw/bench/slack' },
  task: 'binary_classification',
  features: FEATURE_NAMES.map((name, rank) => ({
    name,
    kind: rank < NUMERIC_FEATURES ? 'numeric' : 'categorical',
    importance: 1 / (rank + 1),
  })),
  prediction: { type: 'score' },
  label: { classes: ['no', 'yes'], positiveClass: 'yes' },
});

/** The model as the engine sees it for a window of `windowHours`. */
export function benchModel(windowHours = 24): MonitorModel {
  return monitorModelFromConfig(ENV, config, windowHours);
}

/** One numeric value of shape `j % 7` (null when missing); `drift` shifts n00 and widens n01. */
function numericValue(random: () => number, j: number, drift: boolean): number | null {
  const rate = MISSING[NUMERIC_NAMES[j]];
  if (rate !== undefined && random() < rate) return null;
  switch (j % 7) {
    case 0:
      return Number((normal(random) + (drift && j === 0 ? 0.6 : 0)).toFixed(5));
    case 1:
      return Number((Math.exp(0.8 * normal(random)) * 40 * (drift && j === 1 ? 1.5 : 1)).toFixed(2));
    case 2:
      return Number((-Math.log(1 - random()) * 3).toFixed(4));
    case 3:
      return Number((random() * 1000).toFixed(2));
    case 4:
      return Math.floor(Math.exp(1.2 * normal(random)) * 3);
    case 5:
      return Number((random() < 0.3 ? normal(random) * 0.5 - 2 : normal(random) + 2).toFixed(4));
    default:
      return 1 + Math.floor(random() * 5);
  }
}

/** One categorical value of feature c (null when missing). */
function categoricalValue(random: () => number, c: number, drift: boolean): string | null {
  const rate = MISSING[CATEGORICAL_NAMES[c]];
  if (rate !== undefined && random() < rate) return null;
  const table = drift && c === 1 ? DRIFTED_C01 : LEVEL_TABLES[c];
  return LEVEL_NAMES[c][pick(table, random())];
}

/** One row of feature values in FEATURE_NAMES order. */
export function drawFeatures(random: () => number, drift = false): (number | string | null)[] {
  const row: (number | string | null)[] = [];
  for (let j = 0; j < NUMERIC_FEATURES; j++) row.push(numericValue(random, j, drift));
  for (let c = 0; c < CATEGORICAL_LEVELS.length; c++) row.push(categoricalValue(random, c, drift));
  return row;
}

/** The model's score for a row: a logistic of a few features. */
function score(row: readonly (number | string | null)[]): number {
  const x0 = (row[0] as number | null) ?? 0;
  const x5 = (row[5] as number | null) ?? 2;
  const c0 = row[NUMERIC_FEATURES] === null ? 0 : Number(String(row[NUMERIC_FEATURES]).slice(-3));
  const z = 0.9 * x0 + 0.3 * x5 - 0.4 * c0 - 1;
  return Number((1 / (1 + Math.exp(-z))).toFixed(6));
}

/** 32 hex digits, like a UUID without dashes (ids are the least compressible column the label join reads). */
function hexId(random: () => number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  return s;
}

export interface HourRecords {
  readonly predictions: Record<string, unknown>[];
  readonly labels: Record<string, unknown>[];
}

/**
 * One hour of prediction records (the logging client's JSON, as Firehose receives it) and one label
 * per prediction, event times spread evenly over the hour.
 */
export function hourRecords(hourStartMs: number, rows: number, seed: number, drift = false): HourRecords {
  const random = prng(seed);
  const predictions: Record<string, unknown>[] = [];
  const labels: Record<string, unknown>[] = [];
  for (let i = 0; i < rows; i++) {
    const row = drawFeatures(random, drift);
    const p = score(row);
    const id = hexId(random);
    const eventTime = new Date(hourStartMs + Math.floor((i * 3_600_000) / rows)).toISOString();
    const record: Record<string, unknown> = {
      prediction_id: id,
      model_id: MODEL_ID,
      model_version: '7',
      variant: random() < 0.9 ? 'champion' : 'challenger',
      event_time: eventTime,
    };
    FEATURE_NAMES.forEach((name, j) => {
      record[name] = row[j];
    });
    record.prediction = p;
    record.predicted_label = p >= 0.5 ? 'yes' : 'no';
    predictions.push(record);
    labels.push({ prediction_id: id, label: random() < p ? 'yes' : 'no', label_time: new Date(hourStartMs + Math.floor((i * 3_600_000) / rows) + 1_000).toISOString() });
  }
  return { predictions, labels };
}

/** `rows` reference rows as a core Dataset (missing numbers NaN, missing categories code −1). */
export function referenceDataset(rows: number, seed: number): Dataset {
  const random = prng(seed);
  const numeric = NUMERIC_NAMES.map(() => new Float64Array(rows));
  const codes = CATEGORICAL_NAMES.map(() => new Int32Array(rows));
  const index = LEVEL_NAMES.map((names) => new Map(names.map((n, k) => [n, k])));
  for (let i = 0; i < rows; i++) {
    const row = drawFeatures(random);
    for (let j = 0; j < NUMERIC_FEATURES; j++) numeric[j][i] = row[j] === null ? NaN : (row[j] as number);
    for (let c = 0; c < CATEGORICAL_LEVELS.length; c++) {
      const v = row[NUMERIC_FEATURES + c];
      codes[c][i] = v === null ? -1 : (index[c].get(v as string) as number);
    }
  }
  const columns: Column[] = [
    ...NUMERIC_NAMES.map((name, j): Column => ({ kind: 'numeric', name, values: numeric[j] })),
    ...CATEGORICAL_NAMES.map((name, c): Column => ({ kind: 'categorical', name, codes: codes[c], dictionary: LEVEL_NAMES[c] })),
  ];
  return { rowCount: rows, columns };
}

/** Rows [start, end) of every column (views, no copies). */
function sliceRows(data: Dataset, start: number, end: number): Dataset {
  return {
    rowCount: end - start,
    columns: data.columns.map((c): Column => (c.kind === 'numeric' ? { ...c, values: c.values.subarray(start, end) } : { ...c, codes: c.codes.subarray(start, end) })),
  };
}

/**
 * The reference as `driftwatch reference` would fit it from training data: the profile of `rows`
 * rows and drift bands over `windows` equal slices of them (at least 6 give bands).
 */
export function benchReference(rows: number, windows: number, seed: number): MonitorReference {
  const data = referenceDataset(rows, seed);
  const size = Math.floor(rows / windows);
  const slices = Array.from({ length: windows }, (_, w) => sliceRows(data, w * size, (w + 1) * size));
  return fitReference(benchModel(), data, { ok: true, windows: slices }, { source: `synthetic ${rows} rows (seed ${seed})`, createdAt: new Date(Date.UTC(2026, 10, 1)) });
}
