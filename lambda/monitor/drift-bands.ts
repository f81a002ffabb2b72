/**
 * Drift thresholds calibrated on the reference's own windows (`lambda/core/calibration/drift-bands.ts`):
 * each reference window is measured against the rest of the reference, and each feature's thresholds
 * rise to what the reference itself shows. Fitted once with the reference (`fitReference`) and
 * stored with it, so the Lambdas and the backtest judge windows by the same numbers.
 */
import { bandThresholds, driftBands, LOWERED_FLOOR_WINDOWS, loweredFloor, referenceWindowReports, type DriftBands, type LoweredFloor } from '../core/calibration';
import { observeDatasetProfile } from '../core/profile';
import { resolveThresholds, type ResolvedThresholds } from '../core/severity';
import type { DriftBandSettingsInput } from '../core/schema/drift-bands';
import type { Dataset, DatasetProfile, DriftTest, FeatureSpec } from '../core/types';
import type { DriftBandsReport } from './types';

/** The reference cut into windows of the monitoring size, or why it cannot be. */
export type ReferenceWindows = { readonly ok: true; readonly windows: readonly Dataset[] } | { readonly ok: false; readonly reason: string };

/** What the calibration found: the thresholds each feature (by id) is judged by, and the bands behind them. */
export interface CalibratedDrift {
  /** null when disabled. */
  readonly bands: DriftBands | null;
  /** Feature id → the thresholds it is judged by (plain JSON: stored with the reference). */
  readonly thresholds: Readonly<Record<string, ResolvedThresholds>>;
  /** Features (by id) whose thresholds the band raised. */
  readonly raised: readonly string[];
  /** Feature id → its pinned test, for the features that have one. */
  readonly tests: Readonly<Record<string, DriftTest>>;
  /**
   * Feature id → the lowered effect-size floor it turns critical on, in one window or once it holds in
   * consecutive ones (`lowerEffect: 'numeric'`, the default, or 'persistent'; `persistLoweredFloor`).
   * Absent in references fitted before it.
   */
  readonly lowered?: Readonly<Record<string, LoweredFloor>>;
}

/** The thresholds of a feature id (own properties only: a feature may be called `constructor`). */
export function thresholdsOf(drift: CalibratedDrift, id: string): ResolvedThresholds {
  if (!Object.hasOwn(drift.thresholds, id)) throw new Error(`no drift thresholds for feature ${JSON.stringify(id)}`);
  return drift.thresholds[id];
}

/**
 * The thresholds each feature is judged by: configured thresholds as given, every other one the
 * default raised to the reference's band. A configured value wins over the band: the user said it.
 *
 * @param windows the reference's windows; null when the bands are disabled (none were cut)
 * @param configured the config's thresholds and pinned test per feature id (a pinned distance test gets its band too)
 */
export function calibrateDrift(
  settings: DriftBandSettingsInput | undefined,
  reference: DatasetProfile,
  windows: ReferenceWindows | null,
  configured: ReadonlyMap<string, Pick<FeatureSpec, 'thresholds' | 'test'>>,
): CalibratedDrift {
  const thresholdsById = new Map<string, ResolvedThresholds>();
  for (const [id, spec] of configured) thresholdsById.set(id, resolveThresholds(id, spec.thresholds));
  const raised = new Set<string>();
  const tests = new Map<string, DriftTest>();
  for (const [id, spec] of configured) if (spec.test !== undefined) tests.set(id, spec.test);
  const lowered = new Map<string, LoweredFloor>();
  const done = (bands: DriftBands | null): CalibratedDrift => ({
    bands,
    thresholds: Object.fromEntries(thresholdsById),
    raised: [...raised],
    tests: Object.fromEntries(tests),
    lowered: Object.fromEntries(lowered),
  });
  if (!driftBandsEnabled(settings) || !windows) return done(null);
  let bands: DriftBands;
  if (!windows.ok) {
    bands = { ok: false, windows: 0, reason: windows.reason };
  } else {
    const profiles = windows.windows.map((w) => observeDatasetProfile(w, reference));
    // driftBands fills in and checks the multipliers and minWindows; the ok bands carry them on.
    const specs = Object.fromEntries([...tests].map(([id, test]) => [id, { test }]));
    bands = driftBands(referenceWindowReports(reference, profiles, { features: specs }), settings);
  }
  if (bands.ok) {
    for (const band of bands.features) {
      const given = configured.get(band.name)?.thresholds ?? {};
      const before = thresholdsById.get(band.name) ?? resolveThresholds(band.name, given);
      const after = ordered({ ...bandThresholds(band, resolveThresholds(band.name), bands), ...given });
      thresholdsById.set(band.name, after);
      // A configured effect size or p-value is the user's floor: the band does not lower it over windows either.
      const floor = getsLoweredFloor(bands, band.name, reference, given) ? loweredFloor(band, resolveThresholds(band.name), bands) : null;
      if (floor) lowered.set(band.name, { ...floor, windows: bands.lowerEffect === 'persistent' ? LOWERED_FLOOR_WINDOWS : 1 });
      // Raised means above the defaults; a steady band's lowered effect size is not (its p-values tightened).
      if (BAND_FIELDS.some((k) => after[k] > before[k])) raised.add(band.name);
    }
  }
  return done(bands);
}

/**
 * Whether a feature gets a lowered floor judged per window: with `lowerEffect: 'numeric'` or 'persistent', numeric
 * features whose effect size and p-value are not configured. Categorical ones keep the 0.2 JS floor: a
 * reweighting among known categories already pages at a 10-point share (the category-share rule), and
 * below it the lowered JS floor paged census's real few-point moves (MAR, DREM, DIS, SCHL, ANC: feature pages
 * before its documented change 1 -> 6, each move held for 2–6 windows, so the run did not stop them).
 */
function getsLoweredFloor(bands: Extract<DriftBands, { ok: true }>, id: string, reference: DatasetProfile, given: FeatureSpec['thresholds'] & object): boolean {
  if ((bands.lowerEffect !== 'numeric' && bands.lowerEffect !== 'persistent') || given.minEffectCritical !== undefined || given.pValueCritical !== undefined) return false;
  return reference.features.find((f) => f.name === id)?.kind === 'numeric';
}

const BAND_FIELDS = ['psiWarning', 'psiCritical', 'minEffectWarning', 'minEffectCritical', 'distanceWarning', 'distanceCritical'] as const;

/** The calibration as the backtest result reports it, features by their names in the data. */
export function reportDriftBands(drift: CalibratedDrift, nameOf: (id: string) => string): DriftBandsReport | null {
  const { bands } = drift;
  if (!bands) return null;
  if (!bands.ok) return { ok: false, windows: bands.windows, reason: bands.reason };
  return {
    ok: true,
    windows: bands.windows,
    multiplier: bands.multiplier,
    warningMultiplier: bands.warningMultiplier,
    criticalSigmas: bands.criticalSigmas,
    warningSigmas: bands.warningSigmas,
    features: bands.features.map((band) => {
      const t = thresholdsOf(drift, band.name);
      const test = Object.hasOwn(drift.tests, band.name) ? drift.tests[band.name] : undefined;
      return {
        name: nameOf(band.name),
        raised: drift.raised.includes(band.name),
        psi: band.psi,
        effect: band.effect,
        psiWarning: t.psiWarning,
        psiCritical: t.psiCritical,
        minEffectWarning: t.minEffectWarning,
        minEffectCritical: t.minEffectCritical,
        ...(test !== undefined && { test }),
        ...(band.test !== undefined && {
          distance: band.distance ?? null,
          distanceWarning: t.distanceWarning,
          distanceCritical: t.distanceCritical,
        }),
      };
    }),
  };
}

/**
 * A configured critical below a raised warning would be out of order: the warning follows it down.
 * (Only the banded pairs can get out of order; the missing-rate pair is never raised.)
 */
function ordered(t: ResolvedThresholds): ResolvedThresholds {
  return {
    ...t,
    psiWarning: Math.min(t.psiWarning, t.psiCritical),
    minEffectWarning: Math.min(t.minEffectWarning, t.minEffectCritical),
    distanceWarning: Math.min(t.distanceWarning, t.distanceCritical),
  };
}

/** Drift bands are on unless the config says `"enabled": false`. */
export function driftBandsEnabled(settings: DriftBandSettingsInput | undefined): boolean {
  return settings?.enabled !== false;
}
