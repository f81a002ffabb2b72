/**
 * A wide model (80 features × 1,000 fine bins): inline reference bins would make the hourly query
 * megabytes long, past Athena's 262,144-byte limit, so the profile step reads them from the bins table.
 * The bins are written exactly as `storeReference` writes them for Athena (JSON lines under
 * `monitor/<model>/reference/bins/`), and DuckDB reads them through a table with the Glue table's
 * columns — the hour's profile must equal the core's count for count.
 */
import * as path from 'node:path';
import { FsObjectStore } from '../../lambda/adapters/local';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import type { MonitorModel } from '../../lambda/monitor/model';
import { profileHour, type MonitorTables } from '../../lambda/monitor/profile';
import { fitReference } from '../../lambda/monitor/reference';
import { storeReference } from '../../lambda/monitor/store-reference';
import { ATHENA_MAX_QUERY_BYTES, referenceBinsValues } from '../../lambda/sql';
import { REFERENCE_BINS_COLUMNS } from '../../lib/monitor/reference-bins-table';
import { recordsToDataset } from '../sql/helpers';
import { openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet, type LocalEngine } from '../support/duckdb';
import { prng } from '../support/random';

const spec: ModelRecordSpec = {
  modelId: 'wide',
  task: 'regression',
  features: [
    ...Array.from({ length: 72 }, (_, i) => ({ name: `x${i}`, kind: 'numeric' as const })),
    ...Array.from({ length: 8 }, (_, i) => ({ name: `c${i}`, kind: 'categorical' as const })),
  ],
};
const model: MonitorModel = {
  env: 'test', modelId: 'wide', task: 'regression', features: spec.features.map((f) => ({ id: f.name, name: f.name, kind: f.kind })),
  columns: { prediction: true, predictedLabel: false, label: false }, businessMetrics: [], baseline: { windows: 7 }, topK: 10, minRows: 1,
};

function records(n: number, seed: number): Record<string, unknown>[] {
  const random = prng(seed);
  return Array.from({ length: n }, (_, r) => {
    const o: Record<string, unknown> = { prediction_id: `p${seed}-${r}`, model_id: 'wide', model_version: '1', variant: 'champion', event_time: '2026-11-24T07:30:00Z', prediction: random() };
    spec.features.forEach((f, i) => (o[f.name] = f.kind === 'numeric' ? (random() < 0.02 ? null : Math.round(random() * 1e6 * (i + 1)) / 1000) : `level${Math.floor(random() * (3 + i * 20))}`));
    return o;
  });
}

let engine: LocalEngine;
let dir: { dir: string; remove(): void };
beforeAll(async () => {
  engine = await openDuckDb();
  dir = tempDir('dw-wide-');
});
afterAll(() => {
  engine.close();
  dir.remove();
});

test('a wide model profiles its hour from the reference-bins table, equal to the core, in a query within Athena\'s limit', async () => {
  const reference = fitReference(model, recordsToDataset(spec, records(5000, 1)), null, { source: 'test', createdAt: new Date(0) });
  expect(referenceBinsValues(reference.profile).length).toBeGreaterThan(ATHENA_MAX_QUERY_BYTES);

  const store = new FsObjectStore(dir.dir);
  const stored = await storeReference(store, reference);
  const types: Record<string, string> = { string: 'VARCHAR', int: 'INTEGER', double: 'DOUBLE' };
  const columns = REFERENCE_BINS_COLUMNS.map((c) => `'${c.name}': '${types[c.type]}'`).join(', ');
  await engine.run('CREATE SCHEMA IF NOT EXISTS "driftwatch_test"');
  await engine.run(
    `CREATE VIEW "driftwatch_test"."reference_bins_wide" AS SELECT * FROM read_json('${path.join(dir.dir, 'monitor/wide/reference/bins/*.json')}', ` +
      `format = 'newline_delimited', columns = {${columns}})`,
  );
  const hour = records(700, 2);
  await writeFirehoseParquet(engine, { root: dir.dir, prefix: 'predictions', modelId: 'wide', dt: '2026-11-24', hour: '07', columns: predictionColumns(spec), records: hour });
  await registerFirehoseTable(engine, { root: dir.dir, prefix: 'predictions', modelId: 'wide', database: 'driftwatch_test', table: 'predictions_wide' });

  const sent: string[] = [];
  const recording = { query: (sql: string) => (sent.push(sql), engine.query(sql)), close: () => undefined };
  const tables: MonitorTables = { predictions: { database: 'driftwatch_test', table: 'predictions_wide' }, labels: null, referenceBins: { database: 'driftwatch_test', table: 'reference_bins_wide' } };
  const profiled = await profileHour(recording, model, reference, tables, new Date('2026-11-24T07:00:00Z'), new Date());

  expect(stored.binRows).toBeGreaterThan(72 * 1000);
  expect(Buffer.byteLength(sent[0])).toBeLessThan(ATHENA_MAX_QUERY_BYTES);
  expect(sent[0]).toContain(`FROM "driftwatch_test"."reference_bins_wide"\n    WHERE reference_id = '${reference.referenceId}'`);
  const expected = observeDatasetProfile(recordsToDataset(spec, hour), reference.profile);
  expect(profiled.rows).toBe(700);
  expect(profiled.profile.features.map((f) => (f.kind === 'numeric' ? [f.missing, f.counts, f.fineCounts] : [f.missing, f.counts]))).toEqual(
    expected.features.map((f) => (f.kind === 'numeric' ? [f.missing, f.counts, f.fineCounts] : [f.missing, f.counts])),
  );
});
