/**
 * Drift-band settings as configured (backtest configs and `config/<env>.ts` models): one zod schema,
 * so the backtest and the monitor accept the same values with the same words.
 */
import * as z from 'zod';
import { DRIFT_BAND_DEFAULTS } from '../calibration/drift-bands';

/** What a config may say about drift bands (see `lambda/core/calibration/drift-bands.ts`). */
export interface DriftBandSettingsInput {
  /** @default true */
  readonly enabled?: boolean;
  /** The critical level in σ (widened for the number of reference windows). @default 3 */
  readonly multiplier?: number;
  /** The warning level in σ (widened the same way). @default 2 */
  readonly warningMultiplier?: number;
  /** Reference windows needed, else the default thresholds apply. @default 6 */
  readonly minWindows?: number;
  /**
   * What a steady reference's lower effect-size band does (see `DriftBandOptions.lowerEffect`): 'numeric'
   * pages a numeric feature whose KS statistic is over it in a window, 'persistent' in two windows in a
   * row, true lowers every feature's thresholds, false never. @default 'numeric'
   */
  readonly lowerEffect?: boolean | 'numeric' | 'persistent';
}

export const driftBandsSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    multiplier: z.number().nonnegative().optional(),
    warningMultiplier: z.number().nonnegative().optional(),
    minWindows: z.number().int().optional(),
    lowerEffect: z.union([z.boolean(), z.enum(['numeric', 'persistent'])]).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.minWindows !== undefined && b.minWindows < 2) {
      ctx.addIssue({ code: 'custom', path: ['minWindows'], message: `expected at least 2 (a standard deviation needs two windows), got ${b.minWindows}` });
    }
    const multiplier = b.multiplier ?? DRIFT_BAND_DEFAULTS.multiplier;
    const warning = b.warningMultiplier ?? DRIFT_BAND_DEFAULTS.warningMultiplier;
    if (warning > multiplier) {
      ctx.addIssue({ code: 'custom', path: ['warningMultiplier'], message: `must not exceed multiplier (${multiplier}): critical is the more severe level, got ${warning}` });
    }
  });
