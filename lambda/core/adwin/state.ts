/**
 * The JSON state of an ADWIN detector, kept between Lambda runs (e.g. in S3 next to the profiles).
 * Numbers survive JSON exactly (JSON.stringify writes the shortest representation that reads back
 * to the same double), so a resumed detector continues bit for bit where the last run stopped.
 */
import type { WindowState } from './window';
import { ResolvedAdwinOptions, resolveAdwinOptions } from './options';

export const ADWIN_STATE_FORMAT = 'driftwatch.adwin/v1' as const;

export interface AdwinState {
  readonly format: typeof ADWIN_STATE_FORMAT;
  readonly options: ResolvedAdwinOptions;
  /** Whether the last update detected a drift: the next update then starts a fresh window. */
  readonly driftDetected: boolean;
  readonly totalDetections: number;
  readonly updates: number;
  readonly window: {
    readonly total: number;
    readonly variance: number;
    readonly width: number;
    readonly totalWidth: number;
    readonly nBuckets: number;
    readonly maxNBuckets: number;
    readonly tick: number;
    readonly nDetections: number;
    /** Row i holds buckets of 2^i values, oldest first. */
    readonly rows: readonly { readonly totals: readonly number[]; readonly variances: readonly number[] }[];
  };
}

export interface ParsedAdwinState {
  options: ResolvedAdwinOptions;
  driftDetected: boolean;
  totalDetections: number;
  updates: number;
  window: WindowState;
}

/** Validates an unknown value as an `AdwinState`; throws an Error naming the first bad field. */
export function parseAdwinState(input: unknown): ParsedAdwinState {
  const s = record(input, 'ADWIN state');
  if (s.format !== ADWIN_STATE_FORMAT) {
    throw new Error(`ADWIN state: format must be ${JSON.stringify(ADWIN_STATE_FORMAT)}, got ${JSON.stringify(s.format)}`);
  }
  const rawOptions = record(s.options, 'ADWIN state.options');
  let options: ResolvedAdwinOptions;
  try {
    options = resolveAdwinOptions({
      delta: finite(rawOptions.delta, 'options.delta'),
      clock: finite(rawOptions.clock, 'options.clock'),
      maxBuckets: finite(rawOptions.maxBuckets, 'options.maxBuckets'),
      minWindowLength: finite(rawOptions.minWindowLength, 'options.minWindowLength'),
      gracePeriod: finite(rawOptions.gracePeriod, 'options.gracePeriod'),
    });
  } catch (e) {
    throw new Error(`ADWIN state: ${(e as Error).message}`);
  }
  if (typeof s.driftDetected !== 'boolean') {
    throw new Error(`ADWIN state: driftDetected must be a boolean, got ${JSON.stringify(s.driftDetected)}`);
  }
  const w = record(s.window, 'ADWIN state.window');
  const rowsIn = w.rows;
  if (!Array.isArray(rowsIn) || rowsIn.length === 0) {
    throw new Error(`ADWIN state: window.rows must be a non-empty array, got ${JSON.stringify(rowsIn)}`);
  }
  let widthFromRows = 0;
  const rows = rowsIn.map((r, i) => {
    const row = record(r, `ADWIN state.window.rows[${i}]`);
    const totals = numbers(row.totals, `window.rows[${i}].totals`);
    const variances = numbers(row.variances, `window.rows[${i}].variances`);
    if (totals.length !== variances.length) {
      throw new Error(`ADWIN state: window.rows[${i}] has ${totals.length} totals but ${variances.length} variances`);
    }
    if (totals.length > options.maxBuckets) {
      throw new Error(`ADWIN state: window.rows[${i}] holds ${totals.length} buckets, more than maxBuckets ${options.maxBuckets}`);
    }
    widthFromRows += totals.length * 2 ** i;
    return { totals, variances };
  });
  const window: WindowState = {
    total: finite(w.total, 'window.total'),
    variance: finite(w.variance, 'window.variance'),
    width: count(w.width, 'window.width'),
    totalWidth: count(w.totalWidth, 'window.totalWidth'),
    nBuckets: count(w.nBuckets, 'window.nBuckets'),
    maxNBuckets: count(w.maxNBuckets, 'window.maxNBuckets'),
    tick: count(w.tick, 'window.tick'),
    nDetections: count(w.nDetections, 'window.nDetections'),
    rows,
  };
  if (widthFromRows !== window.width) {
    throw new Error(`ADWIN state: window.width is ${window.width} but its buckets hold ${widthFromRows} values`);
  }
  return {
    options,
    driftDetected: s.driftDetected,
    totalDetections: count(s.totalDetections, 'totalDetections'),
    updates: count(s.updates, 'updates'),
    window,
  };
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new Error(`${what} must be an object, got ${JSON.stringify(v)}`);
  }
  return v as Record<string, unknown>;
}

function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`ADWIN state: ${field} must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function count(v: unknown, field: string): number {
  const n = finite(v, field);
  if (!Number.isInteger(n) || n < 0) throw new Error(`ADWIN state: ${field} must be a non-negative integer, got ${n}`);
  return n;
}

function numbers(v: unknown, field: string): number[] {
  if (!Array.isArray(v)) throw new Error(`ADWIN state: ${field} must be an array, got ${JSON.stringify(v)}`);
  return v.map((x, i) => finite(x, `${field}[${i}]`));
}
