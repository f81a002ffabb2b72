/**
 * Names of a model's retraining resources. SageMaker pipeline and model package group names allow
 * letters, digits and '-' only, and SageMaker writes them lower-case into ARNs, so the model id's
 * '_' become '-' and the name is lower-case (`fraud_detector` → `dw-prod-fraud-detector-retrain`).
 */

/** The retraining functions' Powertools service name. */
export const RETRAINING_SERVICE_NAME = 'driftwatch-retraining';

/** The model id as SageMaker names allow it. */
export function sageMakerName(modelId: string): string {
  return modelId.toLowerCase().replace(/_/g, '-');
}

/** The model's SageMaker pipeline (at most 256 characters). */
export function retrainingPipelineName(env: string, modelId: string): string {
  return `dw-${env}-${sageMakerName(modelId)}-retrain`;
}

/** The model's Model Package Group (at most 63 characters: env ≤ 10, model ≤ 32). */
export function modelPackageGroupName(env: string, modelId: string): string {
  return `dw-${env}-${sageMakerName(modelId)}`;
}

/** The trigger, gate, data-pull and pipeline-outcome functions (at most 64 characters). */
export function retrainingFunctionName(env: string, modelId: string, which: 'trigger' | 'gates' | 'pull' | 'outcome'): string {
  return `dw-${env}-${modelId}-retrain-${which}`;
}

/** The queue of trigger events that could not be handled. */
export function retrainingDeadLetterQueueName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-retrain-dlq`;
}

/** Object prefixes of a model's retraining in the data bucket. */
export const retrainingPrefixes = (modelId: string) => ({
  ledger: `retraining/${modelId}/ledger/`,
  gateReports: `retraining/${modelId}/ledger/gates/`,
  runs: `retraining/${modelId}/runs/`,
  /** The data pull's history-hash cache (`lambda/retraining/pull/run-pull.ts`). */
  pull: `retraining/${modelId}/pull/`,
});
