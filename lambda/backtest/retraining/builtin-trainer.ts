/** The trainer port over the demo's logistic regression (`lambda/demo/model.ts`): binary classification. */
import { predictLabels, scoreDataset, trainDemoModel } from '../../demo/model';
import type { Dataset } from '../../core/types';
import type { Predictions, TrainedModel, Trainer, TrainingSpec } from './trainer';

export const BUILTIN_TRAINER_NAME = 'builtin logistic regression';

/** @throws Error when the task is not binary (no positive label, or not two classes) */
export function builtinTrainer(): Trainer {
  return {
    name: BUILTIN_TRAINER_NAME,
    async train(rows: Dataset, spec: TrainingSpec): Promise<TrainedModel> {
      const positive = spec.positiveLabel;
      const negative = spec.classes.find((c) => c !== positive);
      if (positive === undefined || negative === undefined || spec.classes.length > 2) {
        throw new Error(`the builtin trainer fits a binary classifier: it needs positiveLabel and a label with two classes (found ${spec.classes.join(', ') || 'none'}); give retraining.trainer.command for another task`);
      }
      const model = trainDemoModel(rows, { label: spec.label, positive, features: spec.features.map((f) => f.name) });
      return {
        description: `${BUILTIN_TRAINER_NAME} on ${rows.rowCount.toLocaleString('en-US')} rows (threshold ${model.threshold.toFixed(3)})`,
        async predict(data: Dataset): Promise<Predictions> {
          const scores = scoreDataset(model, data);
          return { labels: predictLabels(model, scores, negative), scores };
        },
      };
    },
  };
}
