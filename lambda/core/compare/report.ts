import { byImpact, datasetStatus } from '../severity';
import type { DriftReport, FeatureDrift } from '../types';

/** Orders features by impact and adds the dataset-level summary. */
export function buildReport(features: FeatureDrift[], referenceRows: number, currentRows: number): DriftReport {
  const ranked = [...features].sort(byImpact);
  return {
    features: ranked,
    summary: datasetStatus(ranked),
    reference: { rows: referenceRows },
    current: { rows: currentRows },
  };
}
