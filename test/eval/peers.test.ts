import type { CategoricalColumn, Dataset, NumericColumn } from '../../lambda/core/types';
import { chiSquareGoodnessOfFit, evidentlyDrift, evidentlyTest, proportionZTest } from './peers/evidently';
import { sageMakerDrift } from './peers/sagemaker';

const numeric = (name: string, values: number[]): NumericColumn => ({ kind: 'numeric', name, values: Float64Array.from(values) });
const categorical = (name: string, values: string[]): CategoricalColumn => {
  const dictionary = [...new Set(values)];
  return { kind: 'categorical', name, dictionary, codes: Int32Array.from(values, (v) => dictionary.indexOf(v)) };
};
const repeat = <T>(pairs: [T, number][]): T[] => pairs.flatMap(([v, n]) => Array<T>(n).fill(v));
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe("Evidently's default test selection", () => {
  it('picks KS / chi-squared / Z up to 1,000 reference rows and Wasserstein / Jensen-Shannon above', () => {
    expect(evidentlyTest('numeric', 1000, 6)).toBe('ks');
    expect(evidentlyTest('numeric', 1000, 5)).toBe('chisquare');
    expect(evidentlyTest('numeric', 1000, 2)).toBe('z');
    expect(evidentlyTest('categorical', 1000, 3)).toBe('chisquare');
    expect(evidentlyTest('categorical', 1000, 2)).toBe('z');
    expect(evidentlyTest('numeric', 1001, 6)).toBe('wasserstein');
    expect(evidentlyTest('numeric', 1001, 5)).toBe('jensenshannon');
    expect(evidentlyTest('categorical', 1001, 2)).toBe('jensenshannon');
  });

  it('chi-squared is the goodness-of-fit test scipy.stats.chisquare runs (p = 0.015503853599009307)', () => {
    // scipy.stats.chisquare([30, 50, 20], [20, 50, 30]): reference [40, 100, 60] scaled to 100 rows.
    expect(chiSquareGoodnessOfFit([40, 100, 60], [30, 50, 20])).toBeCloseTo(0.015503853599009307, 12);
    // A value the reference never had makes the statistic infinite.
    expect(chiSquareGoodnessOfFit([10, 0], [5, 5])).toBe(0);
  });

  it("Z-test matches Evidently's pooled two-proportion formula (p = 0.22067136191984682)", () => {
    expect(proportionZTest([70, 30], [30, 20])).toBeCloseTo(0.22067136191984682, 12);
    expect(proportionZTest([10], [5])).toBe(1);
  });

  it('calls dataset drift when at least half of the columns drift', () => {
    const reference: Dataset = {
      rowCount: 2000,
      columns: [numeric('a', range(2000, (i) => i % 100)), numeric('b', range(2000, (i) => i % 50)), categorical('c', repeat([['x', 1000], ['y', 1000]]))],
    };
    const shifted: Dataset = {
      rowCount: 500,
      columns: [numeric('a', range(500, (i) => (i % 100) + 30)), numeric('b', range(500, (i) => (i * 7) % 50)), categorical('c', repeat([['x', 250], ['y', 250]]))],
    };
    const result = evidentlyDrift(reference, shifted);
    expect(result.columns.map((c) => [c.name, c.test, c.drifted])).toEqual([
      ['a', 'wasserstein', true],
      ['b', 'wasserstein', false],
      ['c', 'jensenshannon', false],
    ]);
    expect(result.share).toBeCloseTo(1 / 3, 12);
    expect(result.drift).toBe(false);
    const twoOfThree = { ...shifted, columns: [shifted.columns[0], shifted.columns[1], categorical('c', repeat([['x', 400], ['y', 100]]))] };
    expect(evidentlyDrift(reference, twoOfThree).drift).toBe(true);
  });
});

describe("SageMaker Model Monitor's default drift check", () => {
  it('violates when a numeric CDF distance or a categorical proportion distance exceeds 0.1', () => {
    const reference: Dataset = { rowCount: 100, columns: [numeric('n', range(100, (i) => i)), categorical('c', repeat([['x', 50], ['y', 50]]))] };
    // n: CDFs differ by at most 0.05 (shift by 5 of 100) -> no violation; c: 0.5 vs 0.65 -> 0.15.
    const current: Dataset = { rowCount: 100, columns: [numeric('n', range(100, (i) => i + 5)), categorical('c', repeat([['x', 65], ['y', 35]]))] };
    const result = sageMakerDrift(reference, current);
    expect(result.columns.map((c) => [c.name, +c.distance.toFixed(12), c.violation])).toEqual([
      ['n', 0.05, false],
      ['c', 0.15, true],
    ]);
    expect(result.drift).toBe(true);
  });
});
