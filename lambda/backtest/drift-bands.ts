/**
 * Drift thresholds calibrated on the reference's own windows (`lambda/core/calibration/drift-bands.ts`):
 * the backtest cuts the reference into windows of the monitoring size, measures each against the
 * rest of the reference, and raises each feature's thresholds to what the reference itself shows.
 * The monitor Lambda does the same from the stored profiles of its baseline windows.
 */
import { bandThresholds, driftBands, referenceWindowReports, type DriftBands } from '../core/calibration';
import { sliceRows } from '../core/dataset';
import { observeDatasetProfile } from '../core/profile';
import { resolveThresholds, type ResolvedThresholds } from '../core/severity';
import type { DriftBandSettingsInput } from '../core/schema/drift-bands';
import type { Column, Dataset, DatasetProfile, DriftTest, FeatureSpec } from '../core/types';
import { rowsByWindow, timeBatching } from './batches';
import { parseEvery, type BacktestConfig } from './config';
import type { BacktestDriftBands } from './types';

/**
 * At most this many reference windows are measured (evenly spaced over the reference when it holds
 * more): a standard deviation is well estimated long before, and a long reference of hourly
 * windows would otherwise cost thousands of comparisons.
 */
export const MAX_REFERENCE_WINDOWS = 200;

/** Evenly spaced picks when there are more than the cap (first and last kept). */
function capped<T>(items: readonly T[]): T[] {
  if (items.length <= MAX_REFERENCE_WINDOWS) return [...items];
  return Array.from({ length: MAX_REFERENCE_WINDOWS }, (_, k) => items[Math.round((k * (items.length - 1)) / (MAX_REFERENCE_WINDOWS - 1))]);
}

/** The reference cut into windows of the monitoring size, or why it cannot be. */
export type ReferenceWindows = { readonly ok: true; readonly windows: readonly Dataset[] } | { readonly ok: false; readonly reason: string };

/**
 * Row windows: consecutive runs of `window.rows` reference rows (a last, shorter run is left out:
 * its PSI would carry more sampling noise than a real window's). Time windows: the reference rows
 * grouped by the same `every` spans over their hours; spans holding under half the median rows (a
 * partial day at either end) are left out for the same reason. At most MAX_REFERENCE_WINDOWS.
 */
export function referenceWindows(config: BacktestConfig, reference: Dataset, referenceHours: Float64Array | null): ReferenceWindows {
  if ('rows' in config.window) {
    const size = config.window.rows;
    const starts: number[] = [];
    for (let start = 0; start + size <= reference.rowCount; start += size) starts.push(start);
    return { ok: true, windows: capped(starts).map((start) => sliceRows(reference, { start, end: start + size })) };
  }
  if (!referenceHours) {
    return { ok: false, reason: `the reference has no column ${JSON.stringify(config.window.column)} to cut it into ${config.window.every} windows` };
  }
  const rowsOf = rowsByWindow(timeBatching(referenceHours, parseEvery(config.window.every) as number));
  const sizes = rowsOf.map((r) => r.length).sort((a, b) => a - b);
  const median = sizes.length > 0 ? sizes[Math.floor(sizes.length / 2)] : 0;
  const windows = capped(rowsOf.filter((rows) => rows.length * 2 >= median)).map((rows) => takeRows(reference, rows));
  return { ok: true, windows };
}

/** The listed rows of every column (copies). */
function takeRows(dataset: Dataset, rows: Int32Array): Dataset {
  // Plain loops: TypedArray.from with a map function is several times slower on large columns.
  const columns = dataset.columns.map((c): Column => {
    if (c.kind === 'numeric') {
      const values = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) values[i] = c.values[rows[i]];
      return { ...c, values };
    }
    const codes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) codes[i] = c.codes[rows[i]];
    return { ...c, codes };
  });
  return { rowCount: rows.length, columns };
}

/** What the calibration found; `thresholdsById` maps a feature (by id) to the thresholds it gets. */
export interface CalibratedDrift {
  /** null when disabled. */
  readonly bands: DriftBands | null;
  readonly thresholdsById: ReadonlyMap<string, ResolvedThresholds>;
  /** Features (by id) whose thresholds the band raised. */
  readonly raised: ReadonlySet<string>;
  /** The pinned test of each feature (by id) that has one. */
  readonly tests: ReadonlyMap<string, DriftTest>;
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
  if (!driftBandsEnabled(settings) || !windows) return { bands: null, thresholdsById, raised, tests };
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
      if (BAND_FIELDS.some((k) => after[k] !== before[k])) raised.add(band.name);
    }
  }
  return { bands, thresholdsById, raised, tests };
}

const BAND_FIELDS = ['psiWarning', 'psiCritical', 'minEffectWarning', 'minEffectCritical', 'distanceWarning', 'distanceCritical'] as const;

/** The calibration as the backtest result reports it, features by their names in the data. */
export function reportDriftBands(drift: CalibratedDrift, nameOf: (id: string) => string): BacktestDriftBands | null {
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
      const t = drift.thresholdsById.get(band.name) as ResolvedThresholds;
      const test = drift.tests.get(band.name);
      return {
        name: nameOf(band.name),
        raised: drift.raised.has(band.name),
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
