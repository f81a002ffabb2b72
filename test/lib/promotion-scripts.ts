/**
 * The promotion Lambda's answers, scripted per scenario, for the tests that execute the promote and
 * rollback state machines (promotion-paths.test.ts on the walker, promotion-moto.test.ts on moto).
 */
import { promotionStepSchema, type EndpointStatusOutput, type PromotionAction } from '../../lambda/promotion/step-contract';

export const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-team-fraud-detector/7';

export const endpoint = (status: string, settled: boolean, rolledBack = false, failureReason: string | null = null): EndpointStatusOutput => ({ status, settled, rolledBack, failureReason });
export const UPDATING = endpoint('Updating', false);
export const IN_SERVICE = endpoint('InService', true);
export const comparison = (verdict: string, summary = `f1 ${verdict}`) => ({ verdict, labelledRows: verdict === 'insufficient' ? 200 : 4000, summary });
export const approval = (status: string) => ({ status, approvedBy: status === 'Approved' ? 'risk-lead@example.com' : null });

/** deploy-shadow's answer when the execution is the first of its registration event. */
export const FIRST_DELIVERY = { duplicate: false, claimedBy: 'this', candidateVersion: '7', endpointConfigName: 'dw-team-fraud_detector-c6-s7', championVersion: '6' };

/**
 * The promotion Lambda as a script: each action answers its list in order (the last answer repeats).
 * Every payload is parsed with the contract's schema first, so a state sending a wrong field fails here.
 */
export function lambda(script: Partial<Record<PromotionAction, unknown[]>>) {
  const calls = new Map<PromotionAction, number>();
  /** Every answer given, in order (what moto's Lambda queue is filled with). */
  const given: unknown[] = [];
  const invoke = (payload: Record<string, unknown>) => {
    const step = promotionStepSchema.parse(payload);
    const n = calls.get(step.action) ?? 0;
    calls.set(step.action, n + 1);
    const answers = script[step.action] ?? [step.action === 'deploy-shadow' ? FIRST_DELIVERY : {}];
    const answer = answers[Math.min(n, answers.length - 1)];
    given.push(answer);
    return answer;
  };
  return Object.assign(invoke, { given });
}
