import { PSI_BINS } from '../defaults';
import { histogram, jensenShannon, lInfinity, lInfinityCdf, normalizedWassersteinSorted, psi, quantileEdges } from '../drift';
import { importanceShares, featureStatus, resolveThresholds } from '../severity';
import { chiSquaredHomogeneity, ksStatisticSorted, ksPValue } from '../stats';
import type { CategoricalColumn, Column, Dataset, DriftReport, FeatureDrift, FeatureSpec, NumericColumn } from '../types';
import { categoricalBins, countCategories, countsOnBins } from './categories';
import { buildReport } from './report';

export interface CompareOptions {
  /** Per-feature kind, importance and thresholds, keyed by column name. */
  readonly features?: Readonly<Record<string, FeatureSpec>>;
}

/**
 * Compares two datasets column by column on the raw values (exact statistics) and ranks the
 * drifted features by impact. Columns are matched by name; both datasets must hold the same
 * column names with the same kinds (the CLI reconciles files before calling this).
 *
 * @example
 * const report = compareDatasets(reference, current, { features: { income: { importance: 0.4 } } });
 * report.summary.status; // 'ok' | 'warning' | 'critical'
 */
export function compareDatasets(reference: Dataset, current: Dataset, options: CompareOptions = {}): DriftReport {
  const specs = options.features ?? {};
  const currentByName = new Map(current.columns.map((c) => [c.name, c]));
  if (reference.columns.length === 0) throw new Error('the reference has no columns to compare');
  for (const column of reference.columns) {
    const other = currentByName.get(column.name);
    if (!other) throw new Error(`column ${JSON.stringify(column.name)} is in the reference but not in the current data`);
    if (other.kind !== column.kind) {
      throw new Error(
        `column ${JSON.stringify(column.name)} is ${column.kind} in the reference but ${other.kind} in the current data`,
      );
    }
  }
  const shares = importanceShares(reference.columns.map((c) => c.name), specs);
  const features = reference.columns.map((column) => {
    const other = currentByName.get(column.name) as Column;
    const importance = shares.get(column.name) as number;
    return column.kind === 'numeric'
      ? compareNumeric(column, other as NumericColumn, specs[column.name], importance)
      : compareCategorical(column, other as CategoricalColumn, specs[column.name], importance);
  });
  return buildReport(features, reference.rowCount, current.rowCount);
}

/** Non-missing values, sorted ascending, and how many were missing. */
function sortedPresent(values: Float64Array): { sorted: Float64Array; missing: number } {
  const present = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) present[n++] = v; // v === v is false only for NaN
  }
  const sorted = present.subarray(0, n).sort();
  return { sorted, missing: values.length - n };
}

const rate = (missing: number, total: number) => (total === 0 ? 0 : missing / total);

function compareNumeric(ref: NumericColumn, cur: NumericColumn, spec: FeatureSpec | undefined, importance: number): FeatureDrift {
  const r = sortedPresent(ref.values);
  const c = sortedPresent(cur.values);
  const missingRate = { reference: rate(r.missing, ref.values.length), current: rate(c.missing, cur.values.length) };
  const thresholds = resolveThresholds(ref.name, spec?.thresholds);
  let measures = { psi: null as number | null, jensenShannon: null as number | null, lInfinity: null as number | null };
  let ks = null;
  let wasserstein = null;
  if (r.sorted.length > 0 && c.sorted.length > 0) {
    const edges = quantileEdges(r.sorted, PSI_BINS);
    const refCounts = histogram(r.sorted, edges);
    const curCounts = histogram(c.sorted, edges);
    measures = {
      psi: psi(refCounts, curCounts),
      jensenShannon: jensenShannon(refCounts, curCounts),
      lInfinity: lInfinityCdf(refCounts, curCounts),
    };
    const statistic = ksStatisticSorted(r.sorted, c.sorted);
    ks = { statistic, pValue: ksPValue(statistic, r.sorted.length, c.sorted.length) };
    wasserstein = normalizedWassersteinSorted(r.sorted, c.sorted);
  }
  const verdict = featureStatus(
    { kind: 'numeric', psi: measures.psi, test: ks, effect: ks?.statistic ?? null, missingRate },
    thresholds,
    importance,
  );
  return {
    name: ref.name,
    kind: 'numeric',
    status: verdict.status,
    ...measures,
    ks,
    wasserstein,
    chiSquared: null,
    missingRate,
    importance,
    impact: importance * (measures.psi ?? 0),
    reasons: verdict.reasons,
  };
}

function compareCategorical(
  ref: CategoricalColumn,
  cur: CategoricalColumn,
  spec: FeatureSpec | undefined,
  importance: number,
): FeatureDrift {
  const r = countCategories(ref);
  const c = countCategories(cur);
  const missingRate = { reference: rate(r.missing, r.total), current: rate(c.missing, c.total) };
  const thresholds = resolveThresholds(ref.name, spec?.thresholds);
  let measures = { psi: null as number | null, jensenShannon: null as number | null, lInfinity: null as number | null };
  let chiSquared = null;
  if (r.total - r.missing > 0 && c.total - c.missing > 0) {
    const { psiBins, unionBins } = categoricalBins(r.counts, c.counts);
    const refCounts = countsOnBins(r.counts, psiBins);
    const curCounts = countsOnBins(c.counts, psiBins);
    measures = {
      psi: psi(refCounts, curCounts),
      jensenShannon: jensenShannon(refCounts, curCounts),
      lInfinity: lInfinity(refCounts, curCounts),
    };
    chiSquared = chiSquaredHomogeneity(countsOnBins(r.counts, unionBins), countsOnBins(c.counts, unionBins));
  }
  const verdict = featureStatus(
    { kind: 'categorical', psi: measures.psi, test: chiSquared, effect: measures.jensenShannon, missingRate },
    thresholds,
    importance,
  );
  return {
    name: ref.name,
    kind: 'categorical',
    status: verdict.status,
    ...measures,
    ks: null,
    wasserstein: null,
    chiSquared,
    missingRate,
    importance,
    impact: importance * (measures.psi ?? 0),
    reasons: verdict.reasons,
  };
}
