/**
 * deploy-shadow and end-shadow: the candidate starts serving a copy of the champion's traffic as the
 * shadow variant, and stops (the champion alone again) after a worse comparison or a rejection.
 */
import { packageModelName, shadowEndpointConfigName, soloEndpointConfigName } from '../../../lib/promotion/naming';
import { shadowEndpointConfig, soloEndpointConfig } from '../../core/promotion/deployment';
import { packageVersion } from '../ports';
import type { PromotionSettings } from '../settings';
import type { DeployShadowOutput, PromotionStep } from '../step-contract';
import { moveEndpoint, record, servingEndpoint, type StepPorts } from './common';

export interface ShadowOutput {
  readonly endpointConfigName: string;
  readonly championVersion: string;
  readonly candidateVersion: string;
}

const variant = (s: PromotionSettings, modelName: string) => ({ modelName, instanceType: s.instanceType, instanceCount: s.instanceCount });

/**
 * The registration event's claim (when the execution was started by the rule, which passes the event's
 * id): the first execution to append `shadow-claim:<event id>` holds it; EventBridge delivers at least
 * once, and a second delivery starts a second execution, which finds the claim held and stops there.
 * A retried step of the holder finds its own claim. An execution started by hand has no event id and
 * claims nothing.
 */
async function claimEvent(ports: StepPorts, s: PromotionSettings, step: DeployShadowStep, candidateVersion: string): Promise<string> {
  const eventId = step.startedBy?.eventId;
  if (!eventId) return step.executionName;
  const claim = await record(ports, s, 'deploy-shadow', {
    id: `shadow-claim:${eventId}`,
    kind: 'shadow',
    outcome: 'claimed',
    reason: `execution ${step.executionName} promotes version ${candidateVersion} (registration event ${eventId}); a second delivery of the event changes nothing`,
    executionName: step.executionName,
    subject: { modelPackageArn: step.modelPackageArn, version: candidateVersion },
    details: { eventId },
  });
  return String(claim.details?.executionName ?? step.executionName);
}

type DeployShadowStep = Extract<PromotionStep, { action: 'deploy-shadow' }>;

/** @throws Error when the candidate is the champion already */
export async function deployShadow(ports: StepPorts, s: PromotionSettings, step: DeployShadowStep): Promise<DeployShadowOutput> {
  const candidateVersion = packageVersion(step.modelPackageArn);
  const claimedBy = await claimEvent(ports, s, step, candidateVersion);
  if (claimedBy !== step.executionName) return { duplicate: true, claimedBy, candidateVersion, endpointConfigName: null, championVersion: null };
  const shadow = await startShadow(ports, s, step, candidateVersion);
  return { duplicate: false, claimedBy, ...shadow };
}

async function startShadow(ports: StepPorts, s: PromotionSettings, step: DeployShadowStep, candidateVersion: string): Promise<ShadowOutput> {
  const ep = await servingEndpoint(ports, s);
  const championVersion = packageVersion(ep.production.packageArn);
  if (championVersion === candidateVersion) throw new Error(`deploy-shadow: version ${candidateVersion} is the champion of endpoint ${s.endpointName} already`);
  const configName = shadowEndpointConfigName(s.env, s.modelId, championVersion, candidateVersion);
  const candidateModel = packageModelName(s.env, s.modelId, candidateVersion);
  await ports.hosting.createModelFromPackage(candidateModel, step.modelPackageArn, s.executionRoleArn);
  await ports.hosting.createEndpointConfig(shadowEndpointConfig(configName, variant(s, ep.production.modelName), variant(s, candidateModel)));
  await moveEndpoint(ports, ep, configName);
  await record(ports, s, 'deploy-shadow', {
    id: `shadow:${candidateVersion}:${step.executionName}`,
    kind: 'shadow',
    outcome: 'started',
    reason: `version ${candidateVersion} shadows champion ${championVersion} on endpoint ${s.endpointName} (config ${configName})`,
    executionName: step.executionName,
    subject: { modelPackageArn: step.modelPackageArn, version: candidateVersion, championVersion },
    details: { targetConfig: configName },
  });
  return { endpointConfigName: configName, championVersion, candidateVersion };
}

export async function endShadow(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'end-shadow' }>): Promise<ShadowOutput> {
  const candidateVersion = packageVersion(step.modelPackageArn);
  const ep = await servingEndpoint(ports, s);
  const championVersion = packageVersion(ep.production.packageArn);
  const configName = soloEndpointConfigName(s.env, s.modelId, championVersion);
  await ports.hosting.createEndpointConfig(soloEndpointConfig(configName, variant(s, ep.production.modelName)));
  await moveEndpoint(ports, ep, configName);
  await record(ports, s, 'end-shadow', {
    id: `shadow-ended:${candidateVersion}:${step.executionName}`,
    kind: 'shadow',
    outcome: 'ended',
    reason: `version ${candidateVersion} no longer shadows champion ${championVersion}: ${step.reason}`,
    executionName: step.executionName,
    subject: { modelPackageArn: step.modelPackageArn, version: candidateVersion, championVersion },
    details: { targetConfig: configName },
  });
  return { endpointConfigName: configName, championVersion, candidateVersion };
}
