/**
 * The replay's grid: the windows of the plain backtest as row ranges of the (time-ordered) data, with
 * the instant each one ends — when the monitor would have judged it and the trigger decided. Row
 * windows end on their synthetic day (`batches.ts`: a window of rows is a UTC day from 2000-01-01).
 */
import type { RowRange } from '../../core/dataset/slice-rows';
import type { Dataset } from '../../core/types';
import { HOUR_MS, hoursOf, rowBatching, SYNTHETIC_EPOCH_MS, timeBatching } from '../batches';
import { findColumn } from '../columns';
import { parseEvery, type BacktestConfig } from '../config';

export interface GridWindow extends RowRange {
  readonly index: number;
  /** What the backtest's result says of the window (row offsets, or ISO times). */
  readonly startLabel: number | string;
  readonly endLabel: number | string;
  /** When the window ends. */
  readonly endsAt: Date;
}

/** @param firstRow the first row after the reference rows (0 with a reference file) */
export function replayGrid(data: Dataset, config: Pick<BacktestConfig, 'window'>, firstRow: number, file: string): GridWindow[] {
  const w = config.window;
  if ('rows' in w) {
    return rowBatching(firstRow, data.rowCount, w.rows).windows.map((s) => ({
      index: s.index,
      start: s.startRow as number,
      end: s.endRow as number,
      startLabel: s.startRow as number,
      endLabel: s.endRow as number,
      endsAt: new Date(SYNTHETIC_EPOCH_MS + (s.index + 1) * 24 * HOUR_MS),
    }));
  }
  const batching = timeBatching(hoursOf(findColumn(data, w.column, 'window', file), firstRow, data.rowCount, file), parseEvery(w.every) as number);
  let start = firstRow;
  return batching.windows.map((s) => {
    const range = { start, end: start + s.rows };
    start = range.end;
    const at = (hour: number) => new Date(hour * HOUR_MS);
    return { index: s.index, ...range, startLabel: at(s.startHour).toISOString(), endLabel: at(s.endHour).toISOString(), endsAt: at(s.endHour) };
  });
}
