/**
 * A time-window backtest reads its window column as timestamps (epoch milliseconds, parsed from the
 * bytes) instead of a dictionary of texts: the result must be exactly what the text path gives, and
 * the window column may still be epoch seconds or epoch milliseconds given as numbers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDataset } from '../../lambda/adapters/local/read-dataset';
import { markEpochMs } from '../../lambda/adapters/local/timestamp';
import { parseBacktestConfig, runBacktest, runBacktestFile, timestampsOf, type BacktestResult } from '../../lambda/backtest';
import { hoursOf } from '../../lambda/backtest/batches';
import type { CategoricalColumn, Dataset, NumericColumn } from '../../lambda/core/types';
import { syntheticConfig, syntheticHistory } from './synthetic';

// 1,200 hourly rows after the reference (50 days) in weekly windows: small enough to run in seconds.
const config = parseBacktestConfig({ ...syntheticConfig, window: { column: 'ts', every: '7d' } });
const history = () => syntheticHistory({ rows: 3200, changeRow: 2600 });
let dir: string;
let file: string;

/** The synthetic history as CSV, with `ts` written by `format` from each row's instant. */
function writeCsv(name: string, data: Dataset, format: (ms: number) => string): string {
  const ts = data.columns.find((c) => c.name === 'ts') as CategoricalColumn;
  const lines = [data.columns.map((c) => c.name).join(',')];
  for (let r = 0; r < data.rowCount; r++) {
    lines.push(
      data.columns
        .map((c) => {
          if (c === ts) return format(Date.parse(ts.dictionary[ts.codes[r]]));
          return c.kind === 'numeric' ? String(c.values[r]) : c.dictionary[c.codes[r]];
        })
        .join(','),
    );
  }
  const out = path.join(dir, name);
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bt-ts-'));
  file = writeCsv('history.csv', history(), (ms) => new Date(ms).toISOString().replace('.000Z', 'Z'));
});
afterAll(() => fs.rmSync(dir, { recursive: true }));

describe('time windows over a timestamp column', () => {
  it('asks for the window column as timestamps, unless it is a configured column of its own kind', () => {
    expect(timestampsOf(config)).toEqual(['ts']);
    expect(timestampsOf(parseBacktestConfig(syntheticConfig))).toEqual([]);
    expect(timestampsOf(parseBacktestConfig({ ...syntheticConfig, window: { column: 'segment', every: '1d' } }))).toEqual([]);
  });

  let fast: BacktestResult;
  it('gives the same result as the text path (JSON equal)', async () => {
    fast = await runBacktestFile({ dataPath: file, config });
    const asText = await readDataset(file, { kinds: { x1: 'numeric' } });
    expect(asText.columns.find((c) => c.name === 'ts')?.kind).toBe('categorical');
    const slow = await runBacktest({ data: asText, config, dataName: file });
    expect(fast.windows.length).toBe(8);
    expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify({ ...slow, data: { ...slow.data, file } })));
  }, 60_000);

  it('still reads epoch seconds and epoch milliseconds given as numbers', async () => {
    const base = fast;
    const seconds = writeCsv('seconds.csv', history(), (ms) => String(ms / 1000));
    const millis = writeCsv('millis.csv', history(), (ms) => String(ms));
    for (const other of [seconds, millis]) {
      const result = await runBacktestFile({ dataPath: other, config });
      expect(result.windows).toEqual(base.windows);
      expect(result.alerts).toEqual(base.alerts);
    }
  }, 60_000);

  it('takes a column read as timestamps as milliseconds even where the magnitude would say seconds', () => {
    // 1970-02-01T00:00Z is 2,678,400,000 ms: as a plain number it reads as epoch seconds (year 2054).
    const values = Float64Array.from([Date.UTC(1970, 1, 1), Date.UTC(1970, 1, 1, 5)]);
    const plain: NumericColumn = { kind: 'numeric', name: 't', values };
    expect(Array.from(hoursOf(markEpochMs({ ...plain }), 0, 2, 'f.csv'))).toEqual([744, 749]);
    expect(Array.from(hoursOf(plain, 0, 2, 'f.csv'))).toEqual([744_000, 749_000]);
  });
});
