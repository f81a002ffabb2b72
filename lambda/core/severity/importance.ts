import { own } from '../own';
import type { FeatureSpec } from '../types';

/** Importance share per feature, and whether any importance was configured at all. */
export type ImportanceShares = Map<string, number> & {
  /**
   * False when every feature weighs equally by default. Then a share says nothing about a
   * feature's signal, so the low-importance cap on critical statuses does not apply (otherwise a
   * dataset with more than 20 unweighted features could never have a critical feature).
   */
  configured: boolean;
  /** What was assumed about the importances, when it is not what they say (all of them 0). */
  note?: string;
};

/**
 * Turns configured importances into shares that sum to 1 over the compared features.
 *
 * Features with no importance weigh like an average configured feature (the mean of the given
 * importances); when no feature has one, all weigh equally. Negative or non-finite importances are
 * rejected, naming the feature, because they would silently invert the ranking. Importances near
 * the double limit (1e308) are summed relative to the largest, so the total cannot overflow to
 * Infinity (which made every share 0); all-zero importances weigh every feature equally, and `note`
 * says so.
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
    const importance = own(specs, name)?.importance;
    if (importance === undefined) continue;
    if (!Number.isFinite(importance) || importance < 0) {
      throw new Error(`features.${name}.importance must be a finite number >= 0, got ${importance}`);
    }
    given.push(importance);
  }
  let fallback = given.length > 0 ? given.reduce((a, b) => a + b, 0) / given.length : 1;
  let raw = names.map((name) => own(specs, name)?.importance ?? fallback);
  let total = raw.reduce((a, b) => a + b, 0);
  if (total === Infinity) {
    // The sum overflowed (importances near 1.8e308): the same shares, relative to the largest.
    const largest = Math.max(...given);
    fallback = given.reduce((a, b) => a + b / largest, 0) / given.length;
    raw = names.map((name) => {
      const importance = own(specs, name)?.importance;
      return importance === undefined ? fallback : importance / largest;
    });
    total = raw.reduce((a, b) => a + b, 0);
  }
  const shares = new Map<string, number>() as ImportanceShares;
  // All-zero importances carry no information: fall back to equal weights rather than divide by 0.
  names.forEach((name, i) => shares.set(name, total > 0 ? raw[i] / total : 1 / names.length));
  shares.configured = given.length > 0 && total > 0;
  if (given.length > 0 && !(total > 0)) {
    shares.note = `every configured importance is 0, so every feature weighs the same (1/${names.length}, as without importances)`;
  }
  return shares;
}
