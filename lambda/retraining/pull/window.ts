/**
 * The data pull's window of fresh rows: the `freshDays` days that end at the trigger's window end,
 * in whole UTC hours (the prediction log's partitions), predictions whose hour is in [start, end).
 */

const HOUR_MS = 3_600_000;

/** Thrown when the pull's input is refused; the message names the field and the value. */
export class PullInputError extends Error {
  override readonly name = 'PullInputError';
}

export interface PullWindow {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The window from the pipeline's `WindowEnd` parameter (an ISO time, or `latest` for a run started
 * by hand: the hour now is in) and its `FreshDays`. The end is floored to the hour.
 * @example pullWindow('2026-11-25T13:40:00Z', 28, now) // { start: 2026-10-28T13:00Z, end: 2026-11-25T13:00Z }
 * @throws PullInputError naming windowEnd or freshDays and the value
 */
export function pullWindow(windowEnd: string, freshDays: number, now: Date): PullWindow {
  if (!Number.isInteger(freshDays) || freshDays < 1 || freshDays > 366) {
    throw new PullInputError(`the data pull's freshDays (pipeline parameter FreshDays) must be an integer from 1 to 366, got ${JSON.stringify(freshDays)}: the holdout is cut from the fresh rows`);
  }
  const endMs = windowEnd === 'latest' ? now.getTime() : Date.parse(windowEnd);
  if (!/^(latest|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))$/.test(windowEnd) || !Number.isFinite(endMs)) {
    throw new PullInputError(`the data pull's windowEnd (pipeline parameter WindowEnd) must be an ISO time with a zone, such as 2026-11-25T13:00:00Z, or 'latest'; got ${JSON.stringify(windowEnd)}`);
  }
  const end = new Date(Math.floor(endMs / HOUR_MS) * HOUR_MS);
  return { start: new Date(end.getTime() - freshDays * 24 * HOUR_MS), end };
}
