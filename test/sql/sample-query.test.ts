/**
 * The hour-sample SQL on DuckDB over Parquet in the Firehose layout: a uniform random sample of at
 * most `limit` rows of one hour, every value parsed as the table holds it, from DuckDB's typed values
 * and from Athena's text alike.
 */
import { predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import type { CategoricalColumn, Dataset, NumericColumn } from '../../lambda/core/types';
import { parseSampleRows, sampleHourRows, sampleQuery, SAMPLE_HOUR_ROWS_COLUMN } from '../../lambda/sql/sample-query';
import { athenaText } from '../support/athena-results';
import { LocalEngine, openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { bankSpec, readBank } from './bank';
import { recordsToDataset } from './helpers';

const DT = '2026-11-24';
const bankTable = { database: 'driftwatch', table: 'bank_marketing_predictions' };
const idSpec: ModelRecordSpec = {
  modelId: 'sampled',
  task: 'regression',
  features: [
    { name: 'row_id', kind: 'numeric' },
    { name: 'score_band', kind: 'numeric' },
    { name: 'segment', kind: 'categorical' },
  ],
};
const idTable = { database: 'driftwatch', table: 'sampled_predictions' };

let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;
let bankHour: Record<string, unknown>[];
/** 100 rows with a unique row_id; every 7th score_band and every 5th segment NULL. */
const idHour = Array.from({ length: 100 }, (_, i) => ({
  prediction_id: `s-${i}`, model_id: 'sampled', model_version: '1', variant: 'champion', event_time: `${DT}T05:00:00.000Z`,
  row_id: i, score_band: i % 7 === 0 ? null : (i % 4) / 4, segment: i % 5 === 0 ? null : ['a', 'b', "o'neil"][i % 3], prediction: 0.5,
}));

beforeAll(async () => {
  engine = await openDuckDb();
  tmp = tempDir('dw-sample-');
  bankHour = readBank().slice(39_000, 39_500);
  const bankColumns = predictionColumns(bankSpec);
  // Firehose writes several files per hour; split the hour over two.
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', dt: DT, hour: '09', columns: bankColumns, records: bankHour.slice(0, 200), part: 0 });
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', dt: DT, hour: '09', columns: bankColumns, records: bankHour.slice(200), part: 1 });
  // A neighbouring hour that must never leak into hour 09's sample.
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', dt: DT, hour: '10', columns: bankColumns, records: readBank().slice(0, 50) });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'bank_marketing', ...bankTable });
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'sampled', dt: DT, hour: '05', columns: predictionColumns(idSpec), records: idHour });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'sampled', ...idTable });
}, 60_000);

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

const sample = (spec: ModelRecordSpec, table: typeof bankTable, hour: string, limit: number) =>
  engine.query(sampleQuery({ spec, table, partition: { dt: DT, hour }, limit }));

/** Each row of a dataset as one comparable text (categorical by value, missing as null). */
function rowTexts(data: Dataset): string[] {
  return Array.from({ length: data.rowCount }, (_, i) =>
    JSON.stringify(
      data.columns.map((c) => {
        if (c.kind === 'numeric') return Number.isNaN(c.values[i]) ? null : c.values[i];
        return c.codes[i] < 0 ? null : c.dictionary[c.codes[i]];
      }),
    ),
  );
}

/** Athena's GetQueryResults text for DuckDB's rows: DOUBLE as Java prints it, the count as digits, NULL as no value. */
function asAthena(rows: Record<string, unknown>[], spec: ModelRecordSpec): Record<string, string | null>[] {
  const types = new Map(spec.features.map((f) => [f.name, f.kind === 'numeric' ? 'double' : 'varchar']));
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, athenaText(v, k === SAMPLE_HOUR_ROWS_COLUMN ? 'bigint' : types.get(k)) ?? null])));
}

describe('sampleQuery on DuckDB', () => {
  it('returns at most limit rows of the hour, each one of its rows with every value intact, and the hour row count', async () => {
    const rows = await sample(bankSpec, bankTable, '09', 120);
    expect(rows).toHaveLength(120);
    expect(sampleHourRows(rows)).toBe(500);
    const data = parseSampleRows(rows, bankSpec);
    expect(data.columns.map((c) => [c.name, c.kind])).toEqual(bankSpec.features.map((f) => [f.name, f.kind]));
    // Every sampled row is a row of hour 09 (none of hour 10), each at most as often as it occurs.
    const available = new Map<string, number>();
    for (const t of rowTexts(recordsToDataset(bankSpec, bankHour))) available.set(t, (available.get(t) ?? 0) + 1);
    for (const t of rowTexts(data)) {
      expect(available.get(t) ?? 0).toBeGreaterThan(0);
      available.set(t, (available.get(t) as number) - 1);
    }
  });

  it('returns the whole hour when it holds fewer rows than the limit', async () => {
    const rows = await sample(bankSpec, bankTable, '09', 5000);
    expect(rows).toHaveLength(500);
    expect(rowTexts(parseSampleRows(rows, bankSpec)).sort()).toEqual(rowTexts(recordsToDataset(bankSpec, bankHour)).sort());
  });

  it('gives 0 rows for an hour with no partition', async () => {
    const rows = await sample(bankSpec, bankTable, '11', 50);
    expect(rows).toEqual([]);
    expect(sampleHourRows(rows)).toBe(0);
    expect(parseSampleRows(rows, bankSpec)).toEqual({ rowCount: 0, columns: recordsToDataset(bankSpec, []).columns });
  });

  it('keeps NULLs as missing: NaN for numbers, code -1 for categories', async () => {
    const data = parseSampleRows(await sample(idSpec, idTable, '05', 100), idSpec);
    const [ids, bands, segments] = data.columns as [NumericColumn, NumericColumn, CategoricalColumn];
    for (let i = 0; i < data.rowCount; i++) {
      const id = ids.values[i];
      expect(Number.isNaN(bands.values[i])).toBe(id % 7 === 0);
      expect(segments.codes[i] < 0).toBe(id % 5 === 0);
      if (id % 5 !== 0) expect(segments.dictionary[segments.codes[i]]).toBe(['a', 'b', "o'neil"][id % 3]);
    }
    expect([...ids.values].sort((a, b) => a - b)).toEqual(idHour.map((r) => r.row_id));
  });

  it('parses Athena text (every value a string, "0.25", "1.0E-7", NULL as no value) to the same columns', async () => {
    const rows = await sample(bankSpec, bankTable, '09', 200);
    const athena = asAthena(rows, bankSpec);
    expect(athena[0]?.age).toMatch(/^\d+\.0$/); // a DOUBLE of a whole number, as Athena prints it
    expect(parseSampleRows(athena, bankSpec)).toEqual(parseSampleRows(rows, bankSpec));
    expect(sampleHourRows(athena)).toBe(500);
    const ids = await sample(idSpec, idTable, '05', 100);
    expect(parseSampleRows(asAthena(ids, idSpec), idSpec)).toEqual(parseSampleRows(ids, idSpec));
    expect(parseSampleRows([{ row_id: '1.0E-7', score_band: 'NaN', segment: '' }], idSpec).columns).toEqual([
      { kind: 'numeric', name: 'row_id', values: Float64Array.of(1e-7) },
      { kind: 'numeric', name: 'score_band', values: Float64Array.of(NaN) },
      { kind: 'categorical', name: 'segment', codes: Int32Array.of(0), dictionary: [''] },
    ]);
  });

  it('samples uniformly: over 300 samples of 10 of 100 rows every row is drawn about 30 times', async () => {
    const drawn = new Array<number>(100).fill(0);
    for (let run = 0; run < 300; run++) {
      const ids = parseSampleRows(await sample(idSpec, idTable, '05', 10), idSpec).columns[0] as NumericColumn;
      expect(new Set(ids.values).size).toBe(10); // without replacement
      for (const id of ids.values) drawn[id]++;
    }
    // Each count is Binomial(300, 0.1): mean 30, sd 5.2; 0 and 60 lie beyond 5.7 sd.
    expect(Math.min(...drawn)).toBeGreaterThan(0);
    expect(Math.max(...drawn)).toBeLessThan(60);
    // Σ (n − 30)² / 27 (27 = the binomial variance) is about χ² with 99 degrees of freedom: 99.99% of runs stay below 160.
    const chi2 = drawn.reduce((sum, n) => sum + (n - 30) ** 2 / 27, 0);
    expect(chi2).toBeLessThan(160);
  });

  it('refuses a limit out of range and a numeric cell that is not a number, naming the feature', () => {
    const input = { spec: idSpec, table: idTable, partition: { dt: DT, hour: '05' } };
    expect(() => sampleQuery({ ...input, limit: 0 })).toThrow('limit must be an integer from 1 to 100000, got 0');
    expect(() => sampleQuery({ ...input, limit: 2.5 })).toThrow('got 2.5');
    expect(() => parseSampleRows([{ row_id: 'abc', score_band: 1, segment: 'a' }], idSpec)).toThrow('numeric feature "row_id" holds "abc", not a number');
    expect(() => parseSampleRows([{ row_id: 1, segment: 'a' }], idSpec)).toThrow('sample rows: no column "score_band"');
  });

  it('reads only the feature columns, names quoted, the partition pruned like the profile query', () => {
    const sql = sampleQuery({ spec: idSpec, table: idTable, partition: { dt: DT, hour: '05' }, limit: 596 });
    expect(sql).toContain('SELECT "row_id", "score_band", "segment"\n  FROM "driftwatch"."sampled_predictions"\n  WHERE "dt" = \'2026-11-24\' AND "hour" = \'05\'');
    expect(sql).toMatch(/ORDER BY random\(\)\nLIMIT 596$/);
    expect(sql).not.toMatch(/"prediction"|"predicted_label"|"event_time"/);
  });
});
