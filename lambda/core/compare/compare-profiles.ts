import { missingRatePValue } from '../drift';
import { own } from '../own';
import { profileDrift } from '../profile';
import { importanceShares } from '../severity';
import type { DatasetProfile, DriftReport, FeatureProfile } from '../types';
import { assembleFeature, type FeatureMeasures } from './assemble';
import type { CompareOptions } from './compare-datasets';
import { buildReport } from './report';

/**
 * Compares a window's profile (observed hourly by SQL and merged) with the reference profile: the
 * Lambda path, which never touches raw rows. KS and Wasserstein come from the fine bins, within the
 * bounds documented in `lambda/core/profile/fine-bins.ts`; PSI, Jensen–Shannon and chi-squared are
 * exact on their bins. Decisions use the same rules as `compareDatasets`.
 */
export function compareProfiles(reference: DatasetProfile, current: DatasetProfile, options: CompareOptions = {}): DriftReport {
  const specs = options.features ?? {};
  const currentByName = new Map(current.features.map((f) => [f.name, f]));
  const shares = importanceShares(reference.features.map((f) => f.name), specs);
  const features = reference.features.map((ref) => {
    const cur = currentByName.get(ref.name);
    if (!cur) throw new Error(`feature ${JSON.stringify(ref.name)} is in the reference profile but not in the current one`);
    return assembleFeature(measureProfiles(ref, cur), own(specs, ref.name), shares.get(ref.name) as number, shares.configured);
  });
  const redundant = options.redundant ?? reference.redundant ?? [];
  const skipped = !shares.configured && options.redundant === undefined ? reference.redundancySkipped : undefined;
  const notes = [shares.note, skipped].filter((n): n is string => n !== undefined);
  return buildReport(features, reference.rowCount, current.rowCount, { importanceConfigured: shares.configured, redundant, notes, minRows: options.minRows });
}

function measureProfiles(ref: FeatureProfile, cur: FeatureProfile): FeatureMeasures {
  const missingRate = {
    reference: ref.count + ref.missing === 0 ? 0 : ref.missing / (ref.count + ref.missing),
    current: cur.count + cur.missing === 0 ? 0 : cur.missing / (cur.count + cur.missing),
  };
  const missingPValue = missingRatePValue(ref.missing, ref.count + ref.missing, cur.missing, cur.count + cur.missing);
  if (ref.count === 0 || cur.count === 0) {
    const none = { psi: null, jensenShannon: null, lInfinity: null, ks: null, wasserstein: null, chiSquared: null };
    return { name: ref.name, kind: ref.kind, ...none, missingRate, missingPValue };
  }
  const d = profileDrift(ref, cur);
  return {
    name: d.name,
    kind: d.kind,
    psi: d.psi,
    jensenShannon: d.jensenShannon,
    lInfinity: d.lInfinity,
    ks: d.ks ? { statistic: d.ks.statistic, pValue: d.ks.pValue } : null,
    wasserstein: d.wasserstein ? d.wasserstein.value : null,
    chiSquared: d.chiSquared,
    missingRate,
    missingPValue,
  };
}
