/**
 * The record contracts the logging client enforces, derived from the shared column lists in
 * `core/schema/record-schema.ts` so the client, the Glue table and the SQL can never disagree.
 */
import {
  groundTruthColumns,
  isClassification,
  ModelRecordSpec,
  predictionColumns,
  PREDICTION_ENVELOPE,
  TableColumn,
  VARIANTS,
} from '../core/schema/record-schema';

export interface RecordContract {
  /** What the records are, for messages: "prediction" or "ground-truth". */
  readonly kind: 'prediction' | 'ground-truth';
  readonly modelId: string;
  /** Every column a record may carry, in table order. Any other field is rejected. */
  readonly columns: readonly TableColumn[];
  /** Columns that must be present and non-null; the others may be missing or null. */
  readonly required: readonly string[];
  /** Columns limited to a fixed set of string values. */
  readonly allowedValues: Readonly<Record<string, readonly string[]>>;
}

/**
 * The prediction record: the envelope, the prediction and (for classification) the predicted label are
 * required; features and business columns may be null or left out (a missing value is data: it feeds the
 * missing-rate signal); `model_id` must be the model's id.
 */
export function predictionContract(spec: ModelRecordSpec): RecordContract {
  const columns = predictionColumns(spec);
  const required = [...PREDICTION_ENVELOPE.map((c) => c.name), 'prediction'];
  if (isClassification(spec.task)) required.push('predicted_label');
  return {
    kind: 'prediction',
    modelId: spec.modelId,
    columns,
    required,
    allowedValues: { variant: VARIANTS, model_id: [spec.modelId] },
  };
}

/** The ground-truth record: `prediction_id`, `label` and `label_time`, all required. */
export function groundTruthContract(spec: Pick<ModelRecordSpec, 'modelId' | 'task'>): RecordContract {
  const columns = groundTruthColumns(spec);
  return {
    kind: 'ground-truth',
    modelId: spec.modelId,
    columns,
    required: columns.map((c) => c.name),
    allowedValues: {},
  };
}
