import { readDataset } from '../../lambda/adapters/local';
import type { CategoricalColumn, Dataset, NumericColumn } from '../../lambda/core/types';
import { fitLogistic, sigmoid } from '../../lambda/demo/logistic';
import {
  binaryLabels,
  featureImportances,
  maxF1Threshold,
  rocAuc,
  scoreDataset,
  trainDemoModel,
} from '../../lambda/demo/model';
import { sliceRows } from '../../lambda/core/dataset';
import { BANK_FEATURES } from '../../lambda/demo';

import { BANK } from '../support/datasets';
import { prng } from '../support/random';



const numeric = (name: string, values: number[]): NumericColumn => ({ kind: 'numeric', name, values: Float64Array.from(values) });
const categorical = (name: string, values: (string | null)[]): CategoricalColumn => {
  const dictionary = [...new Set(values.filter((v): v is string => v !== null))];
  return { kind: 'categorical', name, dictionary, codes: Int32Array.from(values, (v) => (v === null ? -1 : dictionary.indexOf(v))) };
};

/** y ~ Bernoulli(σ(−1 + 1.5·x1 − 0.5·x2 + 1·[colour = red])): a known signal with an oracle score. */
function synthetic(rows: number, seed: number): { data: Dataset; oracle: number[] } {
  const random = prng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const colour: string[] = [];
  const y: string[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = random() * 4 - 2;
    const b = 10 + random() * 20;
    const c = ['red', 'green', 'blue'][Math.floor(random() * 3)];
    const p = sigmoid(-1 + 1.5 * a - 0.5 * ((b - 20) / 5.77) + (c === 'red' ? 1 : 0));
    x1.push(a);
    x2.push(b);
    colour.push(c);
    oracle.push(p);
    y.push(random() < p ? 'yes' : 'no');
  }
  return {
    data: { rowCount: rows, columns: [numeric('x1', x1), numeric('x2', x2), categorical('colour', colour), categorical('y', y)] },
    oracle,
  };
}

describe('fitLogistic', () => {
  it('reaches the optimum of the penalised likelihood: the gradient is zero at the fit', () => {
    const random = prng(7);
    const n = 500;
    const p = 3;
    const values = Float64Array.from({ length: n * p }, () => random() * 2 - 1);
    const y = Uint8Array.from({ length: n }, (_, i) => (random() < sigmoid(values[i * p] - values[i * p + 2]) ? 1 : 0));
    const l2 = 2;
    const fit = fitLogistic({ rows: n, columns: p, values }, y, { l2 });
    expect(fit.converged).toBe(true);
    const gradient = new Float64Array(p + 1);
    for (let i = 0; i < n; i++) {
      let eta = fit.intercept;
      for (let j = 0; j < p; j++) eta += fit.coefficients[j] * values[i * p + j];
      const residual = y[i] - sigmoid(eta);
      gradient[0] += residual;
      for (let j = 0; j < p; j++) gradient[j + 1] += residual * values[i * p + j];
    }
    for (let j = 0; j < p; j++) gradient[j + 1] -= l2 * fit.coefficients[j];
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-8);
  });

  it('names the mismatch when targets and rows differ', () => {
    expect(() => fitLogistic({ rows: 2, columns: 1, values: Float64Array.of(1, 2) }, [1])).toThrow('1 targets for 2 design rows');
  });
});

describe('trainDemoModel', () => {
  it('learns a known signal: held-out AUC within 0.01 of the true model', () => {
    const train = synthetic(4000, 1);
    const test = synthetic(4000, 2);
    const model = trainDemoModel(train.data, { label: 'y', positive: 'yes' });
    const y = binaryLabels(test.data.columns[3], 'yes');
    const auc = rocAuc(scoreDataset(model, test.data), y);
    const oracleAuc = rocAuc(test.oracle, y);
    expect(oracleAuc).toBeGreaterThan(0.75);
    expect(auc).toBeGreaterThan(oracleAuc - 0.01);
    // The largest standardised effect is x1's, and colour carries the red/not-red contrast.
    const shares = featureImportances(model);
    expect(shares.reduce((s, f) => s + f.importance, 0)).toBeCloseTo(1, 12);
    expect(shares.sort((a, b) => b.importance - a.importance)[0].name).toBe('x1');
  });

  it('is deterministic: the same rows give the same model and scores', () => {
    const { data } = synthetic(1000, 3);
    const a = trainDemoModel(data, { label: 'y', positive: 'yes' });
    const b = trainDemoModel(data, { label: 'y', positive: 'yes' });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Array.from(scoreDataset(a, data))).toEqual(Array.from(scoreDataset(b, data)));
  });

  it('scores missing values and unseen categories at the training baseline, never NaN', () => {
    const { data } = synthetic(1000, 4);
    const model = trainDemoModel(data, { label: 'y', positive: 'yes' });
    const x1 = model.terms.find((t) => t.name === 'x1');
    const x2 = model.terms.find((t) => t.name === 'x2');
    if (x1?.kind !== 'numeric' || x2?.kind !== 'numeric') throw new Error('expected numeric terms');
    const rows: Dataset = {
      rowCount: 3,
      columns: [
        numeric('x1', [NaN, x1.mean, NaN]),
        numeric('x2', [x2.mean, NaN, NaN]),
        categorical('colour', [null, 'purple', null]),
        categorical('y', ['no', 'no', 'no']),
      ],
    };
    const scores = scoreDataset(model, rows);
    // Every row sits at the means with no category: the intercept alone.
    for (const s of scores) expect(s).toBeCloseTo(sigmoid(model.intercept), 12);
  });

  it('trains with missing feature values in the training rows', () => {
    const { data } = synthetic(1000, 5);
    const x1 = data.columns[0] as NumericColumn;
    const holes = Float64Array.from(x1.values, (v, i) => (i % 10 === 0 ? NaN : v));
    const withHoles: Dataset = { ...data, columns: [{ ...x1, values: holes }, ...data.columns.slice(1)] };
    const model = trainDemoModel(withHoles, { label: 'y', positive: 'yes' });
    expect(scoreDataset(model, withHoles).every((s) => s > 0 && s < 1)).toBe(true);
  });

  it('refuses a label with one class, naming the label', () => {
    const data: Dataset = { rowCount: 2, columns: [numeric('x', [1, 2]), categorical('y', ['no', 'no'])] };
    expect(() => trainDemoModel(data, { label: 'y', positive: 'yes' })).toThrow('label "y": the training rows need both classes');
  });

  it('on the bank reference (first 10,000 rows, no duration) beats chance in-sample and beats flagging everyone', async () => {
    const bank = await readDataset(BANK, { delimiter: ';' });
    const reference = sliceRows(bank, { start: 0, end: 10_000 });
    const model = trainDemoModel(reference, { label: 'y', positive: 'yes', features: BANK_FEATURES });
    expect(model.terms.map((t) => t.name)).not.toContain('duration');
    // Floors: AUC 0.55 (chance is 0.5; the fit reaches about 0.60 — May–June 2008 holds little signal
    // once duration is dropped), and F1 above the F1 of calling every client (2p / (1 + p)).
    const p = model.training.positiveRate;
    expect(model.training.auc).toBeGreaterThan(0.55);
    expect(model.training.f1).toBeGreaterThan((2 * p) / (1 + p));
    expect(model.threshold).toBeGreaterThan(0);
    expect(model.threshold).toBeLessThan(1);
  });
});

describe('maxF1Threshold and rocAuc', () => {
  it('pick the threshold that separates perfectly separable scores', () => {
    expect(maxF1Threshold([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toEqual({ threshold: 0.35, f1: 0.8 });
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
  });
});
