/**
 * The trainer port: what the replay asks of a trainer — fit a model on labelled rows, then answer
 * rows. Two adapters: the demo's logistic regression (`builtin-trainer.ts`) and a team's command
 * (`command-trainer.ts`, the file contract).
 */
import type { Dataset, FeatureKind } from '../../core/types';

/** What a trainer is told about the rows it gets. */
export interface TrainingSpec {
  readonly features: readonly { readonly name: string; readonly kind: FeatureKind }[];
  readonly label: string;
  /** The positive class of a binary classifier. */
  readonly positiveLabel?: string;
  /** The label's classes in the history (a binary classifier's negative class is the other one). */
  readonly classes: readonly string[];
}

/** A model's answers for rows, in their order. */
export interface Predictions {
  /** The predicted class of each row. */
  readonly labels: readonly string[];
  /** P(positive class) per row, when the model gives one. */
  readonly scores: Float64Array | null;
}

export interface TrainedModel {
  /** One line: what was trained on what. */
  readonly description: string;
  predict(rows: Dataset): Promise<Predictions>;
}

export interface Trainer {
  /** How reports name it: `builtin logistic regression`, `command python3 trainer.py`. */
  readonly name: string;
  /** @param rows the feature columns and the label column of the training rows */
  train(rows: Dataset, spec: TrainingSpec): Promise<TrainedModel>;
}
