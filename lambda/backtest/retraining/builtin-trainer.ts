/**
 * The trainer port over the builtin models: the demo's logistic regression (`lambda/demo/model.ts`,
 * binary classification) and a ridge linear regression on the same encoding
 * (`lambda/core/models/linear.ts`, regression).
 */
import { predictLinear, trainLinearModel } from '../../core/models/linear';
import { predictLabels, scoreDataset, trainDemoModel } from '../../demo/model';
import type { Dataset } from '../../core/types';
import type { Predictions, TrainedModel, Trainer, TrainingSpec } from './trainer';

export type BuiltinModel = 'logistic' | 'linear';

export const BUILTIN_TRAINER_NAME = 'builtin logistic regression';
export const BUILTIN_LINEAR_NAME = 'builtin linear regression';

/** The ridge penalty on the standardised coefficients (as the logistic regression's l2). */
const LINEAR_L2 = 1;

async function trainLogistic(rows: Dataset, spec: TrainingSpec): Promise<TrainedModel> {
  const positive = spec.positiveLabel;
  const negative = spec.classes.find((c) => c !== positive);
  if (spec.task !== 'classification' || positive === undefined || negative === undefined || spec.classes.length > 2) {
    const found = spec.task === 'regression' ? 'a regression' : `classes ${spec.classes.join(', ') || 'none'}`;
    throw new Error(`retraining.trainer.builtin "logistic" fits a binary classifier: it needs positiveLabel and a label with two classes (found ${found}); use "linear" for a regression, or retraining.trainer.command`);
  }
  const model = trainDemoModel(rows, { label: spec.label, positive, features: spec.features.map((f) => f.name) });
  return {
    description: `${BUILTIN_TRAINER_NAME} on ${rows.rowCount.toLocaleString('en-US')} rows (threshold ${model.threshold.toFixed(3)})`,
    async predict(data: Dataset): Promise<Predictions> {
      const scores = scoreDataset(model, data);
      return { labels: predictLabels(model, scores, negative), scores };
    },
  };
}

async function trainLinear(rows: Dataset, spec: TrainingSpec): Promise<TrainedModel> {
  if (spec.task !== 'regression') throw new Error(`retraining.trainer.builtin "linear" fits a regression, the model is a classifier: use "logistic" or retraining.trainer.command`);
  const model = trainLinearModel(rows, { label: spec.label, features: spec.features.map((f) => f.name), l2: LINEAR_L2 });
  return {
    description: `${BUILTIN_LINEAR_NAME} (ridge, l2 ${LINEAR_L2}) on ${rows.rowCount.toLocaleString('en-US')} rows`,
    async predict(data: Dataset): Promise<Predictions> {
      return { labels: [], scores: null, values: predictLinear(model, data) };
    },
  };
}

/** @throws Error (on train) naming retraining.trainer.builtin when the model does not fit the task */
export function builtinTrainer(model: BuiltinModel = 'logistic'): Trainer {
  return model === 'linear' ? { name: BUILTIN_LINEAR_NAME, train: trainLinear } : { name: BUILTIN_TRAINER_NAME, train: trainLogistic };
}
