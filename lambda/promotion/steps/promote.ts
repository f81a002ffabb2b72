/**
 * promote and record-promotion: the approved candidate replaces the champion through a blue/green
 * canary whose alarms roll it back; once it serves alone, the ledger records the promotion with the
 * champion it replaced — the last known good a rollback returns to.
 */
import { packageModelName, soloEndpointConfigName } from '../../../lib/promotion/naming';
import { canaryDeploymentConfig, soloEndpointConfig } from '../../core/promotion/deployment';
import { packageVersion } from '../ports';
import type { PromotionSettings } from '../settings';
import type { PromotionStep } from '../step-contract';
import { findEntry, moveEndpoint, record, servingEndpoint, type StepPorts } from './common';

export interface PromoteOutput {
  readonly endpointConfigName: string;
  readonly candidateVersion: string;
  /** The champion it replaces (the last known good once promoted). */
  readonly championVersion: string;
}

/** @throws Error when the package is not Approved (naming its status) */
export async function promote(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'promote' }>): Promise<PromoteOutput> {
  const candidateVersion = packageVersion(step.modelPackageArn);
  const id = `promotion-started:${candidateVersion}:${step.executionName}`;
  const started = await findEntry(ports, s, id);
  // A retried promote returns what the first one started; it never re-runs a canary that rolled back.
  if (started) return { endpointConfigName: String(started.details?.targetConfig), candidateVersion, championVersion: String(started.subject.championVersion) };
  const pkg = await ports.hosting.modelPackage(step.modelPackageArn);
  if (pkg.approvalStatus !== 'Approved') throw new Error(`promote: version ${candidateVersion} is ${pkg.approvalStatus} in the Model Registry, not Approved`);
  const ep = await servingEndpoint(ports, s);
  const championVersion = packageVersion(ep.production.packageArn);
  const modelName = packageModelName(s.env, s.modelId, candidateVersion);
  const configName = soloEndpointConfigName(s.env, s.modelId, candidateVersion);
  await ports.hosting.createModelFromPackage(modelName, step.modelPackageArn, s.executionRoleArn);
  await ports.hosting.createEndpointConfig(soloEndpointConfig(configName, { modelName, instanceType: s.instanceType, instanceCount: s.instanceCount }));
  const deployment = canaryDeploymentConfig(s.canary, s.canaryAlarmNames);
  await moveEndpoint(ports, ep, configName, deployment);
  await record(ports, s, 'promote', {
    id,
    kind: 'promotion',
    outcome: 'canary-started',
    reason: `version ${candidateVersion} replaces champion ${championVersion} through a ${s.canary.sizePercent}% canary (${s.canary.waitMinutes} min), rolled back by ${s.canaryAlarmNames.join(', ')}`,
    executionName: step.executionName,
    subject: { modelPackageArn: step.modelPackageArn, version: candidateVersion, championVersion },
    details: { targetConfig: configName, deployment },
  });
  return { endpointConfigName: configName, candidateVersion, championVersion };
}

export async function recordPromotion(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'record-promotion' }>): Promise<{ championVersion: string; lastKnownGood: string }> {
  const version = packageVersion(step.modelPackageArn);
  const started = await findEntry(ports, s, `promotion-started:${version}:${step.executionName}`);
  if (!started) throw new Error(`record-promotion: execution ${step.executionName} started no promotion of version ${version} (no promote step in the ledger)`);
  const ep = await servingEndpoint(ports, s);
  if (packageVersion(ep.production.packageArn) !== version) throw new Error(`record-promotion: endpoint ${s.endpointName} serves version ${packageVersion(ep.production.packageArn)}, not ${version} (status ${ep.status})`);
  const previous = String(started.subject.championVersion);
  await record(ports, s, 'record-promotion', {
    id: `promotion:${version}:${step.executionName}`,
    kind: 'promotion',
    outcome: 'promoted',
    reason: `version ${version} is the champion of endpoint ${s.endpointName}; version ${previous} is the last known good`,
    executionName: step.executionName,
    subject: { modelPackageArn: step.modelPackageArn, version, championVersion: previous },
  });
  return { championVersion: version, lastKnownGood: previous };
}
