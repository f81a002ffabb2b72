/**
 * The drift statistics Driftwatch shares with Evidently and NannyML, computed by each tool's own code on the
 * same samples in the same test (test/eval/peers/stats_peers.py in .venv-peers; the README's "Statistics
 * against the peers" names the differences). Where the definitions agree — on the same bins, with the same
 * smoothing, in the same log base — the values agree to 1e-9 (relative, or absolute below 1):
 *
 * - Evidently: normalised Wasserstein and the KS p-value on the raw samples (the same definitions as ours);
 *   PSI and Jensen–Shannon on the bins Evidently's own get_binned_data cuts, Jensen–Shannon read in base 2
 *   (Evidently's is in nats: ours = Evidently's / √ln 2), PSI with Evidently's zero replacement; its
 *   chi-squared is a goodness-of-fit test against the scaled reference counts, computed here with our
 *   χ² survival function.
 * - NannyML: Jensen–Shannon on its bins (for categorical columns these are Driftwatch's own bins: the
 *   reference's categories and one bin for the rest), the KS statistic and raw Wasserstein below 10,000
 *   reference rows, chi-squared of homogeneity (ours) for more than two categories, and with Yates'
 *   correction (scipy's default, which NannyML keeps) for two.
 */
import { histogram, jensenShannon, normalizedWasserstein, psi, quantileEdges, sortedNonMissing, wasserstein } from '../../lambda/core/drift';
import { chiSquaredHomogeneity, chiSquaredSurvival, ks2samp, ksStatisticSorted } from '../../lambda/core/stats';
import { readDatasetText } from '../support/datasets';
import { chiSquareGoodnessOfFit } from './peers/evidently';
import { runPeerSync } from './peers/python';

type Kind = 'numeric' | 'categorical';
interface Case {
  name: string;
  kind: Kind;
  reference: (number | string)[];
  current: (number | string)[];
}
interface Bins {
  reference: number[];
  current: number[];
}
interface PeerCase {
  name: string;
  evidently: { psi: number; jensenshannon: number; wasserstein?: number; ks?: number; chisquare?: number; bins: Bins & { numericSturges: boolean } };
  nannyml: { jensen_shannon: number; kolmogorov_smirnov?: number; wasserstein?: number; chi2?: { statistic: number; pValue: number }; bins: Bins };
}

/* --- Samples --------------------------------------------------------------------------------- */

function generator(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}
const draw = (seed: number, n: number, f: (g: ReturnType<typeof generator>) => number | string) => {
  const g = generator(seed);
  return Array.from({ length: n }, () => f(g));
};
const categoryOf = (weights: readonly number[], names: readonly string[]) => (g: ReturnType<typeof generator>) => {
  let u = g.uniform() * weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < weights.length; k++) if ((u -= weights[k]) < 0) return names[k];
  return names[names.length - 1];
};

function csvColumns(name: 'elec2_electricity.csv' | 'bank-additional-full.csv', delimiter: string): (column: string, start: number, end: number) => string[] {
  const lines = readDatasetText(name).trim().split('\n');
  const unquote = (s: string) => s.replace(/^"|"$/g, '');
  const header = lines[0].split(delimiter).map(unquote);
  const rows = lines.slice(1).map((l) => l.split(delimiter).map(unquote));
  return (column, start, end) => rows.slice(start, end).map((r) => r[header.indexOf(column)]);
}

function cases(): Case[] {
  const elec2 = csvColumns('elec2_electricity.csv', ',');
  const bank = csvColumns('bank-additional-full.csv', ';');
  const numbers = (values: string[]) => values.map(Number);
  const five = ['a', 'b', 'c', 'd', 'e'];
  return [
    { name: 'normal, mean +0.3σ', kind: 'numeric', reference: draw(1, 2000, (g) => g.normal()), current: draw(2, 1000, (g) => 0.3 + g.normal()) },
    { name: 'normal, σ ×1.5', kind: 'numeric', reference: draw(3, 5000, (g) => 10 + g.normal()), current: draw(4, 800, (g) => 10 + 1.5 * g.normal()) },
    { name: 'log-normal, longer tail', kind: 'numeric', reference: draw(5, 3000, (g) => Math.exp(g.normal())), current: draw(6, 3000, (g) => Math.exp(1.2 * g.normal())) },
    { name: 'integers 0–9, reweighted (ties)', kind: 'numeric', reference: draw(7, 2000, (g) => Math.floor(10 * g.uniform())), current: draw(8, 500, (g) => Math.floor(10 * g.uniform() ** 1.3)) },
    { name: 'Elec2 nswprice, reference weeks 1–12 vs week 41', kind: 'numeric', reference: numbers(elec2('nswprice', 0, 4032)), current: numbers(elec2('nswprice', 17_424, 17_760)) },
    { name: 'Elec2 nswdemand, reference weeks 1–12 vs week 20', kind: 'numeric', reference: numbers(elec2('nswdemand', 0, 4032)), current: numbers(elec2('nswdemand', 10_752, 11_088)) },
    { name: 'bank age, first 9,999 rows vs 14,000–16,000', kind: 'numeric', reference: numbers(bank('age', 0, 9999)), current: numbers(bank('age', 14_000, 16_000)) },
    { name: 'five categories, reweighted', kind: 'categorical', reference: draw(9, 3000, categoryOf([5, 4, 3, 2, 1], five)), current: draw(10, 1000, categoryOf([3, 3, 3, 3, 3], five)) },
    { name: 'a category the reference never had', kind: 'categorical', reference: draw(11, 2000, categoryOf([5, 4, 3, 2], five)), current: draw(12, 700, categoryOf([5, 4, 3, 2, 2], five)) },
    { name: 'two categories', kind: 'categorical', reference: draw(13, 2000, categoryOf([7, 3], five)), current: draw(14, 500, categoryOf([6, 4], five)) },
    { name: 'bank job, first 9,999 rows vs 14,000–16,000', kind: 'categorical', reference: bank('job', 0, 9999), current: bank('job', 14_000, 16_000) },
    { name: 'bank contact, first 9,999 rows vs 24,000–26,000', kind: 'categorical', reference: bank('contact', 0, 9999), current: bank('contact', 24_000, 26_000) },
  ];
}

/* --- Ours ------------------------------------------------------------------------------------ */

const f64 = (values: readonly (number | string)[]) => Float64Array.from(values as number[]);

/** Driftwatch's categorical bins: the reference's categories (first seen first), then one bin for the rest. */
function ourCategoricalBins(reference: readonly (number | string)[], current: readonly (number | string)[]): Bins {
  const categories = [...new Set(reference.map(String))];
  const index = new Map(categories.map((c, i) => [c, i]));
  const count = (values: readonly (number | string)[]) => {
    const counts = new Array<number>(categories.length + 1).fill(0);
    for (const v of values) counts[index.get(String(v)) ?? categories.length]++;
    return counts;
  };
  return { reference: count(reference), current: count(current) };
}

/** Driftwatch's numeric PSI bins: 10 reference quantile bins (for the difference table only). */
function ourNumericBins(reference: Float64Array, current: Float64Array): Bins {
  const edges = quantileEdges(sortedNonMissing(reference), 10);
  return { reference: histogram(reference, edges), current: histogram(current, edges) };
}

/** PSI with Evidently's zero replacement: 1e-4, or the smallest non-zero proportion / 10^6 when that is ≤ 1e-4. */
function psiEvidentlySmoothing(reference: readonly number[], current: readonly number[]): number {
  const proportions = (counts: readonly number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    const p = counts.map((c) => c / total);
    const smallest = Math.min(...p.filter((x) => x > 0));
    const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
    return p.map((x) => (x === 0 ? fill : x));
  };
  const r = proportions(reference);
  const c = proportions(current);
  return r.reduce((sum, x, i) => sum + (x - c[i]) * Math.log(x / c[i]), 0);
}

/** scipy.stats.chi2_contingency's default on a 2×2 table: Yates' correction (|O − E| reduced by up to 0.5). */
function chiSquaredYates(reference: readonly number[], current: readonly number[]): { statistic: number; pValue: number } {
  const table = [reference, current];
  const rows = table.map((r) => r[0] + r[1]);
  const columns = [reference[0] + current[0], reference[1] + current[1]];
  const total = rows[0] + rows[1];
  let statistic = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const expected = (rows[i] * columns[j]) / total;
      const corrected = Math.abs(table[i][j] - expected) - Math.min(0.5, Math.abs(table[i][j] - expected));
      statistic += (corrected * corrected) / expected;
    }
  }
  return { statistic, pValue: chiSquaredSurvival(statistic, 1) };
}

/** Union of categories on both sides (chi-squared of homogeneity counts every category). */
function unionCounts(reference: readonly (number | string)[], current: readonly (number | string)[]): Bins {
  const keys = [...new Set([...reference, ...current].map(String))].sort();
  const count = (values: readonly (number | string)[]) => keys.map((k) => values.filter((v) => String(v) === k).length);
  return { reference: count(reference), current: count(current) };
}

const TOLERANCE = 1e-9;
function expectAgree(ours: number, theirs: number): void {
  expect(Number.isFinite(theirs)).toBe(true);
  expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(theirs)));
}

/* --- The tests ------------------------------------------------------------------------------- */

const CASES = cases();
const NUMERIC = CASES.filter((c) => c.kind === 'numeric').map((c) => [c.name, c] as const);
const CATEGORICAL = CASES.filter((c) => c.kind === 'categorical').map((c) => [c.name, c] as const);

describe("drift statistics: Driftwatch's against Evidently's and NannyML's own code", () => {
  let peers: Map<string, PeerCase>;
  let versions: { evidently: string; nannyml: string };
  beforeAll(() => {
    const answer = runPeerSync<{ evidently: string; nannyml: string; cases: PeerCase[] }>('stats_peers.py', { cases: CASES });
    versions = { evidently: answer.evidently, nannyml: answer.nannyml };
    peers = new Map(answer.cases.map((c) => [c.name, c]));
  }, 120_000);
  const peer = (c: Case) => peers.get(c.name)!;

  it('runs Evidently 0.7.23 and NannyML 0.13.1 (the pins of test/support/requirements-peers.txt)', () => {
    expect(versions).toEqual({ evidently: '0.7.23', nannyml: '0.13.1' });
  });

  describe('Evidently', () => {
    it.each(NUMERIC)('%s: normalised Wasserstein, W1 / max(σ of the reference, 0.001), agrees', (_n, c) => {
      expectAgree(normalizedWasserstein(f64(c.reference), f64(c.current)), peer(c).evidently.wasserstein!);
    });

    it.each(NUMERIC)('%s: KS p-value (scipy ks_2samp, method auto) agrees', (_n, c) => {
      expectAgree(ks2samp(f64(c.reference), f64(c.current)).pValue, peer(c).evidently.ks!);
    });

    it.each([...NUMERIC, ...CATEGORICAL])('%s: PSI on its bins, with its zero replacement, agrees', (_n, c) => {
      const { bins, psi: theirs } = peer(c).evidently;
      expectAgree(psiEvidentlySmoothing(bins.reference, bins.current), theirs);
      // Ours on the same bins is the same number whenever no bin is empty (our replacement is always 1e-4).
      if ([...bins.reference, ...bins.current].every((n) => n > 0)) expectAgree(psi(bins.reference, bins.current), theirs);
    });

    it.each([...NUMERIC, ...CATEGORICAL])('%s: Jensen–Shannon on its bins agrees, once read in base 2 (Evidently: nats)', (_n, c) => {
      const { bins, jensenshannon: theirs } = peer(c).evidently;
      expectAgree(jensenShannon(bins.reference, bins.current) * Math.sqrt(Math.LN2), theirs);
    });

    it.each(CATEGORICAL)('%s: chi-squared (goodness of fit against the scaled reference) agrees with our χ² survival', (_n, c) => {
      const { bins, chisquare } = peer(c).evidently;
      expectAgree(chiSquareGoodnessOfFit(bins.reference, bins.current), chisquare!);
    });

    it("categorical PSI and Jensen–Shannon on Driftwatch's own bins equal Evidently's when the current window has at most one new category", () => {
      for (const [, c] of CATEGORICAL) {
        const ours = ourCategoricalBins(c.reference, c.current);
        expectAgree(psi(ours.reference, ours.current), peer(c).evidently.psi);
        expectAgree(jensenShannon(ours.reference, ours.current) * Math.sqrt(Math.LN2), peer(c).evidently.jensenshannon);
      }
    });

    it('numeric PSI: Evidently cuts Sturges equal-width bins over reference ∪ current for columns with more than 20 values, so the figure differs from ours (10 reference quantiles)', () => {
      const [, c] = NUMERIC[0];
      const { evidently } = peer(c);
      expect(evidently.bins.numericSturges).toBe(true);
      const ours = ourNumericBins(f64(c.reference), f64(c.current));
      expect(ours.reference.length).toBe(10);
      expect(evidently.bins.reference.length).not.toBe(10);
      expect(Math.abs(psi(ours.reference, ours.current) - evidently.psi)).toBeGreaterThan(1e-3);
    });
  });

  describe('NannyML', () => {
    it.each([...NUMERIC, ...CATEGORICAL])('%s: Jensen–Shannon (base 2) on its bins agrees', (_n, c) => {
      const { bins, jensen_shannon: theirs } = peer(c).nannyml;
      expectAgree(jensenShannon(bins.reference, bins.current), theirs);
    });

    it.each(CATEGORICAL)("%s: categorical Jensen–Shannon on Driftwatch's own bins (reference categories + the rest) agrees", (_n, c) => {
      const ours = ourCategoricalBins(c.reference, c.current);
      expectAgree(jensenShannon(ours.reference, ours.current), peer(c).nannyml.jensen_shannon);
    });

    it.each(NUMERIC)('%s: KS statistic (exact below 10,000 reference rows) agrees', (_n, c) => {
      expect(c.reference.length).toBeLessThan(10_000);
      expectAgree(ksStatisticSorted(sortedNonMissing(f64(c.reference)), sortedNonMissing(f64(c.current))), peer(c).nannyml.kolmogorov_smirnov!);
    });

    it.each(NUMERIC)('%s: Wasserstein (raw, not normalised; exact below 10,000 reference rows) agrees', (_n, c) => {
      expectAgree(wasserstein(f64(c.reference), f64(c.current)), peer(c).nannyml.wasserstein!);
    });

    it.each(CATEGORICAL.filter(([, c]) => new Set([...c.reference, ...c.current]).size > 2))(
      '%s: chi-squared of homogeneity, statistic and p-value, agrees',
      (_n, c) => {
        const counts = unionCounts(c.reference, c.current);
        const ours = chiSquaredHomogeneity(counts.reference, counts.current);
        expectAgree(ours.statistic, peer(c).nannyml.chi2!.statistic);
        expectAgree(ours.pValue, peer(c).nannyml.chi2!.pValue);
      },
    );

    it.each(CATEGORICAL.filter(([, c]) => new Set([...c.reference, ...c.current]).size === 2))(
      "%s: with two categories NannyML's chi-squared has Yates' correction and ours has none",
      (_n, c) => {
        const counts = unionCounts(c.reference, c.current);
        const theirs = peer(c).nannyml.chi2!;
        const yates = chiSquaredYates(counts.reference, counts.current);
        expectAgree(yates.statistic, theirs.statistic);
        expectAgree(yates.pValue, theirs.pValue);
        expect(chiSquaredHomogeneity(counts.reference, counts.current).statistic).toBeGreaterThan(theirs.statistic);
      },
    );
  });
});
