/**
 * The shadow pairs query on DuckDB over Firehose-layout Parquet: only requests both variants answered
 * and that have a label count, each side once however often Firehose delivered it, and shadow rows of
 * an earlier candidate are left out.
 */
import { compareShadow } from '../../lambda/core/promotion/compare-shadow';
import type { ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { groundTruthColumns, predictionColumns } from '../../lambda/core/schema/record-schema';
import { parseShadowCells, parseShadowLossSums, shadowPairsQuery } from '../../lambda/sql/shadow-query';
import { type LocalEngine, openDuckDb, registerFirehoseTable, tempDir, writeFirehoseParquet } from '../support/duckdb';
import { writeShadowTraffic, type WrittenTraffic } from '../promotion/shadow-data';

const fraud: ModelRecordSpec = { modelId: 'fraud', task: 'binary_classification', features: [{ name: 'amount', kind: 'numeric' }] };
const eta: ModelRecordSpec = { modelId: 'eta', task: 'regression', features: [{ name: 'km', kind: 'numeric' }] };
const window = { start: new Date('2026-11-24T10:00:00Z'), end: new Date('2026-11-24T14:00:00Z') };
const tables = (id: string) => ({ predictionTable: { database: 'driftwatch', table: `${id}_predictions` }, labelTable: { database: 'driftwatch', table: `${id}_labels` } });

let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;
let written: WrittenTraffic;

beforeAll(async () => {
  engine = await openDuckDb();
  tmp = tempDir();
  written = await writeShadowTraffic(engine, tmp.dir, fraud, { requests: 3000, labelledShare: 0.6, championAccuracy: 0.9, candidateAccuracy: 0.84, championVersion: '3', candidateVersion: '4', seed: 5, at: new Date('2026-11-24T11:00:00Z') });
  // An earlier candidate's shadow rows (version 2) in the same hour, and a champion-only request: neither pairs.
  const row = (id: string, variant: string, version: string, label: string) => ({ prediction_id: id, model_id: 'fraud', model_version: version, variant, event_time: '2026-11-24T12:00:00.000Z', amount: 1, prediction: 0.9, predicted_label: label });
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'fraud', dt: '2026-11-24', hour: '12', columns: predictionColumns(fraud), records: [row('x1', 'champion', '3', '1'), row('x1', 'shadow', '2', '1'), row('x2', 'champion', '3', '1'), row('x2', 'champion', '3', '1')] });
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'labels', modelId: 'fraud', dt: '2026-11-24', hour: '12', columns: groundTruthColumns(fraud), records: [{ prediction_id: 'x1', label: '1', label_time: '2026-11-24T12:30:00.000Z' }, { prediction_id: 'x2', label: '1', label_time: '2026-11-24T12:30:00.000Z' }] });
  // Regression: three paired requests, one champion copy delivered twice, one shadow-only request.
  const p = (id: string, variant: string, version: string, prediction: number) => ({ prediction_id: id, model_id: 'eta', model_version: version, variant, event_time: '2026-11-24T11:00:00.000Z', km: 1, prediction });
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'eta', dt: '2026-11-24', hour: '11', columns: predictionColumns(eta), records: [p('e1', 'champion', '1', 10), p('e1', 'champion', '1', 10), p('e1', 'shadow', '2', 9), p('e2', 'champion', '1', 4), p('e2', 'shadow', '2', 6), p('e3', 'champion', '1', 1), p('e3', 'shadow', '2', 0), p('e4', 'shadow', '2', 7)] });
  await writeFirehoseParquet(engine, { root: tmp.dir, prefix: 'labels', modelId: 'eta', dt: '2026-11-24', hour: '11', columns: groundTruthColumns(eta), records: ['e1:8', 'e2:5', 'e3:0', 'e4:7'].map((s) => ({ prediction_id: s.split(':')[0], label: Number(s.split(':')[1]), label_time: '2026-11-24T11:30:00.000Z' })) });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'predictions', modelId: 'eta', database: 'driftwatch', table: 'eta_predictions' });
  await registerFirehoseTable(engine, { root: tmp.dir, prefix: 'labels', modelId: 'eta', database: 'driftwatch', table: 'eta_labels' });
});

afterAll(() => {
  engine?.close();
  tmp?.remove();
});

describe('shadowPairsQuery on DuckDB', () => {
  it('counts each labelled request both variants answered once, by (label, champion, candidate)', async () => {
    const cells = parseShadowCells(await engine.query(shadowPairsQuery({ spec: fraud, ...tables('fraud'), window, candidateVersion: '4' })));
    const got = new Map(cells.map((c) => [`${c.label}/${c.champion}/${c.candidate}`, c.count]));
    expect(got).toEqual(written.cells);
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(written.labelled);
  });

  it('a candidate right less often than the champion on the same rows is judged worse', async () => {
    const cells = parseShadowCells(await engine.query(shadowPairsQuery({ spec: fraud, ...tables('fraud'), window, candidateVersion: '4' })));
    expect(compareShadow({ kind: 'classification', cells }, { metric: 'accuracy', minLabelledRows: 1000, alpha: 0.05 }).verdict).toBe('worse');
  });

  it('regression: the per-row loss sums over paired labelled rows (mape without the zero label)', async () => {
    const rows = await engine.query(shadowPairsQuery({ spec: eta, ...tables('eta'), window, candidateVersion: '2' }));
    // e1: champion |e| 2, candidate 1; e2: 1, 1; e3 (label 0): 1, 0.
    expect(parseShadowLossSums(rows, 'mae')).toEqual({ count: 3, championLoss: 4, candidateLoss: 2, sumSquaredDiff: 2 });
    expect(parseShadowLossSums(rows, 'rmse')).toEqual({ count: 3, championLoss: 6, candidateLoss: 2, sumSquaredDiff: 10 });
    const mape = parseShadowLossSums(rows, 'mape');
    expect(mape.count).toBe(2);
    expect(mape.championLoss).toBeCloseTo(2 / 8 + 1 / 5, 12);
  });
});
