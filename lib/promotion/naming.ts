/**
 * Names of a model's promotion resources, shared by the construct (which creates them) and the Lambda
 * and the CLI (which find them), so the two sides cannot drift apart. Each name stays within its
 * service's limit for env ≤ 10 and model id ≤ 32 characters; SageMaker names use `sageMakerName`
 * (lower case, '-' for '_') as the retraining names do.
 */
import { sageMakerName } from '../retraining/naming';

/** Step Functions allows 80 characters: `dw-` + 10 + `-` + 32 + `-rollback` is 54. */
export function promoteStateMachineName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-promote`;
}

export function rollbackStateMachineName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-rollback`;
}

/** The one promotion Lambda both state machines invoke (Lambda allows 64: at most 52 here). */
export function promotionFunctionName(env: string, modelId: string): string {
  return `dw-${env}-${modelId}-promotion`;
}

/**
 * The endpoint's variant names: the champion serves as `champion` (the canary's alarms watch this
 * variant, so every config the promotion deploys names its production variant so), the candidate
 * under test runs beside it as the shadow variant `shadow`. They match the prediction log's `variant`.
 */
export const PRODUCTION_VARIANT = 'champion';
export const SHADOW_VARIANT = 'shadow';

/** What each canary alarm watches (see `config/schema.ts` canaryPolicySchema.alarms). */
export const CANARY_ALARMS = ['5xx', 'latency', 'performance'] as const;
export type CanaryAlarm = (typeof CANARY_ALARMS)[number];

/** The auto-rollback alarms of the blue/green canary, by what they watch. */
export function canaryAlarmName(env: string, modelId: string, alarm: CanaryAlarm): string {
  return `dw-${env}-${modelId}-canary-${alarm}`;
}

/** SageMaker model and endpoint config names allow 63 characters. */
const SAGEMAKER_NAME_LIMIT = 63;

function bounded(name: string): string {
  if (name.length > SAGEMAKER_NAME_LIMIT) throw new Error(`the SageMaker name ${JSON.stringify(name)} is ${name.length} characters long; the limit is ${SAGEMAKER_NAME_LIMIT} (a model package version above 999999?)`);
  return name;
}

/** The SageMaker model made from a package version: one per version, reused by shadow, promotion and rollback. */
export function packageModelName(env: string, modelId: string, version: string): string {
  return bounded(`dw-${env}-${sageMakerName(modelId)}-v${version}`);
}

/**
 * Endpoint configs are immutable and named by what they serve, so a retried step finds the one it
 * made: `-v<version>` serves that version alone, `-c<champion>-s<candidate>` the champion with the
 * candidate as a shadow variant.
 */
export function soloEndpointConfigName(env: string, modelId: string, version: string): string {
  return bounded(`dw-${env}-${sageMakerName(modelId)}-v${version}`);
}

export function shadowEndpointConfigName(env: string, modelId: string, championVersion: string, candidateVersion: string): string {
  return bounded(`dw-${env}-${sageMakerName(modelId)}-c${championVersion}-s${candidateVersion}`);
}

/** The environment's promotion ledger table (DynamoDB allows 255 characters), one for every model. */
export function promotionLedgerTableName(env: string): string {
  return `dw-${env}-promotion-ledger`;
}
