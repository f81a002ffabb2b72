import { renderBacktestText, stat, windowRange } from '../../lambda/report/backtest-text';
import { parseBacktestConfig, runBacktest } from '../../lambda/backtest';
import { syntheticHistory } from '../backtest/synthetic';

describe('backtest text report', () => {
  it('formats row and time ranges and statistics for reading at a glance', () => {
    expect(windowRange({ start: 10_000, end: 12_000 })).toBe('10,000–12,000');
    expect(windowRange({ start: '2024-03-24T00:00:00.000Z', end: '2024-03-31T00:00:00.000Z' })).toBe('2024-03-24 – 2024-03-31');
    expect(windowRange({ start: '2024-03-24T06:00:00.000Z', end: '2024-03-24T12:00:00.000Z' })).toBe('2024-03-24 06h – 2024-03-24 12h');
    expect([stat(8.1523), stat(0.23612), stat(15.64), stat(0.00004), stat(null)]).toEqual(['8.15', '0.236', '15.6', '4.0e-5', '-']);
  });

  it('prints a drift-only timeline without a metric column, and says when nothing fired', async () => {
    const data = syntheticHistory({ rows: 3000, changeRow: 10_000 });
    // Days of 24 rows are below the default minimum of 100 ("too few rows"): judged anyway here, to show the noise.
    const config = { features: [{ name: 'x2', kind: 'numeric' }], reference: { rows: 2000 }, window: { column: 'ts', every: '1d' }, minRows: 1 };
    const fixed = await runBacktest({ data, config: parseBacktestConfig({ ...config, driftBands: { enabled: false } }) });
    const text = renderBacktestText(fixed);
    expect(text).toContain('42 1d windows on "ts"');
    expect(text).toContain('Drift thresholds: the defaults (calibration on the reference is disabled).');
    expect(text).toMatch(/ #  range +rows  status +top drift \(PSI, ! = critical\)  alerts\n/);
    // 24 rows a day against 10 PSI bins is noisy: with fixed thresholds the timeline shows it plainly.
    expect(text).toMatch(/\n 1  2024-03-25 – 2024-03-26 +24  ✖ critical  x2 0\.912! +✖x2\n/);
    expect(renderBacktestText({ ...fixed, alerts: [] })).toContain('Alerts (0):\n  none');

    // By default the thresholds rise to what the reference's own days show, and say so.
    const banded = renderBacktestText(await runBacktest({ data, config: parseBacktestConfig(config) }));
    expect(banded).toMatch(/Drift thresholds: raised to the reference's own variation across \d+ windows \(the 3σ level: mean \+ [0-9.]+σ, widened for \d+ windows\) for x2 \(PSI critical [0-9.]+\)/);
    expect(banded).toMatch(/\n 1  2024-03-25 – 2024-03-26 +24  ✓ ok /);

    // With the default minimum, such days say so instead of a status.
    const { minRows: _one, ...defaults } = config;
    const tooFew = renderBacktestText(await runBacktest({ data, config: parseBacktestConfig(defaults) }));
    expect(tooFew).toMatch(/\n 1  2024-03-25 – 2024-03-26 +24  · too few rows +-\n/);
    expect(tooFew).toContain('· too few rows: fewer rows than the minimum of 100 (minRows); drift is not judged');
  });
});
