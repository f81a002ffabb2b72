/**
 * Issue 14, class 4: time windows on bad time input. One row outside what the hourly partitions can
 * name emptied every window's SQL range ("ok, 0 drift"); rows out of time order put all of history in
 * the reference (the drift vanished); a column of small numbers read as epoch seconds made 1970
 * windows. Each is refused naming the row, or (order) sorted with a notice so the verdict is the one
 * the ordered data gives.
 */
import fc from 'fast-check';
import { InputError } from '../../lambda/adapters/local/errors';
import { runBacktest, type BacktestConfig, type BacktestResult } from '../../lambda/backtest';
import type { Column, Dataset } from '../../lambda/core/types';
import { REFERENCE_ROWS, syntheticHistory } from './synthetic';

const ROWS = 4000;
/** 4,000 hourly rows from 2024-01-01 (x1 shifts from row 3,000), with ts as ISO text. */
const history = syntheticHistory({ rows: ROWS, changeRow: 3000 });
const config: BacktestConfig = {
  modelId: 'timed',
  features: [
    { name: 'x1', kind: 'numeric' },
    { name: 'x2', kind: 'numeric' },
    { name: 'segment', kind: 'categorical' },
  ],
  reference: { rows: REFERENCE_ROWS },
  window: { column: 'ts', every: '7d' },
  driftBands: { enabled: false },
};

const withColumn = (data: Dataset, column: Column): Dataset => ({ rowCount: data.rowCount, columns: data.columns.map((c) => (c.name === column.name ? column : c)) });
const texts = (name: string, values: readonly string[]): Column => {
  const dictionary = [...new Set(values)];
  const index = new Map(dictionary.map((v, i) => [v, i]));
  return { kind: 'categorical', name, codes: Int32Array.from(values, (v) => index.get(v) as number), dictionary };
};
const isoTimes = (data: Dataset) => {
  const ts = data.columns.find((c) => c.name === 'ts') as Extract<Column, { kind: 'categorical' }>;
  return Array.from(ts.codes, (c) => ts.dictionary[c]);
};

async function errorOf(run: Promise<unknown>): Promise<InputError> {
  try {
    await run;
  } catch (error) {
    return error as InputError;
  }
  throw new Error('expected the backtest to refuse the data');
}

/** Times no dt=YYYY-MM-DD partition can hold, as ISO text or epoch milliseconds. */
const outOfRange = fc.oneof(
  fc.constantFrom('9999-12-31T23:00:00Z', '9999-12-15', '0000-06-01T00:00:00Z', '0000-01-01'),
  // Numbers from 10^11 on are epoch milliseconds: past 9999-12-01, or before year 1, up to Date's limit and beyond.
  fc.double({ min: 253_400_000_000_000, max: 1e17, noNaN: true }).map((v) => String(Math.round(v))),
  fc.double({ min: -1e17, max: -62_200_000_000_000, noNaN: true }).map((v) => String(Math.round(v))),
);

describe('a window column with times the partitions cannot hold', () => {
  it('is refused naming the row, wherever the row is', async () => {
    const samples = fc.sample(fc.tuple(fc.integer({ min: 0, max: ROWS - 1 }), outOfRange), { numRuns: 12, seed: 4 });
    for (const [row, value] of samples) {
      const times = isoTimes(history);
      times[row] = value;
      const numeric = /^-?\d+$/.test(value);
      // Epoch numbers arrive as a numeric column: every other row in epoch seconds.
      const ts: Column = numeric
        ? { kind: 'numeric', name: 'ts', values: Float64Array.from(times, (t, i) => (i === row ? Number(value) : Date.parse(t) / 1000)) }
        : texts('ts', times);
      const error = await errorOf(runBacktest({ data: withColumn(history, ts), config, dataName: 'h.csv' }));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(new RegExp(`^h\\.csv: row ${row + 1}: the window column "ts" holds .*outside the times the hourly partitions \\(dt=YYYY-MM-DD\\) can hold`));
    }
  }, 60_000);
});

describe('a window column of plain numbers', () => {
  it('is refused as not a time, naming the first row, instead of cutting 1970 windows', async () => {
    const samples = fc.sample(fc.array(fc.integer({ min: -99_999_999, max: 99_999_999 }), { minLength: ROWS, maxLength: ROWS }), { numRuns: 5, seed: 5 });
    for (const numbers of samples) {
      const ts: Column = { kind: 'numeric', name: 'ts', values: Float64Array.from(numbers) };
      const error = await errorOf(runBacktest({ data: withColumn(history, ts), config, dataName: 'h.csv' }));
      expect(error.message).toContain(`h.csv: row 1: the window column "ts" holds the number ${numbers[0]}, which as epoch seconds is`);
      expect(error.message).toContain('the column looks like a number, not a time');
    }
  });
});

describe('rows out of time order', () => {
  const judged = (r: BacktestResult) => ({
    windows: r.windows.map((w) => [w.start, w.end, w.rows, w.status, w.features.map((f) => `${f.name}:${f.status}:${f.psi}`).join(' ')]),
    alerts: r.alerts.map((a) => [a.window, a.severity, a.feature ?? a.kind]),
  });

  it('are sorted by time with a notice: the verdict is that of the ordered history', async () => {
    const ordered = await runBacktest({ data: history, config, dataName: 'h.csv' });
    expect(ordered.notices).toBeUndefined();
    expect(ordered.alerts.length).toBeGreaterThan(0);
    // Blocks of rows moved around (a concatenation of files in the wrong order, a shuffle of a day).
    const samples = fc.sample(fc.tuple(fc.integer({ min: 1, max: ROWS - 2 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: ROWS })), { numRuns: 6, seed: 6 });
    for (const [from, length, to] of samples) {
      const order = Array.from({ length: ROWS }, (_, i) => i);
      const block = order.splice(from, Math.min(length, ROWS - from));
      order.splice(Math.min(to, order.length), 0, ...block);
      if (order.every((v, i) => v === i)) continue;
      const shuffled: Dataset = {
        rowCount: ROWS,
        columns: history.columns.map((c) =>
          c.kind === 'numeric' ? { ...c, values: Float64Array.from(order, (i) => c.values[i]) } : { ...c, codes: Int32Array.from(order, (i) => c.codes[i]) },
        ),
      };
      const result = await runBacktest({ data: shuffled, config, dataName: 'h.csv' });
      expect(judged(result)).toEqual(judged(ordered));
      expect(result.notices).toEqual([expect.stringMatching(/^h\.csv: the rows are not in time order on "ts" \(row [\d,]+, in hour .*\); sorted by "ts"/)]);
    }
  }, 60_000);
});
