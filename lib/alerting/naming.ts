/**
 * Names of the alarms and topics. The notifier parses model, window and signal from an alarm's
 * dimensions and falls back to its name, so the scheme is a contract:
 *
 * - metric alarms `dw-<env>-<model>-<signal>-<Warning|Critical>`, signals `drift-<window>`,
 *   `feature-<name>-<window>`, `<metric>-<window>` (ratio to baseline), `no-traffic`,
 *   `label-coverage-<window>`, `monitor-health`;
 * - one composite per model, `dw-<env>-<model>-model-Critical` ("model critical");
 * - SNS topics per owner and severity, `dw-<env>-<owner-slug>-critical|warning`.
 */
import { createHash } from 'node:crypto';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ownerSlug } from '../../config/rules';

export { ownerSlug };

/** An alarm's severity, as in cdk-monitoring-constructs' `Record<string, Threshold>` keys. */
export type Severity = 'Warning' | 'Critical';
export const SEVERITIES: readonly Severity[] = ['Warning', 'Critical'];

/** The signals of a model's alarms (the middle of the alarm name). */
export const SIGNAL = {
  drift: (window: string) => `drift-${window}`,
  feature: (feature: string, window: string) => `feature-${feature}-${window}`,
  metric: (metric: string, window: string) => `${metric}-${window}`,
  noTraffic: 'no-traffic',
  labelCoverage: (window: string) => `label-coverage-${window}`,
  monitorHealth: 'monitor-health',
  model: 'model',
} as const;

/** `dw-<env>-<model>-<signal>-<Warning|Critical>` (CloudWatch allows 255 characters). */
export function alarmName(env: string, modelId: string, signal: string, severity: Severity): string {
  return `dw-${env}-${modelId}-${signal}-${severity}`;
}

/** The model-critical composite: ALARM when any Critical alarm that pages the model's owner is. */
export function compositeAlarmName(env: string, modelId: string): string {
  return alarmName(env, modelId, SIGNAL.model, 'Critical');
}

/** `dw-<env>-<owner-slug>-critical|warning`. */
export function topicName(env: string, owner: { readonly name: string }, severity: Severity): string {
  return `dw-${env}-${ownerSlug(owner.name)}-${severity.toLowerCase()}`;
}

/** The ARN of a topic of this environment, in the scope's account and region (topics are named, so no export is needed). */
export function topicArn(scope: IConstruct, env: string, owner: { readonly name: string }, severity: Severity): string {
  return Stack.of(scope).formatArn({ service: 'sns', resource: topicName(env, owner, severity) });
}

/** The ARN of an alarm by name (dashboards and composites refer to alarms of other stacks by it). */
export function alarmArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** Every alarm of an environment matches this ARN pattern (the key and topic policies allow CloudWatch for them only). */
export function alarmArnPattern(scope: IConstruct, env: string): string {
  return alarmArn(scope, `dw-${env}-*`);
}

/** `base` + `suffix` within `max` characters: a long base is cut and keeps a hash of itself, so names stay unique. */
function bounded(base: string, suffix: string, max: number): string {
  if (base.length + suffix.length <= max) return `${base}${suffix}`;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 6);
  return `${base.slice(0, max - suffix.length - 7).replace(/-+$/, '')}-${hash}${suffix}`;
}

/**
 * The names of an owner's notifier: function `dw-<env>-<owner-slug>-notifier` (Lambda allows 64
 * characters), its dead-letter queue (SQS: 80), log group, failure alarm (matches the alarm pattern
 * the key and topic policies allow) and failure topic.
 */
export function notifierNames(env: string, owner: { readonly name: string }) {
  const base = `dw-${env}-${ownerSlug(owner.name)}`;
  return {
    function: bounded(base, '-notifier', 64),
    deadLetterQueue: bounded(base, '-notifier-dlq', 80),
    logGroup: `/driftwatch/${env}/notifier/${ownerSlug(owner.name)}`,
    failureAlarm: `${base}-notifier-failed`,
    failureTopic: bounded(base, '-notifier-failures', 256),
  } as const;
}
