/**
 * Runs one parsed promotion step: the dispatch the promotion Lambda does for the state machines
 * (`step-contract.ts` lists the actions and what each returns).
 */
import type { PromotionSettings } from './settings';
import type { PromotionStep } from './step-contract';
import { approvalStatus } from './steps/approval';
import type { StepPorts } from './steps/common';
import { compareShadowStep } from './steps/compare-shadow';
import { endpointStatus } from './steps/endpoint-status';
import { promote, recordPromotion } from './steps/promote';
import { recordRollback, rollback } from './steps/rollback';
import { deployShadow, endShadow } from './steps/shadow';

export async function runPromotionStep(ports: StepPorts, settings: PromotionSettings, step: PromotionStep): Promise<unknown> {
  switch (step.action) {
    case 'deploy-shadow':
      return deployShadow(ports, settings, step);
    case 'endpoint-status':
      return endpointStatus(ports, settings, step);
    case 'compare-shadow':
      return compareShadowStep(ports, settings, step);
    case 'end-shadow':
      return endShadow(ports, settings, step);
    case 'approval-status':
      return approvalStatus(ports, settings, step);
    case 'promote':
      return promote(ports, settings, step);
    case 'record-promotion':
      return recordPromotion(ports, settings, step);
    case 'rollback':
      return rollback(ports, settings, step);
    case 'record-rollback':
      return recordRollback(ports, settings, step);
  }
}
