/**
 * Real data: 2,000 rows of the UCI bank-marketing data set (late rows, after euribor3m and the label
 * rate drifted) profiled by the SQL against a reference fitted on 2,000 early rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { ModelRecordSpec, predictionColumns } from '../../lambda/core/schema/record-schema';
import { parsePredictionAggregates, parseProfileRows } from '../../lambda/sql/parse-profile';
import { profileQuery } from '../../lambda/sql/profile-query';
import { LocalEngine, openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { expectSameProfile, fitReference, recordsToDataset } from './helpers';

const CSV = path.join(__dirname, '../../../shared/datasets/bank-additional-full.csv');

const numeric: Record<string, string> = {
  age: 'age', campaign: 'campaign', pdays: 'pdays', previous: 'previous', 'emp.var.rate': 'emp_var_rate',
  'cons.price.idx': 'cons_price_idx', 'cons.conf.idx': 'cons_conf_idx', euribor3m: 'euribor3m', 'nr.employed': 'nr_employed',
};
const categorical: Record<string, string> = {
  job: 'job', marital: 'marital', education: 'education', default: 'credit_default', housing: 'housing', loan: 'loan',
  contact: 'contact', month: 'month', day_of_week: 'day_of_week', poutcome: 'poutcome',
};

const spec: ModelRecordSpec = {
  modelId: 'bank_marketing',
  task: 'binary_classification',
  features: [
    ...Object.values(numeric).map((name) => ({ name, kind: 'numeric' as const })),
    ...Object.values(categorical).map((name) => ({ name, kind: 'categorical' as const })),
  ],
};

function readBank(): Record<string, unknown>[] {
  const lines = fs.readFileSync(CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(';').map((h) => h.replace(/"/g, ''));
  return lines.slice(1).map((line, i) => {
    const cells = line.split(';').map((c) => c.replace(/"/g, ''));
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j]]));
    const record: Record<string, unknown> = {
      prediction_id: `bank-${i}`,
      model_id: 'bank_marketing',
      model_version: '1',
      variant: 'champion',
      event_time: '2026-11-24T09:30:00.000Z',
      // The outcome stands in for a model's output: the SQL only needs realistic values.
      prediction: raw.y === 'yes' ? 0.8 : 0.2,
      predicted_label: raw.y,
    };
    for (const [source, name] of Object.entries(numeric)) record[name] = Number(raw[source]);
    for (const [source, name] of Object.entries(categorical)) record[name] = raw[source];
    return record;
  });
}

let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  engine = await openDuckDb();
  tmp = tempDir();
});

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

it('profiles 2,000 drifted bank-marketing rows exactly as the core does', async () => {
  const rows = readBank();
  const reference = fitReference(spec, rows.slice(0, 2000));
  const current = rows.slice(39000, 41000);
  await writeFirehoseParquet(engine, {
    root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', dt: '2026-11-24', hour: '09', columns: predictionColumns(spec), records: current,
  });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', database: 'driftwatch', table: 'bank_marketing_predictions' });

  const sql = profileQuery({ spec, reference, table: { database: 'driftwatch', table: 'bank_marketing_predictions' }, partition: { dt: '2026-11-24', hour: '09' } });
  const result = await engine.query(sql);
  const profile = parseProfileRows(result, reference);
  expectSameProfile(profile, observeDatasetProfile(recordsToDataset(spec, current), reference));

  // The documented drift is visible in the profile: euribor3m falls below every reference edge...
  const euribor = profile.features.find((f) => f.name === 'euribor3m');
  expect(euribor?.kind === 'numeric' && euribor.counts[0]).toBeGreaterThan(1900);
  // ...and the positive rate rises far above the early rows' ~5%.
  const aggregates = parsePredictionAggregates(result, { positiveLabel: 'yes' });
  expect(aggregates.count).toBe(2000);
  expect(aggregates.positiveRate).toBe(current.filter((r) => r.predicted_label === 'yes').length / 2000);
  expect(aggregates.positiveRate).toBeGreaterThan(0.2);
});
