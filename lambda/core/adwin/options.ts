/** ADWIN parameters: river's names in camelCase, river's defaults. */

export interface AdwinOptions {
  /** Significance: smaller means fewer false alarms and slower detection. @default 0.002 */
  readonly delta?: number;
  /** Check for a cut every `clock` updates. @default 32 */
  readonly clock?: number;
  /** Buckets of each size kept before the two oldest merge. @default 5 */
  readonly maxBuckets?: number;
  /** Each sub-window of a cut must hold at least this many values. @default 5 */
  readonly minWindowLength?: number;
  /** No cut is checked until the window holds more than this many values. @default 10 */
  readonly gracePeriod?: number;
}

export const ADWIN_DEFAULTS = {
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
} as const;

export type ResolvedAdwinOptions = { readonly [K in keyof typeof ADWIN_DEFAULTS]: number };

export function resolveAdwinOptions(options: AdwinOptions = {}): ResolvedAdwinOptions {
  const o = { ...ADWIN_DEFAULTS, ...stripUndefined(options) };
  if (!(o.delta > 0 && o.delta < 1)) throw new Error(`ADWIN delta must be in (0, 1), got ${o.delta}`);
  for (const key of ['clock', 'maxBuckets', 'minWindowLength', 'gracePeriod'] as const) {
    const v = o[key];
    const min = key === 'gracePeriod' ? 0 : 1;
    if (!Number.isInteger(v) || v < min) throw new Error(`ADWIN ${key} must be an integer >= ${min}, got ${v}`);
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

