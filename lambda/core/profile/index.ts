/**
 * Profiles: a reference fitted once, batches observed on the reference's bins, windows merged from
 * batches (never rescanning raw data), and drift measured on profiles with stated error bounds.
 */
export { fitNumericProfile, observeNumericProfile, profileStd } from './numeric';
export { fitCategoricalProfile, observeCategoricalProfile } from './categorical';
export { mergeProfiles } from './merge';
export { subtractProfiles, subtractDatasetProfiles } from './subtract';
export { fitDatasetProfile, observeDatasetProfile, mergeDatasetProfiles, type FitProfileOptions } from './dataset';
export { parseDatasetProfile } from './parse';
export { ksFromBins, wassersteinFromBins, type BoundedEstimate, type Range } from './fine-bins';
export { profileDrift, EXACT_KS_MAX_WORK, type ProfileDrift, type ProfileKs } from './profile-drift';
