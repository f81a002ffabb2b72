/**
 * Issue 14, class 5: tiny samples are not evidence. Below the documented minimum of rows (100 by
 * default, `minRows`) a comparison or a window says "too few rows" instead of a status, and a time
 * window the data covers only in part is marked partial.
 */
import fc from 'fast-check';
import { parseBacktestConfig, runBacktest, type BacktestConfig, type BacktestResult } from '../../lambda/backtest';
import { compareDatasets, compareProfiles } from '../../lambda/core/compare';
import { MIN_ROWS } from '../../lambda/core/defaults';
import { fitDatasetProfile, observeDatasetProfile } from '../../lambda/core/profile';
import type { Column, Dataset } from '../../lambda/core/types';
import { csvText, run, tempDir } from '../cli/helpers';
import { METRIC, windowMetricData } from '../../lambda/monitor/metrics';
import { renderBacktestText } from '../../lambda/report/backtest-text';
import type { MonitorModel } from '../../lambda/monitor/model';
import { CHANGE_WINDOW, REFERENCE_ROWS, syntheticConfig, syntheticHistory, WINDOW_ROWS, WINDOWS } from './synthetic';

/** Enough of the engine's model for the window metrics it publishes. */
function monitorModelOf(result: BacktestResult): MonitorModel {
  return {
    env: 'local',
    modelId: result.modelId,
    task: 'binary_classification',
    features: [],
    columns: { prediction: true, predictedLabel: true, label: true },
    businessMetrics: [],
    baseline: { windows: result.baseline.windows },
    topK: 0,
    minRows: 100,
  };
}

/** n rows of a numeric x (shifted) and a categorical c. */
function data(n: number, shift: number, seed: number): Dataset {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const codes = Int32Array.from({ length: n }, () => Math.floor(next() * 3));
  return {
    rowCount: n,
    columns: [
      { kind: 'numeric', name: 'x', values: Float64Array.from({ length: n }, () => next() + shift) },
      { kind: 'categorical', name: 'c', codes, dictionary: ['a', 'b', 'c'] },
    ],
  };
}

describe('a comparison below the minimum of rows', () => {
  it('says "too few rows" instead of a status, on raw data and on profiles; at or above it, it judges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 200 }), fc.integer(), (nRef, nCur, minRows, seed) => {
        const reference = data(nRef, 0, seed);
        const current = data(nCur, 3, seed + 1); // far apart: critical whenever judged
        const raw = compareDatasets(reference, current, { minRows });
        const ref = fitDatasetProfile(reference);
        const profiled = compareProfiles(ref, observeDatasetProfile(current, ref), { minRows });
        for (const report of [raw, profiled]) {
          if (nRef < minRows || nCur < minRows) {
            expect(report.sample?.reason).toMatch(/^too few rows: .*fewer than the [\d,]+ a comparison needs; drift is not judged$/);
            expect(report.summary).toMatchObject({ status: 'ok', drifted: [] });
            expect(report.features.every((f) => f.status === 'ok' && f.reasons[0] === report.sample?.reason)).toBe(true);
            // The measures are still there to read.
            expect(report.features.find((f) => f.name === 'x')?.psi).not.toBeNull();
          } else {
            expect(report.sample).toBeUndefined();
            // One reference row is one PSI edge, and a single current row above it shares its bin:
            // the shift shows from two rows a side (a minimum of 1 asks to judge such samples).
            if (nRef >= 2 && nCur >= 2) expect(report.features.find((f) => f.name === 'x')?.status).toBe('critical');
          }
        }
      }),
      { numRuns: 200, seed: 1407 },
    );
  });

  it('compare exits 2 ("too few rows" is no pass) below --min-rows, default 100', async () => {
    const tmp = tempDir();
    try {
      const rows = (n: number, shift: number) => Array.from({ length: n }, (_, i) => [((i * 7919) % n) / n + shift, 'abc'[i % 3]]);
      for (const [n, expected] of [[8, 2], [99, 2], [100, 1]] as const) {
        tmp.write(`ref${n}.csv`, csvText(['x', 'c'], rows(500, 0)));
        tmp.write(`cur${n}.csv`, csvText(['x', 'c'], rows(n, 5)));
        const r = await run(['compare', '--reference', `ref${n}.csv`, '--current', `cur${n}.csv`], tmp.dir);
        expect(r.code).toBe(expected);
        if (expected === 2) {
          expect(r.stdout).toContain(`Status: not judged, too few rows: the current data has ${n} rows, fewer than the ${MIN_ROWS} a comparison needs; drift is not judged.`);
          // No feature reads "ok" (or critical) in the table either: the measures, not a status.
          expect(r.stdout.split('\n').slice(2, 4).map((line) => line.split(/\s{2,}/)[2])).toEqual(['not judged', 'not judged']);
          expect(r.stderr).toBe(`driftwatch compare: error: too few rows: the current data has ${n} rows, fewer than the 100 a comparison needs; drift is not judged (--min-rows 100; see --help)\n`);
        }
      }
      expect((await run(['compare', '--reference', 'ref8.csv', '--current', 'cur8.csv', '--min-rows', '5'], tmp.dir)).code).toBe(1);
      expect((await run(['compare', '--reference', 'ref8.csv', '--current', 'cur8.csv', '--min-rows', '0'], tmp.dir)).stderr).toContain('--min-rows: expected a positive integer, got "0"');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('backtest windows below the minimum of rows', () => {
  /** Hourly rows from an hour after midnight that varies, drifted from the first monitored row on. */
  function history(offset: number): Dataset {
    const base = syntheticHistory({ rows: 2000 + 700, changeRow: 2000 });
    const ts: Column = {
      kind: 'categorical',
      name: 'ts',
      codes: Int32Array.from({ length: base.rowCount }, (_, i) => i),
      dictionary: Array.from({ length: base.rowCount }, (_, i) => new Date(Date.UTC(2024, 0, 1) + (offset + i) * 3_600_000).toISOString()),
    };
    return { rowCount: base.rowCount, columns: base.columns.map((c) => (c.name === 'ts' ? ts : c)) };
  }

  it('say "too few rows" and alert on no drift; partial time windows are marked', async () => {
    const samples = fc.sample(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 167 }), fc.constant(16)), fc.integer({ min: 30, max: 160 })), { numRuns: 6, seed: 55 });
    for (const [offset, minRows] of samples) {
      const config: BacktestConfig = {
        features: [{ name: 'x1', kind: 'numeric' }, { name: 'segment', kind: 'categorical' }],
        reference: { rows: 2000 },
        window: { column: 'ts', every: '7d' },
        driftBands: { enabled: false },
        minRows,
      };
      const result = await runBacktest({ data: history(offset), config });
      const first = result.windows[0];
      // Windows start at midnight of the first monitored day: the first is partial unless that row is at midnight.
      expect(first.partial).toBe((offset + 2000) % 24 !== 0);
      for (const w of result.windows) {
        const drift = result.alerts.filter((a) => a.window === w.index && a.kind === 'drift');
        if (w.rows < minRows) {
          expect(w.sample?.reason).toBe(`too few rows: ${w.rows} < ${minRows}, drift not judged`);
          expect(w.features.every((f) => f.status === 'ok')).toBe(true);
          expect(w.drift.status).toBe('ok');
          expect(drift).toEqual([]);
        } else {
          expect(w.sample).toBeUndefined();
          expect(w.drift.status).toBe('critical');
        }
      }
    }
  }, 60_000);

  it('default to 100 rows', async () => {
    const result = await runBacktest({
      data: history(100),
      config: { features: [{ name: 'x1', kind: 'numeric' }], reference: { rows: 2000 }, window: { column: 'ts', every: '7d' }, driftBands: { enabled: false } },
    });
    expect(result.windows.map((w) => w.sample?.minRows ?? null)).toEqual(result.windows.map((w) => (w.rows < 100 ? 100 : null)));
    expect(result.windows.some((w) => w.sample)).toBe(true);
  });
});

describe('backtest windows below the minimum of labelled rows', () => {
  /** The synthetic history (labels a coin flip from row 5,000) with only some rows of each window labelled. */
  function partlyLabelled(labelledPerWindow: readonly number[]): Dataset {
    const base = syntheticHistory();
    return {
      rowCount: base.rowCount,
      columns: base.columns.map((c) => {
        if (c.name !== 'label' || c.kind !== 'categorical') return c;
        const codes = Int32Array.from(c.codes, (code, row) => {
          if (row < REFERENCE_ROWS) return code;
          const w = Math.floor((row - REFERENCE_ROWS) / WINDOW_ROWS);
          return (row - REFERENCE_ROWS) % WINDOW_ROWS < labelledPerWindow[w] ? code : -1;
        });
        return { ...c, codes };
      }),
    };
  }

  it('judge no performance: values kept, no status, no ratio (no MetricRatio for the alarms), no alert; with enough labels, performance alerts', async () => {
    const samples = fc.sample(
      fc.tuple(fc.array(fc.integer({ min: 0, max: WINDOW_ROWS }), { minLength: WINDOWS, maxLength: WINDOWS }), fc.integer({ min: 20, max: 300 })),
      { numRuns: 6, seed: 1406 },
    );
    // Every baseline window fully labelled (calibration succeeds); some windows after the change well labelled.
    samples.push([[500, 500, 500, 400, 30, 0, 500, 99, 100, 500, 7, 500], 100]);
    for (const [labelled, minRows] of samples) {
      for (let w = 0; w < 3; w++) labelled[w] = WINDOW_ROWS;
      const config = parseBacktestConfig({ ...syntheticConfig, baseline: { windows: 3, minSamples: 300 }, driftBands: { enabled: false }, minRows });
      const result = await runBacktest({ data: partlyLabelled(labelled), config });
      const model = { ...monitorModelOf(result), minRows };
      for (const w of result.windows) {
        const performance = result.alerts.filter((a) => a.window === w.index && a.kind === 'performance');
        expect(w.labelled).toBe(labelled[w.index]);
        if (w.labelled < minRows) {
          expect(w.performanceSample?.reason).toBe(`too few rows: ${w.labelled} labelled < ${minRows}, performance not judged`);
          expect(Object.values(w.metrics).every((m) => m.status === null && m.ratio === null)).toBe(true);
          expect(performance).toEqual([]);
          expect(windowMetricData(model, '1d', w, new Date(0)).filter((d) => d.name === METRIC.metricRatio)).toEqual([]);
        } else {
          expect(w.performanceSample).toBeUndefined();
          if (!w.baseline && w.index >= CHANGE_WINDOW) expect(w.metrics.accuracy.status).not.toBe('ok');
        }
      }
      expect(result.alerts.filter((a) => a.kind === 'performance').every((a) => labelled[a.window] >= minRows)).toBe(true);
      // The timeline says so beside the key metric.
      const unjudged = result.windows.some((w) => !w.baseline && w.labelled < minRows);
      expect(renderBacktestText(result).includes(`· too few rows beside accuracy: fewer labelled rows than the minimum of ${minRows} (minRows); performance is not judged`)).toBe(unjudged);
    }
  }, 120_000);
});
