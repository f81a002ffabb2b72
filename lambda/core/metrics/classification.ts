/**
 * Classification metrics from labelled rows, or from confusion counts aggregated in SQL
 * (`GROUP BY label, prediction`): both paths end in the same `classificationFromConfusion`.
 *
 * Conventions (as scikit-learn's `classification_report(..., zero_division=0)`):
 * - the confusion matrix has one row per TRUE class and one column per PREDICTED class;
 * - class order: the `classes` you pass, else the sorted union of labels and predictions (string
 *   order by UTF-16 code units, i.e. JavaScript's default sort, which for ASCII is numpy's order);
 * - a ratio with a zero denominator is 0: precision of a class never predicted, recall of a class
 *   with no true rows, F1 when both are 0. F1 is computed as 2·TP / (2·TP + FP + FN);
 * - macro averages are plain means over ALL classes in the order, including classes with no support
 *   (they count as 0, as scikit-learn does), weighted averages weigh each class by its support.
 */

export interface ConfusionMatrix {
  /** Class names, in the order of the matrix rows and columns. */
  readonly classes: readonly string[];
  /** `matrix[i][j]`: rows whose true class is `classes[i]` and predicted class is `classes[j]`. */
  readonly matrix: readonly (readonly number[])[];
}

/** One aggregated cell, e.g. a row of `SELECT label, prediction, count(*) ... GROUP BY 1, 2`. */
export interface ConfusionCount {
  readonly label: string;
  readonly prediction: string;
  readonly count: number;
}

export interface ClassMetrics {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** True rows of this class. */
  readonly support: number;
  /** Rows predicted as this class. */
  readonly predicted: number;
}

export interface AveragedMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationMetrics {
  /** Share of rows predicted correctly; null when there are no rows. */
  readonly accuracy: number | null;
  /** Total labelled rows. */
  readonly support: number;
  readonly perClass: readonly ClassMetrics[];
  readonly macro: AveragedMetrics;
  readonly weighted: AveragedMetrics;
  readonly confusion: ConfusionMatrix;
}

/** Sorted union of the observed values: the default class order. */
export function defaultClassOrder(...values: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  for (const list of values) for (const v of list) seen.add(v);
  return [...seen].sort();
}

/**
 * Counts (label, prediction) pairs into a confusion matrix.
 * @throws when the arrays differ in length, or a value is not one of the given `classes`.
 * @example confusionMatrix(['a', 'b'], ['a', 'a']) // { classes: ['a','b'], matrix: [[1,0],[1,0]] }
 */
export function confusionMatrix(
  labels: readonly string[],
  predictions: readonly string[],
  classes?: readonly string[],
): ConfusionMatrix {
  if (labels.length !== predictions.length) {
    throw new Error(`labels has ${labels.length} rows but predictions has ${predictions.length}`);
  }
  const counts = new Map<string, Map<string, number>>();
  for (let i = 0; i < labels.length; i++) {
    let row = counts.get(labels[i]);
    if (!row) counts.set(labels[i], (row = new Map()));
    row.set(predictions[i], (row.get(predictions[i]) ?? 0) + 1);
  }
  const cells: ConfusionCount[] = [];
  for (const [label, row] of counts) for (const [prediction, count] of row) cells.push({ label, prediction, count });
  return confusionFromCounts(cells, classes ?? defaultClassOrder(labels, predictions));
}

/**
 * Builds a confusion matrix from aggregated (label, prediction, count) cells, e.g. SQL output.
 * Cells with the same pair add up. @throws on a negative or non-integer count, or an unknown class.
 */
export function confusionFromCounts(cells: readonly ConfusionCount[], classes?: readonly string[]): ConfusionMatrix {
  const order = classes ?? defaultClassOrder(cells.map((c) => c.label), cells.map((c) => c.prediction));
  const index = new Map<string, number>();
  order.forEach((c, i) => {
    if (index.has(c)) throw new Error(`classes lists ${JSON.stringify(c)} twice`);
    index.set(c, i);
  });
  const matrix = order.map(() => order.map(() => 0));
  for (const cell of cells) {
    if (!Number.isInteger(cell.count) || cell.count < 0) {
      throw new Error(`confusion count for label ${JSON.stringify(cell.label)}, prediction ${JSON.stringify(cell.prediction)} must be a non-negative integer, got ${cell.count}`);
    }
    const i = index.get(cell.label);
    const j = index.get(cell.prediction);
    if (i === undefined) throw new Error(`label ${JSON.stringify(cell.label)} is not one of classes ${JSON.stringify(order)}`);
    if (j === undefined) throw new Error(`prediction ${JSON.stringify(cell.prediction)} is not one of classes ${JSON.stringify(order)}`);
    matrix[i][j] += cell.count;
  }
  return { classes: [...order], matrix };
}

/** Ratio with scikit-learn's zero_division=0 rule. */
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** Accuracy, per-class precision/recall/F1/support, macro and weighted averages from a confusion matrix. */
export function classificationFromConfusion(confusion: ConfusionMatrix): ClassificationMetrics {
  const { classes, matrix } = confusion;
  const k = classes.length;
  if (matrix.length !== k || matrix.some((row) => row.length !== k)) {
    throw new Error(`confusion matrix must be ${k}×${k} for classes ${JSON.stringify(classes)}`);
  }
  let total = 0;
  let correct = 0;
  const predicted = new Array<number>(k).fill(0);
  const support = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = matrix[i][j];
      if (!(c >= 0) || !Number.isFinite(c)) throw new Error(`confusion matrix cell [${i}][${j}] must be a count, got ${c}`);
      total += c;
      support[i] += c;
      predicted[j] += c;
      if (i === j) correct += c;
    }
  }
  const perClass: ClassMetrics[] = classes.map((name, i) => {
    const tp = matrix[i][i];
    const fp = predicted[i] - tp;
    const fn = support[i] - tp;
    return {
      class: name,
      precision: ratio(tp, predicted[i]),
      recall: ratio(tp, support[i]),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
      support: support[i],
      predicted: predicted[i],
    };
  });
  const mean = (pick: (m: ClassMetrics) => number): number =>
    k === 0 ? 0 : perClass.reduce((s, m) => s + pick(m), 0) / k;
  const weightedMean = (pick: (m: ClassMetrics) => number): number =>
    total === 0 ? 0 : perClass.reduce((s, m) => s + pick(m) * (m.support / total), 0);
  return {
    accuracy: total === 0 ? null : correct / total,
    support: total,
    perClass,
    macro: { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) },
    weighted: {
      precision: weightedMean((m) => m.precision),
      recall: weightedMean((m) => m.recall),
      f1: weightedMean((m) => m.f1),
    },
    confusion: { classes: [...classes], matrix: matrix.map((r) => [...r]) },
  };
}

/**
 * Classification metrics from labelled rows.
 * @example
 * const m = classificationMetrics(['1', '0', '1'], ['1', '1', '1']);
 * m.accuracy // 2/3; m.perClass[1].precision // 2/3 (class '1'); m.perClass[0].recall // 0
 */
export function classificationMetrics(
  labels: readonly string[],
  predictions: readonly string[],
  classes?: readonly string[],
): ClassificationMetrics {
  return classificationFromConfusion(confusionMatrix(labels, predictions, classes));
}
