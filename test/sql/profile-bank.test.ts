/**
 * Real data: 2,000 rows of the UCI bank-marketing data set (late rows, after euribor3m and the label
 * rate drifted) profiled by the SQL against a reference fitted on 2,000 early rows.
 */
import { observeDatasetProfile } from '../../lambda/core/profile';
import { predictionColumns } from '../../lambda/core/schema/record-schema';
import { bankSpec as spec, readBank } from './bank';
import { parsePredictionAggregates, parseProfileRows } from '../../lambda/sql/parse-profile';
import { profileQuery } from '../../lambda/sql/profile-query';
import { LocalEngine, openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { expectSameProfile, fitReference, recordsToDataset } from './helpers';

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
