/**
 * The grouped profile query (a backtest's whole history in one scan) on real data: 4,000 bank-marketing
 * rows across the 2008 → 2009 shift, laid out as 2 days × 4 hours of Firehose partitions. Grouped by
 * hour it gives exactly the core's profile of each hour; grouped by day (with or without PSI bins
 * derived from fine bins) exactly those hours merged, count for count; the accumulator adds them into
 * windows; the no-feature variant gives the hourly prediction aggregates ADWIN needs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fitDatasetProfile, mergeDatasetProfiles, observeDatasetProfile } from '../../lambda/core/profile';
import { predictionColumns } from '../../lambda/core/schema/record-schema';
import { PROFILE_FORMAT, type DatasetProfile, type NumericFeatureProfile } from '../../lambda/core/types';
import {
  groupedProfileAccumulator,
  parsePartitionedProfileRows,
  psiBinOfFineBin,
  psiEdgesAreFineEdges,
} from '../../lambda/sql/grouped-profile';
import { profileQuery, type ProfileQueryInput } from '../../lambda/sql/profile-query';
import { openDuckDbEngine, type DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { bankSpec as spec, readBank } from './bank';
import { expectSameProfile, fitReference, recordsToDataset } from './helpers';

const DAYS = ['2026-11-24', '2026-11-25'];
const HOURS = ['09', '10', '11', '12'];
const PER_HOUR = 500;
const table = { database: 'driftwatch', table: 'bank_marketing_predictions' };
const hours = { start: new Date('2026-11-24T00:00:00Z'), end: new Date('2026-11-26T00:00:00Z') };

const records = readBank();
const reference = fitReference(spec, records.slice(0, 2000));
/** Rows 27,000–30,999 (the documented shift is at row 27,690), 500 per partition in time order. */
const partitions = DAYS.flatMap((dt, d) =>
  HOURS.map((hour, h) => {
    const start = 27000 + (d * HOURS.length + h) * PER_HOUR;
    return { dt, hour, rows: records.slice(start, start + PER_HOUR) };
  }),
);

let engine: DuckDbEngine;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  engine = await openDuckDbEngine();
  tmp = tempDir();
  for (const p of partitions) {
    await writeFirehoseParquet(engine, {
      root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', dt: p.dt, hour: p.hour, columns: predictionColumns(spec), records: p.rows,
    });
  }
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', ...table });
}, 30_000);

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

const grouped = (extra: Partial<ProfileQueryInput>) => profileQuery({ spec, reference, table, hours, ...extra });

describe('PSI edges are fine edges', () => {
  it('holds on real data: every PSI edge (k/10 quantile) is the same double as fine edge 100k/1000', () => {
    const full = fitReference(spec, records);
    for (const profile of [reference, full]) {
      expect(psiEdgesAreFineEdges(profile)).toBe(true);
      for (const f of profile.features) {
        if (f.kind === 'numeric') for (const e of f.edges) expect(f.fineEdges).toContain(e);
      }
    }
  });

  it('is refused for a reference whose PSI edges come from elsewhere', () => {
    const age = reference.features.find((f) => f.name === 'age') as NumericFeatureProfile;
    const foreign: DatasetProfile = { ...reference, features: [{ ...age, edges: [...age.edges, age.edges[age.edges.length - 1] + 0.5] }] };
    expect(psiEdgesAreFineEdges(foreign)).toBe(false);
  });

  it('maps each fine bin to its PSI bin: the PSI edges at or below the fine bin\'s left edge', () => {
    const f = { edges: [2, 4], fineEdges: [1, 2, 3, 4, 5] } as unknown as NumericFeatureProfile;
    expect([...psiBinOfFineBin(f)]).toEqual([0, 0, 1, 1, 2, 2]);
  });
});

describe('profileQuery grouped by hour and by day on DuckDB', () => {
  it('gives exactly the core\'s profile of each hour, and the hour\'s predictions', async () => {
    const byHour = parsePartitionedProfileRows(await engine.query(grouped({ groupBy: 'hour' })), reference, { positiveLabel: 'yes' });
    expect(byHour.map((p) => `${p.dt} ${p.hour}`)).toEqual(partitions.map((p) => `${p.dt} ${p.hour}`));
    byHour.forEach((p, i) => {
      expectSameProfile(p.profile, observeDatasetProfile(recordsToDataset(spec, partitions[i].rows), reference));
      expect(p.predictions.count).toBe(PER_HOUR);
      expect(p.predictions.positiveRate).toBe(partitions[i].rows.filter((r) => r.predicted_label === 'yes').length / PER_HOUR);
    });
  });

  it.each([false, true])('gives per day the day\'s hours merged, count for count (fine bins only: %s)', async (fineBinsOnly) => {
    const byHour = parsePartitionedProfileRows(await engine.query(grouped({ groupBy: 'hour' })), reference);
    const byDay = parsePartitionedProfileRows(await engine.query(grouped({ groupBy: 'day', fineBinsOnly })), reference, { fineBinsOnly });
    expect(byDay.map((p) => [p.dt, p.hour, p.profile.rowCount])).toEqual(DAYS.map((dt) => [dt, null, HOURS.length * PER_HOUR]));
    for (const day of byDay) {
      const merged = byHour.filter((h) => h.dt === day.dt).map((h) => h.profile).reduce(mergeDatasetProfiles);
      expectSameProfile(day.profile, merged);
    }
    // The shift is in the counts: euribor3m leaves the reference's range on the second day.
    const euribor = byDay[1].profile.features.find((f) => f.name === 'euribor3m') as NumericFeatureProfile;
    expect(euribor.counts[0]).toBe(HOURS.length * PER_HOUR);
  });

  it.each([false, true])('keeps a reference\'s rare categories apart from unseen ones, as the core does (fine bins only: %s)', async (fineBinsOnly) => {
    // At most 3 kept categories per feature: the rest of the reference's levels are 'rare' bins.
    const few = fitDatasetProfile(recordsToDataset(spec, records.slice(0, 2000)), { maxCategories: 3 });
    expect(few.features.some((f) => f.kind === 'categorical' && (f.rare?.length ?? 0) > 0)).toBe(true);
    const sql = profileQuery({ spec, reference: few, table, hours, groupBy: 'day', fineBinsOnly });
    const byDay = parsePartitionedProfileRows(await engine.query(sql), few, { fineBinsOnly });
    byDay.forEach((day, d) => {
      const rows = partitions.filter((p) => p.dt === DAYS[d]).flatMap((p) => p.rows);
      expectSameProfile(day.profile, observeDatasetProfile(recordsToDataset(spec, rows), few));
    });
    const seen = byDay.flatMap((day) => day.profile.features.flatMap((f) => (f.kind === 'categorical' ? [f.seenOther ?? 0] : [])));
    expect(Math.max(...seen)).toBeGreaterThan(0);
  });

  it('reads the bin arrays as Athena returns them too (text like [0, 3, 7])', async () => {
    const rows = await engine.query(grouped({ groupBy: 'day' }));
    const athena = rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? `[${v.map(String).join(', ')}]` : v === null || v === undefined ? v : String(v)])),
    );
    expect(athena.some((r) => typeof r.fine_bins === 'string')).toBe(true);
    const fromText = parsePartitionedProfileRows(athena, reference);
    parsePartitionedProfileRows(rows, reference).forEach((p, i) => expectSameProfile(fromText[i].profile, p.profile));
  });

  it('adds partitions straight into their window\'s profile, keeping each hour\'s prediction aggregates', async () => {
    const acc = groupedProfileAccumulator(reference, { targets: 1, targetOf: () => 0, positiveLabel: 'yes', fineBinsOnly: true });
    await engine.queryChunks(grouped({ groupBy: 'hour', fineBinsOnly: true }), acc.add);
    const { profiles, partitions: parts } = acc.result();
    const all = partitions.flatMap((p) => p.rows);
    expectSameProfile(profiles[0], observeDatasetProfile(recordsToDataset(spec, all), reference));
    expect(parts.map((p) => [p.hour, p.rows, p.predictions.count])).toEqual(partitions.map((p) => [p.hour, PER_HOUR, PER_HOUR]));
  });

  it('with no features, gives only each hour\'s rows and prediction aggregates', async () => {
    const none: DatasetProfile = { format: PROFILE_FORMAT, rowCount: 0, features: [] };
    const sql = profileQuery({ spec: { ...spec, features: [] }, reference: none, table, hours, groupBy: 'hour' });
    const light = parsePartitionedProfileRows(await engine.query(sql), none, { positiveLabel: 'yes' });
    const full = parsePartitionedProfileRows(await engine.query(grouped({ groupBy: 'hour' })), reference, { positiveLabel: 'yes' });
    // Counts exactly; sums to rounding (SQL sums add in no fixed order).
    const counts = (ps: typeof full) => ps.map((p) => [p.dt, p.hour, p.profile.rowCount, p.predictions.count, p.predictions.labelCounts, p.predictions.positiveRate]);
    expect(counts(light)).toEqual(counts(full));
    light.forEach((p, i) => expect(p.predictions.meanScore).toBeCloseTo(full[i].predictions.meanScore as number, 12));
  });

  it.each([false, true])('counts a value tied with an edge once, whatever the sign of zero (distinct values are binned once; fine bins only: %s)', async (fineBinsOnly) => {
    const values = Float64Array.of(-0, 0, 0, 1, -1, 2);
    const ref = fitDatasetProfile({ rowCount: 6, columns: [{ kind: 'numeric', name: 'x', values }] });
    const dts = ['2026-11-24'];
    if (fineBinsOnly) expect(psiEdgesAreFineEdges(ref)).toBe(true);
    const table = `signed_zero_${fineBinsOnly}`;
    await engine.loadTable(table, [
      { name: 'dt', type: 'varchar', codes: new Int32Array(6), dictionary: dts },
      { name: 'hour', type: 'varchar', codes: new Int32Array(6), dictionary: ['07'] },
      { name: 'variant', type: 'varchar', codes: new Int32Array(6), dictionary: ['champion'] },
      { name: 'x', type: 'double', values },
      { name: 'prediction', type: 'double', values: new Float64Array(6) },
    ], 6);
    const xSpec = { modelId: 'm', task: 'regression' as const, features: [{ name: 'x', kind: 'numeric' as const }] };
    const [day] = parsePartitionedProfileRows(
      await engine.query(profileQuery({ spec: xSpec, reference: ref, table: { table }, hours, groupBy: 'day', fineBinsOnly })),
      ref,
      { fineBinsOnly },
    );
    expectSameProfile(day.profile, observeDatasetProfile({ rowCount: 6, columns: [{ kind: 'numeric', name: 'x', values }] }, ref));
  });
});

describe('the hourly query', () => {
  it('is byte for byte the query the Lambda sent before the grouped variants existed', () => {
    // test/sql/fixtures/hourly-profile.sql was generated by the hourly profileQuery before groupBy,
    // fineBinsOnly and the distinct-value binning were added; the Lambda's query must not move, except
    // for the served-rows filter (shadow copies left out, issue 11), added to the fixture with it.
    const ref = fitDatasetProfile({
      rowCount: 4,
      columns: [
        { kind: 'numeric', name: 'amount', values: Float64Array.of(5, 5, 5, 5) },
        { kind: 'categorical', name: 'segment', codes: Int32Array.of(0, 1, 1, 0), dictionary: ['retail', 'business'] },
      ],
    });
    const fraud = {
      modelId: 'fraud_v2',
      task: 'binary_classification' as const,
      features: [{ name: 'amount', kind: 'numeric' as const }, { name: 'segment', kind: 'categorical' as const }],
    };
    const sql = profileQuery({ spec: fraud, reference: ref, table: { database: 'driftwatch', table: 'fraud_v2_predictions' }, partition: { dt: '2026-11-24', hour: '13' } });
    expect(sql).toBe(fs.readFileSync(path.join(__dirname, 'fixtures/hourly-profile.sql'), 'utf8'));
  });
});

describe('grouped results that do not add up', () => {
  it('name the feature and the partition\'s target', () => {
    const age = reference.features.find((f) => f.name === 'age') as NumericFeatureProfile;
    const only: DatasetProfile = { ...reference, features: [age] };
    const acc = groupedProfileAccumulator(only, { targets: 1, targetOf: () => 0 });
    const column = (...v: unknown[]) => v;
    acc.add(
      {
        dt: column('2026-11-24', '2026-11-24', '2026-11-24'),
        part: column('rows', 'numeric', 'numeric'),
        feature: column(null, 'age', 'age'),
        bin: column(null, null, 0),
        fine_bin: column(null, null, 0),
        category: column(null, null, null),
        n: column(10n, 10n, 9n),
        missing: column(null, 0n, null),
        total: column(null, 300, null),
        total_squares: column(null, 9000, null),
        low: column(null, 30, null),
        high: column(null, 30, null),
      },
      3,
    );
    expect(() => acc.result()).toThrow('profile rows for feature "age" (target 0): bins hold 9 values but the count is 10');
  });

  it('refuses an unknown groupBy', () => {
    expect(() => grouped({ groupBy: 'week' as never })).toThrow("profileQuery: groupBy must be 'hour' or 'day', got \"week\"");
  });
});
