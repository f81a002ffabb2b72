export { compareDatasets } from './compare-datasets';
export type { CompareOptions } from './compare-datasets';
export { buildReport } from './report';
export { countCategories, categoricalBins, countsOnBins, topCategories } from './categories';
