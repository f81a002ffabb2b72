export { importanceShares } from './importance';
export type { ImportanceShares } from './importance';
export { featureStatus, resolveThresholds } from './feature-status';
export type { DriftSignals, FeatureVerdict, ResolvedThresholds } from './feature-status';
export { datasetStatus, byImpact, CRITICAL_IMPORTANCE_CRITICAL, DRIFTED_IMPORTANCE_CRITICAL } from './dataset-status';
export type { RankedFeature } from './dataset-status';
export { worst, severityRank } from './status';
