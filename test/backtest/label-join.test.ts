/**
 * Issue 14, class 9: the backtest ran one label-join query per window (16,000 one-row windows:
 * 147 s). It runs one grouped query for all windows now; per window it must give exactly what the
 * per-window query (the Lambda's) gives.
 */
import fc from 'fast-check';
import { openDuckDbEngine } from '../../lambda/adapters/local';
import { runBacktest, type BacktestConfig } from '../../lambda/backtest';
import { rowBatching } from '../../lambda/backtest/batches';
import { loadHistory } from '../../lambda/backtest/load';
import { fitDatasetProfile } from '../../lambda/core/profile';
import type { CategoricalColumn, Column, NumericColumn } from '../../lambda/core/types';
import type { MonitorModel } from '../../lambda/monitor/model';
import { historyPerformance, windowPerformance } from '../../lambda/monitor/score';
import { syntheticConfig, syntheticHistory } from './synthetic';

const HOUR = 3_600_000;
const rounded = (value: unknown) => JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
const history = syntheticHistory({ rows: 3000, changeRow: 2000 });
const column = (name: string) => history.columns.find((c) => c.name === name) as Column;

/** The label column with some rows unlabelled (label missing: no ground truth logged). */
function withGaps(label: CategoricalColumn, every: number): CategoricalColumn {
  return { ...label, codes: Int32Array.from(label.codes, (c, i) => (every > 0 && i % every === 0 ? -1 : c)) };
}

describe('the grouped label join', () => {
  it('gives every window the aggregates of its own label-join query', async () => {
    const samples = fc.sample(
      fc.record({ windowRows: fc.integer({ min: 1, max: 700 }), gaps: fc.integer({ min: 0, max: 9 }), task: fc.constantFrom('binary_classification' as const, 'regression' as const) }),
      { numRuns: 6, seed: 9 },
    );
    const engine = await openDuckDbEngine();
    try {
      for (const [run, { windowRows, gaps, task }] of samples.entries()) {
        const firstRow = 1000;
        const batching = rowBatching(firstRow, history.rowCount, windowRows);
        const binary = task === 'binary_classification';
        const x1 = { ...(column('x1') as NumericColumn), name: 'x1' };
        const label: Column = binary
          ? withGaps(column('label') as CategoricalColumn, gaps)
          : { kind: 'numeric', name: 'label', values: Float64Array.from((column('score') as NumericColumn).values, (v, i) => (gaps > 0 && i % gaps === 0 ? NaN : v * 2)) };
        const reference = fitDatasetProfile({ rowCount: firstRow, columns: [{ ...x1, values: x1.values.subarray(0, firstRow) }] });
        const loaded = await loadHistory(engine, {
          prefix: `lj${run}`,
          modelId: 'lj',
          features: [x1],
          prediction: column('score'),
          predictedLabel: binary ? column('predicted') : null,
          label,
          firstRow,
          hourOfRow: batching.hourOfRow,
          reference,
        });
        const model: MonitorModel = {
          env: 'local', modelId: 'lj', task, features: [{ id: 'x1', name: 'x1', kind: 'numeric' }], positiveLabel: binary ? 'yes' : undefined,
          columns: { prediction: true, predictedLabel: binary, label: true }, businessMetrics: [], baseline: { windows: 2 }, topK: 1, minRows: 1,
        };
        const tables = { predictions: { table: loaded.predictions }, labels: { table: loaded.labels as string } };
        const windows = batching.windows;
        const grouped = await historyPerformance(engine, model, tables, {
          hours: { start: new Date(windows[0].startHour * HOUR), end: new Date(windows[windows.length - 1].endHour * HOUR) },
          groupBy: 'day',
          targets: windows.length,
          targetOf: (dt) => windows.findIndex((w) => new Date(w.startHour * HOUR).toISOString().slice(0, 10) === dt),
        }, 0);
        // Every window's own query, as the Lambda runs it (a sample of them: all for few windows).
        const checked = windows.filter((_, i) => windows.length <= 40 || i % Math.ceil(windows.length / 40) === 0);
        for (const w of checked) {
          const own = await windowPerformance(engine, model, tables, { start: new Date(w.startHour * HOUR), end: new Date(w.endHour * HOUR) }, 0);
          // Counts exactly; regression's error sums to rounding (the rows are added in another order).
          expect(rounded(grouped?.[w.index])).toEqual(rounded(own));
        }
      }
    } finally {
      await engine.close();
    }
  }, 120_000);
});

describe('the backtest', () => {
  it('runs one label-join query however many windows (one-row windows)', async () => {
    const engine = await openDuckDbEngine();
    const sql: string[] = [];
    const query = engine.query.bind(engine);
    engine.query = (text: string) => {
      sql.push(text);
      return query(text);
    };
    try {
      const config = { ...(syntheticConfig as unknown as BacktestConfig), window: { rows: 1 }, baseline: { windows: 7, minSamples: 1 } };
      const result = await runBacktest({ data: syntheticHistory({ rows: 2300 }), config, engine });
      expect(result.windows).toHaveLength(300);
      expect(sql.filter((s) => s.startsWith('-- driftwatch performance')).length).toBe(1);
      expect(result.windows[10].labelled).toBe(1);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
