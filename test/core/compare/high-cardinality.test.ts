/**
 * Issue 14, class 2: in a column with more categories than the 1,000 a reference keeps, values the
 * reference never saw are always a bin of their own — on raw data (`compare`), on profiles (the
 * Lambdas), in the profile SQL (hourly and grouped) and so in the backtest — so a flood of new ids
 * cannot hide among the pooled rare ones.
 */
import fc from 'fast-check';
import { runBacktest } from '../../../lambda/backtest';
import { compareDatasets, compareProfiles } from '../../../lambda/core/compare';
import { fitDatasetProfile, observeDatasetProfile, parseDatasetProfile } from '../../../lambda/core/profile';
import { predictionColumns, type ModelRecordSpec } from '../../../lambda/core/schema/record-schema';
import type { CategoricalColumn, CategoricalFeatureProfile, Dataset } from '../../../lambda/core/types';
import { parseProfileRows } from '../../../lambda/sql/parse-profile';
import { profileQuery } from '../../../lambda/sql/profile-query';
import { openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet, type LocalEngine } from '../../support/duckdb';
import { expectSameProfile, recordsToDataset } from '../../sql/helpers';

const categorical = (name: string, values: readonly (string | null)[]): CategoricalColumn => {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    if (!index.has(v)) index.set(v, dictionary.push(v) - 1);
    return index.get(v) as number;
  });
  return { kind: 'categorical', name, codes, dictionary };
};
const dataset = (values: readonly (string | null)[]): Dataset => ({ rowCount: values.length, columns: [categorical('user', values)] });

/**
 * A reference of `levels` ids (a few frequent ones, most once or twice) and a current sample in
 * which a share `unseen` of the values are ids the reference never had, the rest drawn from it.
 */
const scenario = fc
  .record({
    levels: fc.integer({ min: 1001, max: 4000 }),
    frequent: fc.integer({ min: 0, max: 200 }),
    rows: fc.integer({ min: 300, max: 3000 }),
    unseen: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    seed: fc.integer(),
  })
  .map(({ levels, frequent, rows, unseen, seed }) => {
    let s = seed >>> 0;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    const reference: string[] = [];
    for (let i = 0; i < levels; i++) {
      const copies = i < frequent ? 5 + Math.floor(next() * 20) : 1 + Math.floor(next() * 2);
      for (let k = 0; k < copies; k++) reference.push(`u${i}`);
    }
    const current = Array.from({ length: rows }, (_, i) => (next() < unseen ? `new${i}` : reference[Math.floor(next() * reference.length)]));
    const share = current.filter((v) => v.startsWith('new')).length / rows;
    return { reference, current, share };
  });

/** The PSI term of the unseen bin alone (the reference's unseen share is 0, read as 1e-4): a lower bound of PSI. */
const unseenTerm = (share: number) => (share - 1e-4) * Math.log(share / 1e-4);

describe('unseen categories beyond 1,000 reference levels', () => {
  it('raw data: the unseen share is its own PSI bin, so new ids make the feature critical', () => {
    fc.assert(
      fc.property(scenario, ({ reference, current, share }) => {
        const f = compareDatasets(dataset(reference), dataset(current)).features[0];
        expect(f.psi as number).toBeGreaterThanOrEqual(unseenTerm(share) - 1e-9);
        expect(f.status).toBe('critical');
      }),
      { numRuns: 60 },
    );
  });

  it('profiles: the same split, and the reference against itself is still 0', () => {
    fc.assert(
      fc.property(scenario, ({ reference, current, share }) => {
        const ref = fitDatasetProfile(dataset(reference));
        const kept = ref.features[0] as CategoricalFeatureProfile;
        expect(kept.categories).toHaveLength(1000);
        expect(kept.rare).toHaveLength(new Set(reference).size - 1000);
        // The split survives a round trip through JSON (what S3 stores).
        const stored = parseDatasetProfile(JSON.parse(JSON.stringify(ref)), 'reference');
        const window = observeDatasetProfile(dataset(current), stored);
        expect((window.features[0] as CategoricalFeatureProfile).seenOther).toBe(current.filter((v) => !v.startsWith('new') && !kept.categories.includes(v)).length);
        const f = compareProfiles(stored, window).features[0];
        expect(f.psi as number).toBeGreaterThanOrEqual(unseenTerm(share) - 1e-9);
        expect(f.status).toBe('critical');
        const same = compareProfiles(stored, observeDatasetProfile(dataset(reference), stored)).features[0];
        expect([same.psi, same.jensenShannon, same.chiSquared?.statistic]).toEqual([0, 0, 0]);
      }),
      { numRuns: 60 },
    );
  });

  it('a column with at most 1,000 levels keeps one "other" bin (profiles and results as before)', () => {
    const ref = fitDatasetProfile(dataset(Array.from({ length: 3000 }, (_, i) => `c${i % 1000}`)));
    expect(ref.features[0]).not.toHaveProperty('rare');
    expect(observeDatasetProfile(dataset(['c1', 'zzz']), ref).features[0]).not.toHaveProperty('seenOther');
  });
});

describe('the profile SQL splits rare and unseen values as the core does', () => {
  const spec: ModelRecordSpec = { modelId: 'ids_v1', task: 'binary_classification', features: [{ name: 'user', kind: 'categorical' }] };
  const table = { database: 'driftwatch', table: 'ids_v1_predictions' };
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

  it('hourly query: the same profile as observeDatasetProfile, seenOther included', async () => {
    const samples = fc.sample(scenario, { numRuns: 4, seed: 14 });
    for (const [k, { reference, current }] of samples.entries()) {
      const hour = String(k).padStart(2, '0');
      const records = current.map((user, i) => ({
        prediction_id: `${hour}-${i}`, model_id: 'ids_v1', model_version: '1', variant: 'champion',
        event_time: `2026-11-24T${hour}:00:00.000Z`, user, prediction: 0.5, predicted_label: 'yes',
      }));
      await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'ids_v1', dt: '2026-11-24', hour, columns: predictionColumns(spec), records });
      await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'ids_v1', ...table });
      const ref = fitDatasetProfile(dataset(reference));
      const rows = await engine.query(profileQuery({ spec, reference: ref, table, partition: { dt: '2026-11-24', hour }, maxQueryBytes: 10_000_000 }));
      expectSameProfile(parseProfileRows(rows, ref), observeDatasetProfile(recordsToDataset(spec, records), ref));
    }
  });
});

describe('backtest (grouped profile SQL through the engine)', () => {
  it('a window where many ids are new is critical on that feature, its PSI at least the unseen bin\'s', async () => {
    const samples = fc.sample(scenario, { numRuns: 3, seed: 7 });
    for (const { reference, current, share } of samples) {
      const result = await runBacktest({
        data: dataset([...reference, ...current]),
        config: {
          features: [{ name: 'user', kind: 'categorical' }],
          reference: { rows: reference.length },
          window: { rows: current.length },
          driftBands: { enabled: false },
        },
      });
      expect(result.windows.map((w) => w.features[0].status)).toEqual(['critical']);
      expect(result.windows[0].features[0].psi as number).toBeGreaterThanOrEqual(unseenTerm(share) - 1e-9);
    }
  }, 60_000);
});
