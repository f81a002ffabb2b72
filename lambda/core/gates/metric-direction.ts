/**
 * Which way is better for a metric named as MLflow names its evaluation metrics (`mlflow.evaluate`'s
 * default classifier and regressor metrics, `recall_score`, `root_mean_squared_error`, ...). A gate on
 * a metric this table does not know must say `greaterIsBetter` itself: guessing the direction of a
 * gate would let a worse model through.
 */

/** MLflow's default metric names where higher is better. */
const HIGHER: readonly string[] = [
  'accuracy_score',
  'recall_score',
  'precision_score',
  'f1_score',
  'roc_auc',
  'precision_recall_auc',
  'r2_score',
  'true_positives',
  'true_negatives',
  'ndcg_at_k',
  'precision_at_k',
  'recall_at_k',
];

/** MLflow's default metric names where lower is better. */
const LOWER: readonly string[] = [
  'log_loss',
  'mean_absolute_error',
  'mean_squared_error',
  'root_mean_squared_error',
  'mean_absolute_percentage_error',
  'max_error',
  'false_positives',
  'false_negatives',
];

/**
 * Whether a higher value of the metric is better, for MLflow's default metric names (a `/k` or
 * `@k` suffix such as `ndcg_at_k/5` keeps its base name's direction), or null when the name is not one
 * of them.
 *
 * @example
 * greaterIsBetter('recall_score')            // true
 * greaterIsBetter('root_mean_squared_error') // false
 * greaterIsBetter('fraud_dollars_caught')    // null: the gate must say
 */
export function greaterIsBetter(metric: string): boolean | null {
  const base = metric.replace(/[/@].*$/, '');
  if (HIGHER.includes(base)) return true;
  if (LOWER.includes(base)) return false;
  return null;
}

/** The metric names `greaterIsBetter` knows, for messages. */
export const KNOWN_METRICS: readonly string[] = [...HIGHER, ...LOWER];
