import type { ModelRecordSpec } from '../lambda/core/schema/record-schema';
import type { ModelConfig } from './schema';

/** The record-layout slice of a model's config, for predictionColumns / groundTruthColumns. */
export function modelRecordSpec(model: ModelConfig): ModelRecordSpec {
  return {
    modelId: model.id,
    task: model.task,
    features: model.features.map((f) => ({ name: f.name, kind: f.kind })),
    businessColumns: model.businessColumns,
  };
}

/** A model's effective retention: its own override, else the environment's. */
export function modelRetention(
  model: ModelConfig,
  env: { readonly predictionDays: number; readonly labelDays: number; readonly errorDays: number },
): { predictionDays: number; labelDays: number; errorDays: number } {
  return {
    predictionDays: model.retention?.predictionDays ?? env.predictionDays,
    labelDays: model.retention?.labelDays ?? env.labelDays,
    errorDays: model.retention?.errorDays ?? env.errorDays,
  };
}
