/**
 * The lowered effect-size floor of a steady numeric feature (`DriftBandOptions.lowerEffect: 'numeric'`,
 * the default, or 'persistent'; see `lambda/monitor/drift-bands.ts`), judged window by window.
 *
 * Why: a steady reference shows that a KS statistic of 0.03 is already unusual for a feature, so a
 * 0.1–0.25σ mean shift is visible long before the fixed 0.2 floor.
 * - 'numeric': the feature turns critical in a window whose KS statistic is at least the floor with
 *   the p-value below the floor's strict one (STRICT_P_VALUE). Injected benchmark: +0.1σ caught in
 *   33/35, no false alarm in 925 stationary windows; census pages AGEP once (KS 0.041, a real move
 *   of the size of +0.1σ) before its documented change.
 * - 'persistent': the feature must stay over the floor for LOWERED_FLOOR_WINDOWS windows in a row: a
 *   window is in a run when its effect size is at least the floor with the p-value below RUN_P_VALUE
 *   (the default critical 0.01), the paging window also needs the strict p-value, one window out of
 *   the run resets it. It does not page census's AGEP, at a cost: +0.1σ caught in 30/35, because the
 *   window where a drift starts holds only part of it.
 * The runs per feature are carried in the monitor's state, so the Lambdas and the backtest judge alike.
 */
import { DEFAULT_THRESHOLDS } from '../defaults';
import { cappedAtWarning } from '../severity/feature-status';
import { dict, own } from '../own';
import type { FeatureDrift } from '../types';

/** A steady feature's lowered critical effect size and the p-value it needs (see `loweredFloor`). */
export interface LoweredFloor {
  readonly minEffectCritical: number;
  readonly pValueCritical: number;
  /** Windows in a row over the floor before the feature turns critical: 1 ('numeric'), 2 ('persistent'). @default LOWERED_FLOOR_WINDOWS (references stored before the field) */
  readonly windows?: number;
}

/** Windows in a row over the lowered floor before the feature turns critical on it. */
export const LOWERED_FLOOR_WINDOWS = 2;
/** The p-value a window of a run needs (the paging one needs the floor's, stricter). */
export const RUN_P_VALUE = DEFAULT_THRESHOLDS.pValueCritical;

/**
 * Whether a feature's KS statistic is at least `floor.minEffectCritical` with its p-value below
 * `pValue`. Only numeric features get a lowered floor (`lambda/monitor/drift-bands.ts`), so KS is the
 * only test it reads; a feature without one is never over it.
 */
export function overLoweredFloor(f: Pick<FeatureDrift, 'ks'>, floor: LoweredFloor, pValue: number = floor.pValueCritical): boolean {
  return f.ks !== null && f.ks.pValue < pValue && f.ks.statistic >= floor.minEffectCritical;
}

export interface PersistOptions {
  /** Whether the importances are the user's: then a low share stays capped at warning (`cappedAtWarning`). */
  readonly importanceConfigured: boolean;
}

export interface Persisted {
  /** The features, those the rule turns critical with the reason. */
  readonly features: FeatureDrift[];
  /** Feature → windows in a row over its lowered floor, this one included (absent: not in a run now). */
  readonly runs: Record<string, number>;
}

/**
 * Judges one window's features against their lowered floors, given the runs the previous window left
 * (see the module comment). Features without a floor are returned as they are.
 *
 * @example
 * persistLoweredFloor(report.features, { price: { minEffectCritical: 0.04, pValueCritical: 1e-4, windows: 2 } }, { price: 1 }, { importanceConfigured: false })
 * // price with KS 0.05, p 1e-6 => critical ("... lowered floor 0.040 ... in 2 windows in a row"), runs { price: 2 }
 */
export function persistLoweredFloor(
  features: readonly FeatureDrift[],
  floors: Readonly<Record<string, LoweredFloor>>,
  previous: Readonly<Record<string, number>>,
  options: PersistOptions,
): Persisted {
  const runs = dict<number>(); // feature names are keys: `__proto__` too
  const judged = features.map((f) => {
    const floor = own(floors, f.name);
    if (!floor) return f;
    const windows = floor.windows ?? LOWERED_FLOOR_WINDOWS;
    if (!Number.isInteger(windows) || windows < 1) throw new Error(`lowered floor of ${JSON.stringify(f.name)}: windows must be an integer >= 1, got ${windows}`);
    // One window needs no run: the strict p-value alone decides.
    if (!overLoweredFloor(f, floor, windows === 1 ? floor.pValueCritical : Math.max(RUN_P_VALUE, floor.pValueCritical))) return f;
    const run = (own(previous, f.name) ?? 0) + 1;
    runs[f.name] = run;
    if (run < windows || f.status === 'critical' || cappedAtWarning(f.importance, options.importanceConfigured) || !overLoweredFloor(f, floor)) return f;
    return { ...f, status: 'critical' as const, reasons: [...f.reasons, reasonOf(f, floor, run)] };
  });
  return { features: judged, runs };
}

function reasonOf(f: FeatureDrift, floor: LoweredFloor, run: number): string {
  const held = run === 1 ? '' : `, ${run} windows in a row over it`;
  return `critical: KS statistic ${fmt(f.ks?.statistic)} >= the reference's lowered floor ${fmt(floor.minEffectCritical)} (p-value ${fmt(f.ks?.pValue)} < ${floor.pValueCritical})${held}`;
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : x.toExponential(2));
