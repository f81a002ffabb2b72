import { byImpact, datasetStatus, type DatasetStatusOptions } from '../severity';
import type { DriftReport, FeatureDrift } from '../types';

/**
 * Orders features by impact and adds the dataset-level summary. With fewer rows than `minRows` on
 * either side nothing is judged: the measures stay, every status is ok with the reason, and
 * `sample` says "too few rows".
 */
export function buildReport(
  features: FeatureDrift[],
  referenceRows: number,
  currentRows: number,
  options: DatasetStatusOptions & { readonly notes?: readonly string[]; readonly minRows?: number } = {},
): DriftReport {
  const notes = options.notes?.filter(Boolean) ?? [];
  const minRows = options.minRows;
  const reason = minRows !== undefined ? tooFewRows(referenceRows, currentRows, minRows) : null;
  const judged = reason === null ? features : features.map((f) => ({ ...f, status: 'ok' as const, reasons: [reason] }));
  const ranked = [...judged].sort(byImpact);
  return {
    features: ranked,
    summary: { ...datasetStatus(ranked, options), ...(notes.length > 0 && { notes }) },
    reference: { rows: referenceRows },
    current: { rows: currentRows },
    ...(reason !== null && { sample: { minRows: minRows as number, reason } }),
  };
}

/**
 * "too few rows: …" when either side has fewer than `minRows` rows, else null.
 * @example tooFewRows(5000, 8, 100) // 'too few rows: the current data has 8 rows, fewer than the 100 a comparison needs; drift is not judged'
 */
export function tooFewRows(referenceRows: number, currentRows: number, minRows: number): string | null {
  const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
  const short = [
    referenceRows < minRows && `the reference has ${rows(referenceRows)}`,
    currentRows < minRows && `the current data has ${rows(currentRows)}`,
  ].filter(Boolean);
  if (short.length === 0) return null;
  return `too few rows: ${short.join(' and ')}, fewer than the ${minRows.toLocaleString('en-US')} a comparison needs; drift is not judged`;
}
