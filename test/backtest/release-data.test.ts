/**
 * `releaseData` (the CLI without a retraining replay): once the rows are in DuckDB the columns'
 * buffers are released, so a million-row backtest holds one copy of its rows instead of two. The
 * report must be exactly the one a run that keeps the rows gives, and with business metrics (which
 * read the rows per window) nothing is released.
 *
 * "The same" is the same up to 1e-12 relative in each number: DuckDB's parallel SUM over doubles adds
 * its threads' partial sums in the order they finish, so two runs over the same rows (kept or released
 * alike) can differ in a mean's last bit (seen: meanScore 0.49694935393146195 against ...183).
 */
import { parseBacktestConfig, runBacktest } from '../../lambda/backtest';
import { renderBacktestJson } from '../../lambda/report/backtest-json';
import type { Column } from '../../lambda/core/types';
import { syntheticConfig, syntheticHistory } from './synthetic';

jest.setTimeout(120_000);

const ROWS = 20_000; // columns of 160 KB: over the 64 KiB below which a buffer is never released
/** Every key, string, count and flag equal; every fractional number within 1e-12 relative. */
function expectSameReport(actual: string, expected: string): void {
  const same = (a: unknown, b: unknown): boolean =>
    typeof a === 'number' && typeof b === 'number'
      ? a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))
      : Array.isArray(a) && Array.isArray(b)
        ? a.length === b.length && a.every((x, i) => same(x, b[i]))
        : a !== null && b !== null && typeof a === 'object' && typeof b === 'object'
          ? sameKeys(a, b) && Object.keys(a).every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
          : a === b;
  const sameKeys = (a: object, b: object) => JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b));
  if (!same(JSON.parse(actual), JSON.parse(expected))) expect(actual).toBe(expected); // shows the difference
}

const lengths = (columns: readonly Column[]) => columns.map((c) => (c.kind === 'numeric' ? c.values.length : c.codes.length));

it('gives the same report as a run that keeps the rows, and leaves the data empty', async () => {
  const config = parseBacktestConfig(syntheticConfig);
  const kept = await runBacktest({ data: syntheticHistory({ rows: ROWS }), config });
  const data = syntheticHistory({ rows: ROWS });
  const released = await runBacktest({ data, config, releaseData: true });
  expectSameReport(renderBacktestJson(released), renderBacktestJson(kept));
  expect(kept.summary.firstCriticalWindow).not.toBeNull(); // the comparison covers alerts, not an empty report
  expect(lengths(data.columns).filter((n) => n > 0)).toEqual([]);
});

it('keeps the rows when business metrics read them, with the same figures', async () => {
  const config = parseBacktestConfig({ ...syntheticConfig, metrics: [{ name: 'yes_rate', kind: 'rate', numerator: { label: 'yes' }, direction: 'higher_is_better' }] });
  const data = syntheticHistory({ rows: ROWS });
  const released = await runBacktest({ data, config, releaseData: true });
  const kept = await runBacktest({ data: syntheticHistory({ rows: ROWS }), config });
  expectSameReport(renderBacktestJson(released), renderBacktestJson(kept));
  expect(renderBacktestJson(released)).toContain('"yes_rate"'); // the metric is in the report
  expect(lengths(data.columns).every((n) => n === ROWS)).toBe(true);
});
