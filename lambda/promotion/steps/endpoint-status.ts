/**
 * endpoint-status: where the endpoint is, and whether the change this execution asked for was rolled
 * back. SageMaker reports a finished auto-rollback as InService on the OLD config, so a rollback is
 * "settled, and not on the config this execution's last step moved to" (that config is in the step's
 * ledger entry). A rollback by the canary's alarms is recorded in the ledger once.
 */
import type { EndpointStatusOutput } from '../step-contract';
import type { PromotionSettings } from '../settings';
import { executionEntries, record, servingEndpoint, type StepPorts } from './common';

const SETTLED = new Set(['InService', 'Failed', 'UpdateRollbackFailed', 'OutOfService']);

export async function endpointStatus(ports: StepPorts, s: PromotionSettings, step: { executionName: string }): Promise<EndpointStatusOutput> {
  const ep = await servingEndpoint(ports, s);
  const target = [...(await executionEntries(ports, s, step.executionName))].reverse().find((e) => typeof e.details?.targetConfig === 'string');
  const targetConfig = target?.details?.targetConfig as string | undefined;
  const settled = SETTLED.has(ep.status) && ep.pendingConfigName === null;
  const rolledBack = settled && ep.status !== 'Failed' && targetConfig !== undefined && ep.configName !== targetConfig;
  if (rolledBack && target) {
    await record(ports, s, 'endpoint-status', {
      id: `canary-rolled-back:${target.subject.version ?? 'unknown'}:${step.executionName}`,
      kind: 'rollback',
      outcome: 'canary-rolled-back',
      actor: { type: 'system', id: 'sagemaker/auto-rollback' },
      reason: `the update to ${targetConfig} was rolled back; endpoint ${s.endpointName} serves ${ep.configName}${ep.failureReason ? `: ${ep.failureReason}` : ''}`,
      executionName: step.executionName,
      subject: { ...target.subject },
      details: { fromConfig: targetConfig, servingConfig: ep.configName },
    });
  }
  return { status: ep.status, settled, rolledBack, failureReason: ep.failureReason };
}
