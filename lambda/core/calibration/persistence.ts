/**
 * The lowered effect-size floor, judged over consecutive windows (`DriftBandOptions.lowerEffect:
 * 'persistent'`, the default; numeric features, see `lambda/monitor/drift-bands.ts`).
 *
 * Why: a steady reference shows that a KS statistic of 0.03 is already unusual for a feature, so a
 * 0.1–0.25σ mean shift is visible long before the fixed 0.2 floor. Paging on one window over that
 * lowered floor also pages small shifts that come and go (census: AGEP once, KS 0.041, before its
 * documented change). A shift that is really there stays there, so the rule asks for a run:
 * - a window is in a run when its effect size is at least the floor with the p-value below
 *   RUN_P_VALUE (the default critical 0.01);
 * - the feature turns critical in a window whose p-value is also below the floor's strict p-value
 *   (STRICT_P_VALUE) and that makes the run LOWERED_FLOOR_WINDOWS windows long; one window out of the
 *   run resets it.
 * Only the paging window needs the strict p-value: the window where a drift starts holds only part
 * of it (injected benchmark: 30/35 +0.1σ shifts caught this way, 27/35 when both windows needed
 * p < 1e-4). The runs per feature are carried in the monitor's state, so the Lambdas and the
 * backtest judge alike.
 */
import { DEFAULT_THRESHOLDS } from '../defaults';
import { cappedAtWarning } from '../severity/feature-status';
import { dict, own } from '../own';
import type { FeatureDrift } from '../types';

/** A steady feature's lowered critical effect size and the p-value it needs (see `loweredFloor`). */
export interface LoweredFloor {
  readonly minEffectCritical: number;
  readonly pValueCritical: number;
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
  /** @default LOWERED_FLOOR_WINDOWS */
  readonly windows?: number;
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
 * persistLoweredFloor(report.features, { price: { minEffectCritical: 0.04, pValueCritical: 1e-4 } }, { price: 1 }, { importanceConfigured: false })
 * // price with KS 0.05, p 1e-6 => critical ("... lowered floor 0.040 ... in 2 windows in a row"), runs { price: 2 }
 */
export function persistLoweredFloor(
  features: readonly FeatureDrift[],
  floors: Readonly<Record<string, LoweredFloor>>,
  previous: Readonly<Record<string, number>>,
  options: PersistOptions,
): Persisted {
  const windows = options.windows ?? LOWERED_FLOOR_WINDOWS;
  if (!Number.isInteger(windows) || windows < 1) throw new Error(`lowered floor: windows must be an integer >= 1, got ${windows}`);
  const runs = dict<number>(); // feature names are keys: `__proto__` too
  const judged = features.map((f) => {
    const floor = own(floors, f.name);
    if (!floor || !overLoweredFloor(f, floor, Math.max(RUN_P_VALUE, floor.pValueCritical))) return f;
    const run = (own(previous, f.name) ?? 0) + 1;
    runs[f.name] = run;
    if (run < windows || f.status === 'critical' || cappedAtWarning(f.importance, options.importanceConfigured) || !overLoweredFloor(f, floor)) return f;
    return { ...f, status: 'critical' as const, reasons: [...f.reasons, reasonOf(f, floor, run)] };
  });
  return { features: judged, runs };
}

function reasonOf(f: FeatureDrift, floor: LoweredFloor, run: number): string {
  return `critical: KS statistic ${fmt(f.ks?.statistic)} >= the reference's lowered floor ${fmt(floor.minEffectCritical)} (p-value ${fmt(f.ks?.pValue)} < ${floor.pValueCritical}), ${run} windows in a row over it`;
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : x.toExponential(2));
