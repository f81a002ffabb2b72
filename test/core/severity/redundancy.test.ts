import { readDataset } from '../../../lambda/adapters/local';
import { compareDatasets } from '../../../lambda/core/compare';
import { sliceRows } from '../../../lambda/core/dataset';
import { fitDatasetProfile, parseDatasetProfile } from '../../../lambda/core/profile';
import { datasetStatus, evidenceWeights, redundantGroups, type RankedFeature } from '../../../lambda/core/severity';
import type { CategoricalColumn, Dataset, NumericColumn } from '../../../lambda/core/types';
import { BANK } from '../../support/datasets';
import { prng } from '../../support/random';

const N = 5000;
const random = prng(7);
const x = Float64Array.from({ length: N }, () => 1 + random() * 99);
const numeric = (name: string, f: (i: number) => number): NumericColumn => ({
  kind: 'numeric',
  name,
  values: Float64Array.from({ length: N }, (_, i) => f(i)),
});
const categorical = (name: string, f: (i: number) => number, dictionary: string[]): CategoricalColumn => ({
  kind: 'categorical',
  name,
  codes: Int32Array.from({ length: N }, (_, i) => f(i)),
  dictionary,
});
const month = Int32Array.from({ length: N }, () => Math.floor(random() * 12));
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

describe('redundantGroups', () => {
  const data: Dataset = {
    rowCount: N,
    columns: [
      numeric('x', (i) => x[i]),
      numeric('log_x', (i) => Math.log(x[i])),
      numeric('independent', () => random()),
      numeric('constant_a', () => 3),
      numeric('constant_b', () => 7),
      categorical('month', (i) => month[i], MONTHS),
      // A lookup from the month: the same fact in another column.
      numeric('monthly_rate', (i) => [1.1, 1.4, 1.4, -0.1, -0.2, -1.8, -2.9, -3.4, -3, -1.1, 1.1, 1.4][month[i]] + month[i] * 1e-3),
      // Coarser than the month: determined by it, but it does not determine the month.
      categorical('quarter', (i) => Math.floor(month[i] / 3), ['q1', 'q2', 'q3', 'q4']),
    ],
  };

  it('groups re-encodings of one fact (x and log x; a month and a rate looked up from it)', () => {
    expect(redundantGroups(data)).toEqual([
      ['x', 'log_x'],
      ['month', 'monthly_rate'],
    ]);
  });

  it('does not group a coarser derived feature, independent features, or columns constant in the reference', () => {
    const flat = redundantGroups(data).flat();
    for (const name of ['quarter', 'independent', 'constant_a', 'constant_b']) expect(flat).not.toContain(name);
  });

  it('keeps missing values as a value of their own: a column missing where another is not is not a copy', () => {
    const half: Dataset = {
      rowCount: N,
      columns: [numeric('x', (i) => x[i]), numeric('x_half_missing', (i) => (i % 2 === 0 ? NaN : x[i]))],
    };
    expect(redundantGroups(half)).toEqual([]);
  });

  it('rejects bad options, naming the option and value', () => {
    expect(() => redundantGroups(data, { minSymmetricUncertainty: 1.5 })).toThrow('minSymmetricUncertainty must be in (0, 1], got 1.5');
    expect(() => redundantGroups(data, { maxRows: 1 })).toThrow('maxRows must be an integer >= 2, got 1');
  });

  it('finds the macro indicators re-encoding the month in the bank marketing reference', async () => {
    const bank = await readDataset(BANK, { delimiter: ';' });
    const reference = sliceRows(
      { rowCount: bank.rowCount, columns: bank.columns.filter((c) => c.name !== 'y' && c.name !== 'duration') },
      { start: 0, end: 10_000 },
    );
    expect(redundantGroups(reference)).toEqual([['month', 'emp.var.rate', 'cons.price.idx', 'cons.conf.idx', 'nr.employed']]);
  });
});

describe('evidenceWeights', () => {
  it('weighs every group once, split among its members, and sums to 1', () => {
    const weights = evidenceWeights(['a', 'b', 'c', 'd'], [['b', 'c', 'd']]);
    expect(weights.get('a')).toBeCloseTo(0.5, 12);
    expect(weights.get('b')).toBeCloseTo(0.5 / 3, 12);
    expect([...weights.values()].reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
  });

  it('ignores group members that are not compared', () => {
    expect(evidenceWeights(['a', 'b'], [['b', 'gone']])).toEqual(new Map([['a', 0.5], ['b', 0.5]]));
  });
});

describe('datasetStatus with re-encoded features', () => {
  // Five re-encodings of one fact are critical; fifteen other features are fine.
  const family = ['month', 'r1', 'r2', 'r3', 'r4'];
  const features: RankedFeature[] = [
    ...family.map((name) => ({ name, status: 'critical' as const, importance: 1 / 20, impact: 1 })),
    ...Array.from({ length: 15 }, (_, i) => ({ name: `f${i}`, status: 'ok' as const, importance: 1 / 20, impact: 0 })),
  ];

  it('counts the group once: one drifted fact out of sixteen does not put the model in doubt', () => {
    expect(datasetStatus(features).status).toBe('critical'); // 5 of 20 columns: a quarter
    const summary = datasetStatus(features, { redundant: [family] });
    expect(summary.status).toBe('warning');
    expect(summary.driftedImportance).toBeCloseTo(1 / 16, 12);
    expect(summary.redundant).toEqual([family]);
  });

  it('leaves configured importances as the user gave them', () => {
    const summary = datasetStatus(features, { redundant: [family], importanceConfigured: true });
    expect(summary.status).toBe('critical');
    expect(summary.redundant).toBeUndefined();
  });
});

describe('reference profiles and comparisons carry the groups', () => {
  const data: Dataset = {
    rowCount: N,
    columns: [numeric('x', (i) => x[i]), numeric('log_x', (i) => Math.log(x[i])), numeric('y', () => random()), numeric('z', () => random())],
  };

  it('fits them into the reference profile, which parses back', () => {
    const profile = fitDatasetProfile(data);
    expect(profile.redundant).toEqual([['x', 'log_x']]);
    expect(parseDatasetProfile(JSON.parse(JSON.stringify(profile))).redundant).toEqual([['x', 'log_x']]);
  });

  it('rejects a profile whose groups name a feature it does not have', () => {
    const profile = { ...fitDatasetProfile(data), redundant: [['x', 'nope']] };
    expect(() => parseDatasetProfile(profile, 'ref.json')).toThrow('invalid profile (ref.json): redundant[0][1]: "nope" is not a feature of the profile');
  });

  it('compareDatasets counts x and log x once when both shift, and can be told not to', () => {
    const shifted: Dataset = {
      rowCount: N,
      columns: [numeric('x', (i) => x[i] * 3), numeric('log_x', (i) => Math.log(x[i] * 3)), numeric('y', () => random()), numeric('z', () => random())],
    };
    const report = compareDatasets(data, shifted);
    expect(report.features.filter((f) => f.status === 'critical').map((f) => f.name).sort()).toEqual(['log_x', 'x']);
    expect(report.summary.status).toBe('critical'); // one fact of three: a third, above a quarter
    expect(report.summary.driftedImportance).toBeCloseTo(1 / 3, 12);
    expect(compareDatasets(data, shifted, { redundant: [] }).summary.driftedImportance).toBeCloseTo(1 / 2, 12);
  });
});
