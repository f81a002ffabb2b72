import { byImpact, datasetStatus, type DatasetStatusOptions } from '../severity';
import type { DriftReport, FeatureDrift } from '../types';

/** Orders features by impact and adds the dataset-level summary. */
export function buildReport(
  features: FeatureDrift[],
  referenceRows: number,
  currentRows: number,
  options: DatasetStatusOptions & { readonly notes?: readonly string[] } = {},
): DriftReport {
  const ranked = [...features].sort(byImpact);
  const notes = options.notes?.filter(Boolean) ?? [];
  return {
    features: ranked,
    summary: { ...datasetStatus(ranked, options), ...(notes.length > 0 && { notes }) },
    reference: { rows: referenceRows },
    current: { rows: currentRows },
  };
}
