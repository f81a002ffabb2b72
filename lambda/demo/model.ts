/**
 * The demo's model: a logistic regression on standardised numeric features and one-hot
 * categorical features, trained on a reference Dataset, that scores any Dataset with the same
 * column names. Plain data (JSON-serialisable), deterministic.
 *
 * Encoding, fitted on the training rows only:
 * - numeric: (x − mean) / std (population std; a constant column keeps scale 1); a missing value
 *   becomes 0, i.e. the training mean;
 * - categorical: one 0/1 column per category seen in training (sorted by name); a missing value or
 *   a category never seen in training maps to all zeros, i.e. the baseline log-odds.
 */
import { categoryCodes, columnsOf, encode, fitEncoder } from '../core/models/encoding';
import type { Column, Dataset } from '../core/types';
import { fitLogistic, LogisticFitOptions, sigmoid } from './logistic';

export const DEMO_MODEL_FORMAT = 'driftwatch.demo-logistic/v1' as const;

export interface NumericTerm {
  readonly kind: 'numeric';
  readonly name: string;
  readonly mean: number;
  readonly scale: number;
  /** Per standard deviation of the training data. */
  readonly coefficient: number;
}

export interface CategoricalTerm {
  readonly kind: 'categorical';
  readonly name: string;
  /** One entry per training category: its coefficient and the std of its 0/1 column in training. */
  readonly levels: readonly { readonly value: string; readonly coefficient: number; readonly std: number }[];
}

export type ModelTerm = NumericTerm | CategoricalTerm;

export interface DemoModel {
  readonly format: typeof DEMO_MODEL_FORMAT;
  readonly label: string;
  readonly positive: string;
  readonly intercept: number;
  readonly terms: readonly ModelTerm[];
  /** Decision threshold on the score: predicted positive when score >= threshold. */
  readonly threshold: number;
  readonly training: {
    readonly rows: number;
    readonly positiveRate: number;
    readonly l2: number;
    readonly iterations: number;
    /** ROC AUC and F1 at `threshold` on the training rows (in-sample). */
    readonly auc: number;
    readonly f1: number;
  };
}

export interface TrainOptions {
  /** Label column (categorical or numeric). */
  readonly label: string;
  /** The label value that counts as positive (compared as a string). */
  readonly positive: string;
  /** Feature columns; @default every column except the label. */
  readonly features?: readonly string[];
  /** L2 penalty on the standardised coefficients. @default 1 */
  readonly l2?: number;
}

/**
 * Trains the model on every row of `data` and picks the decision threshold that maximises F1 on
 * those rows.
 *
 * @throws Error naming a missing column, a label with missing values, or a label with one class only.
 * @example
 * const model = trainDemoModel(reference, { label: 'y', positive: 'yes' });
 * const scores = scoreDataset(model, current); // Float64Array of P(y = 'yes')
 */
export function trainDemoModel(data: Dataset, options: TrainOptions): DemoModel {
  const [labelColumn] = columnsOf(data, [options.label], 'label column');
  const featureNames = options.features ?? data.columns.map((c) => c.name).filter((n) => n !== options.label);
  const columns = columnsOf(data, featureNames, 'feature column');
  const y = binaryLabels(labelColumn, options.positive);
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  if (positives === 0 || positives === y.length) {
    throw new Error(`label ${JSON.stringify(options.label)}: the training rows need both classes (positive ${JSON.stringify(options.positive)})`);
  }

  const encoders = columns.map((column) => fitEncoder(column));
  const design = encode(encoders, columns, data.rowCount);
  const l2 = options.l2 ?? 1;
  const fit = fitLogistic(design, y, { l2 } satisfies LogisticFitOptions);
  if (!fit.converged) throw new Error(`the logistic regression did not converge in ${fit.iterations} iterations`);

  let offset = 0;
  const terms: ModelTerm[] = encoders.map((encoder) => {
    if (encoder.kind === 'numeric') {
      return { kind: 'numeric', name: encoder.name, mean: encoder.mean, scale: encoder.scale, coefficient: fit.coefficients[offset++] };
    }
    return {
      kind: 'categorical',
      name: encoder.name,
      levels: encoder.levels.map((value, k) => ({ value, coefficient: fit.coefficients[offset++], std: encoder.stds[k] })),
    };
  });
  const partial = { format: DEMO_MODEL_FORMAT, label: options.label, positive: options.positive, intercept: fit.intercept, terms };
  const scores = scoreDataset(partial, data);
  const best = maxF1Threshold(scores, y);
  return {
    ...partial,
    threshold: best.threshold,
    training: {
      rows: data.rowCount,
      positiveRate: positives / y.length,
      l2,
      iterations: fit.iterations,
      auc: rocAuc(scores, y),
      f1: best.f1,
    },
  };
}

/**
 * P(label = positive) for every row of `data`, which must hold the model's feature columns (of any
 * kind: a numeric column is read as numbers, a categorical one by its category strings).
 */
export function scoreDataset(model: Pick<DemoModel, 'intercept' | 'terms'>, data: Dataset): Float64Array {
  const byName = new Map(data.columns.map((c) => [c.name, c]));
  const logits = new Float64Array(data.rowCount).fill(model.intercept);
  for (const term of model.terms) {
    const column = byName.get(term.name);
    if (!column) throw new Error(`the model's feature ${JSON.stringify(term.name)} is not in the data`);
    if (term.kind === 'numeric') {
      if (column.kind !== 'numeric') throw new Error(`feature ${JSON.stringify(term.name)}: the model expects numbers, the data is categorical`);
      const values = column.values;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === v) logits[i] += (term.coefficient * (v - term.mean)) / term.scale;
      }
    } else {
      const byValue = new Map(term.levels.map((level) => [level.value, level.coefficient]));
      const { codes, lookup } = categoryCodes(column);
      const byCode = lookup.map((value) => byValue.get(value) ?? 0);
      for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) logits[i] += byCode[codes[i]];
    }
  }
  for (let i = 0; i < logits.length; i++) logits[i] = sigmoid(logits[i]);
  return logits;
}

/** Predicted labels: positive when score >= the model's threshold, else "not <positive>" for a label with two values. */
export function predictLabels(model: DemoModel, scores: Float64Array, negative: string): string[] {
  return Array.from(scores, (s) => (s >= model.threshold ? model.positive : negative));
}

/**
 * Importance per feature: |coefficient| × std of the encoded column, summed over a categorical
 * feature's one-hot columns, as a share of the total (so shares sum to 1). On standardised numeric
 * inputs that is |coefficient| itself; it is the log-odds change for a one-std change of the input.
 */
export function featureImportances(model: DemoModel): { name: string; importance: number }[] {
  const raw = model.terms.map((term) => ({
    name: term.name,
    importance:
      term.kind === 'numeric'
        ? Math.abs(term.coefficient)
        : term.levels.reduce((sum, level) => sum + Math.abs(level.coefficient) * level.std, 0),
  }));
  const total = raw.reduce((sum, f) => sum + f.importance, 0);
  return raw.map((f) => ({ name: f.name, importance: total > 0 ? f.importance / total : 1 / raw.length }));
}

/**
 * The threshold on `scores` that maximises F1 of the positive class (ties: the higher threshold,
 * i.e. fewer positive predictions). Candidates are the distinct scores.
 */
export function maxF1Threshold(scores: ArrayLike<number>, y: ArrayLike<number>): { threshold: number; f1: number } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  let truePositives = 0;
  let predicted = 0;
  let best = { threshold: Infinity, f1: 0 };
  for (let r = 0; r < order.length; r++) {
    truePositives += y[order[r]];
    predicted++;
    // Only evaluate at the end of a run of equal scores: a threshold cannot split them.
    if (r + 1 < order.length && scores[order[r + 1]] === scores[order[r]]) continue;
    const f1 = (2 * truePositives) / (predicted + positives);
    if (f1 > best.f1) best = { threshold: scores[order[r]], f1 };
  }
  return best;
}

/** ROC AUC: the probability that a random positive scores above a random negative (ties count ½). */
export function rocAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  let positives = 0;
  let rankSum = 0;
  for (let r = 0; r < order.length; ) {
    let end = r;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[r]]) end++;
    const midRank = (r + end) / 2 + 1;
    for (let t = r; t <= end; t++) {
      if (y[order[t]] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    r = end + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** 1 where the label equals `positive` (as a string), else 0; a missing label is an error. */
export function binaryLabels(column: Column, positive: string): Uint8Array {
  const y = new Uint8Array(column.kind === 'numeric' ? column.values.length : column.codes.length);
  if (column.kind === 'numeric') {
    const target = Number(positive);
    column.values.forEach((v, i) => {
      if (v !== v) throw new Error(`label ${JSON.stringify(column.name)}: row ${i} is missing`);
      y[i] = v === target ? 1 : 0;
    });
  } else {
    const positiveCode = column.dictionary.indexOf(positive);
    column.codes.forEach((code, i) => {
      if (code < 0) throw new Error(`label ${JSON.stringify(column.name)}: row ${i} is missing`);
      y[i] = code === positiveCode ? 1 : 0;
    });
  }
  return y;
}
