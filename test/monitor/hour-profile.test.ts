/**
 * Stored hour profiles keep the counts and leave the bins to the reference they name: a 7-day score
 * reads 168 of them, and the reference's 1,000 fine edges per feature would otherwise be most of each.
 */
import fc from 'fast-check';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { expandHourProfile, HOUR_PROFILE_FORMAT, parseHourProfile, storedHourProfile, type HourProfile } from '../../lambda/monitor/profile';
import { fitReference } from '../../lambda/monitor/reference';
import type { MonitorModel } from '../../lambda/monitor/model';
import { recordsToDataset } from '../sql/helpers';
import { bankSpec, readBank } from '../sql/bank';

const model: MonitorModel = {
  env: 'test', modelId: 'bank_marketing', task: null, features: bankSpec.features.map((f) => ({ id: f.name, name: f.name, kind: f.kind })),
  columns: { prediction: false, predictedLabel: false, label: false }, businessMetrics: [], baseline: { windows: 7 }, topK: 5, minRows: 1,
};
const bank = readBank();
const reference = fitReference(model, recordsToDataset(bankSpec, bank.slice(0, 20_000)), null, { source: 'test', createdAt: new Date(0) });
const hour: HourProfile = {
  format: HOUR_PROFILE_FORMAT, modelId: 'bank_marketing', referenceId: reference.referenceId, hour: '2026-11-24T07:00:00.000Z',
  rows: 3000, profile: observeDatasetProfile(recordsToDataset(bankSpec, bank.slice(30_000, 33_000)), reference.profile),
  predictions: { count: 0, missing: 0, sum: 0, sumSquares: 0, min: null, max: null, meanScore: null, labelCounts: {}, positiveRate: null },
  profiledAt: '2026-11-24T08:25:00.000Z',
};
const key = 'monitor/bank_marketing/profiles/dt=2026-11-24/hour=07.json';

test('the stored form drops the reference\'s bins, and expanding it with the reference gives the profile back exactly', () => {
  const stored = JSON.parse(JSON.stringify(storedHourProfile(hour)));
  expect(JSON.stringify(stored).length).toBeLessThan(0.75 * JSON.stringify(hour).length); // bank has few distinct values; 50 continuous features save 72%
  expect(stored.profile.features.some((f: object) => 'fineEdges' in f || 'categories' in f)).toBe(false);
  expect(expandHourProfile(parseHourProfile(stored, key), reference, key)).toEqual(hour);
});

test('a stored hour whose counts do not fit the reference\'s bins is refused with its key', () => {
  const stored = JSON.parse(JSON.stringify(storedHourProfile(hour)));
  stored.profile.features[0].fineCounts.pop();
  expect(() => expandHourProfile(parseHourProfile(stored, key), reference, key)).toThrow(`the stored object ${key} is corrupt`);
  const other = fitReference(model, recordsToDataset(bankSpec, bank.slice(20_000, 30_000)), null, { source: 'test', createdAt: new Date(0) });
  expect(() => expandHourProfile(parseHourProfile(JSON.parse(JSON.stringify(storedHourProfile(hour))), key), other, key)).toThrow(
    `it counts on reference ${reference.referenceId}, not ${other.referenceId}`,
  );
});

test('any one count changed (another whole count, a fraction, a negative) is refused, naming the feature', () => {
  const base = JSON.stringify(storedHourProfile(hour));
  fc.assert(
    fc.property(fc.nat(), fc.nat(), fc.constantFrom('plus', 'fraction', 'negative'), fc.constantFrom('counts', 'fineCounts'), (fi, bi, how, field) => {
      const stored = JSON.parse(base);
      const numeric = field === 'fineCounts';
      const candidates = stored.profile.features.filter((f: { kind: string }) => !numeric || f.kind === 'numeric');
      const f = candidates[fi % candidates.length];
      const i = bi % f[field].length;
      f[field][i] = how === 'plus' ? f[field][i] + 1 + (bi % 7) : how === 'fraction' ? f[field][i] + 0.5 : -1;
      expect(() => expandHourProfile(parseHourProfile(stored, key), reference, key)).toThrow(`feature "${f.name}"`);
    }),
    { numRuns: 200 },
  );
});
