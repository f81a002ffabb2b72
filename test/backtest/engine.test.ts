/**
 * runBacktest on a small synthetic history with a known change at row 5,000 (window 6): the alerts
 * come at the right window and none before, windows are where the contract says, the SQL path gives
 * exactly the profile the core computes in memory, alerts do not repeat, and calibration refusals
 * are reported.
 */
import { openDuckDbEngine } from '../../lambda/adapters/local';
import { parseBacktestConfig, runBacktest, type BacktestResult } from '../../lambda/backtest';
import { observeDatasetProfile, fitDatasetProfile, mergeDatasetProfiles } from '../../lambda/core/profile';
import { compareProfiles } from '../../lambda/core/compare';
import type { Dataset, NumericColumn } from '../../lambda/core/types';
import { renderBacktestJson } from '../../lambda/report/backtest-json';
import { CHANGE_WINDOW, REFERENCE_ROWS, WINDOW_ROWS, WINDOWS, syntheticConfig, syntheticHistory } from './synthetic';

const data = syntheticHistory();
let result: BacktestResult;

beforeAll(async () => {
  result = await runBacktest({ data, config: parseBacktestConfig(syntheticConfig) });
}, 60_000);

describe('runBacktest on a known change', () => {
  it('raises the drift, performance and dataset alerts in the window of the change and none before', () => {
    expect(result.alerts.filter((a) => a.window < CHANGE_WINDOW)).toEqual([]);
    const at = result.alerts.filter((a) => a.window === CHANGE_WINDOW).map((a) => a.key);
    expect(at).toEqual(expect.arrayContaining(['drift:dataset', 'drift:x1', 'performance:accuracy']));
    const x1 = result.alerts.find((a) => a.key === 'drift:x1');
    expect(x1).toMatchObject({ severity: 'critical', kind: 'drift', feature: 'x1', window: CHANGE_WINDOW });
    expect(x1?.message).toMatch(/model synthetic: feature "x1" drift critical in window 6 \(rows 5,000–5,500\): PSI \d/);
    const accuracy = result.alerts.find((a) => a.key === 'performance:accuracy');
    expect(accuracy?.message).toMatch(/accuracy 0\.\d+ is critical in window 6 .*below the critical threshold .*baseline 0\.8/);
    expect(result.summary.firstCriticalWindow).toBe(CHANGE_WINDOW);
  });

  it('does not repeat an alert while its signal stays critical', () => {
    const keys = result.alerts.map((a) => `${a.key}@${a.severity}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const w of result.windows.slice(CHANGE_WINDOW)) expect(w.features.find((f) => f.name === 'x1')?.status).toBe('critical');
    expect(result.alerts.filter((a) => a.key === 'drift:x1')).toHaveLength(1);
  });

  it('detects the score shift with ADWIN, state carried across windows', () => {
    const concept = result.alerts.filter((a) => a.kind === 'concept');
    expect(concept.map((a) => a.metric)).toContain('mean_score');
    for (const a of concept) {
      expect(a.severity).toBe('warning');
      expect(a.window).toBeGreaterThanOrEqual(CHANGE_WINDOW);
      expect(a.window).toBeLessThanOrEqual(CHANGE_WINDOW + 1);
    }
  });

  it('cuts row windows after the reference: 0-based offsets, end exclusive', () => {
    expect(result.windows).toHaveLength(WINDOWS);
    result.windows.forEach((w, i) => {
      expect(w).toMatchObject({ index: i, start: REFERENCE_ROWS + i * WINDOW_ROWS, end: REFERENCE_ROWS + (i + 1) * WINDOW_ROWS, rows: WINDOW_ROWS, partial: false });
      expect(w.labelled).toBe(WINDOW_ROWS);
      expect(w.baseline).toBe(i < 3);
    });
  });

  it('keeps a last partial window and marks it', async () => {
    const short = await runBacktest({ data: sliceRows(data, 0, 2000 + 2 * 500 + 123), config: parseBacktestConfig({ ...syntheticConfig, label: undefined, predictedLabel: undefined, positiveLabel: undefined, keyMetric: undefined }) });
    expect(short.windows.map((w) => [w.start, w.end, w.rows, w.partial])).toEqual([
      [2000, 2500, 500, false],
      [2500, 3000, 500, false],
      [3000, 3123, 123, true],
    ]);
  });

  it('profiles with SQL exactly what the core computes in memory from the same rows', async () => {
    const config = parseBacktestConfig({ features: syntheticConfig.features, reference: { rows: 2000 }, window: { rows: 1500 } });
    const r = await runBacktest({ data, config });
    const features = data.columns.filter((c) => ['x1', 'x2', 'segment'].includes(c.name));
    const reference = fitDatasetProfile({ rowCount: 2000, columns: features.map((c) => slice(c, 0, 2000)) });
    const window = sliceRows({ rowCount: data.rowCount, columns: features }, 3500, 5000);
    // Two halves merged, as hourly profiles are merged into a window.
    const a = observeDatasetProfile(sliceRows(window, 0, 750), reference);
    const b = observeDatasetProfile(sliceRows(window, 750, 1500), reference);
    const expected = compareProfiles(reference, mergeDatasetProfiles(a, b), {
      features: Object.fromEntries(syntheticConfig.features.map((f) => [f.name, { kind: f.kind, importance: f.importance }])),
    });
    const got = r.windows[1];
    expect(got.start).toBe(3500);
    for (const f of expected.features) {
      const g = got.features.find((x) => x.name === f.name);
      expect(g?.psi).toBeCloseTo(f.psi as number, 12);
      expect(g?.status).toBe(f.status);
      expect(g?.impact).toBeCloseTo(f.impact, 12);
    }
    expect(got.features.map((f) => f.name)).toEqual(expected.features.map((f) => f.name));
  });

  it('pools each window\'s hourly prediction aggregates: the mean score and positive rate of its rows', () => {
    const score = data.columns.find((c) => c.name === 'score') as NumericColumn;
    const predicted = data.columns.find((c) => c.name === 'predicted');
    if (predicted?.kind !== 'categorical') throw new Error('synthetic data: predicted is categorical');
    const yes = predicted.dictionary.indexOf('yes');
    for (const w of result.windows) {
      const rows = Array.from({ length: w.rows }, (_, i) => (w.start as number) + i);
      expect(w.proxies.meanScore).toBeCloseTo(rows.reduce((a, r) => a + score.values[r], 0) / w.rows, 12);
      expect(w.proxies.positiveRate).toBeCloseTo(rows.filter((r) => predicted.codes[r] === yes).length / w.rows, 12);
    }
  });

  it('prints the JSON contract: windows and alerts with exactly these keys, features by impact', () => {
    const json = JSON.parse(renderBacktestJson(result));
    const w = json.windows[CHANGE_WINDOW];
    expect(Object.keys(w)).toEqual(
      expect.arrayContaining(['index', 'start', 'end', 'rows', 'status', 'features', 'metrics', 'partial', 'labelled', 'drift']),
    );
    expect(Object.keys(w.features[0])).toEqual(expect.arrayContaining(['name', 'status', 'psi', 'impact']));
    const impacts = w.features.map((f: { impact: number }) => f.impact);
    expect(impacts).toEqual([...impacts].sort((x: number, y: number) => y - x));
    expect(w.features[0].name).toBe('x1');
    expect(w.metrics.accuracy).toMatchObject({ status: 'critical', samples: 500, direction: 'higher_is_better' });
    for (const a of json.alerts) {
      expect(['warning', 'critical']).toContain(a.severity);
      expect(['drift', 'performance', 'concept']).toContain(a.kind);
      expect(typeof a.window).toBe('number');
      expect(typeof a.message).toBe('string');
      if (a.kind === 'drift' && a.key !== 'drift:dataset') expect(typeof a.feature).toBe('string');
      if (a.kind === 'performance') expect(typeof a.metric).toBe('string');
    }
    expect(json.reference).toEqual({ rows: REFERENCE_ROWS });
    expect(json.calibration.accuracy).toMatchObject({ ok: true, windows: 3, samples: 1500 });
  });

  it('reports a calibration refusal when the baseline is too small, and then gives no performance status', async () => {
    const r = await runBacktest({ data, config: parseBacktestConfig({ ...syntheticConfig, baseline: { windows: 2, minSamples: 5000 } }) });
    expect(r.calibration.accuracy).toEqual({
      ok: false,
      metric: 'accuracy',
      reason: 'insufficient_samples',
      message: 'accuracy: not calibrated: 2 of 2 windows, 1000 of 5000 labelled rows',
    });
    expect(r.alerts.filter((a) => a.kind === 'performance')).toEqual([]);
    expect(r.windows[CHANGE_WINDOW].metrics.accuracy.status).toBeNull();
    expect(r.windows[CHANGE_WINDOW].metrics.accuracy.value).toBeLessThan(0.6);
  });

  it('leaves a caller-given engine open and clean', async () => {
    const engine = await openDuckDbEngine();
    try {
      const config = parseBacktestConfig({ features: [{ name: 'x1', kind: 'numeric' }], reference: { rows: 2000 }, window: { rows: 3000 } });
      await runBacktest({ data, config, engine });
      await runBacktest({ data, config, engine });
      expect(await engine.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'bt%'")).toEqual([]);
    } finally {
      engine.close();
    }
  });
});

describe('time windows', () => {
  it('cuts UTC days over an ISO timestamp column, windows starting after the reference rows', async () => {
    // Rows are hourly from 2024-01-01T00:00Z; the reference is the first 2,000 rows (83 days + 8 hours).
    const config = parseBacktestConfig({ features: [{ name: 'x1', kind: 'numeric' }], reference: { rows: 2000 }, window: { column: 'ts', every: '7d' } });
    const r = await runBacktest({ data, config });
    const first = r.windows[0];
    // Row 2000 is 2024-03-24T08:00Z; windows are aligned to that day's midnight.
    expect(first.start).toBe('2024-03-24T00:00:00.000Z');
    expect(first.end).toBe('2024-03-31T00:00:00.000Z');
    expect(first.rows).toBe(7 * 24 - 8);
    expect(r.windows[1].rows).toBe(7 * 24);
    expect(r.windows.reduce((s, w) => s + w.rows, 0)).toBe(data.rowCount - 2000);
    // The change (row 5,000 = 2024-07-27T08:00Z) falls 8 hours before the end of window 17, so
    // window 17 holds 8 shifted rows of 168 and window 18 is the first fully after it.
    const changeTime = Date.UTC(2024, 0, 1) + 5000 * 3_600_000;
    const holding = r.windows.find((w) => Date.parse(String(w.end)) > changeTime);
    expect(holding?.index).toBe(17);
    expect(r.alerts.filter((a) => a.key === 'drift:x1').map((a) => a.window)).toEqual([18]);
    for (const w of r.windows.slice(18)) expect(w.features[0].status).toBe('critical');
  });

  it('profiles windows shorter than a day hour by hour, exactly as the core does, with their predictions', async () => {
    const features = syntheticConfig.features;
    const config = parseBacktestConfig({
      features, reference: { rows: 2000 }, window: { column: 'ts', every: '6h' }, prediction: 'score', predictedLabel: 'predicted', positiveLabel: 'yes',
    });
    const head = sliceRows(data, 0, 2000 + 24 * 10);
    const r = await runBacktest({ data: head, config });
    // Row 2000 is 2024-03-24T08:00Z: window 0 holds 08:00–11:00, then 6 rows a window.
    expect(r.windows.slice(0, 2).map((w) => [w.start, w.rows])).toEqual([['2024-03-24T06:00:00.000Z', 4], ['2024-03-24T12:00:00.000Z', 6]]);
    const columns = head.columns.filter((c) => features.some((f) => f.name === c.name));
    const reference = fitDatasetProfile({ rowCount: 2000, columns: columns.map((c) => slice(c, 0, 2000)) });
    const score = head.columns.find((c) => c.name === 'score') as NumericColumn;
    for (const w of r.windows.slice(1, 6)) {
      const start = 2004 + (w.index - 1) * 6;
      const expected = compareProfiles(reference, observeDatasetProfile(sliceRows({ rowCount: head.rowCount, columns }, start, start + 6), reference), {
        features: Object.fromEntries(features.map((f) => [f.name, { kind: f.kind, importance: f.importance }])),
      });
      for (const f of expected.features) expect(w.features.find((g) => g.name === f.name)?.psi).toBeCloseTo(f.psi as number, 12);
      const mean = score.values.slice(start, start + 6).reduce((a, b) => a + b, 0) / 6;
      expect(w.proxies.meanScore).toBeCloseTo(mean, 12);
    }
  });

  it('reads epoch seconds as well, and names the row of a bad timestamp', async () => {
    const epoch: NumericColumn = { kind: 'numeric', name: 'epoch', values: Float64Array.from({ length: data.rowCount }, (_, i) => Date.UTC(2024, 0, 1) / 1000 + i * 3600) };
    const config = parseBacktestConfig({ features: [{ name: 'x1', kind: 'numeric' }], reference: { rows: 2000 }, window: { column: 'epoch', every: '1d' } });
    const head = sliceRows({ ...data, columns: [...data.columns, epoch] }, 0, 2000 + 24 * 5);
    const r = await runBacktest({ data: head, config });
    expect(r.windows).toHaveLength(6);
    expect(r.windows[0]).toMatchObject({ start: '2024-03-24T00:00:00.000Z', end: '2024-03-25T00:00:00.000Z', rows: 16 });
    expect(r.windows[1].rows).toBe(24);

    const values = Float64Array.from(epoch.values);
    values[2500] = Number.NaN;
    await expect(runBacktest({ data: { ...data, columns: [...data.columns, { ...epoch, values }] }, config })).rejects.toThrow(
      /row 2501: the window column "epoch" holds a missing value, not a timestamp/,
    );
  });
});

describe('input errors', () => {
  it('names a missing column and lists the available ones', async () => {
    const config = parseBacktestConfig({ features: [{ name: 'nope', kind: 'numeric' }], reference: { rows: 10 }, window: { rows: 10 } });
    await expect(runBacktest({ data, config, dataName: 'history.csv' })).rejects.toThrow(
      /history\.csv: the feature column "nope" is not in the data \(columns: "x1", "x2", "segment"/,
    );
  });

  it('refuses a reference that leaves no rows', async () => {
    const config = parseBacktestConfig({ features: [{ name: 'x1', kind: 'numeric' }], reference: { rows: data.rowCount }, window: { rows: 10 } });
    await expect(runBacktest({ data, config })).rejects.toThrow(/reference\.rows is 8000 but the data has 8000 rows/);
  });

  it('refuses two feature names that map to the same SQL column, naming both', async () => {
    const twin = { ...data, columns: [...data.columns, { ...(data.columns[0] as NumericColumn), name: 'X1' }] };
    const config = parseBacktestConfig({ features: [{ name: 'x1', kind: 'numeric' }, { name: 'X1', kind: 'numeric' }], reference: { rows: 2000 }, window: { rows: 500 } });
    await expect(runBacktest({ data: twin, config })).rejects.toThrow(/features\[1\]\.name: "X1" and features\[0\]\.name "x1" both map to the SQL column x1/);
  });
});

function slice(column: Dataset['columns'][number], start: number, end: number): Dataset['columns'][number] {
  return column.kind === 'numeric'
    ? { ...column, values: column.values.slice(start, end) }
    : { ...column, codes: column.codes.slice(start, end) };
}

/** Rows [start, end) of a dataset. */
function sliceRows(dataset: Dataset, start: number, end: number): Dataset {
  return { rowCount: end - start, columns: dataset.columns.map((c) => slice(c, start, end)) };
}
