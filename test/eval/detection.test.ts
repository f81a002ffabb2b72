/**
 * The README's detection-quality claims, checked on the real datasets (`npm run eval` prints the
 * full table): every documented change is caught within one window, and the defaults raise fewer
 * false alarms than each peer (none where a peer raises none).
 */
import * as path from 'path';
import { loadBacktestConfig, runBacktest, type BacktestConfig } from '../../lambda/backtest';
import { datasetFile } from '../support/datasets';
import { CONFIG_DIR, DATASETS, evaluate, score, type Outcome } from './evaluate';

const byName = (name: string) => {
  const dataset = DATASETS.find((d) => d.name === name);
  if (!dataset) throw new Error(`no eval dataset ${name}`);
  return dataset;
};
const method = (outcomes: readonly Outcome[], prefix: string) => {
  const outcome = outcomes.find((o) => o.method.startsWith(prefix));
  if (!outcome) throw new Error(`no outcome for ${prefix}`);
  return outcome;
};

describe('detection quality on real data with a documented change', () => {
  // "Fewer false alarms than either peer": strictly fewer than a peer that raises any; a peer with
  // none (Evidently on Elec2) can only be matched.
  it.each(DATASETS.map((d) => d.name))(
    '%s: the change is caught within one window, with fewer false alarms than each peer (or none, as a peer with none)',
    async (name) => {
      const { outcomes } = await evaluate(byName(name), {}, { withImportances: false, ablation: false });
      const ours = method(outcomes, 'Driftwatch (defaults)');
      expect(ours.delayWindows).toBe(1);
      for (const peer of ['Evidently', 'SageMaker']) {
        const theirs = method(outcomes, peer).falseAlarms;
        if (theirs === 0) expect(ours.falseAlarms).toBe(0);
        else expect(ours.falseAlarms).toBeLessThan(theirs);
      }
      // Counting feature pages as alarms too: never more than SageMaker's any-feature rule (the
      // README says where this is more than Evidently's dataset rule).
      const pages = method(outcomes, 'Driftwatch (defaults, feature pages too)');
      expect(pages.delayWindows).toBe(1);
      expect(pages.falseAlarms).toBeGreaterThanOrEqual(ours.falseAlarms);
      expect(pages.falseAlarms).toBeLessThanOrEqual(method(outcomes, 'SageMaker').falseAlarms);
    },
  );

  it('Elec2: drift bands keep the change caught in its week and cut the alarms on weekly price moves', async () => {
    const elec2 = byName('Elec2');
    const data = await elec2.load(datasetFile(elec2.file));
    const config = await loadBacktestConfig(path.join(CONFIG_DIR, elec2.config));
    const outcome = async (override: Partial<BacktestConfig>) => {
      const result = await runBacktest({ data, config: { ...config, ...override } });
      const windows = result.windows.map((w) => ({ index: w.index, start: Number(w.start), end: Number(w.end) }));
      return score(elec2.name, 'Driftwatch', windows, result.windows.map((w) => w.drift.status === 'critical'), elec2.change);
    };
    const banded = await outcome({});
    const fixed = await outcome({ driftBands: { enabled: false } });
    expect(banded.delayWindows).toBe(1);
    expect(fixed.delayWindows).toBe(1);
    expect(banded.falseAlarms).toBeLessThan(fixed.falseAlarms / 4);
    expect(banded.alarmedAfter).toBe(banded.windowsAfter);
  });
});
