/**
 * The contract between the promotion state machines (`lib/promotion/`, Step Functions) and the one
 * promotion Lambda (`lambda/handlers/promotion-step.ts`): each Task state invokes the Lambda with
 * `{ action, ... }` and gets plain data back, which the state machine's Choice states branch on. The
 * Lambda decides nothing about waiting or looping: the state machine owns time (Wait states), the
 * Lambda owns SageMaker, Athena and the ledger.
 *
 * Promote (`dw-<env>-<model>-promote`, started with `{ modelPackageArn }` by the pipeline's register step
 * or by hand):
 * ```
 * deploy-shadow → duplicate (the registration event delivered again): Succeed, nothing changed
 *   → [Wait shadowCheckInterval → endpoint-status]* until InService
 *   → [Wait shadowCheckInterval → compare-shadow]* until verdict ≠ insufficient (or maxShadowChecks: fail)
 *   → worse: end-shadow (champion alone again) → Fail
 *   → better/equivalent: approval-status (auto-approves when the policy allows) → [Wait → approval-status]*
 *     until Approved (Rejected: end-shadow → Fail)
 *   → promote (blue/green canary, auto-rollback alarms) → [Wait → endpoint-status]* until settled
 *   → rolled back: Fail; in service: record-promotion → Succeed
 * ```
 * Rollback (`dw-<env>-<model>-rollback`, started by `driftwatch rollback` with `{ toVersion?, requestedBy, reason }`):
 * ```
 * rollback → [Wait → endpoint-status]* until settled → record-rollback → Succeed (or Fail when the endpoint failed)
 * ```
 * Every action is safe to repeat (Step Functions retries a Task on Lambda errors): each writes its ledger
 * entry with a deterministic id and checks SageMaker's state before changing it.
 */
import * as z from 'zod';

const packageArn = z.string().regex(/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/.+\/\d+$/, 'a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)');

/** What every action gets: which model, and the state machine execution it runs in (for ledger ids). */
const base = {
  /** The Step Functions execution's name (`$$.Execution.Name`), part of every ledger entry's id. */
  executionName: z.string().min(1),
};

export const promotionStepSchema = z.discriminatedUnion('action', [
  /**
   * A new endpoint config: the champion as the production variant, the candidate as a shadow variant;
   * UpdateEndpoint. `startedBy` is the execution's input: with the registration event's `eventId` (the
   * rule passes it), the first execution of that event claims the promotion and a second one (the same
   * event delivered again) answers `duplicateOf` and changes nothing.
   */
  z.object({
    action: z.literal('deploy-shadow'),
    ...base,
    modelPackageArn: packageArn,
    startedBy: z.object({ eventId: z.string().min(1).optional() }).optional(),
  }),
  /** The endpoint's status, and whether the last update was rolled back. */
  z.object({ action: z.literal('endpoint-status'), ...base }),
  /** Candidate against champion on the same labelled shadow rows (Athena, the label-join query by variant). */
  z.object({ action: z.literal('compare-shadow'), ...base, modelPackageArn: packageArn, shadowStartedAt: z.iso.datetime({ offset: true }) }),
  /** Back to the champion alone (after a worse shadow or a rejection). */
  z.object({ action: z.literal('end-shadow'), ...base, modelPackageArn: packageArn, reason: z.string().min(1) }),
  /** The package's approval status; approves it when the policy's `autoApprove` allows and the comparison was better. */
  z.object({ action: z.literal('approval-status'), ...base, modelPackageArn: packageArn, comparison: z.enum(['better', 'equivalent']) }),
  /** Blue/green canary to the candidate alone, with the auto-rollback alarms. */
  z.object({ action: z.literal('promote'), ...base, modelPackageArn: packageArn }),
  /** The champion is now the candidate: last known good moves, ledger and MLflow aliases follow. */
  z.object({ action: z.literal('record-promotion'), ...base, modelPackageArn: packageArn }),
  /** Redeploys the last known good approved package (or `toVersion`). */
  z.object({ action: z.literal('rollback'), ...base, toVersion: z.string().regex(/^\d+$/).optional(), requestedBy: z.string().min(1), reason: z.string().min(1) }),
  z.object({ action: z.literal('record-rollback'), ...base, toVersion: z.string().regex(/^\d+$/), requestedBy: z.string().min(1), reason: z.string().min(1) }),
]);

export type PromotionStep = z.infer<typeof promotionStepSchema>;
export type PromotionAction = PromotionStep['action'];

/** deploy-shadow's answer: the shadow deployed, or (`duplicate`) another execution of the same registration event holds it. */
export interface DeployShadowOutput {
  readonly duplicate: boolean;
  /** The execution that claimed the event first (this one unless duplicate). */
  readonly claimedBy: string;
  readonly candidateVersion: string;
  readonly endpointConfigName: string | null;
  readonly championVersion: string | null;
}

/** `endpoint-status` → the Choice states read `settled` and `rolledBack`. */
export interface EndpointStatusOutput {
  readonly status: string;
  /** InService, Failed or rolled back: nothing is changing any more. */
  readonly settled: boolean;
  /** The last update was rolled back (SageMaker's auto-rollback, the canary's alarms). */
  readonly rolledBack: boolean;
  readonly failureReason: string | null;
}

/** `compare-shadow` → `verdict`. */
export interface ShadowComparisonOutput {
  readonly verdict: 'better' | 'equivalent' | 'worse' | 'insufficient';
  readonly labelledRows: number;
  readonly summary: string;
}

/** `approval-status` → `status`. */
export interface ApprovalOutput {
  readonly status: 'Approved' | 'Rejected' | 'PendingManualApproval';
  readonly approvedBy: string | null;
}

/** `rollback` → the version it went back to, for `record-rollback`. */
export interface RollbackOutput {
  readonly toVersion: string;
  readonly modelPackageArn: string;
}
