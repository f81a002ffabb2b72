/**
 * `releaseData` (the CLI without a retraining replay): once the rows are in DuckDB the columns'
 * buffers are released, so a million-row backtest holds one copy of its rows instead of two. The
 * report must be exactly the one a run that keeps the rows gives, and with business metrics (which
 * read the rows per window) nothing is released.
 */
import { parseBacktestConfig, runBacktest } from '../../lambda/backtest';
import { renderBacktestJson } from '../../lambda/report/backtest-json';
import type { Column } from '../../lambda/core/types';
import { syntheticConfig, syntheticHistory } from './synthetic';

jest.setTimeout(120_000);

const ROWS = 20_000; // columns of 160 KB: over the 64 KiB below which a buffer is never released
const lengths = (columns: readonly Column[]) => columns.map((c) => (c.kind === 'numeric' ? c.values.length : c.codes.length));

it('gives the same report as a run that keeps the rows, and leaves the data empty', async () => {
  const config = parseBacktestConfig(syntheticConfig);
  const kept = await runBacktest({ data: syntheticHistory({ rows: ROWS }), config });
  const data = syntheticHistory({ rows: ROWS });
  const released = await runBacktest({ data, config, releaseData: true });
  expect(renderBacktestJson(released)).toBe(renderBacktestJson(kept));
  expect(kept.summary.firstCriticalWindow).not.toBeNull(); // the comparison covers alerts, not an empty report
  expect(lengths(data.columns).filter((n) => n > 0)).toEqual([]);
});

it('keeps the rows when business metrics read them, with the same figures', async () => {
  const config = parseBacktestConfig({ ...syntheticConfig, metrics: [{ name: 'yes_rate', kind: 'rate', numerator: { label: 'yes' }, direction: 'higher_is_better' }] });
  const data = syntheticHistory({ rows: ROWS });
  const released = await runBacktest({ data, config, releaseData: true });
  const kept = await runBacktest({ data: syntheticHistory({ rows: ROWS }), config });
  expect(renderBacktestJson(released)).toBe(renderBacktestJson(kept));
  expect(renderBacktestJson(released)).toContain('"yes_rate"'); // the metric is in the report
  expect(lengths(data.columns).every((n) => n === ROWS)).toBe(true);
});
