/**
 * The trainer port: what the replay asks of a trainer — fit a model on labelled rows, then answer
 * rows. Two adapters: the builtin models (`builtin-trainer.ts`: the demo's logistic regression, a
 * ridge linear regression) and a team's command (`command-trainer.ts`, the file contract).
 */
import type { Dataset, FeatureKind } from '../../core/types';

/** What a trainer is told about the rows it gets. */
export interface TrainingSpec {
  /** What the model answers: a class (classification) or a number (regression). */
  readonly task: 'classification' | 'regression';
  readonly features: readonly { readonly name: string; readonly kind: FeatureKind }[];
  readonly label: string;
  /** The positive class of a binary classifier. */
  readonly positiveLabel?: string;
  /** The label's classes in the history (a binary classifier's negative class is the other one); empty for regression. */
  readonly classes: readonly string[];
}

/** A model's answers for rows, in their order. */
export interface Predictions {
  /** The predicted class of each row (empty for regression). */
  readonly labels: readonly string[];
  /** P(positive class) per row, when the model gives one. */
  readonly scores: Float64Array | null;
  /** Regression: the predicted value of each row. */
  readonly values?: Float64Array | null;
}

export interface TrainedModel {
  /** One line: what was trained on what. */
  readonly description: string;
  predict(rows: Dataset): Promise<Predictions>;
}

export interface Trainer {
  /** How reports name it: `builtin logistic regression`, `builtin linear regression`, `command python3 trainer.py`. */
  readonly name: string;
  /** @param rows the feature columns and the label column of the training rows */
  train(rows: Dataset, spec: TrainingSpec): Promise<TrainedModel>;
}
