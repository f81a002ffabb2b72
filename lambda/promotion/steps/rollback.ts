/**
 * rollback and record-rollback: the endpoint goes back to the last known good approved package
 * (`lambda/core/promotion/last-known-good.ts` over the ledger's champion changes) or to the version
 * asked for, all at once; the ledger records who asked and why.
 */
import { packageModelName, soloEndpointConfigName } from '../../../lib/promotion/naming';
import { rollbackDeploymentConfig, soloEndpointConfig } from '../../core/promotion/deployment';
import { lastKnownGood, type ChampionChange } from '../../core/promotion/last-known-good';
import type { LedgerEntry } from '../ledger';
import { packageArnOf, packageVersion } from '../ports';
import type { PromotionSettings } from '../settings';
import type { PromotionStep, RollbackOutput } from '../step-contract';
import { findEntry, moveEndpoint, record, servingEndpoint, type StepPorts } from './common';

/** The champion changes the ledger holds, oldest first. */
export function championChanges(history: readonly LedgerEntry[]): ChampionChange[] {
  return history.flatMap((e): ChampionChange[] => {
    if (e.subject.version === undefined) return [];
    if (e.kind === 'promotion' && e.outcome === 'promoted') return [{ kind: 'promotion', version: e.subject.version }];
    if (e.kind === 'rollback' && e.outcome === 'rolled-back') return [{ kind: 'rollback', version: e.subject.version }];
    return [];
  });
}

export async function rollback(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'rollback' }>): Promise<RollbackOutput> {
  const id = `rollback-started:${step.executionName}`;
  const started = await findEntry(ports, s, id);
  if (started) return { toVersion: String(started.subject.version), modelPackageArn: String(started.subject.modelPackageArn) };
  const ep = await servingEndpoint(ports, s);
  const current = packageVersion(ep.production.packageArn);
  const approved = await ports.hosting.approvedPackages(s.modelPackageGroup);
  const target = lastKnownGood({
    changes: championChanges(await ports.ledger.history(s.modelId)),
    currentChampion: current,
    approvedVersions: approved.map((p) => p.version),
    ...(step.toVersion !== undefined ? { toVersion: step.toVersion } : {}),
  });
  const arn = approved.find((p) => p.version === target.version)?.arn ?? packageArnOf(ep.production.packageArn, target.version);
  const modelName = packageModelName(s.env, s.modelId, target.version);
  const configName = soloEndpointConfigName(s.env, s.modelId, target.version);
  await ports.hosting.createModelFromPackage(modelName, arn, s.executionRoleArn);
  await ports.hosting.createEndpointConfig(soloEndpointConfig(configName, { modelName, instanceType: s.instanceType, instanceCount: s.instanceCount }));
  await moveEndpoint(ports, ep, configName, rollbackDeploymentConfig(s.canary.terminationWaitMinutes));
  await record(ports, s, 'rollback', {
    id,
    kind: 'rollback',
    outcome: 'started',
    actor: { type: 'person', id: step.requestedBy },
    reason: `${step.reason} — back from version ${current} to ${target.version} (${target.reason})`,
    executionName: step.executionName,
    subject: { modelPackageArn: arn, version: target.version, championVersion: current },
    details: { targetConfig: configName },
  });
  return { toVersion: target.version, modelPackageArn: arn };
}

export async function recordRollback(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'record-rollback' }>): Promise<{ championVersion: string }> {
  const started = await findEntry(ports, s, `rollback-started:${step.executionName}`);
  if (!started) throw new Error(`record-rollback: execution ${step.executionName} started no rollback (no rollback step in the ledger)`);
  const ep = await servingEndpoint(ports, s);
  const serving = packageVersion(ep.production.packageArn);
  if (serving !== step.toVersion) throw new Error(`record-rollback: endpoint ${s.endpointName} serves version ${serving}, not ${step.toVersion} (status ${ep.status})`);
  await record(ports, s, 'record-rollback', {
    id: `rollback:${step.toVersion}:${step.executionName}`,
    kind: 'rollback',
    outcome: 'rolled-back',
    actor: { type: 'person', id: step.requestedBy },
    reason: step.reason,
    executionName: step.executionName,
    subject: { modelPackageArn: ep.production.packageArn, version: step.toVersion, championVersion: String(started.subject.championVersion) },
  });
  return { championVersion: step.toVersion };
}
