/**
 * Drift thresholds as configured (features.json, backtest configs, config/<env>.ts): one zod schema
 * and one ordering rule, so every entry point accepts and rejects the same values with the same words.
 */
import * as z from 'zod';
import { DEFAULT_THRESHOLDS } from '../defaults';
import type { DriftThresholds } from '../types';

type Key = keyof typeof DEFAULT_THRESHOLDS;

/** Warning/critical pairs; for p-values the critical level is the lower one. */
const PAIRS: readonly { readonly warning: Key; readonly critical: Key; readonly criticalIsHigher: boolean }[] = [
  { warning: 'psiWarning', critical: 'psiCritical', criticalIsHigher: true },
  { warning: 'minEffectWarning', critical: 'minEffectCritical', criticalIsHigher: true },
  { warning: 'missingRateWarning', critical: 'missingRateCritical', criticalIsHigher: true },
  { warning: 'distanceWarning', critical: 'distanceCritical', criticalIsHigher: true },
  { warning: 'pValueWarning', critical: 'pValueCritical', criticalIsHigher: false },
];

/** A threshold that contradicts its pair, addressed by the field the user set. */
export interface ThresholdProblem {
  readonly field: Key;
  readonly message: string;
}

/**
 * Checks that every critical level is at least as severe as its warning level, after the defaults
 * fill what is left out.
 *
 * @example thresholdOrderProblems({ psiWarning: 0.3 })
 * // [{ field: 'psiWarning', message: 'psiCritical (0.25) must be >= psiWarning (0.3); critical is the more severe level' }]
 */
export function thresholdOrderProblems(given: DriftThresholds): ThresholdProblem[] {
  const t = { ...DEFAULT_THRESHOLDS, ...given };
  const problems: ThresholdProblem[] = [];
  for (const { warning, critical, criticalIsHigher } of PAIRS) {
    const ok = criticalIsHigher ? t[critical] >= t[warning] : t[critical] <= t[warning];
    if (ok) continue;
    problems.push({
      field: given[critical] !== undefined ? critical : warning,
      message: `${critical} (${t[critical]}) must be ${criticalIsHigher ? '>=' : '<='} ${warning} (${t[warning]}); critical is the more severe level`,
    });
  }
  return problems;
}

const nonNegative = z.number().nonnegative();
const share = z.number().min(0).max(1);
const probability = z.number().gt(0).max(1);

/** Per-feature thresholds; every field optional (defaults in `defaults.ts`), unknown fields rejected. */
export const thresholdsSchema = z
  .strictObject({
    psiWarning: nonNegative.optional(),
    psiCritical: nonNegative.optional(),
    pValueWarning: probability.optional(),
    pValueCritical: probability.optional(),
    minEffectWarning: share.optional(),
    minEffectCritical: share.optional(),
    missingRateWarning: share.optional(),
    missingRateCritical: share.optional(),
    distanceWarning: nonNegative.optional(),
    distanceCritical: nonNegative.optional(),
  })
  .superRefine((given, ctx) => {
    for (const problem of thresholdOrderProblems(given)) {
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    }
  });
