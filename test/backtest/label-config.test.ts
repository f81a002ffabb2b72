/**
 * Issue 14, class 6: a binary classifier's config that does not fit its data. A positiveLabel that
 * never occurs made F1 vanish and the positive rate read 0; a third class was scored as multiclass;
 * a baseline longer than the backtest left performance unjudged while the text claimed a calibration.
 */
import fc from 'fast-check';
import { InputError } from '../../lambda/adapters/local/errors';
import { runBacktest, type BacktestConfig } from '../../lambda/backtest';
import type { CategoricalColumn, Dataset } from '../../lambda/core/types';
import { renderBacktestText } from '../../lambda/report/backtest-text';
import { syntheticConfig, syntheticHistory } from './synthetic';

const history = syntheticHistory();
const config = syntheticConfig as unknown as BacktestConfig;

/** The history with the yes/no label and predicted columns written as other class names. */
function relabelled(yes: string, no: string, extra?: { every: number; name: string }): Dataset {
  const map = (c: CategoricalColumn): CategoricalColumn => {
    const dictionary = c.dictionary.map((v) => (v === 'yes' ? yes : no));
    if (!extra) return { ...c, dictionary };
    const codes = Int32Array.from(c.codes, (code, i) => (i % extra.every === 0 ? dictionary.length : code));
    return { ...c, codes, dictionary: [...dictionary, extra.name] };
  };
  return {
    rowCount: history.rowCount,
    columns: history.columns.map((c) => (c.kind === 'categorical' && (c.name === 'label' || c.name === 'predicted') ? map(c) : c)),
  };
}

async function errorOf(run: Promise<unknown>): Promise<InputError> {
  try {
    await run;
  } catch (error) {
    return error as InputError;
  }
  throw new Error('expected the backtest to refuse the config');
}

const classNames = fc.constantFrom('1', '0', 'true', 'false', 'yes', 'no', 'Y', 'N', 'churn', 'stay', '1.0', 'positive');
const twoClasses = fc.uniqueArray(classNames, { minLength: 2, maxLength: 2 });

describe('a binary classifier whose data does not fit', () => {
  it('is refused when positiveLabel is none of the label classes, and runs when it is one', async () => {
    const samples = fc.sample(fc.tuple(twoClasses, classNames), { numRuns: 6, seed: 61 });
    for (const [[yes, no], positive] of samples) {
      const data = relabelled(yes, no);
      const run = runBacktest({ data, config: { ...config, positiveLabel: positive }, dataName: 'h.csv' });
      if (positive === yes || positive === no) {
        const result = await run;
        expect(result.windows[0].metrics.f1).toBeDefined();
      } else {
        const error = await errorOf(run);
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toContain(`h.csv: positiveLabel ${JSON.stringify(positive)} never occurs in the label column "label" (its classes: `);
        expect(error.message).toContain(JSON.stringify(yes));
      }
    }
  }, 60_000);

  it('is refused when a column holds more than two classes', async () => {
    const samples = fc.sample(fc.tuple(twoClasses, classNames, fc.integer({ min: 2, max: 5000 }), fc.constantFrom('label', 'predicted')), { numRuns: 8, seed: 62 });
    for (const [[yes, no], third, every, column] of samples) {
      if (third === yes || third === no) continue;
      const data = relabelled(yes, no);
      const other = relabelled(yes, no, { every, name: third });
      const mixed: Dataset = { ...data, columns: data.columns.map((c) => (c.name === column ? (other.columns.find((o) => o.name === column) as CategoricalColumn) : c)) };
      const error = await errorOf(runBacktest({ data: mixed, config: { ...config, positiveLabel: yes }, dataName: 'h.csv' }));
      const role = column === 'label' ? 'label' : 'predictedLabel';
      expect(error.message).toMatch(new RegExp(`^h\\.csv: the ${role} column "${column}" holds 3 classes \\(.*\\) but the task is binary_classification`));
    }
  }, 60_000);
});

describe('a baseline longer than the backtest', () => {
  it('is said plainly: no calibration is claimed and performance is not judged', async () => {
    const samples = fc.sample(fc.integer({ min: 1, max: 40 }), { numRuns: 2, seed: 63 });
    for (const windows of [...samples, 12, 13]) {
      const result = await runBacktest({ data: history, config: { ...config, baseline: { windows, minSamples: 1 } } });
      const text = renderBacktestText(result);
      if (windows > result.windows.length) {
        expect(text).toContain(`Key metric accuracy; thresholds would calibrate on windows 0–${windows - 1}, but the backtest has only 12 windows: performance is not judged (lower baseline.windows).`);
        expect(result.windows.every((w) => Object.values(w.metrics).every((m) => m.status === null))).toBe(true);
      } else {
        expect(text).toContain(`Key metric accuracy; thresholds calibrated on windows 0–${windows - 1}.`);
      }
    }
  }, 60_000);
});
