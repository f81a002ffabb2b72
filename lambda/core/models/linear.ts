/**
 * A linear regression on the demo model's feature encoding (`encoding.ts`: standardised numbers,
 * one-hot categories, missing values at the training mean / baseline), fitted by ridge. Plain data,
 * deterministic, no I/O.
 */
import type { Dataset } from '../types';
import { columnsOf, encode, fitEncoder, type Encoder } from './encoding';
import { fitRidge } from './ridge';

export interface LinearModel {
  readonly label: string;
  readonly encoders: readonly Encoder[];
  readonly intercept: number;
  /** One per encoded column, in the encoders' order. */
  readonly coefficients: Float64Array;
  readonly l2: number;
  readonly rows: number;
}

export interface LinearTrainOptions {
  readonly label: string;
  readonly features: readonly string[];
  /** L2 penalty on the standardised coefficients. @default 1 */
  readonly l2?: number;
}

/**
 * @throws Error naming a missing column, a label that is not numeric or has a missing value
 * @example predictLinear(trainLinearModel(rows, { label: 'y', features: ['x'] }), rows)
 */
export function trainLinearModel(data: Dataset, options: LinearTrainOptions): LinearModel {
  const [label] = columnsOf(data, [options.label], 'label column');
  if (label.kind !== 'numeric') throw new Error(`label ${JSON.stringify(options.label)}: a linear regression needs a numeric label, the data's is categorical`);
  const missing = label.values.findIndex((v) => !Number.isFinite(v));
  if (missing >= 0) throw new Error(`label ${JSON.stringify(options.label)}: row ${missing} is missing`);
  const columns = columnsOf(data, options.features, 'feature column');
  const encoders = columns.map((c) => fitEncoder(c));
  const l2 = options.l2 ?? 1;
  const fit = fitRidge(encode(encoders, columns, data.rowCount), label.values, l2);
  return { label: options.label, encoders, intercept: fit.intercept, coefficients: fit.coefficients, l2, rows: data.rowCount };
}

/** The predicted value of every row of `data`, which must hold the model's feature columns. */
export function predictLinear(model: LinearModel, data: Dataset): Float64Array {
  const columns = columnsOf(data, model.encoders.map((e) => e.name), "the model's feature");
  model.encoders.forEach((e, i) => {
    if (e.kind === 'numeric' && columns[i].kind !== 'numeric') throw new Error(`feature ${JSON.stringify(e.name)}: the model expects numbers, the data is categorical`);
  });
  const design = encode(model.encoders, columns, data.rowCount);
  const out = new Float64Array(data.rowCount);
  for (let r = 0; r < data.rowCount; r++) {
    let v = model.intercept;
    for (let j = 0; j < design.columns; j++) v += model.coefficients[j] * design.values[r * design.columns + j];
    out[r] = v;
  }
  return out;
}
