/**
 * The replay's profile step: every window profiled by the engine's grouped scan (`profileHistory`)
 * and its label join (`historyPerformance`), over runs of consecutive windows rather than all of
 * history at once.
 *
 * Why runs: a scan holds its aggregates' groups (per partition × feature × fine bin), which grow with
 * the history's length; and before the grid query streamed its rows, one scan over a million rows ×
 * 20 features held about 2 GB. A run of windows holding at most `valuesPerScan` values bounds that,
 * whatever the history's length; each window is still profiled by one scan of its
 * own hours with the same SQL, so the counts are the same as one scan's. A window larger than the
 * bound is a run of its own (a window is never split).
 */
import type { PerformanceAggregates } from '../sql';
import type { PartitionAggregates } from '../sql/grouped-profile';
import type { DatasetProfile } from '../core/types';
import type { MonitorModel } from '../monitor/model';
import { profileHistory, type MonitorTables } from '../monitor/profile';
import type { MonitorReference } from '../monitor/reference';
import { historyPerformance } from '../monitor/score';
import type { TableEngine } from '../ports/query-engine';
import { HOUR_MS, type WindowSpan } from './batches';

/**
 * Values (rows × profiled columns) one scan covers at most. A scan holds its aggregates' groups (at
 * most one per value, e.g. a count per partition × feature × fine bin), no longer the values
 * themselves: the grid query streams the rows through each part (grid-profile-query.ts). Measured on
 * a million rows × 20 features (100 daily windows, 22 million values), 3 runs each on 2 cores, 3 Dec:
 * 4,000,000 a scan (6 scans) 12.7–14.1 s, peak 614–694 MB; 8,000,000 (3 scans) 12.6–13.8 s, 582–663 MB;
 * one scan 12.4–13.4 s, 620–748 MB. The pandas peer peaks at 687 MB on the same data: 8,000,000 keeps
 * below it at no cost in time. (Before, when every part read one relation of all the scan's values,
 * 1,600,000 was the most that stayed below the peer.)
 */
export const VALUES_PER_SCAN = 8_000_000;

export interface ScannedHistory {
  /** One profile per window, in window order. */
  readonly profiles: DatasetProfile[];
  /** Every partition's prediction aggregates, in time order, with `target` the window's index. */
  readonly partitions: PartitionAggregates[];
  /** Each window's label-join aggregates, or null without labels. */
  readonly performances: (PerformanceAggregates | null)[] | null;
}

export interface HistoryScanInput {
  readonly model: MonitorModel;
  readonly reference: MonitorReference;
  readonly tables: MonitorTables;
  /** The windows, in time order, not overlapping. */
  readonly windows: readonly WindowSpan[];
  /** 'day' when every window is a whole number of UTC days (up to 24× fewer result rows). */
  readonly groupBy: 'hour' | 'day';
  /** @default VALUES_PER_SCAN */
  readonly valuesPerScan?: number;
  /** Called before each scan with the windows [first, end) it covers. */
  readonly onScan?: (first: number, end: number) => void;
  /** Called with each run's results, in window order, while the next run is being scanned. */
  readonly onRun?: (run: RunScan) => void;
}

/**
 * Runs of consecutive windows, each holding at most `valuesPerScan` values (rows × `columns`), as
 * [first, end) window indices; a window larger than that is a run of its own.
 * @example scanRuns([{ rows: 4 }, { rows: 4 }, { rows: 4 }], 2, 16) // [[0, 2], [2, 3]]
 */
export function scanRuns(windows: readonly Pick<WindowSpan, 'rows'>[], columns: number, valuesPerScan: number): [number, number][] {
  if (!(valuesPerScan > 0)) throw new Error(`scanRuns: valuesPerScan must be positive, got ${valuesPerScan}`);
  const runs: [number, number][] = [];
  let first = 0;
  let values = 0;
  windows.forEach((w, i) => {
    const more = w.rows * columns;
    if (i > first && values + more > valuesPerScan) {
      runs.push([first, i]);
      first = i;
      values = 0;
    }
    values += more;
  });
  if (first < windows.length) runs.push([first, windows.length]);
  return runs;
}

/** The index of the window of `windows` holding `hour` (windows in time order, not overlapping). */
export function windowAt(windows: readonly WindowSpan[], hour: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (windows[mid].startHour <= hour) lo = mid;
    else hi = mid - 1;
  }
  const w = windows[lo];
  if (!w || !(hour >= w.startHour && hour < w.endHour)) {
    throw new Error(`backtest: the profile query returned hour ${new Date(hour * HOUR_MS).toISOString()}, which is in no window`);
  }
  return lo;
}

/** The runs `scanHistory` profiles the windows in, as [first, end) window indices. */
export function historyRuns(model: MonitorModel, windows: readonly WindowSpan[], valuesPerScan = VALUES_PER_SCAN): [number, number][] {
  // The profile query's columns: every feature, the prediction and (classifiers) the predicted label.
  return scanRuns(windows, model.features.length + 2, valuesPerScan);
}

/** What one run's scan found: its windows' profiles, partitions (targets as window indices) and label joins. */
export interface RunScan {
  /** The run's windows [first, end). */
  readonly first: number;
  readonly end: number;
  /** One profile per window of the run, in order. */
  readonly profiles: DatasetProfile[];
  /** The run's partitions' prediction aggregates, in time order, `target` the window's index in all windows. */
  readonly partitions: PartitionAggregates[];
  /** Each window's label-join aggregates, or null without labels. */
  readonly performances: (PerformanceAggregates | null)[] | null;
}

/** Profiles the windows [first, end) with one grouped scan (and joins their labels). */
async function scanRun(engine: TableEngine, input: HistoryScanInput, [first, end]: [number, number]): Promise<RunScan> {
  const { model, reference, tables, windows } = input;
  input.onScan?.(first, end);
  const run = windows.slice(first, end);
  const scan = {
    hours: { start: new Date(run[0].startHour * HOUR_MS), end: new Date(run[run.length - 1].endHour * HOUR_MS) },
    groupBy: input.groupBy,
    targets: run.length,
    targetOf: (dt: string, hour: string | null) => windowAt(run, Date.parse(`${dt}T${hour ?? '00'}:00:00Z`) / HOUR_MS),
  } as const;
  const grouped = await profileHistory(engine, model, reference, tables, scan);
  // Labels sit in their prediction's hour here: no lookback past the run.
  const performances = await historyPerformance(engine, model, tables, scan, 0);
  return { first, end, profiles: grouped.profiles, partitions: grouped.partitions.map((p) => ({ ...p, target: p.target + first })), performances };
}

/**
 * Profiles every window (and joins its labels) with one grouped scan per run of windows. Each run's
 * results go to `onRun` as soon as they are in, while the engine already scans the next run: what
 * the caller does with them (the backtest measures and decides the run's windows) runs in this
 * thread while the engine's threads work, instead of after the last scan.
 */
export async function scanHistory(engine: TableEngine, input: HistoryScanInput): Promise<ScannedHistory> {
  const runs = historyRuns(input.model, input.windows, input.valuesPerScan);
  const profiles: DatasetProfile[] = [];
  const partitions: PartitionAggregates[] = [];
  let performances: (PerformanceAggregates | null)[] | null = [];
  let next = runs.length > 0 ? scanRun(engine, input, runs[0]) : null;
  for (let i = 0; next; i++) {
    const run: RunScan = await next;
    next = i + 1 < runs.length ? scanRun(engine, input, runs[i + 1]) : null;
    try {
      input.onRun?.(run);
    } catch (error) {
      // No scan outlives the call: the next one ends (its result or failure unused) before the error is thrown.
      await next?.catch(() => undefined);
      throw error;
    }
    profiles.push(...run.profiles);
    partitions.push(...run.partitions);
    // Null for every run alike: the model has no labels.
    if (run.performances === null) performances = null;
    else performances?.push(...run.performances);
  }
  return { profiles, partitions, performances };
}
