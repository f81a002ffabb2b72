import type { FeatureSpec } from '../types';

/** Importance share per feature, and whether any importance was configured at all. */
export type ImportanceShares = Map<string, number> & {
  /**
   * False when every feature weighs equally by default. Then a share says nothing about a
   * feature's signal, so the low-importance cap on critical statuses does not apply (otherwise a
   * dataset with more than 20 unweighted features could never have a critical feature).
   */
  configured: boolean;
};

/**
 * Turns configured importances into shares that sum to 1 over the compared features.
 *
 * Features with no importance weigh like an average configured feature (the mean of the given
 * importances); when no feature has one, all weigh equally. Negative or non-finite importances are
 * rejected, naming the feature, because they would silently invert the ranking.
 *
 * @example
 * importanceShares(['a', 'b', 'c'], { a: { importance: 3 }, b: { importance: 1 } })
 * // => Map { 'a' => 0.5, 'b' => 0.1667, 'c' => 0.3333 }  (c gets the mean, 2)
 */
export function importanceShares(
  names: readonly string[],
  specs: Readonly<Record<string, FeatureSpec>> = {},
): ImportanceShares {
  const given: number[] = [];
  for (const name of names) {
    const importance = specs[name]?.importance;
    if (importance === undefined) continue;
    if (!Number.isFinite(importance) || importance < 0) {
      throw new Error(`features.${name}.importance must be a finite number >= 0, got ${importance}`);
    }
    given.push(importance);
  }
  const fallback = given.length > 0 ? given.reduce((a, b) => a + b, 0) / given.length : 1;
  const raw = names.map((name) => specs[name]?.importance ?? fallback);
  const total = raw.reduce((a, b) => a + b, 0);
  const shares = new Map<string, number>() as ImportanceShares;
  // All-zero importances carry no information: fall back to equal weights rather than divide by 0.
  names.forEach((name, i) => shares.set(name, total > 0 ? raw[i] / total : 1 / names.length));
  shares.configured = given.length > 0 && total > 0;
  return shares;
}
