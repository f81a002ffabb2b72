import { MAX_CATEGORIES } from '../defaults';
import { PROFILE_FORMAT, type Column, type Dataset, type DatasetProfile, type FeatureProfile } from '../types';
import { fitCategoricalProfile, observeCategoricalProfile } from './categorical';
import { redundancyCheck } from '../severity/redundancy';
import { mergeProfiles } from './merge';
import { fitNumericProfile, observeNumericProfile } from './numeric';

export interface FitProfileOptions {
  /** Categorical features keep at most this many reference categories. @default MAX_CATEGORIES */
  readonly maxCategories?: number;
}

/** Fits the reference profile of every column of a dataset (in column order), with its groups of re-encoded features. */
export function fitDatasetProfile(dataset: Dataset, options: FitProfileOptions = {}): DatasetProfile {
  const maxCategories = options.maxCategories ?? MAX_CATEGORIES;
  const features = dataset.columns.map((column): FeatureProfile => {
    checkLength(column, dataset.rowCount);
    return column.kind === 'numeric'
      ? fitNumericProfile(column.name, column.values)
      : fitCategoricalProfile(column.name, column, maxCategories);
  });
  const { groups: redundant, skipped } = redundancyCheck(dataset);
  return {
    format: PROFILE_FORMAT,
    rowCount: dataset.rowCount,
    features,
    ...(redundant.length > 0 ? { redundant } : {}),
    ...(skipped !== undefined && { redundancySkipped: skipped }),
  };
}

/**
 * Profiles a batch against a reference profile: every reference feature is observed on the
 * reference's bins. The batch must hold every reference feature with the same kind (extra columns
 * are ignored); a missing column is an error naming it, since silently profiling it as empty would
 * look like a 100% missing-rate incident.
 */
export function observeDatasetProfile(batch: Dataset, reference: DatasetProfile): DatasetProfile {
  const byName = new Map(batch.columns.map((c) => [c.name, c]));
  const features = reference.features.map((feature): FeatureProfile => {
    const column = byName.get(feature.name);
    if (!column) {
      throw new Error(`observeDatasetProfile: the batch has no column ${JSON.stringify(feature.name)} (a feature of the reference profile)`);
    }
    if (column.kind !== feature.kind) {
      throw new Error(
        `observeDatasetProfile: column ${JSON.stringify(feature.name)} is ${column.kind} in the batch but ${feature.kind} in the reference profile`,
      );
    }
    checkLength(column, batch.rowCount);
    return column.kind === 'numeric'
      ? observeNumericProfile(column.values, feature as Extract<FeatureProfile, { kind: 'numeric' }>)
      : observeCategoricalProfile(column, feature as Extract<FeatureProfile, { kind: 'categorical' }>);
  });
  return { format: PROFILE_FORMAT, rowCount: batch.rowCount, features };
}

/**
 * Merges two dataset profiles observed against the same reference (e.g. hourly profiles into a
 * window): row counts add and features merge by name with `mergeProfiles`. Both must hold the same
 * features; throws naming the first one that is in only one of them.
 *
 * @example const window = hourly.reduce(mergeDatasetProfiles);
 */
export function mergeDatasetProfiles(a: DatasetProfile, b: DatasetProfile): DatasetProfile {
  const byName = new Map(b.features.map((f) => [f.name, f]));
  for (const f of b.features) {
    if (!a.features.some((g) => g.name === f.name)) {
      throw new Error(`mergeDatasetProfiles: feature ${JSON.stringify(f.name)} is in the second profile but not the first`);
    }
  }
  const features = a.features.map((f) => {
    const other = byName.get(f.name);
    if (!other) throw new Error(`mergeDatasetProfiles: feature ${JSON.stringify(f.name)} is in the first profile but not the second`);
    return mergeProfiles(f, other);
  });
  return { format: PROFILE_FORMAT, rowCount: a.rowCount + b.rowCount, features };
}

function checkLength(column: Column, rowCount: number): void {
  const length = column.kind === 'numeric' ? column.values.length : column.codes.length;
  if (length !== rowCount) {
    throw new Error(`column ${JSON.stringify(column.name)} has ${length} rows but the dataset says rowCount = ${rowCount}`);
  }
}
