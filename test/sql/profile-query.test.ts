/**
 * The hourly profile SQL, run on DuckDB over Parquet files in the Firehose layout, must give exactly the
 * profile the core computes in memory from the same rows (`observeDatasetProfile`).
 */
import { lcg } from '../support/random';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { ModelRecordSpec, predictionColumns } from '../../lambda/core/schema/record-schema';
import type { DatasetProfile, NumericFeatureProfile } from '../../lambda/core/types';
import { parsePredictionAggregates, parseProfileRows } from '../../lambda/sql/parse-profile';
import { profileQuery, referenceBinRows } from '../../lambda/sql/profile-query';
import { LocalEngine, openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { expectSameProfile, fitReference, recordsToDataset } from './helpers';

const spec: ModelRecordSpec = {
  modelId: 'churn_v1',
  task: 'binary_classification',
  features: [
    { name: 'tenure_months', kind: 'numeric' },
    { name: 'monthly_fee', kind: 'numeric' },
    { name: 'plan', kind: 'categorical' },
    { name: 'region', kind: 'categorical' },
  ],
  businessColumns: [{ name: 'revenue', type: 'double' }],
};
const table = { database: 'driftwatch', table: 'churn_v1_predictions' };

function record(i: number, hour: string, values: Partial<Record<string, unknown>>): Record<string, unknown> {
  return {
    prediction_id: `h${hour}-${i}`,
    model_id: 'churn_v1',
    model_version: '3',
    variant: i % 10 === 0 ? 'challenger' : 'champion',
    event_time: `2026-11-24T${hour}:00:${String(i % 60).padStart(2, '0')}.000Z`,
    tenure_months: null,
    monthly_fee: null,
    plan: null,
    region: null,
    prediction: ((i * 37) % 100) / 100,
    predicted_label: ((i * 37) % 100) / 100 >= 0.5 ? 'churn' : 'stay',
    revenue: 10,
    ...values,
  };
}

const rand = lcg(7);
const plans = ['basic', 'plus', 'pro'];
const reference = Array.from({ length: 400 }, (_, i) =>
  record(i, '00', {
    tenure_months: Math.floor(rand() * 60),
    monthly_fee: Math.round(rand() * 10000) / 100,
    plan: plans[i % 3],
    region: ['north', 'south', 'east', 'west'][Math.floor(rand() * 4)],
  }),
);
const referenceProfile = fitReference(spec, reference);
const tenureEdges = (referenceProfile.features[0] as NumericFeatureProfile).edges;

// Hour 13: missing values, values exactly on PSI edges, below/above every edge, unseen categories.
const hour13 = Array.from({ length: 300 }, (_, i) =>
  record(i, '13', {
    tenure_months: i % 11 === 0 ? null : i % 5 === 0 ? tenureEdges[i % tenureEdges.length] : Math.floor(rand() * 90) - 10,
    monthly_fee: i % 7 === 0 ? null : Math.round(rand() * 12000) / 100,
    plan: i % 13 === 0 ? null : i % 17 === 0 ? 'enterprise' : plans[i % 3],
    region: i % 19 === 0 ? 'atlantis' : ['north', 'south'][i % 2],
    predicted_label: i % 23 === 0 ? null : ((i * 37) % 100) / 100 >= 0.5 ? 'churn' : 'stay',
  }),
);
// Hour 14 must not leak into hour 13's profile.
const hour14 = Array.from({ length: 50 }, (_, i) => record(i, '14', { tenure_months: 1000, plan: 'pro', region: 'north' }));

let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;

async function profileOf(hour: string, reference: DatasetProfile, bins?: Parameters<typeof profileQuery>[0]['bins']) {
  const sql = profileQuery({ spec, reference, table, partition: { dt: '2026-11-24', hour }, bins });
  return engine.query(sql);
}

beforeAll(async () => {
  engine = await openDuckDb();
  tmp = tempDir();
  const columns = predictionColumns(spec);
  const write = (hour: string, records: Record<string, unknown>[], part = 0) =>
    writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'churn_v1', dt: '2026-11-24', hour, columns, records, part });
  // Firehose writes several files per hour; split hour 13 over two.
  await write('13', hour13.slice(0, 120), 0);
  await write('13', hour13.slice(120), 1);
  await write('14', hour14);
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'churn_v1', ...table });
});

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

describe('profileQuery on DuckDB', () => {
  it('profiles every feature of one hour exactly as the core does in memory', async () => {
    const rows = await profileOf('13', referenceProfile);
    const profile = parseProfileRows(rows, referenceProfile);
    const expected = observeDatasetProfile(recordsToDataset(spec, hour13), referenceProfile);
    expectSameProfile(profile, expected);
    expect(profile.rowCount).toBe(300);
    // The cases the data was built for really occur.
    const tenure = profile.features[0];
    const plan = profile.features[2];
    expect(tenure.missing).toBe(28);
    expect(plan.kind === 'categorical' && plan.other).toBeGreaterThan(0);
    expect(hour13.filter((r) => tenureEdges.includes(r.tenure_months as number)).length).toBeGreaterThan(20);
  });

  it('gives the same profile with the reference bins read from a table', async () => {
    await engine.run('CREATE TABLE driftwatch.reference_bins (reference_id VARCHAR, feature VARCHAR, bin_set VARCHAR, position BIGINT, edge DOUBLE, category VARCHAR)');
    const appender = await engine.connection.createAppender('reference_bins', 'driftwatch');
    for (const r of [...referenceBinRows(referenceProfile).map((b) => ({ ...b, reference_id: 'churn_v1/2026-11-01' })), { feature: 'plan', bin_set: 'category', position: 0, edge: null, category: 'pro', reference_id: 'another' }]) {
      appender.appendVarchar(r.reference_id);
      appender.appendVarchar(r.feature);
      appender.appendVarchar(r.bin_set);
      appender.appendBigInt(BigInt(r.position));
      if (r.edge === null) appender.appendNull();
      else appender.appendDouble(r.edge);
      if (r.category === null) appender.appendNull();
      else appender.appendVarchar(r.category);
      appender.endRow();
    }
    appender.closeSync();
    const rows = await profileOf('13', referenceProfile, {
      kind: 'table',
      table: { database: 'driftwatch', table: 'reference_bins' },
      referenceId: 'churn_v1/2026-11-01',
    });
    const expected = observeDatasetProfile(recordsToDataset(spec, hour13), referenceProfile);
    expectSameProfile(parseProfileRows(rows, referenceProfile), expected);
  });

  it('returns an all-zero profile for an hour without data', async () => {
    const profile = parseProfileRows(await profileOf('15', referenceProfile), referenceProfile);
    expectSameProfile(profile, observeDatasetProfile(recordsToDataset(spec, []), referenceProfile));
    expect(profile.rowCount).toBe(0);
    expect(parsePredictionAggregates(await profileOf('15', referenceProfile))).toEqual({
      count: 0, missing: 0, sum: 0, sumSquares: 0, min: null, max: null, meanScore: null, labelCounts: {}, positiveRate: null,
    });
  });

  it('reads only the requested hour (partition filter) and aggregates the predictions', async () => {
    const aggregates = parsePredictionAggregates(await profileOf('13', referenceProfile), { positiveLabel: 'churn' });
    const scores = hour13.map((r) => r.prediction as number);
    const labels = hour13.map((r) => r.predicted_label).filter((l): l is string => l !== null);
    const churn = labels.filter((l) => l === 'churn').length;
    expect(aggregates).toMatchObject({
      count: 300,
      missing: 0,
      min: Math.min(...scores),
      max: Math.max(...scores),
      labelCounts: { churn, stay: labels.length - churn },
      positiveRate: churn / labels.length,
    });
    expect(aggregates.meanScore).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 300, 12);
    const hour14Profile = parseProfileRows(await profileOf('14', referenceProfile), referenceProfile);
    expect(hour14Profile.rowCount).toBe(50);
  });

  it('leaves out shadow copies: a candidate in shadow neither doubles the rows nor moves the champion\'s profile', async () => {
    // Hour 16: hour 13's requests again, each also answered by a shadow candidate with other scores.
    const served = hour13.map((r) => ({ ...r, event_time: String(r.event_time).replace('T13', 'T16') }));
    const shadow = served.map((r) => ({ ...r, variant: 'shadow', model_version: '4', prediction: 0.99, predicted_label: 'churn', monthly_fee: 1e6 }));
    await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'churn_v1', dt: '2026-11-24', hour: '16', columns: predictionColumns(spec), records: [...served, ...shadow] });
    const withShadow = await profileOf('16', referenceProfile);
    // Sums are compared to 1e-9: DuckDB adds in parallel, so the last bits of a float sum vary run to run.
    expectSameProfile(parseProfileRows(withShadow, referenceProfile), parseProfileRows(await profileOf('13', referenceProfile), referenceProfile));
    expect(parsePredictionAggregates(withShadow).count).toBe(300);
  });

  it('counts a continuous feature on all 1000 fine bins (999 edges)', async () => {
    const r = lcg(99);
    const continuous: ModelRecordSpec = { modelId: 'churn_v1', task: 'binary_classification', features: [{ name: 'monthly_fee', kind: 'numeric' }] };
    const ref = fitReference(continuous, Array.from({ length: 3000 }, (_, i) => record(i, '00', { monthly_fee: r() * 100 })));
    expect((ref.features[0] as NumericFeatureProfile).fineEdges).toHaveLength(999);
    const sql = profileQuery({ spec: continuous, reference: ref, table, partition: { dt: '2026-11-24', hour: '13' } });
    const profile = parseProfileRows(await engine.query(sql), ref);
    expectSameProfile(profile, observeDatasetProfile(recordsToDataset(continuous, hour13), ref));
  });
});

describe('profile sums that overflow in the engine', () => {
  it('are saturated at ±1.8e308 as the core saturates its own (values near the double limit; Athena gives them as text)', async () => {
    const rows = await profileOf('13', referenceProfile);
    const stats = rows.findIndex((r) => r.part === 'numeric' && r.missing !== null && r.missing !== undefined);
    expect(stats).toBeGreaterThanOrEqual(0);
    for (const [total, squares] of [[-Infinity, Infinity], ['-Infinity', 'Infinity'], [Infinity, Infinity]] as const) {
      const overflowed = rows.map((r, i) => (i === stats ? { ...r, total, total_squares: squares } : r));
      const profile = parseProfileRows(overflowed, referenceProfile);
      const feature = profile.features.find((f) => f.name === rows[stats].feature);
      if (feature?.kind !== 'numeric') throw new Error('no numeric feature profiled');
      expect([feature.sum, feature.sumSquares]).toEqual([Number(total) < 0 ? -Number.MAX_VALUE : Number.MAX_VALUE, Number.MAX_VALUE]);
      expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
    }
  });
});

describe('profileQuery guards', () => {
  it('refuses a query above Athena\'s 262,144-byte limit and says to use the bins table', () => {
    const wide: ModelRecordSpec = {
      modelId: 'wide',
      task: 'regression',
      features: Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const })),
    };
    const r = lcg(3);
    const rows = Array.from({ length: 1500 }, () => Object.fromEntries(wide.features.map((f) => [f.name, r()])));
    const ref = fitReference(wide, rows);
    expect(() => profileQuery({ spec: wide, reference: ref, table, partition: { dt: '2026-11-24', hour: '13' } })).toThrow(
      /above the limit of 262144 \(Athena rejects longer query strings\); with 50400 reference bins inline, write referenceBinRows\(reference\) to a table/,
    );
    const sql = profileQuery({
      spec: wide, reference: ref, table, partition: { dt: '2026-11-24', hour: '13' },
      bins: { kind: 'table', table: { database: 'driftwatch', table: 'reference_bins' }, referenceId: 'wide/1' },
    });
    expect(Buffer.byteLength(sql)).toBeLessThan(10_000);
  });

  it('filters on both partition columns and quotes every name', () => {
    const sql = profileQuery({ spec, reference: referenceProfile, table, partition: { dt: '2026-11-24', hour: '13' } });
    expect(sql).toContain(`FROM "driftwatch"."churn_v1_predictions"\n  WHERE "dt" = '2026-11-24' AND "hour" = '13'`);
    expect(() => profileQuery({ spec, reference: referenceProfile, table: { table: 'x; DROP TABLE y' }, partition: { dt: '2026-11-24', hour: '13' } })).toThrow(
      /"x; DROP TABLE y" is not a valid identifier/,
    );
    expect(() => profileQuery({ spec, reference: referenceProfile, table, partition: { dt: '2026-11-24', hour: '24' } })).toThrow(
      'partition hour "24" is not a two-digit hour 00-23',
    );
  });

  it('names a reference feature the model does not have', () => {
    const other = { ...referenceProfile, features: [...referenceProfile.features, { ...referenceProfile.features[2], name: 'segment' }] };
    expect(() => profileQuery({ spec, reference: other, table, partition: { dt: '2026-11-24', hour: '13' } })).toThrow(
      'profileQuery: reference feature "segment" is not a feature of model churn_v1',
    );
  });
});
