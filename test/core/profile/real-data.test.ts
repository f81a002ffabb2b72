import { normalizedWassersteinSorted, sortedNonMissing } from '../../../lambda/core/drift';
import {
  fitDatasetProfile,
  fitNumericProfile,
  mergeDatasetProfiles,
  observeDatasetProfile,
  observeNumericProfile,
  parseDatasetProfile,
  profileDrift,
} from '../../../lambda/core/profile';
import { chiSquaredHomogeneity, ksPValue, ksStatisticSorted } from '../../../lambda/core/stats';
import type { CategoricalFeatureProfile, Dataset, DatasetProfile, NumericFeatureProfile } from '../../../lambda/core/types';
import { numericColumn, readCsv, sliceRows } from './read-csv';

// Bank marketing, in date order: 2008 rows as reference, 2009–2010 as current (euribor3m collapses).
const BANK_NUMERIC = ['age', 'campaign', 'pdays', 'emp.var.rate', 'cons.price.idx', 'cons.conf.idx', 'euribor3m', 'nr.employed'];
const BANK_CATEGORICAL = ['job', 'marital', 'contact', 'month', 'poutcome'];
// Electricity: vicprice/vicdemand/transfer are constant until row 17,424, then vary.
const ELEC_NUMERIC = ['nswprice', 'nswdemand', 'vicprice', 'vicdemand', 'transfer', 'period'];

let bank: Dataset;
let elec: Dataset;
/** The 2008 reference profile of bank-additional, fitted once for the tests that need it. */
let bankReference: DatasetProfile;
beforeAll(() => {
  bank = readCsv('bank-additional-full.csv', ';', BANK_NUMERIC, BANK_CATEGORICAL);
  elec = readCsv('elec2_electricity.csv', ',', ELEC_NUMERIC, ['class']);
  bankReference = fitDatasetProfile(sliceRows(bank, 0, 27690));
});

/** Slack for rounding when comparing an exact value with a bound computed another way. */
const slack = (x: number) => 1e-9 * Math.max(1, Math.abs(x));

function checkBounds(reference: Float64Array, current: Float64Array) {
  const refProfile = fitNumericProfile('x', reference);
  const curProfile = observeNumericProfile(current, refProfile);
  const drift = profileDrift(refProfile, curProfile);
  const refSorted = sortedNonMissing(reference);
  const curSorted = sortedNonMissing(current);
  const exactKs = ksStatisticSorted(refSorted, curSorted);
  const exactW = normalizedWassersteinSorted(refSorted, curSorted);
  const ks = drift.ks!;
  const w = drift.wasserstein!;
  // The stated KS bound: the gap is at most the largest fine-bin mass of either side.
  let maxMass = 0;
  refProfile.fineCounts.forEach((r, i) => {
    maxMass = Math.max(maxMass, r / refProfile.count, curProfile.fineCounts[i] / curProfile.count);
  });
  expect(ks.upperBound - ks.lowerBound).toBeLessThanOrEqual(maxMass + 1e-12);
  expect(exactKs).toBeGreaterThanOrEqual(ks.lowerBound - slack(exactKs));
  expect(exactKs).toBeLessThanOrEqual(ks.upperBound + slack(exactKs));
  expect(exactW).toBeGreaterThanOrEqual(w.lowerBound - slack(exactW));
  expect(exactW).toBeLessThanOrEqual(w.upperBound + slack(exactW));
  return { drift, exactKs, exactW };
}

describe('profile-based KS and Wasserstein stay within their stated bounds of the exact values (real data)', () => {
  it.each(BANK_NUMERIC)('bank-additional %s: 2008 vs 2009–2010', (name) => {
    const values = numericColumn(bank, name);
    checkBounds(values.subarray(0, 27690), values.subarray(27690));
  });

  it.each(ELEC_NUMERIC)('elec2 %s: before vs after row 17,424', (name) => {
    const values = numericColumn(elec, name);
    checkBounds(values.subarray(0, 17424), values.subarray(17424));
  });

  it('for a continuous feature the approximation is tight: elec2 nswdemand, first vs second half', () => {
    const values = numericColumn(elec, 'nswdemand');
    const { drift, exactKs, exactW } = checkBounds(values.subarray(0, 22656), values.subarray(22656));
    // 1000 quantile bins: the KS error is at most about one fine bin's mass.
    expect(drift.ks!.upperBound - drift.ks!.lowerBound).toBeLessThan(0.005);
    expect(Math.abs(drift.ks!.statistic - exactKs)).toBeLessThan(0.002);
    expect(Math.abs(drift.wasserstein!.value - exactW)).toBeLessThan(0.01 * exactW + 1e-3);
    // The p-value is computed from the approximate statistic with the real sample sizes.
    expect(drift.ks!.pValue).toBe(ksPValue(drift.ks!.statistic, 22656, 22656));
  });

  it('euribor3m drift is loud on profiles exactly as on raw data (PSI well above critical)', () => {
    const values = numericColumn(bank, 'euribor3m');
    const { drift } = checkBounds(values.subarray(0, 27690), values.subarray(27690));
    expect(drift.psi).toBeGreaterThan(0.25);
    expect(drift.ks!.pValue).toBeLessThan(1e-6);
  });
});

describe('a window merged from batch profiles equals the window profiled at once', () => {
  function expectSameProfile(merged: DatasetProfile, whole: DatasetProfile) {
    expect(merged.rowCount).toBe(whole.rowCount);
    merged.features.forEach((m, i) => {
      const w = whole.features[i];
      expect(m.name).toBe(w.name);
      expect(m.count).toBe(w.count);
      expect(m.missing).toBe(w.missing);
      if (m.kind === 'numeric') {
        const wn = w as NumericFeatureProfile;
        expect(m.counts).toEqual(wn.counts); // exact counts
        expect(m.fineCounts).toEqual(wn.fineCounts);
        expect(m.min).toBe(wn.min);
        expect(m.max).toBe(wn.max);
        expect(Math.abs(m.sum - wn.sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(wn.sum)));
        expect(Math.abs(m.sumSquares - wn.sumSquares)).toBeLessThanOrEqual(1e-12 * Math.max(1, wn.sumSquares));
      } else {
        const wc = w as CategoricalFeatureProfile;
        expect(m.counts).toEqual(wc.counts);
        expect(m.other).toBe(wc.other);
      }
    });
  }

  it('elec2: 48 half-hour rows per batch ("hourly" profiles of a day), 2 weeks merged', () => {
    const reference = fitDatasetProfile(sliceRows(elec, 0, 17424));
    const start = 20000;
    const batches: DatasetProfile[] = [];
    for (let b = 0; b < 14; b++) batches.push(observeDatasetProfile(sliceRows(elec, start + 48 * b, start + 48 * (b + 1)), reference));
    const merged = batches.reduce(mergeDatasetProfiles);
    const whole = observeDatasetProfile(sliceRows(elec, start, start + 48 * 14), reference);
    expectSameProfile(merged, whole);
    // And so the drift measured on the merged window is the drift of the whole window.
    for (let i = 0; i < reference.features.length; i++) {
      const a = profileDrift(reference.features[i], merged.features[i]);
      const b = profileDrift(reference.features[i], whole.features[i]);
      expect(a.psi).toBe(b.psi);
      expect(a.ks?.statistic).toBe(b.ks?.statistic);
    }
  });

  it('bank-additional: 2009–2010 in uneven batches, numeric and categorical features', () => {
    const reference = bankReference;
    const cuts = [27690, 27691, 28000, 31234, 35000, 35001, 41188];
    const batches = cuts.slice(1).map((end, k) => observeDatasetProfile(sliceRows(bank, cuts[k], end), reference));
    expectSameProfile(batches.reduce(mergeDatasetProfiles), observeDatasetProfile(sliceRows(bank, 27690, 41188), reference));
  });

  it('profiles survive a JSON round trip through parseDatasetProfile (as read back from S3)', () => {
    const reference = bankReference;
    const batch = observeDatasetProfile(sliceRows(bank, 27690, 30000), reference);
    expect(parseDatasetProfile(JSON.parse(JSON.stringify(reference)))).toEqual(reference);
    expect(parseDatasetProfile(JSON.parse(JSON.stringify(batch)))).toEqual(batch);
  });
});

describe('categorical drift on profiles (bank-additional)', () => {
  it('contact switches from telephone to cellular: chi-squared matches the raw category counts', () => {
    const reference = bankReference;
    const current = observeDatasetProfile(sliceRows(bank, 27690, 41188), reference);
    const i = reference.features.findIndex((f) => f.name === 'contact');
    const ref = reference.features[i] as CategoricalFeatureProfile;
    const cur = current.features[i] as CategoricalFeatureProfile;
    expect([...ref.categories].sort()).toEqual(['cellular', 'telephone']);
    const drift = profileDrift(ref, cur);
    expect(drift.chiSquared).toEqual(chiSquaredHomogeneity([...ref.counts, ref.other], [...cur.counts, cur.other]));
    expect(drift.chiSquared!.pValue).toBeLessThan(1e-6);
    expect(drift.lInfinity).toBeGreaterThan(0.2);
    expect(drift.ks).toBeNull();
    expect(drift.wasserstein).toBeNull();
  });

  it('month: categories unseen in the 2008 reference land in `other`, not in an error', () => {
    const reference = bankReference;
    const current = observeDatasetProfile(sliceRows(bank, 27690, 41188), reference);
    const i = reference.features.findIndex((f) => f.name === 'month');
    const ref = reference.features[i] as CategoricalFeatureProfile;
    const cur = current.features[i] as CategoricalFeatureProfile;
    expect(ref.categories).not.toContain('mar'); // 2008 data starts in May
    expect(cur.other).toBeGreaterThan(0);
    const drift = profileDrift(ref, cur);
    expect(Number.isFinite(drift.psi)).toBe(true);
    expect(drift.chiSquared!.dof).toBe(ref.categories.length);
  });
});
