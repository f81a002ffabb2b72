/**
 * approval-status: the package's approval in the Model Registry, changed by a person in SageMaker
 * Studio, or by this step when the policy's `autoApprove` is on and the shadow was `better` (never on
 * `equivalent`: "no difference shown" is a person's call). A decided status is recorded once.
 */
import { autoApproves } from '../../core/promotion/compare-shadow';
import { packageVersion } from '../ports';
import type { PromotionSettings } from '../settings';
import type { ApprovalOutput, PromotionStep } from '../step-contract';
import { record, type StepPorts } from './common';

export const AUTO_APPROVER = 'driftwatch/auto-approve';

export async function approvalStatus(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'approval-status' }>): Promise<ApprovalOutput> {
  const version = packageVersion(step.modelPackageArn);
  let pkg = await ports.hosting.modelPackage(step.modelPackageArn);
  let auto = false;
  if (pkg.approvalStatus === 'PendingManualApproval' && s.autoApprove && autoApproves(step.comparison)) {
    await ports.hosting.setApproval(step.modelPackageArn, 'Approved', `auto-approved by Driftwatch: the shadow comparison was better (execution ${step.executionName})`);
    pkg = await ports.hosting.modelPackage(step.modelPackageArn);
    auto = true;
  }
  if (pkg.approvalStatus === 'PendingManualApproval') return { status: pkg.approvalStatus, approvedBy: null };
  const autoApproved = auto || (pkg.approvalDescription ?? '').startsWith('auto-approved by Driftwatch');
  const by = autoApproved ? AUTO_APPROVER : pkg.modifiedBy ?? 'unknown (SageMaker did not say who)';
  const entry = await record(ports, s, 'approval-status', {
    id: `approval:${version}:${step.executionName}`,
    kind: 'approval',
    outcome: pkg.approvalStatus === 'Approved' ? 'approved' : 'rejected',
    actor: autoApproved ? { type: 'system', id: AUTO_APPROVER } : { type: 'person', id: by },
    reason: pkg.approvalDescription ?? `${pkg.approvalStatus} in the Model Registry`,
    executionName: step.executionName,
    subject: { modelPackageArn: step.modelPackageArn, version },
    details: { comparison: step.comparison },
  });
  return { status: pkg.approvalStatus, approvedBy: entry.actor.id };
}
