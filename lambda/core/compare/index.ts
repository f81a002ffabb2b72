export { compareDatasets } from './compare-datasets';
export type { CompareOptions } from './compare-datasets';
export { compareProfiles } from './compare-profiles';
export { assembleFeature } from './assemble';
export type { FeatureMeasures } from './assemble';
export { buildReport } from './report';
export { countCategories, categoricalBins, countsOnBins, countsOnUnionBins, topCategories } from './categories';
