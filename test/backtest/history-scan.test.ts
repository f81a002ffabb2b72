/**
 * The replay profiles history in runs of windows (so DuckDB holds the aggregates of a bounded slice
 * of history, not all of it): the windows' profiles, hourly prediction aggregates and label joins
 * must not depend on how the windows are split into runs, and a window is never split.
 */
import { openDuckDbEngine, type DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { BACKTEST_DUCKDB } from '../../lambda/backtest/run';
import { rowBatching } from '../../lambda/backtest/batches';
import { scanHistory, scanRuns } from '../../lambda/backtest/history-scan';
import { createFineGrid } from '../../lambda/monitor/profile';
import { dropHistory, loadHistory } from '../../lambda/backtest/load';
import type { CategoricalColumn, Column, Dataset } from '../../lambda/core/types';
import type { MonitorModel } from '../../lambda/monitor/model';
import { fitReference } from '../../lambda/monitor/reference';
import { syntheticHistory } from './synthetic';

const history = syntheticHistory({ rows: 4000, changeRow: 3000 });
const column = (name: string) => history.columns.find((c) => c.name === name) as Column;
const FIRST_ROW = 1000;

const model: MonitorModel = {
  env: 'local',
  modelId: 'scan',
  task: 'binary_classification',
  features: [
    { id: 'x1', name: 'x1', kind: 'numeric' },
    { id: 'segment', name: 'segment', kind: 'categorical' },
  ],
  positiveLabel: 'yes',
  columns: { prediction: true, predictedLabel: true, label: true },
  businessMetrics: [],
  baseline: { windows: 2 },
  topK: 2,
  minRows: 1,
};

const batching = rowBatching(FIRST_ROW, history.rowCount, 300);

/** The synthetic history loaded as the backtest loads it, windows of 300 rows, the reference fitted on the first 1,000 rows. */
async function loadScanHistory(engine: DuckDbEngine) {
  const features = [column('x1'), column('segment')];
  const referenceData: Dataset = {
    rowCount: FIRST_ROW,
    columns: features.map((c) => (c.kind === 'numeric' ? { ...c, values: c.values.subarray(0, FIRST_ROW) } : { ...c, codes: (c as CategoricalColumn).codes.subarray(0, FIRST_ROW) })),
  };
  const reference = fitReference(model, referenceData, null, { source: 'rows 0–1000', createdAt: new Date(0) });
  const loaded = await loadHistory(engine, {
    prefix: 'scan',
    modelId: model.modelId,
    features,
    prediction: column('score'),
    predictedLabel: column('predicted'),
    label: column('label'),
    firstRow: FIRST_ROW,
    hourOfRow: batching.hourOfRow,
    reference: reference.profile,
    referenceId: reference.referenceId,
  });
  const tables = { predictions: { table: loaded.predictions }, labels: { table: loaded.labels as string }, referenceBins: { table: loaded.referenceBins } };
  return { loaded, reference, batching, tables, input: { model, reference, tables, windows: batching.windows, groupBy: 'day' as const } };
}

describe('scanHistory', () => {
  it('gives every window the same profile, hourly predictions and label join however the windows are split into runs', async () => {
    const engine = await openDuckDbEngine({ compress: true, preserveInsertionOrder: false });
    try {
      const { loaded, reference, batching, tables, input } = await loadScanHistory(engine);
      const runs: number[] = [];
      const whole = await scanHistory(engine, { ...input, valuesPerScan: Number.MAX_SAFE_INTEGER, onScan: () => runs.push(1) });
      const perWindow = await scanHistory(engine, { ...input, valuesPerScan: 1, onScan: () => runs.push(2) });
      const inThrees = await scanHistory(engine, { ...input, valuesPerScan: 3 * 300 * 4, onScan: () => runs.push(3) });
      // 10 windows: one run, ten runs, four runs.
      expect(runs.filter((r) => r === 1)).toHaveLength(1);
      expect(runs.filter((r) => r === 2)).toHaveLength(batching.windows.length);
      expect(runs.filter((r) => r === 3)).toHaveLength(Math.ceil(batching.windows.length / 3));
      expect(whole.profiles).toHaveLength(batching.windows.length);
      expect(whole.performances?.[0]?.labelled).toBeGreaterThan(0);
      // Counts are exact; sums of doubles may be added in another order by DuckDB's threads.
      const rounded = (value: unknown) => JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
      expect(rounded(perWindow)).toEqual(rounded(whole));
      // With the fine grid made once (as runBacktest does) instead of in each scan: the same profiles.
      const fineGrid = await createFineGrid(engine, model, reference, tables, 'scan_fine_grid');
      expect(fineGrid).toEqual({ table: 'scan_fine_grid' });
      const gridded = await scanHistory(engine, { ...input, tables: { ...tables, fineGrid }, valuesPerScan: 3 * 300 * 4 });
      expect(rounded(gridded)).toEqual(rounded(whole));
      await engine.run('DROP TABLE scan_fine_grid');
      expect(rounded(inThrees)).toEqual(rounded(whole));

      // Each run's results go to onRun in window order, the next run's scan already started.
      const events: string[] = [];
      const fed = await scanHistory(engine, {
        ...input,
        valuesPerScan: 3 * 300 * 4,
        onScan: (first) => events.push(`scan ${first}`),
        onRun: (run) => events.push(`run ${run.first}-${run.end}: ${run.profiles.length} profiles`),
      });
      expect(events).toEqual(['scan 0', 'scan 3', 'run 0-3: 3 profiles', 'scan 6', 'run 3-6: 3 profiles', 'scan 9', 'run 6-9: 3 profiles', 'run 9-10: 1 profiles']);
      expect(rounded(fed)).toEqual(rounded(whole));
      // A failing onRun fails the scan, and only once the scan started meanwhile has ended.
      let inFlight = 0;
      const counting = {
        ...engine,
        async queryChunks(...args: Parameters<typeof engine.queryChunks>) {
          inFlight++;
          try {
            return await engine.queryChunks(...args);
          } finally {
            inFlight--;
          }
        },
      };
      const failing = scanHistory(counting, {
        ...input,
        valuesPerScan: 3 * 300 * 4,
        onRun: () => {
          throw new Error('judging failed');
        },
      });
      await expect(failing).rejects.toThrow('judging failed');
      expect(inFlight).toBe(0);

      await dropHistory(engine, loaded);
      expect(await engine.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'scan%'")).toEqual([]);
      // The string columns' enum types go with them.
      expect(await engine.query("SELECT type_name FROM duckdb_types() WHERE type_name LIKE 'scan%'")).toEqual([]);
    } finally {
      engine.close();
    }
  }, 60_000);
  it('streams history through each part of the grid profile query on the backtest\'s engine, holding no copy of the rows for them all', async () => {
    // DuckDB's common-subplan optimizer can hold the scan's rows once for every part that reads them
    // (all of history at the peak: it did over the view with dictionary joins); the backtest's engine
    // turns it off (BACKTEST_DUCKDB), whatever the optimizer would decide for the view as it is.
    const planHolds = async (options: Parameters<typeof openDuckDbEngine>[0]) => {
      const engine = await openDuckDbEngine(options);
      try {
        const { input } = await loadScanHistory(engine);
        const queries: string[] = [];
        const recording = { ...engine, queryChunks: (sql: string, onChunk: Parameters<DuckDbEngine['queryChunks']>[1]) => (queries.push(sql), engine.queryChunks(sql, onChunk)) };
        const scanned = await scanHistory(recording, { ...input, valuesPerScan: 3 * 300 * 4 });
        const grid = queries.find((q) => q.includes('grid_cells'));
        expect(grid).toBeDefined();
        const plan = (await engine.query(`EXPLAIN (FORMAT json) ${grid}`)).map((r) => String(r.explain_value)).join('\n');
        return { held: plan.includes('__common_subplan'), profiles: scanned.profiles.map((p) => p.features.map((f) => (f.kind === 'numeric' ? f.fineCounts : f.counts))) };
      } finally {
        engine.close();
      }
    };
    const backtest = await planHolds(BACKTEST_DUCKDB);
    const duckdbDefault = await planHolds({ ...BACKTEST_DUCKDB, commonSubplans: true });
    expect(backtest.held).toBe(false);
    expect(backtest.profiles).toEqual(duckdbDefault.profiles);
  }, 60_000);
});

describe('scanRuns', () => {
  it('packs consecutive windows up to the bound and never splits a window larger than it', () => {
    const windows = [100, 100, 500, 50, 50, 50].map((rows) => ({ rows }));
    expect(scanRuns(windows, 2, 400)).toEqual([[0, 2], [2, 3], [3, 6]]);
    expect(scanRuns(windows, 2, 1)).toEqual(windows.map((_, i) => [i, i + 1]));
    expect(scanRuns([], 2, 400)).toEqual([]);
  });

  it('refuses a bound that is not positive, naming it', () => {
    expect(() => scanRuns([{ rows: 1 }], 2, 0)).toThrow('scanRuns: valuesPerScan must be positive, got 0');
  });
});
