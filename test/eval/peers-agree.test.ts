/**
 * The Evidently emulation (test/eval/peers/evidently.ts) is kept only as a reading of Evidently's default rule,
 * checked here against Evidently itself (Report([DataDriftPreset()]) run by test/eval/peers/eval_peers.py) on
 * the same windows: Elec2 with a 1,000-row reference (Evidently's small-reference tests: KS, chi-squared, Z)
 * and bank with the eval's 10,000-row reference (normalised Wasserstein, Jensen–Shannon) and with a 1,000-row
 * one (chi-squared on its categorical columns). Per column the same
 * test, the same score and the same decision; per window the same dataset decision. Where they disagreed,
 * Evidently is right and the emulation was changed (its Jensen–Shannon is in nats).
 */
import { readDataset } from '../../lambda/adapters/local';
import { sliceRows } from '../../lambda/core/dataset';
import type { Dataset } from '../../lambda/core/types';
import { datasetFile } from '../support/datasets';
import { evidentlyDrift, type EvidentlyTest } from './peers/evidently';
import { runRealPeers, type RealPeers } from './peers/real';

const METHOD: Record<string, EvidentlyTest> = {
  'K-S p_value': 'ks',
  'chi-square p_value': 'chisquare',
  'Z-test p_value': 'z',
  'Wasserstein distance (normed)': 'wasserstein',
  'Jensen-Shannon distance': 'jensenshannon',
};

interface Setup {
  readonly name: string;
  readonly data: Dataset;
  readonly referenceRows: number;
  readonly windows: { start: number; end: number }[];
}

async function setups(): Promise<Setup[]> {
  const elec2 = await readDataset(datasetFile('elec2_electricity.csv'));
  const bank = await readDataset(datasetFile('bank-additional-full.csv'), { delimiter: ';' });
  const pick = (data: Dataset, names: readonly string[]): Dataset => ({
    rowCount: data.rowCount,
    columns: names.map((n) => data.columns.find((c) => c.name === n)!),
  });
  const windows = (start: number, size: number, count: number) => Array.from({ length: count }, (_, k) => ({ start: start + k * size, end: start + (k + 1) * size }));
  const elec2Features = ['day', 'period', 'nswprice', 'nswdemand', 'vicprice', 'vicdemand', 'transfer', 'class'];
  const bankFeatures = ['age', 'job', 'marital', 'education', 'default', 'housing', 'loan', 'contact', 'month', 'day_of_week', 'campaign', 'pdays', 'previous', 'poutcome', 'emp.var.rate', 'cons.price.idx', 'cons.conf.idx', 'euribor3m', 'nr.employed'];
  return [
    // Weeks across the change at row 17,424, against the first 1,000 half-hours.
    { name: 'Elec2, 1,000-row reference', data: pick(elec2, elec2Features), referenceRows: 1000, windows: windows(16_416, 336, 8) },
    { name: 'bank, 10,000-row reference', data: pick(bank, bankFeatures), referenceRows: 10_000, windows: windows(10_000, 2000, 6) },
    // Evidently's small-reference tests on categorical columns of more than two values (chi-squared).
    { name: 'bank, 1,000-row reference', data: pick(bank, bankFeatures), referenceRows: 1000, windows: windows(26_000, 1000, 3) },
  ];
}

const NAMES = ['Elec2, 1,000-row reference', 'bank, 10,000-row reference', 'bank, 1,000-row reference'];

describe('the Evidently emulation agrees with Evidently on the same windows', () => {
  const results = new Map<string, { setup: Setup; real: RealPeers }>();
  beforeAll(async () => {
    for (const setup of await setups()) {
      const features = setup.data.columns.map((c) => ({ name: c.name, kind: c.kind }));
      results.set(setup.name, { setup, real: await runRealPeers(setup.data, features, setup.referenceRows, setup.windows) });
    }
    // Evidently's Report takes 35-140 s a dataset on a quiet machine (mostly plotly), several times that on a busy one.
  }, 1_200_000);

  it.each(NAMES)('%s: per column the same test, score (to 1e-9) and decision', (name) => {
    const { setup, real } = results.get(name)!;
    const reference = sliceRows(setup.data, { start: 0, end: setup.referenceRows });
    setup.windows.forEach((w, i) => {
      const emulated = evidentlyDrift(reference, sliceRows(setup.data, w));
      const byName = new Map(emulated.columns.map((c) => [c.name, c]));
      for (const column of real.evidently[i].columns) {
        const ours = byName.get(column.name)!;
        const where = `window ${w.start}–${w.end}, ${column.name}`;
        expect([where, ours.test, ours.drifted]).toEqual([where, METHOD[column.method], column.drifted]);
        expect(Math.abs(ours.score - column.score)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(column.score)));
      }
    });
  });

  it.each(NAMES)('%s: the same share of drifted columns and dataset decision per window', (name) => {
    const { setup, real } = results.get(name)!;
    const reference = sliceRows(setup.data, { start: 0, end: setup.referenceRows });
    const emulated = setup.windows.map((w) => evidentlyDrift(reference, sliceRows(setup.data, w)));
    expect(emulated.map((e) => [e.share, e.drift])).toEqual(real.evidently.map((e) => [e.share, e.drift]));
  });

  it('the windows exercise every default test and both decisions', () => {
    const all = [...results.values()].flatMap((r) => r.real.evidently);
    expect(new Set(all.flatMap((w) => w.columns.map((c) => METHOD[c.method])))).toEqual(new Set(['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon']));
    expect(new Set(all.map((w) => w.drift))).toEqual(new Set([true, false]));
  });
});
