/**
 * The label-join query on DuckDB over predictions and labels in the Firehose layout: confusion counts,
 * error sums, business sums and label coverage must match a direct computation on the same records,
 * with late labels inside and beyond the lookback, re-labelled and duplicated predictions.
 */
import { groundTruthColumns, ModelRecordSpec, predictionColumns } from '../../lambda/core/schema/record-schema';
import { parsePerformanceRows, performanceQuery } from '../../lambda/sql/performance-query';
import { LocalEngine, openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';

const fraud: ModelRecordSpec = {
  modelId: 'fraud_v2',
  task: 'binary_classification',
  features: [{ name: 'amount_usd', kind: 'numeric' }],
  businessColumns: [{ name: 'amount', type: 'double' }, { name: 'segment', type: 'string' }],
};
const eta: ModelRecordSpec = { modelId: 'eta_v1', task: 'regression', features: [{ name: 'distance_km', kind: 'numeric' }] };

type Row = Record<string, unknown>;
let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;

async function write(spec: ModelRecordSpec, prefix: 'predictions' | 'labels', dt: string, hour: string, records: Row[]) {
  const columns = prefix === 'predictions' ? predictionColumns(spec) : groundTruthColumns(spec);
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix, modelId: spec.modelId, dt, hour, columns, records });
}

function prediction(spec: ModelRecordSpec, id: string, hour: string, extra: Row): Row {
  return {
    prediction_id: id, model_id: spec.modelId, model_version: '1', variant: 'champion',
    event_time: `2026-11-24T${hour}:10:00.000Z`, ...extra,
  };
}

const window = { start: new Date('2026-11-24T13:00:00Z'), end: new Date('2026-11-24T15:00:00Z') };

beforeAll(async () => {
  engine = await openDuckDb();
  tmp = tempDir();

  // Classification: ids f0..f39 in hours 13-14 (in the window), f90 at 12 and f91 at 15 (outside).
  const preds = (hour: string, from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      return prediction(fraud, `f${i}`, hour, {
        variant: i % 4 === 0 ? 'challenger' : 'champion', amount_usd: i, prediction: (i % 10) / 10,
        predicted_label: i % 10 >= 5 ? 'fraud' : 'legit', amount: 100 + i, segment: 'retail',
      });
    });
  await write(fraud, 'predictions', '2026-11-24', '13', [...preds('13', 0, 20), preds('13', 5, 6)[0]]); // f5 delivered twice
  await write(fraud, 'predictions', '2026-11-24', '14', preds('14', 20, 40));
  await write(fraud, 'predictions', '2026-11-24', '12', [prediction(fraud, 'f90', '12', { prediction: 0.9, predicted_label: 'fraud', amount: 1 })]);
  await write(fraud, 'predictions', '2026-11-24', '15', [prediction(fraud, 'f91', '15', { prediction: 0.9, predicted_label: 'fraud', amount: 1 })]);
  const label = (id: string, value: string, time: string) => ({ prediction_id: id, label: value, label_time: time });
  // f0..f29 labelled the next day (truth: fraud when i % 3 == 0); f30..f31 labelled on the last lookback day;
  // f32 beyond the lookback; f1 re-labelled later (latest wins); f90, f91 labelled but outside the window.
  await write(fraud, 'labels', '2026-11-25', '08', [
    ...Array.from({ length: 30 }, (_, i) => label(`f${i}`, i % 3 === 0 ? 'fraud' : 'legit', '2026-11-25T08:00:00.000Z')),
    label('f90', 'fraud', '2026-11-25T08:00:00.000Z'),
    label('f91', 'fraud', '2026-11-25T08:00:00.000Z'),
  ]);
  await write(fraud, 'labels', '2026-11-27', '10', [label('f1', 'fraud', '2026-11-27T10:00:00.000Z')]);
  await write(fraud, 'labels', '2026-12-08', '23', [label('f30', 'fraud', '2026-12-08T23:00:00.000Z'), label('f31', 'legit', '2026-12-08T23:00:00.000Z')]);
  await write(fraud, 'labels', '2026-12-09', '00', [label('f32', 'fraud', '2026-12-09T00:00:00.000Z')]);
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'fraud_v2', database: 'driftwatch', table: 'fraud_v2_predictions' });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'labels', modelId: 'fraud_v2', database: 'driftwatch', table: 'fraud_v2_labels' });

  // Regression: e0..e5 at hour 13, labels for e0..e4 (e2's label is 0).
  const etaPreds = [10, 12, 3, 7.5, 20, 8].map((p, i) => prediction(eta, `e${i}`, '13', { distance_km: i, prediction: p }));
  await write(eta, 'predictions', '2026-11-24', '13', etaPreds);
  await write(eta, 'labels', '2026-11-24', '20', [8, 12, 0, 10, 25].map((y, i) => label(`e${i}`, y as unknown as string, '2026-11-24T20:00:00.000Z')));
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'eta_v1', database: 'driftwatch', table: 'eta_v1_predictions' });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'labels', modelId: 'eta_v1', database: 'driftwatch', table: 'eta_v1_labels' });
});

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

describe('performanceQuery on DuckDB', () => {
  it('returns confusion counts, business sums and coverage over labelled predictions only', async () => {
    const sql = performanceQuery({
      spec: fraud,
      predictionTable: { database: 'driftwatch', table: 'fraud_v2_predictions' },
      labelTable: { database: 'driftwatch', table: 'fraud_v2_labels' },
      window,
    });
    const result = parsePerformanceRows(await engine.query(sql), fraud);

    // Expected, computed directly: f0..f39 once each; labels for f0..f31 (f1 relabelled fraud); f32 too late.
    const truth = (i: number) => (i === 1 ? 'fraud' : i < 30 ? (i % 3 === 0 ? 'fraud' : 'legit') : i === 30 ? 'fraud' : i === 31 ? 'legit' : null);
    const cells = new Map<string, { count: number; amount: number }>();
    for (let i = 0; i < 40; i += 1) {
      const actual = truth(i);
      if (actual === null) continue;
      const key = `${i % 10 >= 5 ? 'fraud' : 'legit'}|${actual}`;
      const cell = cells.get(key) ?? { count: 0, amount: 0 };
      cell.count += 1;
      cell.amount += 100 + i;
      cells.set(key, cell);
    }
    expect(result.predictions).toBe(40);
    expect(result.labelled).toBe(32);
    expect(result.coverage).toBe(32 / 40);
    expect(result.confusion).toEqual(
      [...cells.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, c]) => {
        const [predicted, actual] = key.split('|');
        return { predicted, actual, count: c.count, business: { amount: c.amount } };
      }),
    );
    expect(result.byVariant.challenger.predictions).toBe(10);
    expect(result.byVariant.challenger.labelled).toBe(8); // f0, f4, ..., f28 labelled; f32, f36 not
    expect(result.byVariant.champion.predictions).toBe(30);
    expect(result.errors).toBeNull();
  });

  it('counts shadow copies apart: the same requests answered by a shadow candidate are in byVariant.shadow, not in the totals', async () => {
    // Hour 16: g0..g9 served by the champion, each copied to a shadow candidate that answers the opposite; all labelled.
    const served = Array.from({ length: 10 }, (_, i) => prediction(fraud, `g${i}`, '16', { amount_usd: i, prediction: 0.9, predicted_label: 'fraud', amount: 1, segment: 'retail' }));
    const shadow = served.map((r) => ({ ...r, variant: 'shadow', model_version: '2', prediction: 0.1, predicted_label: 'legit' }));
    await write(fraud, 'predictions', '2026-11-24', '16', [...served, ...shadow]);
    await write(fraud, 'labels', '2026-11-24', '20', served.map((r) => ({ prediction_id: r.prediction_id, label: 'fraud', label_time: '2026-11-24T20:00:00.000Z' })));
    const sql = performanceQuery({ spec: fraud, predictionTable: { database: 'driftwatch', table: 'fraud_v2_predictions' }, labelTable: { database: 'driftwatch', table: 'fraud_v2_labels' }, window: { start: new Date('2026-11-24T16:00:00Z'), end: new Date('2026-11-24T17:00:00Z') } });
    const result = parsePerformanceRows(await engine.query(sql), fraud);
    expect([result.predictions, result.labelled]).toEqual([10, 10]);
    expect(result.confusion).toEqual([{ predicted: 'fraud', actual: 'fraud', count: 10, business: { amount: 10 } }]);
    expect(result.byVariant.shadow).toMatchObject({ predictions: 10, labelled: 10, confusion: [{ predicted: 'legit', actual: 'fraud', count: 10, business: { amount: 10 } }] });
  });

  it('reads labels only within the lookback', async () => {
    const sql = performanceQuery({
      spec: fraud,
      predictionTable: { database: 'driftwatch', table: 'fraud_v2_predictions' },
      labelTable: { database: 'driftwatch', table: 'fraud_v2_labels' },
      window,
      labelLookbackDays: 1,
    });
    expect(sql).toContain(`"dt" BETWEEN '2026-11-24' AND '2026-11-25'`);
    const result = parsePerformanceRows(await engine.query(sql), fraud);
    expect(result.labelled).toBe(30); // the next-day labels only; f1's later relabel is out of reach
    expect(result.confusion?.find((c) => c.predicted === 'legit' && c.actual === 'fraud')?.count).toBe(
      [0, 3, 6, 9, 12, 15, 18, 21, 24, 27].filter((i) => i % 10 < 5).length,
    );
  });

  it('returns error sums for regression, with y = 0 counted apart from the percentage error', async () => {
    const sql = performanceQuery({
      spec: eta,
      predictionTable: { database: 'driftwatch', table: 'eta_v1_predictions' },
      labelTable: { database: 'driftwatch', table: 'eta_v1_labels' },
      window,
    });
    const result = parsePerformanceRows(await engine.query(sql), eta);
    const p = [10, 12, 3, 7.5, 20];
    const y = [8, 12, 0, 10, 25];
    const e = p.map((v, i) => v - y[i]);
    expect(result.predictions).toBe(6);
    expect(result.labelled).toBe(5);
    expect(result.errors).toEqual({
      count: 5,
      sumError: e.reduce((a, b) => a + b, 0),
      sumAbsError: e.reduce((a, b) => a + Math.abs(b), 0),
      sumSquaredError: e.reduce((a, b) => a + b * b, 0),
      sumAbsPercentError: 2 / 8 + 0 + 2.5 / 10 + 5 / 25,
      zeroLabelCount: 1,
      sumAbsLabel: 55,
    });
    expect(result.confusion).toBeNull();
  });

  it('filters both tables on their partition columns', () => {
    const sql = performanceQuery({
      spec: fraud,
      predictionTable: { database: 'driftwatch', table: 'fraud_v2_predictions' },
      labelTable: { database: 'driftwatch', table: 'fraud_v2_labels' },
      window: { start: new Date('2026-11-24T22:00:00Z'), end: new Date('2026-11-25T02:00:00Z') },
    });
    expect(sql).toContain(
      `WHERE "dt" BETWEEN '2026-11-24' AND '2026-11-25' AND ("dt" > '2026-11-24' OR "hour" >= '22') AND ("dt" < '2026-11-25' OR "hour" < '02')`,
    );
    expect(sql).toContain(`WHERE "dt" BETWEEN '2026-11-24' AND '2026-12-09'`);
  });
});
