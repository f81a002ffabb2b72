import { MAX_CATEGORIES } from '../defaults';
import type { CategoricalColumn, CategoricalFeatureProfile } from '../types';

/**
 * Fits a reference profile of a categorical column: its observed categories, at most
 * `maxCategories` of them (the most frequent; equal counts ordered by name so the choice is
 * deterministic), their counts, and everything else in `other`. Missing entries (code −1) are
 * counted apart. Categories of the dictionary that never occur are not kept.
 *
 * @example
 * fitCategoricalProfile('color', { kind: 'categorical', name: 'color', codes: Int32Array.of(0, 1, 1, -1), dictionary: ['red', 'blue'] })
 * // { categories: ['blue', 'red'], counts: [2, 1], other: 0, missing: 1, count: 3, ... }
 */
export function fitCategoricalProfile(
  name: string,
  column: CategoricalColumn,
  maxCategories: number = MAX_CATEGORIES,
): CategoricalFeatureProfile {
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw new Error(`fitCategoricalProfile: maxCategories for feature ${JSON.stringify(name)} is ${maxCategories}; it must be an integer >= 1`);
  }
  const { perCode, missing } = countCodes(column);
  // A dictionary may repeat a string (e.g. after concatenating files): count by string.
  const byName = new Map<string, number>();
  column.dictionary.forEach((category, code) => {
    if (perCode[code] > 0) byName.set(category, (byName.get(category) ?? 0) + perCode[code]);
  });
  const ranked = [...byName.entries()].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));
  const kept = ranked.slice(0, maxCategories);
  let other = 0;
  for (let i = maxCategories; i < ranked.length; i++) other += ranked[i][1];
  return {
    kind: 'categorical',
    name,
    count: column.codes.length - missing,
    missing,
    categories: kept.map(([category]) => category),
    counts: kept.map(([, count]) => count),
    other,
    // Beyond the top-K, the other categories are kept by name (not counted) so that unseen values stay their own bin.
    ...(ranked.length > maxCategories && { rare: ranked.slice(maxCategories).map(([category]) => category), seenOther: other }),
  };
}

/**
 * Profiles a batch on the REFERENCE's categories: one count per reference category, and `other`
 * for values the reference did not keep (unseen, or beyond its top-K), so no category is ever
 * "infinitely" new and batches merge by adding counts. When the reference has more categories than
 * it keeps (`rare`), `seenOther` counts the values among them: the rest of `other` never occurred in
 * the reference, however many levels it had.
 */
export function observeCategoricalProfile(
  column: CategoricalColumn,
  reference: CategoricalFeatureProfile,
): CategoricalFeatureProfile {
  const { perCode, missing } = countCodes(column);
  const position = new Map(reference.categories.map((category, i) => [category, i]));
  const rare = reference.rare ? new Set(reference.rare) : null;
  const counts = new Array<number>(reference.categories.length).fill(0);
  let other = 0;
  let seenOther = 0;
  column.dictionary.forEach((category, code) => {
    const i = position.get(category);
    if (i !== undefined) counts[i] += perCode[code];
    else {
      other += perCode[code];
      if (rare?.has(category)) seenOther += perCode[code];
    }
  });
  return {
    kind: 'categorical',
    name: reference.name,
    count: column.codes.length - missing,
    missing,
    categories: [...reference.categories],
    counts,
    other,
    ...(rare && { seenOther }),
  };
}

/** Occurrences of each dictionary code, and of −1 (missing). Rejects codes outside the dictionary. */
function countCodes(column: CategoricalColumn): { perCode: Float64Array; missing: number } {
  const perCode = new Float64Array(column.dictionary.length);
  let missing = 0;
  const { codes } = column;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === -1) missing++;
    else if (code >= 0 && code < perCode.length) perCode[code]++;
    else {
      throw new Error(
        `column ${JSON.stringify(column.name)}: code ${code} at row ${i} is outside its dictionary of ${perCode.length} entries (−1 marks a missing value)`,
      );
    }
  }
  return { perCode, missing };
}
