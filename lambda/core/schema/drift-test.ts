/**
 * The drift measure a feature may be pinned to (`test` in features.json, backtest configs and
 * `config/<env>.ts`): one list and one kind rule, so every entry point accepts the same values and
 * refuses a misfit with the same words.
 */
import * as z from 'zod';
import type { DriftTest, FeatureKind } from '../types';

export const DRIFT_TESTS = ['psi', 'jensen_shannon', 'ks', 'wasserstein', 'chi_squared', 'l_infinity'] as const satisfies readonly DriftTest[];

export const driftTestSchema = z.enum(DRIFT_TESTS);

const ONLY: Partial<Record<DriftTest, FeatureKind>> = { ks: 'numeric', wasserstein: 'numeric', chi_squared: 'categorical' };

/**
 * Why `test` cannot decide a feature of this kind, or null when it can.
 * @example driftTestProblem('ks', 'categorical') // '"ks" applies to numeric features only, got a categorical feature'
 */
export function driftTestProblem(test: DriftTest, kind: FeatureKind): string | null {
  const only = ONLY[test];
  return only && only !== kind ? `${JSON.stringify(test)} applies to ${only} features only, got a ${kind} feature` : null;
}
