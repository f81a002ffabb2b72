import type { CategoricalFeatureProfile, FeatureProfile, NumericFeatureProfile } from '../types';
import { saturate } from './numeric';

/**
 * Merges two profiles of the same feature observed on the same bins (e.g. two hours into a
 * window): counts, missing, sums and per-bin counts add; min and max combine. Throws, naming the
 * feature, when the names, kinds, edges or categories differ (profiles on different bins cannot
 * be added: re-observe them against the same reference).
 */
export function mergeProfiles<P extends FeatureProfile>(a: P, b: P): P {
  if (a.name !== b.name) {
    throw new Error(`mergeProfiles: cannot merge feature ${JSON.stringify(a.name)} with feature ${JSON.stringify(b.name)}`);
  }
  if (a.kind !== b.kind) {
    throw new Error(`mergeProfiles: feature ${JSON.stringify(a.name)} is ${a.kind} in one profile and ${b.kind} in the other`);
  }
  return (a.kind === 'numeric'
    ? mergeNumeric(a, b as NumericFeatureProfile)
    : mergeCategorical(a as CategoricalFeatureProfile, b as CategoricalFeatureProfile)) as P;
}

function mergeNumeric(a: NumericFeatureProfile, b: NumericFeatureProfile): NumericFeatureProfile {
  sameList(a.name, 'edges', a.edges, b.edges);
  sameList(a.name, 'fineEdges', a.fineEdges, b.fineEdges);
  return {
    kind: 'numeric',
    name: a.name,
    count: a.count + b.count,
    missing: a.missing + b.missing,
    sum: saturate(a.sum + b.sum),
    sumSquares: saturate(a.sumSquares + b.sumSquares),
    min: a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min),
    max: a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max),
    edges: [...a.edges],
    counts: addCounts(a.counts, b.counts),
    fineEdges: [...a.fineEdges],
    fineCounts: addCounts(a.fineCounts, b.fineCounts),
  };
}

function mergeCategorical(a: CategoricalFeatureProfile, b: CategoricalFeatureProfile): CategoricalFeatureProfile {
  sameList(a.name, 'categories', a.categories, b.categories);
  return {
    kind: 'categorical',
    name: a.name,
    count: a.count + b.count,
    missing: a.missing + b.missing,
    categories: [...a.categories],
    counts: addCounts(a.counts, b.counts),
    other: a.other + b.other,
    ...seenOtherOf(a.name, a.seenOther, b.seenOther, (x, y) => x + y),
    // The reference's rare categories are part of its bins, like `categories`: kept from the first.
    ...(a.rare && { rare: [...a.rare] }),
  };
}

/**
 * The `seenOther` of two profiles combined: both have one (observed against a reference with rare
 * categories) or neither has.
 */
export function seenOtherOf(feature: string, a: number | undefined, b: number | undefined, combine: (a: number, b: number) => number): { seenOther?: number } {
  if ((a === undefined) !== (b === undefined)) {
    throw new Error(`feature ${JSON.stringify(feature)}: one profile splits "other" into seen and unseen values and the other does not; observe both against the same reference`);
  }
  return a === undefined ? {} : { seenOther: combine(a, b as number) };
}

/**
 * Throws, naming the feature, the field and the first difference, when two profiles' bins differ
 * (`caller` prefixes the message, e.g. "subtractProfiles").
 */
export function sameList<T>(feature: string, field: string, a: readonly T[], b: readonly T[], caller?: string): void {
  const i = firstDifference(a, b);
  if (i >= 0) {
    throw new Error(
      `${caller ? `${caller}: ` : ''}feature ${JSON.stringify(feature)}: the profiles have different ${field} (${a.length} vs ${b.length} entries, first difference at index ${i}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}); observe both against the same reference`,
    );
  }
}

/** Index of the first entry where the lists differ (by length too), or −1 when they are equal. */
export function firstDifference<T>(a: readonly T[], b: readonly T[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function addCounts(a: readonly number[], b: readonly number[]): number[] {
  return a.map((count, i) => count + b[i]);
}
