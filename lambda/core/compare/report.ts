import { byImpact, datasetStatus, type DatasetStatusOptions } from '../severity';
import type { DriftReport, FeatureDrift } from '../types';

/** Orders features by impact and adds the dataset-level summary. */
export function buildReport(
  features: FeatureDrift[],
  referenceRows: number,
  currentRows: number,
  options: DatasetStatusOptions = {},
): DriftReport {
  const ranked = [...features].sort(byImpact);
  return {
    features: ranked,
    summary: datasetStatus(ranked, options),
    reference: { rows: referenceRows },
    current: { rows: currentRows },
  };
}
