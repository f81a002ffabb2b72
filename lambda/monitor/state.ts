/**
 * What the monitor remembers between runs of one window: plain JSON at `monitorKeys.state(model,
 * window)`, replaced only by conditional writes, so two overlapping runs can never both win.
 */
import * as z from 'zod';
import type { AlertState } from '../core/alerts';
import type { AdwinState } from '../core/adwin';
import type { MetricWindow } from '../core/calibration';
import type { Status } from '../core/types';
import { CorruptObject } from '../ports/errors';
import type { MonitorEventEntry } from '../ports/event-sink';
import type { CalibrationReport } from './types';

export const STATE_FORMAT = 'driftwatch.monitor-state/v1' as const;

export interface MonitorState {
  readonly format: typeof STATE_FORMAT;
  readonly modelId: string;
  /** The window's name ('1d'); the backtest's is 'backtest'. */
  readonly window: string;
  /** Windows judged so far: the next window's index. */
  readonly windows: number;
  /** ISO end of the last window judged (a run for the same or an earlier end is a duplicate). */
  readonly lastEnd: string | null;
  /** Last status per alert dedup key. */
  readonly alerts: AlertState;
  /** ADWIN per proxy, and the last hour it was fed (each hour feeds it once, also under sliding windows). */
  readonly adwin: Readonly<Record<string, AdwinState>>;
  readonly adwinFedThrough: string | null;
  /** Metric values of the baseline windows so far, until calibration. */
  readonly baseline: Readonly<Record<string, readonly MetricWindow[]>>;
  /** Set once the baseline windows are complete. */
  readonly calibration: Readonly<Record<string, CalibrationReport>> | null;
  /** Feature (name) → start of the window since which it drifts (warning or critical), while it does. */
  readonly since: Readonly<Record<string, number | string>>;
  /**
   * Feature id → windows in a row over its lowered effect-size floor, while it is (`persistLoweredFloor`).
   * Absent in state written before the rule: no window counted yet.
   */
  readonly lowered?: Readonly<Record<string, number>>;
  /** Events decided but not yet confirmed sent (sent again by the next run if the sender died). */
  readonly outbox: readonly OutboxEntry[];
}

export interface OutboxEntry {
  readonly event: Omit<MonitorEventEntry, 'time'> & { readonly time: string };
  /** When it was put in the outbox; another run resends it only once it is clearly abandoned. */
  readonly queuedAt: string;
}

export function initialState(modelId: string, window: string): MonitorState {
  return {
    format: STATE_FORMAT,
    modelId,
    window,
    windows: 0,
    lastEnd: null,
    alerts: {},
    adwin: {},
    adwinFedThrough: null,
    baseline: {},
    calibration: null,
    since: {},
    lowered: {},
    outbox: [],
  };
}

const status = z.enum(['ok', 'warning', 'critical']) as z.ZodType<Status>;
const stateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  modelId: z.string(),
  window: z.string(),
  windows: z.number().int().nonnegative(),
  lastEnd: z.string().nullable(),
  alerts: z.record(z.string(), status),
  adwin: z.record(z.string(), z.object({ format: z.string() }).passthrough()),
  adwinFedThrough: z.string().nullable(),
  baseline: z.record(z.string(), z.array(z.object({ value: z.number().nullable(), sampleSize: z.number() }))),
  calibration: z.record(z.string(), z.object({ ok: z.boolean() }).passthrough()).nullable(),
  since: z.record(z.string(), z.union([z.number(), z.string()])),
  lowered: z.record(z.string(), z.number().int().positive()).optional(),
  outbox: z.array(z.object({ event: z.object({ source: z.string(), detailType: z.string(), detail: z.record(z.string(), z.unknown()), time: z.string() }), queuedAt: z.string() })),
});

/**
 * Validates stored state.
 * @throws CorruptObject naming the key and the bad fields
 */
export function parseState(json: unknown, key: string): MonitorState {
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) throw new CorruptObject(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data as unknown as MonitorState;
}
