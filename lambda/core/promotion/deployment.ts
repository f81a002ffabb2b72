/**
 * What promotion asks SageMaker to build, as plain data the hosting port sends: the endpoint configs
 * (immutable, so each is named by what it serves — `lib/promotion/naming.ts`) and the UpdateEndpoint
 * deployment configs. The field names are SageMaker's (UpdateEndpoint's DeploymentConfig), so the
 * adapter passes them through and a reader can check them against the API reference.
 *
 * - Shadow: the champion as the production variant `champion`, the candidate as the shadow variant
 *   `shadow` — the names the prediction log's `variant` column carries.
 * - Promotion: the candidate alone as `champion`, through a blue/green canary: `sizePercent` of the
 *   capacity first, `waitMinutes` of bake, then the rest; any of the alarms firing rolls it back.
 * - Rollback: the last known good alone, all at once (a rollback that waits is not one) and without
 *   alarms (rolling back a rollback would put the bad version back).
 */

export interface VariantSpec {
  readonly modelName: string;
  readonly instanceType: string;
  readonly instanceCount: number;
}

/**
 * SageMaker Data Capture of a config (CreateEndpointConfig's DataCaptureConfig): requests and responses
 * of every variant, the shadow's included, to `destinationS3Uri`, encrypted with `kmsKeyId`.
 */
export interface DataCaptureSpec {
  readonly destinationS3Uri: string;
  readonly kmsKeyId: string;
  /** InitialSamplingPercentage, 1-100. */
  readonly samplingPercent: number;
}

export interface EndpointConfigSpec {
  readonly name: string;
  readonly production: VariantSpec & { readonly variantName: 'champion' };
  readonly shadow?: VariantSpec & { readonly variantName: 'shadow' };
  readonly dataCapture?: DataCaptureSpec;
}

export interface DeploymentConfig {
  readonly BlueGreenUpdatePolicy: {
    readonly TrafficRoutingConfiguration:
      | { readonly Type: 'CANARY'; readonly WaitIntervalInSeconds: number; readonly CanarySize: { readonly Type: 'CAPACITY_PERCENT'; readonly Value: number } }
      | { readonly Type: 'ALL_AT_ONCE'; readonly WaitIntervalInSeconds: number };
    readonly TerminationWaitInSeconds: number;
    readonly MaximumExecutionTimeoutInSeconds: number;
  };
  readonly AutoRollbackConfiguration?: { readonly Alarms: readonly { readonly AlarmName: string }[] };
}

export interface CanaryPolicy {
  readonly sizePercent: number;
  readonly waitMinutes: number;
  readonly terminationWaitMinutes: number;
}

export function shadowEndpointConfig(name: string, champion: VariantSpec, candidate: VariantSpec): EndpointConfigSpec {
  return { name, production: { ...champion, variantName: 'champion' }, shadow: { ...candidate, variantName: 'shadow' } };
}

export function soloEndpointConfig(name: string, model: VariantSpec): EndpointConfigSpec {
  return { name, production: { ...model, variantName: 'champion' } };
}

/** SageMaker's bounds on MaximumExecutionTimeoutInSeconds. */
const MIN_TIMEOUT = 600;
const MAX_TIMEOUT = 14_400;
/** Time for the new fleet to start, beyond the bake and the termination wait. */
const PROVISIONING_ALLOWANCE = 1800;

function timeout(waitSeconds: number, terminationSeconds: number): number {
  return Math.min(MAX_TIMEOUT, Math.max(MIN_TIMEOUT, waitSeconds + terminationSeconds + PROVISIONING_ALLOWANCE));
}

/**
 * @throws Error naming a canary size outside 1-50%, a bake or termination wait outside 0-60 minutes, or no alarm
 */
export function canaryDeploymentConfig(policy: CanaryPolicy, alarmNames: readonly string[]): DeploymentConfig {
  if (!(Number.isInteger(policy.sizePercent) && policy.sizePercent >= 1 && policy.sizePercent <= 50)) throw new Error(`canary.sizePercent must be an integer in 1-50, got ${policy.sizePercent}`);
  for (const [field, v] of [['canary.waitMinutes', policy.waitMinutes], ['canary.terminationWaitMinutes', policy.terminationWaitMinutes]] as const) {
    if (!(v >= 0 && v <= 60)) throw new Error(`${field} must be 0-60 minutes (SageMaker allows at most 3600 s), got ${v}`);
  }
  if (alarmNames.length === 0) throw new Error('a canary needs at least one auto-rollback alarm');
  const wait = Math.round(policy.waitMinutes * 60);
  const termination = Math.round(policy.terminationWaitMinutes * 60);
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: wait, CanarySize: { Type: 'CAPACITY_PERCENT', Value: policy.sizePercent } },
      TerminationWaitInSeconds: termination,
      MaximumExecutionTimeoutInSeconds: timeout(wait, termination),
    },
    AutoRollbackConfiguration: { Alarms: alarmNames.map((AlarmName) => ({ AlarmName })) },
  };
}

export function rollbackDeploymentConfig(terminationWaitMinutes: number): DeploymentConfig {
  const termination = Math.round(Math.min(60, Math.max(0, terminationWaitMinutes)) * 60);
  return {
    BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: termination, MaximumExecutionTimeoutInSeconds: timeout(0, termination) },
  };
}
