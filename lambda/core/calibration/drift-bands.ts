/**
 * Drift thresholds calibrated on the reference itself ("drift bands").
 *
 * Why: fixed thresholds (PSI 0.2 / 0.25, effect size 0.1 / 0.2) assume a feature is stationary.
 * A feature that naturally moves from one window to the next (a weekly electricity price, a
 * seasonal demand) then alarms every window, and an alert that always fires is ignored. The
 * reference already shows how much such a feature moves between windows of the monitoring size, so
 * its thresholds can be set from that.
 *
 * How, following NannyML's documented default (`StandardDeviationThreshold`: thresholds from the
 * drift metric computed on chunks of the reference, mean + 3 × np.std; NannyML calls 6 chunks the
 * "absolute minimum"), with one correction for how few windows a reference holds:
 * - the reference is cut into contiguous windows of the monitoring window's size (the caller
 *   observes each one against the reference profile);
 * - each window is measured against the rest of the reference (leave-one-out,
 *   `subtractDatasetProfiles`): a production window is out of sample, so a window compared with a
 *   reference that contains it would look closer than it is and the band would be too narrow;
 * - per feature, the mean and population std of the PSI and of the effect size (KS statistic for
 *   numeric features, Jensen–Shannon distance for categorical ones) over those windows;
 * - warning at the 2σ level and critical at the 3σ level (the classic control-chart warning and
 *   action limits; 3σ is NannyML's default), as a Student-t prediction interval for one new
 *   window (`predictionMultiplier`): mean + t·σ·√((n+1)/(n−1)), with t the quantile of Student's t
 *   with n − 1 degrees of freedom at the one-sided tail of a normal kσ. Plain mean + kσ from n
 *   windows treats the estimated σ as exact; with NannyML's minimum of 6 windows a "3σ" band then
 *   fires on 2.6% of in-control windows instead of 0.13% (19×), with 12 windows on 0.93% (7×). The
 *   interval converges to mean + kσ as n grows (200 windows: 3σ → 3.05σ);
 * - PSI and distances raise-only: never below the default / configured thresholds;
 * - a steady reference also gets a LOWER critical effect size (KS statistic / JS distance): its
 *   band's critical level, at least LOWEST_EFFECT_CRITICAL, needing p < STRICT_P_VALUE because every
 *   feature of every window is tested (`loweredFloor`). The fixed 0.2 floor hid a 0.1–0.25σ mean
 *   shift on a feature whose reference windows move by a KS of 0.03 (injected-drift benchmark,
 *   test/eval/RESULTS.md). By default (`lowerEffect: 'numeric'`) a numeric feature turns critical on
 *   that floor in a window, with 'persistent' only when it holds in LOWERED_FLOOR_WINDOWS windows in
 *   a row (./persistence.ts, judged by the monitor with its state); `true` lowers the thresholds
 *   themselves (every feature, warnings too).
 *
 * @example
 * const windows = weeks.map((w) => observeDatasetProfile(w, reference));   // weeks of the reference
 * const bands = driftBands(referenceWindowReports(reference, windows));
 * if (bands.ok) {
 *   const price = bands.features.find((f) => f.name === 'price')!;
 *   const thresholds = bandThresholds(price, resolveThresholds('price'), bands);
 *   compareProfiles(reference, thisWeek, { features: { price: { thresholds } } });
 * } else console.warn(bands.reason);
 */
import { compareProfiles, type CompareOptions } from '../compare';
import { subtractDatasetProfiles } from '../profile';
import type { ResolvedThresholds } from '../severity';
import { distanceOf } from '../compare/assemble';
import type { DatasetProfile, DriftReport, DriftTest, FeatureDrift } from '../types';
import { STRICT_P_VALUE } from '../defaults';
import { predictionMultiplier } from './prediction-interval';

export const DRIFT_BAND_DEFAULTS = { multiplier: 3, warningMultiplier: 2, minWindows: 6, lowerEffect: 'numeric' } as const;

/**
 * How a steady reference's lower effect-size band counts: not at all (`false`), as every feature's
 * thresholds (`true`), as a numeric feature's KS floor in one window ('numeric') or in two in a row ('persistent').
 */
export type LowerEffect = boolean | 'numeric' | 'persistent';

export interface DriftBandOptions {
  /**
   * The critical level in standard deviations (the false-alarm rate of a normal kσ limit; the band
   * widens it for the number of windows, see `predictionMultiplier`). @default 3 (NannyML's default)
   */
  readonly multiplier?: number;
  /** The warning level in standard deviations, widened the same way. @default 2 */
  readonly warningMultiplier?: number;
  /** Reference windows needed to calibrate; fewer keep the default thresholds. @default 6 (NannyML's minimum) */
  readonly minWindows?: number;
  /**
   * What a band below the default critical effect size does (its level, at least LOWEST_EFFECT_CRITICAL,
   * with the p-value needing STRICT_P_VALUE; the thresholds stay raise-only, `loweredFloor`):
   * 'numeric' pages a numeric feature whose KS statistic is over that floor in a window;
   * 'persistent' only once it is over it in LOWERED_FLOOR_WINDOWS windows in a row (fewer small
   * shifts caught: test/eval/RESULTS.md); `true` lowers the thresholds themselves, categorical
   * features' too (census: 0 -> 7 false alarms before its documented change); `false` keeps the
   * fixed floor. @default 'numeric'
   */
  readonly lowerEffect?: LowerEffect;
}

/** Mean and population standard deviation (ddof 0) of a drift measure over the reference's windows. */
export interface BandStats {
  readonly mean: number;
  readonly std: number;
  /** Windows the measure was computed in (a feature missing from a window has fewer). */
  readonly windows: number;
}

/** One feature's band: what the reference's own windows show. */
export interface FeatureBand {
  readonly name: string;
  /** PSI over the windows; null when fewer than `minWindows` windows had a PSI. */
  readonly psi: BandStats | null;
  /** KS statistic (numeric) or Jensen–Shannon distance (categorical) over the windows; null when fewer than `minWindows` had one. */
  readonly effect: BandStats | null;
  /** For a feature pinned to a distance test (`test`), that distance over the windows; else null. */
  readonly distance?: BandStats | null;
  /** The distance test `distance` measures. */
  readonly test?: DriftTest;
}

export type DriftBands =
  | {
      readonly ok: true;
      readonly windows: number;
      readonly multiplier: number;
      readonly warningMultiplier: number;
      /** How the bands may lower the critical effect size (`DriftBandOptions.lowerEffect`). */
      readonly lowerEffect: LowerEffect;
      /** σ multiples the critical / warning thresholds use for a measure present in every window. */
      readonly criticalSigmas: number;
      readonly warningSigmas: number;
      readonly features: readonly FeatureBand[];
    }
  | { readonly ok: false; readonly windows: number; readonly reason: string };

/**
 * Measures each reference window against the rest of the reference (leave-one-out:
 * `compareProfiles(subtractDatasetProfiles(reference, w), w)`), as a production window of the same
 * size is measured against the reference. Each window must have been observed against `reference`
 * and be part of it (else `subtractDatasetProfiles` throws naming the feature and bin).
 *
 * @example referenceWindowReports(reference, weeks.map((w) => observeDatasetProfile(w, reference)))
 */
export function referenceWindowReports(
  reference: DatasetProfile,
  windows: readonly DatasetProfile[],
  options: CompareOptions = {},
): DriftReport[] {
  return windows.map((window) => compareProfiles(subtractDatasetProfiles(reference, window), window, options));
}

/**
 * Per-feature bands (mean and population std of PSI and effect size) from the reports of the
 * reference's windows (`referenceWindowReports`). Refuses, as a typed result rather than an
 * exception, with fewer than `minWindows` reports: a std from 2 or 3 windows says little, and the
 * default thresholds are the safe fallback. Throws on invalid options, naming the option and value.
 *
 * @example
 * driftBands(reports)                  // { ok: true, windows: 12, multiplier: 3, warningMultiplier: 2, features: [...] }
 * driftBands(reports.slice(0, 2))      // { ok: false, windows: 2, reason: 'the reference holds 2 windows ...' }
 */
export function driftBands(reports: readonly DriftReport[], options: DriftBandOptions = {}): DriftBands {
  const { multiplier, warningMultiplier, minWindows } = resolveOptions(options);
  const windows = reports.length;
  if (windows < minWindows) {
    const minimum = minWindows === DRIFT_BAND_DEFAULTS.minWindows ? " (NannyML's minimum)" : '';
    return {
      ok: false,
      windows,
      reason:
        `the reference holds ${windows} window${windows === 1 ? '' : 's'} of the monitoring size; ` +
        `calibrating drift thresholds needs at least ${minWindows}${minimum}: using the default thresholds`,
    };
  }
  // Features in order of first appearance; a feature absent from a report simply has fewer values.
  const values = new Map<string, { psi: number[]; effect: number[]; distance: number[]; test?: DriftTest }>();
  for (const report of reports) {
    for (const f of report.features) {
      let v = values.get(f.name);
      if (!v) values.set(f.name, (v = { psi: [], effect: [], distance: [] }));
      if (f.psi !== null) v.psi.push(f.psi);
      const effect = effectOf(f);
      if (effect !== null) v.effect.push(effect);
      const distance = distanceOf(f, f.test);
      if (distance !== null) {
        v.distance.push(distance);
        v.test = f.test;
      }
    }
  }
  const band = (xs: readonly number[]) => (xs.length < minWindows ? null : stats(xs));
  const features = [...values].map(
    ([name, v]): FeatureBand => ({
      name,
      psi: band(v.psi),
      effect: band(v.effect),
      ...(v.test !== undefined && { distance: band(v.distance), test: v.test }),
    }),
  );
  return {
    ok: true,
    windows,
    multiplier,
    warningMultiplier,
    lowerEffect: options.lowerEffect ?? DRIFT_BAND_DEFAULTS.lowerEffect,
    criticalSigmas: predictionMultiplier(multiplier, windows),
    warningSigmas: predictionMultiplier(warningMultiplier, windows),
    features,
  };
}

/**
 * The thresholds a feature gets from its band: for PSI and for the effect size, warning =
 * max(base, mean + w·σ) and critical = max(base, mean + c·σ) (raised), with w and c the
 * prediction-interval multiples of the warning and critical levels for the measure's window count
 * (`predictionMultiplier(warningMultiplier, n)`, `predictionMultiplier(multiplier, n)`),
 * effect thresholds capped at 1 (the KS statistic and the JS distance are ≤ 1); the same for the
 * distance thresholds of a feature pinned to a distance test (`band.distance`); every other field
 * of `base` unchanged. warning ≤ critical holds because base does and warningMultiplier ≤
 * multiplier. With `lowerEffect` (not the default), when the effect band's critical level is below the
 * raised critical effect size, both effect levels become the band's (at least
 * LOWEST_EFFECT_CRITICAL) and pValueCritical / pValueWarning tighten to STRICT_P_VALUE / 0.01.
 * `base` is the feature's resolved thresholds (`resolveThresholds`); pass the ok bands
 * (or options) as `multipliers` so the thresholds use the multipliers the bands were built with.
 *
 * @example
 * // PSI over 12 windows: mean 0.30, σ 0.05 → psiWarning 0.30 + 2.451·0.05 ≈ 0.42, psiCritical 0.30 + 4.185·0.05 ≈ 0.51
 * bandThresholds({ name: 'price', psi: { mean: 0.3, std: 0.05, windows: 12 }, effect: null }, resolveThresholds('price'))
 */
export function bandThresholds(
  band: FeatureBand,
  base: ResolvedThresholds,
  multipliers: Pick<DriftBandOptions, 'multiplier' | 'warningMultiplier' | 'lowerEffect'> = {},
): ResolvedThresholds {
  const { multiplier, warningMultiplier } = resolveOptions({
    multiplier: multipliers.multiplier,
    warningMultiplier: multipliers.warningMultiplier,
  });
  const raised = raiseOnly(band, base, multiplier, warningMultiplier);
  // Only `true` lowers the thresholds; 'numeric' and 'persistent' leave them raise-only and judge `loweredFloor` per window.
  if ((multipliers.lowerEffect ?? DRIFT_BAND_DEFAULTS.lowerEffect) !== true) return raised;
  const floor = loweredFloor(band, base, { multiplier, lowerEffect: true });
  if (floor === null) return raised;
  // Both effect-size levels come down to the band's, and the p-values they need tighten, because many
  // features and windows are judged: critical STRICT_P_VALUE, warning the critical default (0.01). A
  // warning at p 0.05 would hold one feature in 5 % of quiet windows, and a paged feature stays paged while it warns.
  const warningLevel = Math.max(LOWEST_EFFECT_CRITICAL, bandLevel(band.effect as BandStats, warningMultiplier));
  return {
    ...raised,
    ...floor,
    minEffectWarning: Math.min(raised.minEffectWarning, warningLevel),
    pValueWarning: Math.min(raised.pValueWarning, raised.pValueCritical),
  };
}

/**
 * The lowered critical effect size of a reference steadier than the default floor assumes: the effect
 * band's critical level (at least LOWEST_EFFECT_CRITICAL) with the p-value it needs tightened to
 * STRICT_P_VALUE; null when the band is not below the raised critical effect size, the feature is
 * pinned to a distance test (not judged by the effect size), it has no effect band, or `lowerEffect` is false.
 *
 * @example loweredFloor({ name: 'x', psi: null, effect: { mean: 0.03, std: 0.005, windows: 12 } }, resolveThresholds('x'))
 * // => { minEffectCritical: 0.03 + 4.185 · 0.005 ≈ 0.051, pValueCritical: 1e-4 }
 */
export function loweredFloor(
  band: FeatureBand,
  base: ResolvedThresholds,
  options: Pick<DriftBandOptions, 'multiplier' | 'lowerEffect'> = {},
): { minEffectCritical: number; pValueCritical: number } | null {
  if ((options.lowerEffect ?? DRIFT_BAND_DEFAULTS.lowerEffect) === false || band.effect === null || band.test !== undefined) return null;
  const multiplier = options.multiplier ?? DRIFT_BAND_DEFAULTS.multiplier;
  const raisedCritical = raiseOnly(band, base, multiplier, Math.min(multiplier, DRIFT_BAND_DEFAULTS.warningMultiplier)).minEffectCritical;
  const level = bandLevel(band.effect, multiplier);
  if (!(level < raisedCritical)) return null;
  return { minEffectCritical: Math.max(LOWEST_EFFECT_CRITICAL, level), pValueCritical: Math.min(base.pValueCritical, STRICT_P_VALUE) };
}

/** mean + the prediction-interval multiple of k σ for the band's window count (the mean when σ = 0). */
function bandLevel(s: BandStats, k: number): number {
  return s.std === 0 ? s.mean : s.mean + predictionMultiplier(k, s.windows) * s.std;
}

/** The lowest critical effect size a band may set (KS statistic or JS distance). */
export const LOWEST_EFFECT_CRITICAL = 0.02;

function raiseOnly(band: FeatureBand, base: ResolvedThresholds, multiplier: number, warningMultiplier: number): ResolvedThresholds {
  const raise = (current: number, s: BandStats | null, k: number, cap: number) => {
    if (s === null) return current;
    // σ = 0 (a measure that never moved) bounds at the mean, even for an infinite multiple.
    return Math.max(current, Math.min(cap, bandLevel(s, k)));
  };
  return {
    ...base,
    psiWarning: raise(base.psiWarning, band.psi, warningMultiplier, Infinity),
    psiCritical: raise(base.psiCritical, band.psi, multiplier, Infinity),
    minEffectWarning: raise(base.minEffectWarning, band.effect, warningMultiplier, 1),
    minEffectCritical: raise(base.minEffectCritical, band.effect, multiplier, 1),
    // Jensen–Shannon and L∞ are at most 1; Wasserstein in reference σ has no upper bound.
    distanceWarning: raise(base.distanceWarning, band.distance ?? null, warningMultiplier, band.test === 'wasserstein' ? Infinity : 1),
    distanceCritical: raise(base.distanceCritical, band.distance ?? null, multiplier, band.test === 'wasserstein' ? Infinity : 1),
  };
}

/** The effect size that accompanies the p-value test in a feature's status (see `assembleFeature`). */
function effectOf(f: FeatureDrift): number | null {
  return f.kind === 'numeric' ? (f.ks?.statistic ?? null) : f.jensenShannon;
}

/** Mean and population std (ddof 0, numpy's np.std default), two-pass as numpy computes it. */
function stats(xs: readonly number[]): BandStats {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
  return { mean, std: Math.sqrt(variance), windows: xs.length };
}

function resolveOptions(options: DriftBandOptions): Required<Omit<DriftBandOptions, 'lowerEffect'>> {
  const o: Required<Omit<DriftBandOptions, 'lowerEffect'>> = {
    multiplier: options.multiplier ?? DRIFT_BAND_DEFAULTS.multiplier,
    warningMultiplier: options.warningMultiplier ?? DRIFT_BAND_DEFAULTS.warningMultiplier,
    minWindows: options.minWindows ?? DRIFT_BAND_DEFAULTS.minWindows,
  };
  for (const [key, value] of Object.entries(o)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`drift bands: ${key} must be a finite number, got ${value}`);
    }
  }
  if (o.warningMultiplier < 0) {
    throw new Error(`drift bands: warningMultiplier must be >= 0, got ${o.warningMultiplier}`);
  }
  if (o.multiplier < o.warningMultiplier) {
    throw new Error(
      `drift bands: multiplier must be >= warningMultiplier (${o.warningMultiplier}), got ${o.multiplier}; critical is the more severe level`,
    );
  }
  if (!Number.isInteger(o.minWindows) || o.minWindows < 2) {
    throw new Error(`drift bands: minWindows must be an integer >= 2 (a std needs two windows), got ${o.minWindows}`);
  }
  return o;
}
