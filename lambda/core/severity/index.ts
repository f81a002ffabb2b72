export { importanceShares } from './importance';
export type { ImportanceShares } from './importance';
export { cappedAtWarning, featureStatus, resolveThresholds } from './feature-status';
export type { DriftSignals, FeatureVerdict, ResolvedThresholds } from './feature-status';
export { datasetStatus, byImpact, CRITICAL_IMPORTANCE_CRITICAL, DRIFTED_IMPORTANCE_CRITICAL } from './dataset-status';
export type { DatasetStatusOptions, RankedFeature } from './dataset-status';
export { evidenceWeights, redundancyCheck, redundantGroups, REDUNDANCY_MAX_ROWS, REDUNDANCY_MAX_WORK, REDUNDANCY_MIN_ROWS, REDUNDANCY_MIN_SYMMETRIC_UNCERTAINTY } from './redundancy';
export type { RedundancyCheck, RedundancyOptions } from './redundancy';
export { worst, severityRank } from './status';
