/**
 * The prediction and ground-truth record contracts, as typed columns. One source for the Glue table
 * (CDK), the Parquet files the tests write, the SQL that profiles them and the logging client.
 */
import { quoteIdentifier } from './identifier';

export type ColumnType = 'string' | 'double' | 'bigint' | 'timestamp';

export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly comment: string;
}

export type Task = 'binary_classification' | 'multiclass_classification' | 'regression' | 'ranking';

/** The slice of a model's config that decides its record layout. */
export interface ModelRecordSpec {
  readonly modelId: string;
  readonly task: Task;
  readonly features: readonly { readonly name: string; readonly kind: 'numeric' | 'categorical' }[];
  /** Extra columns logged with each prediction for business metrics (e.g. amount, segment). */
  readonly businessColumns?: readonly { readonly name: string; readonly type: 'string' | 'double' }[];
}

/** Columns every prediction record carries, before the model's own feature and business columns. */
export const PREDICTION_ENVELOPE: readonly TableColumn[] = [
  { name: 'prediction_id', type: 'string', comment: 'unique id of the prediction; joins to ground truth' },
  { name: 'model_id', type: 'string', comment: 'model identifier from config' },
  { name: 'model_version', type: 'string', comment: 'version of the model that made the prediction' },
  { name: 'variant', type: 'string', comment: 'champion | challenger | shadow' },
  { name: 'event_time', type: 'timestamp', comment: 'when the prediction was made (UTC)' },
];

export const VARIANTS = ['champion', 'challenger', 'shadow'] as const;

/**
 * The variant of a shadow copy: a candidate's answer to a request the champion served, logged for the
 * promotion's comparison only. The monitor leaves these rows out (drift, samples, performance), so a
 * model in shadow neither doubles the traffic nor mixes its answers into the champion's figures.
 */
export const SHADOW_VARIANT = 'shadow';

/** Whether labels and predicted labels are categories (classification) or numbers. */
export function isClassification(task: Task): boolean {
  return task === 'binary_classification' || task === 'multiclass_classification';
}

/** The typed columns of a model's prediction table, in order. Feature and business names are validated. */
export function predictionColumns(spec: ModelRecordSpec): TableColumn[] {
  quoteIdentifier(spec.modelId);
  const columns: TableColumn[] = [...PREDICTION_ENVELOPE];
  for (const f of spec.features) {
    quoteIdentifier(f.name);
    columns.push({ name: f.name, type: f.kind === 'numeric' ? 'double' : 'string', comment: `feature (${f.kind})` });
  }
  columns.push({ name: 'prediction', type: 'double', comment: 'score (probability of the positive class), value or rank score' });
  if (isClassification(spec.task)) {
    columns.push({ name: 'predicted_label', type: 'string', comment: 'predicted class' });
  }
  for (const b of spec.businessColumns ?? []) {
    quoteIdentifier(b.name);
    columns.push({ name: b.name, type: b.type, comment: 'business column' });
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new Error(`column ${JSON.stringify(c.name)} is defined twice in model ${spec.modelId}`);
    seen.add(c.name);
  }
  return columns;
}

/** The ground-truth table's columns: labels arrive late and join on prediction_id. */
export function groundTruthColumns(spec: Pick<ModelRecordSpec, 'task'>): TableColumn[] {
  return [
    { name: 'prediction_id', type: 'string', comment: 'id of the prediction this label belongs to' },
    { name: 'label', type: isClassification(spec.task) ? 'string' : 'double', comment: 'what actually happened' },
    { name: 'label_time', type: 'timestamp', comment: 'when the outcome became known (UTC)' },
  ];
}

/**
 * S3 layout written by Firehose (timestamp namespaces are UTC arrival time). Partition projection in
 * Glue and the local DuckDB tests read exactly this layout.
 */
export const S3_LAYOUT = {
  predictions: (modelId: string) => `predictions/${modelId}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`,
  labels: (modelId: string) => `labels/${modelId}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`,
  predictionErrors: (modelId: string) => `errors/predictions/${modelId}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
  labelErrors: (modelId: string) => `errors/labels/${modelId}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
} as const;
