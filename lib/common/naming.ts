/**
 * Physical names derived from the config. Model ids and env names are validated identifiers, so
 * every name here is safe in SQL, Glue, Firehose and CloudFormation without escaping.
 */
import { quoteIdentifier } from '../../lambda/core/schema/identifier';

/** The Glue database of an environment. */
export function glueDatabaseName(env: string): string {
  return `driftwatch_${env}`;
}

/** The Glue table of a model's predictions. */
export function predictionTableName(modelId: string): string {
  quoteIdentifier(modelId);
  return `predictions_${modelId}`;
}

/** The Glue table of a model's ground-truth labels. */
export function labelTableName(modelId: string): string {
  quoteIdentifier(modelId);
  return `labels_${modelId}`;
}

/** The Athena view joining a model's predictions to its labels. */
export function joinedViewName(modelId: string): string {
  quoteIdentifier(modelId);
  return `labelled_predictions_${modelId}`;
}

/** The Glue table over a model's reference bins (JSON lines), for wide models whose bins do not fit in the query text. */
export function referenceBinsTableName(modelId: string): string {
  quoteIdentifier(modelId);
  return `reference_bins_${modelId}`;
}

/** Firehose stream names (at most 64 characters: env ≤ 10, model id ≤ 32 characters). */
export function predictionStreamName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-predictions`;
}

export function labelStreamName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-labels`;
}

/**
 * The monitor's Lambda functions (at most 64 characters: `dw-` + env ≤ 10 + model id ≤ 32 + `-profile`).
 * Also the names of their schedules, a score schedule per window adding `-<window>` (Scheduler allows 64).
 */
export function monitorFunctionName(env: string, modelId: string, step: 'profile' | 'score'): string {
  return `dw-${env}-${modelId}-${step}`;
}

export function scoreScheduleName(env: string, modelId: string, window: string): string {
  return `${monitorFunctionName(env, modelId, 'score')}-${window}`;
}

/** The monitor's dead-letter queue (SQS allows 80 characters). */
export function monitorDeadLetterQueueName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-monitor-dlq`;
}

/** Log groups of an environment's Lambda functions sit under this prefix (the key policy allows CloudWatch Logs there). */
export function logGroupPrefix(env: string): string {
  return `/driftwatch/${env}/`;
}

/** The Athena workgroup of an environment. */
export function workGroupName(env: string): string {
  return `driftwatch-${env}`;
}

/** Stack names: one shared data stack and one stack per group of models. */
export function dataStackName(env: string): string {
  return `Driftwatch-${env}-Data`;
}

export function modelGroupStackName(env: string, group: number): string {
  return `Driftwatch-${env}-Models-${group + 1}`;
}
