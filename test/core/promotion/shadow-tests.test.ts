/** The shadow comparison's paired tests against scipy (test/fixtures/shadow.json, from generate_shadow.py). */
import * as fs from 'fs';
import * as path from 'path';
import { compareShadow } from '../../../lambda/core/promotion/compare-shadow';
import { mcnemarExact } from '../../../lambda/core/promotion/mcnemar';
import { pairedBootstrap, type PairedCell } from '../../../lambda/core/promotion/paired-bootstrap';
import { pairedTFromSums } from '../../../lambda/core/promotion/paired-t';

interface Fixture {
  mcnemar: { championOnly: number; candidateOnly: number; pValue: number }[];
  pairedT: { name: string; metric: string; count: number; championLoss: number; candidateLoss: number; sumSquaredDiff: number; statistic: number; pValue: number }[];
  bootstrap: { name: string; cells: PairedCell[]; champion: number; candidate: number; low: number; high: number; standardError: number }[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/shadow.json'), 'utf8')) as Fixture;

const f1Of = (m: { perClass: readonly { class: string; f1: number }[] }) => m.perClass.find((c) => c.class === '1')?.f1 ?? 0;

describe("McNemar's exact test matches scipy.stats.binomtest on the discordant pairs", () => {
  test.each(fixture.mcnemar.map((c) => [`b=${c.championOnly} c=${c.candidateOnly}`, c] as const))('%s', (_n, c) => {
    expect(mcnemarExact(c.championOnly, c.candidateOnly).pValue).toBeCloseTo(c.pValue, 12);
  });

  it('refuses a count that is not a non-negative integer, naming it', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(/championOnly \(b\) must be a non-negative integer, got -1/);
    expect(() => mcnemarExact(2, 1.5)).toThrow(/candidateOnly \(c\) .* got 1.5/);
  });
});

describe('the paired t-test from SQL sums matches scipy.stats.ttest_rel on the per-row losses', () => {
  test.each(fixture.pairedT.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = pairedTFromSums({ count: c.count, sumDiff: c.championLoss - c.candidateLoss, sumSquaredDiff: c.sumSquaredDiff });
    expect(r.statistic).toBeCloseTo(c.statistic, 6);
    expect(Math.abs(r.pValue - c.pValue) / c.pValue).toBeLessThan(1e-6);
  });

  it('identical losses on every row are no difference, not a division by zero', () => {
    expect(pairedTFromSums({ count: 10, sumDiff: 0, sumSquaredDiff: 0 })).toEqual({ meanDifference: 0, statistic: 0, pValue: 1 });
  });
});

describe('the paired bootstrap agrees with scipy.stats.bootstrap(paired=True, percentile)', () => {
  test.each(fixture.bootstrap.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = pairedBootstrap(c.cells, f1Of, { resamples: 4000, seed: 7, alpha: 0.05 });
    expect(r.champion).toBeCloseTo(c.champion, 12);
    expect(r.candidate).toBeCloseTo(c.candidate, 12);
    // Two generators: the interval ends agree within about one standard error of the difference.
    expect(Math.abs(r.low - c.low)).toBeLessThan(c.standardError * 0.5);
    expect(Math.abs(r.high - c.high)).toBeLessThan(c.standardError * 0.5);
  });

  it('the same rows and seed give the same interval (a retried step reaches the same verdict)', () => {
    const cells = fixture.bootstrap[0].cells;
    expect(pairedBootstrap(cells, f1Of, { resamples: 500, seed: 1, alpha: 0.05 })).toEqual(pairedBootstrap(cells, f1Of, { resamples: 500, seed: 1, alpha: 0.05 }));
  });
});

describe('compareShadow: the verdict the promotion branches on', () => {
  const policy = { minLabelledRows: 1000, alpha: 0.05 };

  it('f1 better by the bootstrap interval is better; no difference is equivalent', () => {
    const better = compareShadow({ kind: 'classification', cells: fixture.bootstrap[0].cells, positiveClass: '1' }, { ...policy, metric: 'f1' });
    expect(better).toMatchObject({ verdict: 'better', test: 'paired-bootstrap', labelledRows: 2000 });
    expect(better.summary).toMatch(/^candidate f1 0\.7647 vs champion 0\.6875 on 2000 labelled rows \(paired-bootstrap, 95% interval of the difference \[0\.04\d*, 0\.1\d*\], alpha 0\.05\): better$/);
    expect(compareShadow({ kind: 'classification', cells: fixture.bootstrap[1].cells, positiveClass: '1' }, { ...policy, metric: 'f1' }).verdict).toBe('equivalent');
  });

  it('accuracy uses McNemar on the discordant rows: a candidate wrong where the champion is right more often is worse', () => {
    const cells: PairedCell[] = [
      { label: '1', champion: '1', candidate: '1', count: 900 },
      { label: '1', champion: '1', candidate: '0', count: 70 },
      { label: '1', champion: '0', candidate: '1', count: 30 },
      { label: '0', champion: '0', candidate: '0', count: 500 },
    ];
    const r = compareShadow({ kind: 'classification', cells }, { ...policy, metric: 'accuracy' });
    expect(r).toMatchObject({ verdict: 'worse', test: 'mcnemar-exact', champion: 1470 / 1500, candidate: 1430 / 1500 });
    expect(r.pValue).toBeCloseTo(mcnemarExact(70, 30).pValue, 15);
  });

  it('regression losses from the paired sums: lower candidate MAE is better, higher is worse', () => {
    const [better, , , , worse] = fixture.pairedT;
    const sums = (c: (typeof fixture.pairedT)[number]) => ({ count: c.count, championLoss: c.championLoss, candidateLoss: c.candidateLoss, sumSquaredDiff: c.sumSquaredDiff });
    expect(compareShadow({ kind: 'regression', sums: sums(better) }, { ...policy, metric: 'mae' })).toMatchObject({ verdict: 'better', test: 'paired-t', champion: better.championLoss / better.count });
    expect(compareShadow({ kind: 'regression', sums: sums(worse) }, { ...policy, metric: 'mae' }).verdict).toBe('worse');
  });

  it('below minLabelledRows the verdict is insufficient and says how many rows it had', () => {
    const r = compareShadow({ kind: 'regression', sums: { count: 400, championLoss: 10, candidateLoss: 9, sumSquaredDiff: 3 } }, { ...policy, metric: 'mae' });
    expect(r).toMatchObject({ verdict: 'insufficient', labelledRows: 400, summary: '400 labelled shadow rows < 1000: not judged yet' });
  });

  it('a metric the task cannot compare is refused, naming the metric and the allowed ones', () => {
    expect(() => compareShadow({ kind: 'regression', sums: { count: 2000, championLoss: 1, candidateLoss: 1, sumSquaredDiff: 1 } }, { ...policy, metric: 'f1' })).toThrow(
      'shadow metric "f1" is not one a regression shadow compares (mae, rmse, mape)',
    );
    expect(() => compareShadow({ kind: 'classification', cells: fixture.bootstrap[0].cells }, { ...policy, metric: 'f1' })).toThrow(/needs the positive class/);
  });
});
