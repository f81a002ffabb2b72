import { PROFILE_FORMAT, type CategoricalFeatureProfile, type DatasetProfile, type FeatureProfile, type NumericFeatureProfile } from '../types';
import { sameList, seenOtherOf } from './merge';

/**
 * The inverse of `mergeProfiles` for one feature: what is left of `total` once `part` is taken out
 * (e.g. "the reference minus one of its own windows", so that window can be measured against the
 * rest of the reference, out of sample). Counts, missing, sums and per-bin counts subtract.
 *
 * min and max cannot be un-merged (the total does not remember which side held its extremes), so
 * they stay the total's: a superset of the remainder's true range. Consumers only use the range to
 * sharpen error bounds (`ksFromBins`, `wassersteinFromBins`), where a wider range keeps the bound
 * valid, just less tight. When nothing is left (count 0) min and max become null, as in a fit.
 *
 * Throws, naming the feature, when the names, kinds, edges or categories differ, and naming the
 * feature and the bin when a count would go negative: then the part is not contained in the total.
 *
 * @example
 * const rest = subtractProfiles(reference.features[0], window.features[0]);
 * mergeProfiles(rest, window.features[0]); // the reference's counts again
 */
export function subtractProfiles<P extends FeatureProfile>(total: P, part: P): P {
  if (total.name !== part.name) {
    throw new Error(`subtractProfiles: cannot subtract feature ${JSON.stringify(part.name)} from feature ${JSON.stringify(total.name)}`);
  }
  if (total.kind !== part.kind) {
    throw new Error(`subtractProfiles: feature ${JSON.stringify(total.name)} is ${total.kind} in the total and ${part.kind} in the part`);
  }
  return (total.kind === 'numeric'
    ? subtractNumeric(total, part as NumericFeatureProfile)
    : subtractCategorical(total as CategoricalFeatureProfile, part as CategoricalFeatureProfile)) as P;
}

/**
 * Subtracts a dataset profile from one that contains it (e.g. a reference window from the whole
 * reference): row counts subtract and features subtract by name with `subtractProfiles`. Both must
 * hold the same features; throws naming the first one that is in only one of them. Other fields of
 * the total (reference-wide metadata) are kept.
 *
 * @example const rest = subtractDatasetProfiles(reference, observeDatasetProfile(firstWeek, reference));
 */
export function subtractDatasetProfiles(total: DatasetProfile, part: DatasetProfile): DatasetProfile {
  const byName = new Map(part.features.map((f) => [f.name, f]));
  for (const f of part.features) {
    if (!total.features.some((g) => g.name === f.name)) {
      throw new Error(`subtractDatasetProfiles: feature ${JSON.stringify(f.name)} is in the part but not in the total`);
    }
  }
  const features = total.features.map((f) => {
    const other = byName.get(f.name);
    if (!other) throw new Error(`subtractDatasetProfiles: feature ${JSON.stringify(f.name)} is in the total but not in the part`);
    return subtractProfiles(f, other);
  });
  const rowCount = total.rowCount - part.rowCount;
  if (rowCount < 0) {
    throw new Error(
      `subtractDatasetProfiles: rowCount would be negative (${total.rowCount} - ${part.rowCount}): the part is not contained in the total`,
    );
  }
  // The remainder stands in for the reference: whatever else the total carries about the
  // reference as a whole (e.g. its groups of redundant features) carries over.
  return { ...total, format: PROFILE_FORMAT, rowCount, features };
}

function subtractNumeric(total: NumericFeatureProfile, part: NumericFeatureProfile): NumericFeatureProfile {
  sameList(total.name, 'edges', total.edges, part.edges, 'subtractProfiles');
  sameList(total.name, 'fineEdges', total.fineEdges, part.fineEdges, 'subtractProfiles');
  const count = minus(total.name, 'count', total.count, part.count);
  const empty = count === 0;
  return {
    kind: 'numeric',
    name: total.name,
    count,
    missing: minus(total.name, 'missing', total.missing, part.missing),
    // An empty remainder has exactly zero sums (not the rounding residue of a − a over many adds).
    sum: empty ? 0 : total.sum - part.sum,
    sumSquares: empty ? 0 : total.sumSquares - part.sumSquares,
    // Saturated sums cannot be un-merged: the remainder keeps the reference's σ (an approximation).
    ...(total.std !== undefined && !empty && { std: total.std }),
    min: empty ? null : total.min,
    max: empty ? null : total.max,
    edges: [...total.edges],
    counts: minusCounts(total.name, 'counts', total.counts, part.counts),
    fineEdges: [...total.fineEdges],
    fineCounts: minusCounts(total.name, 'fineCounts', total.fineCounts, part.fineCounts),
  };
}

function subtractCategorical(total: CategoricalFeatureProfile, part: CategoricalFeatureProfile): CategoricalFeatureProfile {
  sameList(total.name, 'categories', total.categories, part.categories, 'subtractProfiles');
  return {
    kind: 'categorical',
    name: total.name,
    count: minus(total.name, 'count', total.count, part.count),
    missing: minus(total.name, 'missing', total.missing, part.missing),
    categories: [...total.categories],
    counts: minusCounts(total.name, 'counts', total.counts, part.counts, total.categories),
    other: minus(total.name, 'other', total.other, part.other),
    ...seenOtherOf(total.name, total.seenOther, part.seenOther, (a, b) => minus(total.name, 'seenOther', a, b)),
    ...(total.rare && { rare: [...total.rare] }),
  };
}

function minus(feature: string, bin: string, a: number, b: number): number {
  const d = a - b;
  if (d < 0) {
    throw new Error(
      `subtractProfiles: feature ${JSON.stringify(feature)}: ${bin} would be negative (${a} - ${b}): the part is not contained in the total`,
    );
  }
  return d;
}

function minusCounts(
  feature: string,
  field: string,
  a: readonly number[],
  b: readonly number[],
  labels?: readonly string[],
): number[] {
  return a.map((count, i) => minus(feature, labels ? `${field}[${i}] (category ${JSON.stringify(labels[i])})` : `${field}[${i}]`, count, b[i]));
}
