import { PSI_BINS } from '../defaults';
import { own } from '../own';
import { histogramSorted, jensenShannon, lInfinity, missingRatePValue, normalizedWassersteinSorted, psi, quantileEdges, sortedNonMissing } from '../drift';
import { importanceShares } from '../severity';
import { redundancyCheck, type RedundancyCheck } from '../severity/redundancy';
import { chiSquaredHomogeneity, ksPValue, ksStatisticSorted } from '../stats';
import type { CategoricalColumn, Column, Dataset, DriftReport, FeatureSpec, NumericColumn } from '../types';
import { assembleFeature, type FeatureMeasures } from './assemble';
import { categoricalBins, countCategories, countsOnBins, countsOnUnionBins } from './categories';
import { buildReport } from './report';

export interface CompareOptions {
  /** Per-feature kind, importance and thresholds, keyed by column name. */
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  /**
   * Groups of features that re-encode one fact, counted once by the dataset status when no
   * importances are configured. @default found on the reference (`redundantGroups`); `[]` turns it off
   */
  readonly redundant?: readonly (readonly string[])[];
  /**
   * Below this many rows on either side the comparison says "too few rows" (`DriftReport.sample`)
   * instead of a status: one row against one row is not evidence of drift. @default no minimum
   */
  readonly minRows?: number;
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
    const measures =
      column.kind === 'numeric'
        ? measureNumeric(column, other as NumericColumn)
        : measureCategorical(column, other as CategoricalColumn);
    return assembleFeature(measures, own(specs, column.name), shares.get(column.name) as number, shares.configured);
  });
  // The groups only weigh when no importances are configured: do not look for them otherwise.
  const check = shares.configured || options.redundant ? null : redundancyCheck(reference);
  const redundant = shares.configured ? [] : (options.redundant ?? (check as RedundancyCheck).groups);
  const notes = [shares.note, check?.skipped].filter((n): n is string => n !== undefined);
  return buildReport(features, reference.rowCount, current.rowCount, { importanceConfigured: shares.configured, redundant, notes, minRows: options.minRows });
}

const rate = (missing: number, total: number) => (total === 0 ? 0 : missing / total);
const NO_DISTRIBUTION = { psi: null, jensenShannon: null, lInfinity: null } as const;

function measureNumeric(ref: NumericColumn, cur: NumericColumn): FeatureMeasures {
  const r = sortedNonMissing(ref.values);
  const c = sortedNonMissing(cur.values);
  const base = {
    name: ref.name,
    kind: 'numeric' as const,
    chiSquared: null,
    missingRate: {
      reference: rate(ref.values.length - r.length, ref.values.length),
      current: rate(cur.values.length - c.length, cur.values.length),
    },
    missingPValue: missingRatePValue(ref.values.length - r.length, ref.values.length, cur.values.length - c.length, cur.values.length),
  };
  // With no value on one side there is no distribution to test; the missing rate carries the signal.
  if (r.length === 0 || c.length === 0) return { ...base, ...NO_DISTRIBUTION, ks: null, wasserstein: null };
  const edges = quantileEdges(r, PSI_BINS);
  const refCounts = histogramSorted(r, edges);
  const curCounts = histogramSorted(c, edges);
  const statistic = ksStatisticSorted(r, c);
  return {
    ...base,
    psi: psi(refCounts, curCounts),
    jensenShannon: jensenShannon(refCounts, curCounts),
    // On raw data the L∞ distance between the two CDFs (SageMaker's numeric measure) is the KS statistic.
    lInfinity: statistic,
    ks: { statistic, pValue: ksPValue(statistic, r.length, c.length) },
    wasserstein: normalizedWassersteinSorted(r, c),
  };
}

function measureCategorical(ref: CategoricalColumn, cur: CategoricalColumn): FeatureMeasures {
  const r = countCategories(ref);
  const c = countCategories(cur);
  const base = {
    name: ref.name,
    kind: 'categorical' as const,
    ks: null,
    wasserstein: null,
    missingRate: { reference: rate(r.missing, r.total), current: rate(c.missing, c.total) },
    missingPValue: missingRatePValue(r.missing, r.total, c.missing, c.total),
  };
  if (r.total === r.missing || c.total === c.missing) return { ...base, ...NO_DISTRIBUTION, chiSquared: null };
  const { psiBins, unionBins } = categoricalBins(r.counts, c.counts);
  // Beyond the kept categories, values the reference had and values it never saw are separate bins.
  const split = r.counts.size > psiBins.length;
  const refCounts = split ? countsOnUnionBins(r.counts, psiBins, r.counts) : countsOnBins(r.counts, psiBins);
  const curCounts = split ? countsOnUnionBins(c.counts, psiBins, r.counts) : countsOnBins(c.counts, psiBins);
  return {
    ...base,
    psi: psi(refCounts, curCounts),
    jensenShannon: jensenShannon(refCounts, curCounts),
    lInfinity: lInfinity(refCounts, curCounts),
    chiSquared: chiSquaredHomogeneity(
      countsOnUnionBins(r.counts, unionBins, r.counts),
      countsOnUnionBins(c.counts, unionBins, r.counts),
    ),
  };
}
