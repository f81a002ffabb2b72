import { compareDatasets, compareProfiles } from '../../../lambda/core/compare';
import { fitDatasetProfile, observeDatasetProfile } from '../../../lambda/core/profile';
import { lcg } from '../../support/random';
import type { CategoricalColumn, Dataset, NumericColumn } from '../../../lambda/core/types';

const numeric = (name: string, values: number[]): NumericColumn => ({ kind: 'numeric', name, values: Float64Array.from(values) });
function categorical(name: string, values: (string | null)[]): CategoricalColumn {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    if (!index.has(v)) {
      index.set(v, dictionary.length);
      dictionary.push(v);
    }
    return index.get(v) as number;
  });
  return { kind: 'categorical', name, codes, dictionary };
}
const dataset = (...columns: (NumericColumn | CategoricalColumn)[]): Dataset => ({ rowCount: columns[0].kind === 'numeric' ? columns[0].values.length : columns[0].codes.length, columns });

const n = 5000;
const rand = lcg(7);
const uniform = (shift = 0) => Array.from({ length: n }, () => rand() + shift);
const channels = (pCellular: number) => Array.from({ length: n }, () => (rand() < pCellular ? 'cellular' : 'telephone'));

describe('compareDatasets', () => {
  const reference = dataset(numeric('stable', uniform()), numeric('shifted', uniform()), categorical('contact', channels(0.1)));
  const current = dataset(numeric('stable', uniform()), numeric('shifted', uniform(0.5)), categorical('contact', channels(0.9)));
  const report = compareDatasets(reference, current);

  it('flags the shifted numeric and categorical features as critical, not the stable one', () => {
    const status = Object.fromEntries(report.features.map((f) => [f.name, f.status]));
    expect(status).toEqual({ stable: 'ok', shifted: 'critical', contact: 'critical' });
    expect(report.summary.status).toBe('critical');
    expect(report.summary.drifted).toEqual(expect.arrayContaining(['shifted', 'contact']));
  });

  it('orders features by impact and fills the JSON contract per kind', () => {
    const impacts = report.features.map((f) => f.impact);
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    const shifted = report.features.find((f) => f.name === 'shifted')!;
    expect(shifted.ks).not.toBeNull();
    expect(shifted.wasserstein).toBeGreaterThan(1); // a shift of half the range, over std ≈ 0.29
    expect(shifted.chiSquared).toBeNull();
    expect(shifted.lInfinity).toBe(shifted.ks!.statistic);
    const contact = report.features.find((f) => f.name === 'contact')!;
    expect(contact.chiSquared?.dof).toBe(1);
    expect(contact.ks).toBeNull();
    expect(contact.wasserstein).toBeNull();
  });

  it('reports an all-missing current column through its missing rate, with no distribution measures', () => {
    const r = compareDatasets(dataset(numeric('x', [1, 2, 3, 4])), dataset(numeric('x', [NaN, NaN])));
    const x = r.features[0];
    expect(x.psi).toBeNull();
    expect(x.ks).toBeNull();
    expect(x.missingRate).toEqual({ reference: 0, current: 1 });
    expect(x.status).toBe('critical');
  });

  it('handles categories unseen in the reference without infinities', () => {
    const r = compareDatasets(dataset(categorical('c', ['a', 'b', 'a', 'b'])), dataset(categorical('c', ['a', 'z', 'z', 'z'])));
    const c = r.features[0];
    expect(Number.isFinite(c.psi)).toBe(true);
    expect(Number.isFinite(c.chiSquared!.statistic)).toBe(true);
    expect(c.chiSquared!.dof).toBe(2);
  });

  it('keeps 100,000 distinct categories bounded (top-K plus other)', () => {
    const levels = (offset: number) => Array.from({ length: 100_000 }, (_, i) => `id-${i + offset}`);
    const r = compareDatasets(dataset(categorical('user', levels(0))), dataset(categorical('user', levels(50_000))));
    const user = r.features[0];
    expect(user.chiSquared!.dof).toBeLessThanOrEqual(1001); // 1000 kept levels + "other seen" + "unseen", minus 1
    expect(Number.isFinite(user.psi)).toBe(true);
    expect(user.chiSquared!.pValue).toBeLessThan(1e-6); // half the current users were never seen
  });

  it('names the column when the datasets disagree', () => {
    expect(() => compareDatasets(dataset(numeric('a', [1])), dataset(numeric('b', [1])))).toThrow(
      'column "a" is in the reference but not in the current data',
    );
    expect(() => compareDatasets(dataset(numeric('a', [1])), dataset(categorical('a', ['x'])))).toThrow(
      'column "a" is numeric in the reference but categorical in the current data',
    );
  });
});

describe('compareProfiles agrees with compareDatasets', () => {
  it('gives the same PSI, chi-squared and statuses from profiles as from raw data', () => {
    const reference = dataset(numeric('stable', uniform()), numeric('shifted', uniform()), categorical('contact', channels(0.1)));
    const current = dataset(numeric('stable', uniform()), numeric('shifted', uniform(0.2)), categorical('contact', channels(0.3)));
    const raw = compareDatasets(reference, current);
    const refProfile = fitDatasetProfile(reference);
    const fromProfiles = compareProfiles(refProfile, observeDatasetProfile(current, refProfile));
    for (const f of raw.features) {
      const p = fromProfiles.features.find((x) => x.name === f.name)!;
      expect(p.psi).toBeCloseTo(f.psi!, 12);
      expect(p.status).toBe(f.status);
      if (f.chiSquared) expect(p.chiSquared!.statistic).toBeCloseTo(f.chiSquared.statistic, 9);
      if (f.ks) expect(Math.abs(p.ks!.statistic - f.ks.statistic)).toBeLessThanOrEqual(0.002);
    }
    expect(fromProfiles.summary.status).toBe(raw.summary.status);
  });
});
