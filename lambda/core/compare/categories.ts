import { MAX_CATEGORIES } from '../defaults';
import type { CategoricalColumn } from '../types';

/** Category counts of one column, by category string, plus its missing count. */
export interface CategoryCounts {
  readonly counts: Map<string, number>;
  readonly missing: number;
  readonly total: number;
}

/** Counts each category of a dictionary-encoded column in one pass over the codes. */
export function countCategories(column: CategoricalColumn): CategoryCounts {
  const byCode = new Float64Array(column.dictionary.length);
  let missing = 0;
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code < 0) missing++;
    else byCode[code]++;
  }
  const counts = new Map<string, number>();
  column.dictionary.forEach((category, code) => {
    if (byCode[code] > 0) counts.set(category, (counts.get(category) ?? 0) + byCode[code]);
  });
  return { counts, missing, total: codes.length };
}

/** The `limit` most frequent categories, ties broken by name so the result is deterministic. */
export function topCategories(counts: Map<string, number>, limit: number): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([category]) => category);
}

/** Counts of `counts` on the given bins, with everything else in one trailing "other" bin. */
export function countsOnBins(counts: Map<string, number>, bins: readonly string[]): number[] {
  const result = bins.map((category) => counts.get(category) ?? 0);
  const inBins = result.reduce((a, b) => a + b, 0);
  let total = 0;
  for (const n of counts.values()) total += n;
  result.push(total - inBins);
  return result;
}

/**
 * Counts for the chi-squared union bins: one per kept category, then the remaining categories
 * split into those the reference has and those it never saw, so that pooling rare levels does not
 * hide a flood of new ones (100k user ids where half are new must still show).
 */
export function countsOnUnionBins(
  counts: Map<string, number>,
  bins: readonly string[],
  reference: Map<string, number>,
): number[] {
  const kept = new Set(bins);
  const result = bins.map((category) => counts.get(category) ?? 0);
  let otherSeen = 0;
  let otherUnseen = 0;
  for (const [category, n] of counts) {
    if (kept.has(category)) continue;
    if (reference.has(category)) otherSeen += n;
    else otherUnseen += n;
  }
  result.push(otherSeen, otherUnseen);
  return result;
}

/**
 * Bins for comparing two categorical columns.
 * - `psiBins`: one bin per reference category (top-K when there are more), then "other", which holds
 *   categories unseen in the reference (the PSI/JS/L∞ contract); when the reference has more than K
 *   categories, "other" is two bins, the reference's remaining categories and the unseen ones
 *   (`countsOnUnionBins` on the psiBins), so unseen values are always a bin of their own.
 * - `unionBins`: the union of categories for chi-squared; beyond `limit` the rarest are pooled
 *   (see `countsOnUnionBins`) so a 100k-level column stays cheap and the test stays well defined.
 */
export function categoricalBins(
  reference: Map<string, number>,
  current: Map<string, number>,
  limit = MAX_CATEGORIES,
): { psiBins: string[]; unionBins: string[] } {
  const psiBins = topCategories(reference, limit);
  const union = new Map(reference);
  for (const [category, n] of current) union.set(category, (union.get(category) ?? 0) + n);
  const unionBins = topCategories(union, limit);
  return { psiBins, unionBins };
}
