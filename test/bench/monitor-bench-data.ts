/**
 * The data `npm run bench:monitor` measures (monitor-bench.ts): a reference and a lake of Firehose-layout
 * Parquet under .bench/monitor/, generated once, deterministically, and the Glue-like tables over it.
 */
import { PROFILE_MEMORY_MB, SCORE_MEMORY_MB } from '../../lib/monitor/functions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { groundTruthColumns, predictionColumns } from '../../lambda/core/schema/record-schema';
import { monitorSettingsFromConfig } from '../../lambda/monitor/from-config';
import { recordSpecOf } from '../../lambda/monitor/model';
import type { MonitorTables } from '../../lambda/monitor/profile';
import { parseReference, serializeReference, type MonitorReference } from '../../lambda/monitor/reference';
import { referenceBinRows } from '../../lambda/sql';
import { DEFAULT_LABEL_LOOKBACK_DAYS } from '../../lambda/sql/performance-query';
import { registerFirehoseTable, writeFirehoseParquet } from '../support/duckdb';
import { FIREHOSE_FILES_PER_HOUR, type MonitorDeployment } from './monitor-cost';
import { benchModel, benchReference, config, hourRecords, MODEL_ID } from './monitor-model';
import { BENCH_DIR, ROOT } from './support';

export const DIR = path.join(BENCH_DIR, 'monitor');
const LAKE = path.join(DIR, 'lake');
/** Bump when the generated data changes: a cache of another version is regenerated. */
const DATA_VERSION = 1;
const HOUR_MS = 3_600_000;
export const ROWS_PER_HOUR = 100_000;
/** 1M predictions a day, per hour: the cost model's traffic. */
export const RATE_ROWS_PER_HOUR = Math.round(1_000_000 / 24);
export const REFERENCE_ROWS = 100_000;
const REFERENCE_WINDOWS = 10;
/** Hours profiled for real at 100,000 rows; the window's 168 stored profiles cycle through them (the last one drifted). */
export const PROFILED_HOURS = 4;
/** The windows end here (the last profiled hour ends at it); the scoring clock is 25 minutes later. */
const WINDOW_END = Date.UTC(2026, 10, 30);
/** An hour at the cost model's rate, days before the windows (outside both). */
export const RATE_HOUR = Date.UTC(2026, 10, 20, 12);
const DATABASE = 'driftwatch_bench';
export const tables: MonitorTables = {
  predictions: { database: DATABASE, table: `predictions_${MODEL_ID}` },
  labels: { database: DATABASE, table: `labels_${MODEL_ID}` },
  referenceBins: { database: DATABASE, table: `reference_bins_${MODEL_ID}` },
};
export const profiledHour = (k: number) => new Date(WINDOW_END - (PROFILED_HOURS - k) * HOUR_MS);
export const settings = monitorSettingsFromConfig(config, DEFAULT_LABEL_LOOKBACK_DAYS);
export const NOW = new Date(WINDOW_END + (settings.settleMinutes + 5) * 60_000);

/** The deployment the cost model prices: the functions as lib/monitor/functions.ts sizes them. */
export const DEPLOYMENT: MonitorDeployment = {
  windows: settings.windows,
  reprofileHours: settings.reprofileHours,
  profileRunsPerDay: 24,
  scoreRunsPerWindowPerDay: 1,
  profileMemoryMb: PROFILE_MEMORY_MB,
  scoreMemoryMb: SCORE_MEMORY_MB,
};

const iso = (ms: number) => new Date(ms).toISOString();
export const hourGlob = (prefix: 'predictions' | 'labels', hour: number) =>
  path.join(LAKE, prefix, MODEL_ID, `dt=${iso(hour).slice(0, 10)}`, `hour=${iso(hour).slice(11, 13)}`, '*.parquet');
export const binsFile = (reference: MonitorReference) => path.join(LAKE, 'reference-bins', `${reference.referenceId}.json`);
export const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;

/** The reference's bins as the JSON lines `driftwatch reference --push` writes for the bins table. */
function referenceBinLines(reference: MonitorReference): string {
  return referenceBinRows(reference.profile)
    .map((r) => JSON.stringify({ reference_id: reference.referenceId, feature: r.feature, bin_set: r.bin_set, position: r.position, edge: r.edge, category: r.category }))
    .join('\n')
    .concat('\n');
}

/** Writes an hour of records as Firehose would: one Parquet file per 300-second buffer flush. */
async function writeHour(engine: DuckDbEngine, hourStart: number, rows: number, seed: number, drift: boolean): Promise<void> {
  const { predictions, labels } = hourRecords(hourStart, rows, seed, drift);
  const spec = recordSpecOf(benchModel());
  const at = iso(hourStart);
  const partition = { root: LAKE, modelId: MODEL_ID, dt: at.slice(0, 10), hour: at.slice(11, 13) };
  const per = Math.ceil(rows / FIREHOSE_FILES_PER_HOUR);
  for (let part = 0; part < FIREHOSE_FILES_PER_HOUR; part++) {
    const slice = [part * per, Math.min(rows, (part + 1) * per)] as const;
    await writeFirehoseParquet(engine, { ...partition, part, prefix: 'predictions', columns: predictionColumns(spec), records: predictions.slice(...slice) });
    await writeFirehoseParquet(engine, { ...partition, part, prefix: 'labels', columns: groundTruthColumns(spec), records: labels.slice(...slice) });
  }
}

/** The reference and the lake under .bench/monitor/, generated on the first run (about a minute). */
export async function ensureData(engine: DuckDbEngine): Promise<MonitorReference> {
  const marker = path.join(DIR, `ready-v${DATA_VERSION}`);
  const referenceFile = path.join(DIR, 'reference.json');
  if (fs.existsSync(marker)) return parseReference(JSON.parse(fs.readFileSync(referenceFile, 'utf8')), referenceFile, benchModel());
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(path.join(LAKE, 'reference-bins'), { recursive: true });
  const started = Date.now();
  process.stdout.write(`generating ${path.relative(ROOT, DIR)}/ (reference ${REFERENCE_ROWS.toLocaleString('en-US')} rows, ${PROFILED_HOURS} hours x ${ROWS_PER_HOUR.toLocaleString('en-US')} and 1 x ${RATE_ROWS_PER_HOUR.toLocaleString('en-US')} predictions with labels) ... `);
  const reference = benchReference(REFERENCE_ROWS, REFERENCE_WINDOWS, 101);
  fs.writeFileSync(referenceFile, JSON.stringify(serializeReference(reference)));
  fs.writeFileSync(binsFile(reference), referenceBinLines(reference));
  for (let k = 0; k < PROFILED_HOURS; k++) await writeHour(engine, profiledHour(k).getTime(), ROWS_PER_HOUR, 1000 + k, k === PROFILED_HOURS - 1);
  await writeHour(engine, RATE_HOUR, RATE_ROWS_PER_HOUR, 2000, false);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return reference;
}

/** The Glue tables' names over the lake: the Firehose tables and the reference-bins table (JSON lines, as Athena reads them). */
export async function registerTables(engine: DuckDbEngine): Promise<void> {
  for (const prefix of ['predictions', 'labels'] as const) {
    await registerFirehoseTable(engine, { root: LAKE, prefix, modelId: MODEL_ID, database: DATABASE, table: `${prefix}_${MODEL_ID}` });
  }
  const columns = "{reference_id: 'VARCHAR', feature: 'VARCHAR', bin_set: 'VARCHAR', position: 'BIGINT', edge: 'DOUBLE', category: 'VARCHAR'}";
  await engine.run(
    `CREATE OR REPLACE VIEW "${DATABASE}"."reference_bins_${MODEL_ID}" AS SELECT * FROM read_json(${sqlPath(path.join(LAKE, 'reference-bins', '*.json'))}, ` +
      `format = 'newline_delimited', columns = ${columns})`,
  );
}
