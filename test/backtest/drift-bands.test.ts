/**
 * Drift thresholds calibrated on the reference's own windows, through the whole backtest pipeline
 * (DuckDB profile SQL, window profiles, alerts).
 */
import { BacktestConfigError, parseBacktestConfig, runBacktest } from '../../lambda/backtest';
import type { Dataset, NumericColumn } from '../../lambda/core/types';
import { driftBandsText } from '../../lambda/report/backtest-text';
import { syntheticHistory } from './synthetic';
import { prng } from '../support/random';

const WINDOW = 500;
const REFERENCE_WINDOWS = 12;

/**
 * `price` switches between two regimes every window (a weekly pattern the model lives with);
 * `steady` never moves. After the reference, the same regimes go on for 6 windows, then `price`
 * jumps to a level it never had (windows 6-7) and `steady` shifts too (window 7).
 */
function seasonal(): Dataset {
  const random = prng(11);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const windows = REFERENCE_WINDOWS + 8;
  const price = new Float64Array(windows * WINDOW);
  const steady = new Float64Array(windows * WINDOW);
  for (let w = 0; w < windows; w++) {
    const after = w - REFERENCE_WINDOWS;
    const level = after >= 6 ? 8 : w % 2 === 0 ? 0 : 1.5;
    for (let r = 0; r < WINDOW; r++) {
      price[w * WINDOW + r] = level + normal();
      steady[w * WINDOW + r] = normal() + (after >= 7 ? 3 : 0);
    }
  }
  return {
    rowCount: price.length,
    columns: [
      { kind: 'numeric', name: 'price', values: price },
      { kind: 'numeric', name: 'steady', values: steady },
    ],
  };
}

const config = (extra: Record<string, unknown> = {}) =>
  parseBacktestConfig({
    features: [
      { name: 'price', kind: 'numeric' },
      { name: 'steady', kind: 'numeric' },
    ],
    reference: { rows: REFERENCE_WINDOWS * WINDOW },
    window: { rows: WINDOW },
    ...extra,
  });

const criticalFeatures = (result: Awaited<ReturnType<typeof runBacktest>>) =>
  result.windows.map((w) => w.features.filter((f) => f.status === 'critical').map((f) => f.name));

describe('drift bands in the backtest', () => {
  const data = seasonal();

  it('does not alarm on a feature that moves as much in the reference, and still alarms on a new level', async () => {
    const result = await runBacktest({ data, config: config() });
    expect(result.driftBands).toMatchObject({ ok: true, windows: REFERENCE_WINDOWS, multiplier: 3, warningMultiplier: 2 });
    const bands = result.driftBands as Extract<typeof result.driftBands, { ok: true }>;
    const price = bands.features.find((f) => f.name === 'price');
    const steady = bands.features.find((f) => f.name === 'steady');
    expect(price?.raised).toBe(true);
    expect(price?.psiCritical).toBeGreaterThan(1);
    expect(steady?.raised).toBe(false);
    expect(steady?.psiCritical).toBe(0.25);

    const critical = criticalFeatures(result);
    expect(critical.slice(0, 6)).toEqual([[], [], [], [], [], []]);
    expect(critical[6]).toEqual(['price']);
    expect(critical[7].sort()).toEqual(['price', 'steady']);
    // The alert message says which thresholds applied and why.
    const alert = result.alerts.find((a) => a.feature === 'price');
    expect(alert?.window).toBe(6);
    expect(alert?.message).toMatch(/critical [0-9.]+, raised to the reference's variation over 12 windows/);
    // Calibrated thresholds read as 4 significant digits, not 16.
    expect(alert?.message).toMatch(/critical: PSI [0-9.]+ >= \d+\.\d{1,3};/);
    expect(alert?.message).not.toMatch(/\d\.\d{6,}/);
  });

  it('with the bands disabled, the regime switches alarm in every other window', async () => {
    const result = await runBacktest({ data, config: config({ driftBands: { enabled: false } }) });
    expect(result.driftBands).toBeNull();
    const critical = criticalFeatures(result);
    expect(critical.slice(0, 6).filter((c) => c.includes('price')).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps the defaults, and says why, when the reference holds fewer windows than minWindows', async () => {
    const result = await runBacktest({ data, config: config({ reference: { rows: 4 * WINDOW } }) });
    expect(result.driftBands).toEqual({
      ok: false,
      windows: 4,
      reason: "the reference holds 4 windows of the monitoring size; calibrating drift thresholds needs at least 6 (NannyML's minimum): using the default thresholds",
    });
  });

  it('keeps a configured threshold as given: the user said it', async () => {
    const result = await runBacktest({
      data,
      config: config({ features: [{ name: 'price', kind: 'numeric', thresholds: { psiCritical: 0.5 } }, { name: 'steady', kind: 'numeric' }] }),
    });
    const bands = result.driftBands as Extract<typeof result.driftBands, { ok: true }>;
    const price = bands.features.find((f) => f.name === 'price');
    expect(price?.psiCritical).toBe(0.5);
    expect(price?.psiWarning).toBeLessThanOrEqual(0.5);
    expect(price?.minEffectCritical).toBeGreaterThan(0.2); // not configured: raised by the band
  });

  it('a feature pinned to a distance test is judged by it, with the distance thresholds banded too', async () => {
    const pinned = config({ features: [{ name: 'price', kind: 'numeric', test: 'wasserstein' }, { name: 'steady', kind: 'numeric', test: 'l_infinity' }] });
    const result = await runBacktest({ data, config: pinned });
    const bands = result.driftBands as Extract<typeof result.driftBands, { ok: true }>;
    const price = bands.features.find((f) => f.name === 'price');
    const steady = bands.features.find((f) => f.name === 'steady');
    // price's normalised Wasserstein moves a lot between regimes in the reference: its thresholds rise
    // well above the 0.2 default.
    expect(price).toMatchObject({ test: 'wasserstein', raised: true });
    expect(price?.distance?.windows).toBe(REFERENCE_WINDOWS);
    expect(price?.distanceCritical).toBeGreaterThan(0.5);
    expect(steady).toMatchObject({ test: 'l_infinity', distanceWarning: 0.1, distanceCritical: 0.2 });
    // The same story as with every signal: quiet through the regimes, critical on the new level.
    const critical = criticalFeatures(result);
    expect(critical.slice(0, 6)).toEqual([[], [], [], [], [], []]);
    expect(critical[6]).toEqual(['price']);
    expect(critical[7].sort()).toEqual(['price', 'steady']);
    const alert = result.alerts.find((a) => a.feature === 'price');
    expect(alert?.message).toMatch(/normalised Wasserstein distance [0-9.]+ >= [0-9.]+/);
    expect(alert?.message).not.toMatch(/PSI [0-9.]+ >=/);
    // Each window's JSON says what the feature is pinned to and the distance's value.
    const w6 = result.windows[6].features.find((f) => f.name === 'price');
    expect(w6).toMatchObject({ test: 'wasserstein', status: 'critical' });
    expect(w6?.distance).toBeGreaterThan(price?.distanceCritical as number);
    // The report's header names the threshold that decides.
    expect(driftBandsText(result)).toMatch(/for price \(normalised Wasserstein critical [0-9.]+\); the other features keep the defaults/);
  });

  it('cuts a time-windowed reference by the same spans, and says why not when the reference file has no time column', async () => {
    // 2,000 hourly rows of reference (83 days) and 1,000 monitored, in daily windows.
    const history = syntheticHistory({ rows: 3000, changeRow: 10_000 });
    const timed = { features: [{ name: 'x2', kind: 'numeric' }], window: { column: 'ts', every: '1d' } };
    const inData = await runBacktest({ data: history, config: parseBacktestConfig({ ...timed, reference: { rows: 2000 } }) });
    expect(inData.driftBands).toMatchObject({ ok: true, windows: 83 });

    const withoutTime: Dataset = { rowCount: 2000, columns: history.columns.filter((c) => c.name === 'x2').map((c) => ({ ...c, values: (c as NumericColumn).values.slice(0, 2000) })) };
    const fromFile = await runBacktest({ data: history, reference: withoutTime, config: parseBacktestConfig({ ...timed, reference: { file: 'reference.csv' } }) });
    expect(fromFile.driftBands).toEqual({ ok: false, windows: 0, reason: 'the reference has no column "ts" to cut it into 1d windows' });
  });

  it('measures at most 200 reference windows, evenly spaced over a long reference', async () => {
    const result = await runBacktest({ data, config: config({ window: { rows: 25 } }) }); // 240 reference windows
    expect(result.driftBands).toMatchObject({ ok: true, windows: 200 });
  });

  it('rejects bad settings with path-named errors', () => {
    const problems = (extra: Record<string, unknown>) => {
      try {
        config(extra);
      } catch (error) {
        return (error as BacktestConfigError).problems;
      }
      throw new Error('expected an invalid config');
    };
    expect(problems({ driftBands: { multiplier: 1, warningMultiplier: 2 } })).toEqual([
      'driftBands.warningMultiplier: must not exceed multiplier (1): critical is the more severe level, got 2',
    ]);
    expect(problems({ driftBands: { minWindows: 1 } })).toEqual([
      'driftBands.minWindows: expected at least 2 (a standard deviation needs two windows), got 1',
    ]);
    expect(problems({ driftBands: { multipler: 3 } })).toEqual(['driftBands.multipler: unknown key (check the spelling)']);
  });
});
