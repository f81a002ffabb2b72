/**
 * The promote and rollback state machines EXECUTED: the definitions synthesized by ModelPromotion,
 * walked from StartAt by test/lib/state-walker.ts with the promotion Lambda's answers scripted per
 * scenario, asserting the states visited and what each step was sent (every payload must pass the
 * contract's own schema, promotionStepSchema). promotion-moto.test.ts runs these scenarios on moto's
 * Step Functions interpreter and requires the walker to agree with it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeTemporaryAssets } from '../../lib/monitor';
import { promoteStateMachineName, rollbackStateMachineName } from '../../lib/promotion';
import { definitionOf, promotionStack, stubBundles } from './promotion.test-fixture';
import { approval, comparison, endpoint, FIRST_DELIVERY, IN_SERVICE, lambda, PACKAGE, UPDATING } from './promotion-scripts';
import { walk } from './state-walker';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-paths-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const { template } = promotionStack(path.join(tmp, 'out'), stubBundles(path.join(tmp, 'bundles')));
const promote = definitionOf(template, promoteStateMachineName('team', 'fraud_detector'));
const rollback = definitionOf(template, rollbackStateMachineName('team', 'fraud_detector'));

const actions = (invocations: Record<string, unknown>[]) => invocations.map((p) => p.action);

/** The states from StartCounters to the shadow being in service after one check that found it updating. */
const SHADOW_DEPLOYED = [
  'StartCounters', 'DeployShadow', 'FirstDelivery?',
  'ShadowDeployWait', 'ShadowDeployStatus', 'ShadowDeployed?', 'CountShadowDeployCheck', 'ShadowDeployChecksLeft?',
  'ShadowDeployWait', 'ShadowDeployStatus', 'ShadowDeployed?', 'ShadowStarted',
];

describe('promote', () => {
  it('a second delivery of the registration event ends as AlreadyPromoting, having changed nothing', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE, eventId: 'e-123' }, {
      executionName: 'second',
      invoke: lambda({ 'deploy-shadow': [{ ...FIRST_DELIVERY, duplicate: true, claimedBy: 'first', endpointConfigName: null, championVersion: null }] }),
    });
    expect(run.path).toEqual(['StartCounters', 'DeployShadow', 'FirstDelivery?', 'AlreadyPromoting']);
    expect(run.status).toBe('SUCCEEDED');
    // The step is given the execution's input, so the Lambda sees the event's id.
    expect(run.invocations).toEqual([expect.objectContaining({ action: 'deploy-shadow', executionName: 'second', startedBy: { modelPackageArn: PACKAGE, eventId: 'e-123' } })]);
  });

  it('a better shadow, approved after one wait, passes the canary and is promoted', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, {
      executionName: 'registered-7',
      invoke: lambda({
        'endpoint-status': [UPDATING, IN_SERVICE, UPDATING, IN_SERVICE],
        'compare-shadow': [comparison('insufficient'), comparison('better')],
        'approval-status': [approval('PendingManualApproval'), approval('Approved')],
      }),
    });
    expect(run.path).toEqual([
      ...SHADOW_DEPLOYED,
      'ShadowWait', 'CompareShadow', 'ShadowVerdict?', 'CountShadowCheck', 'ShadowChecksLeft?',
      'ShadowWait', 'CompareShadow', 'ShadowVerdict?',
      'ApprovalStatus', 'Approved?', 'CountApprovalCheck', 'ApprovalChecksLeft?', 'ApprovalWait', 'ApprovalStatus', 'Approved?',
      'Promote', 'CanaryWait', 'CanaryStatus', 'CanarySettled?', 'CountCanaryCheck', 'CanaryChecksLeft?', 'CanaryWait', 'CanaryStatus', 'CanarySettled?',
      'RecordPromotion', 'Promoted',
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(actions(run.invocations)).toEqual([
      'deploy-shadow', 'endpoint-status', 'endpoint-status', 'compare-shadow', 'compare-shadow',
      'approval-status', 'approval-status', 'promote', 'endpoint-status', 'endpoint-status', 'record-promotion',
    ]);
    // Every step names the package and the execution; the comparison window starts when the shadow went into service.
    for (const p of run.invocations) expect(p.executionName).toBe('registered-7');
    const compare = run.invocations.find((p) => p.action === 'compare-shadow')!;
    expect(compare).toMatchObject({ modelPackageArn: PACKAGE, shadowStartedAt: '2026-12-01T12:04:00.000Z' });
    expect(run.invocations.find((p) => p.action === 'approval-status')).toMatchObject({ comparison: 'better' });
  });

  it('an equivalent shadow is asked for approval as equivalent (the Lambda never auto-approves it)', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, {
      invoke: lambda({ 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('equivalent')], 'approval-status': [approval('Approved')] }),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.invocations.find((p) => p.action === 'approval-status')).toMatchObject({ comparison: 'equivalent' });
  });

  it('a worse shadow ends the shadow and fails with the comparison in the cause', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, {
      invoke: lambda({ 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('worse', 'f1 0.71 vs champion 0.78 on 4000 rows, p = 0.003')] }),
    });
    expect(run.path.slice(-6)).toEqual(['ShadowWait', 'CompareShadow', 'ShadowVerdict?', 'ShadowWorse', 'EndShadow', 'NotPromoted']);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('NotPromoted');
    expect(run.cause).toBe('The candidate did worse than the champion on the shadow traffic: f1 0.71 vs champion 0.78 on 4000 rows, p = 0.003');
    expect(run.invocations.at(-1)).toMatchObject({ action: 'end-shadow', modelPackageArn: PACKAGE, reason: run.cause });
    expect(actions(run.invocations)).not.toContain('approval-status');
  });

  it('a rejected candidate ends the shadow and fails, never reaching the canary', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, {
      invoke: lambda({ 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('better')], 'approval-status': [approval('PendingManualApproval'), approval('Rejected')] }),
    });
    expect(run.path.slice(-5)).toEqual(['ApprovalStatus', 'Approved?', 'ApprovalRejected', 'EndShadow', 'NotPromoted']);
    expect(run.cause).toBe('The candidate was rejected in the model registry');
    expect(actions(run.invocations)).not.toContain('promote');
  });

  it('a canary the alarms rolled back fails, and the promotion is not recorded', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, {
      invoke: lambda({
        'endpoint-status': [IN_SERVICE, UPDATING, endpoint('InService', true, true, 'Alarm dw-team-fraud_detector-canary-5xx fired')],
        'compare-shadow': [comparison('better')],
        'approval-status': [approval('Approved')],
      }),
    });
    expect(run.path.slice(-7)).toEqual(['CanarySettled?', 'CountCanaryCheck', 'CanaryChecksLeft?', 'CanaryWait', 'CanaryStatus', 'CanarySettled?', 'CanaryRolledBack']);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RolledBack');
    expect(actions(run.invocations)).not.toContain('record-promotion');
  });

  it('too few labelled shadow rows for maxChecks (48) comparisons ends the shadow and fails', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, { invoke: lambda({ 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('insufficient')] }) });
    expect(actions(run.invocations).filter((a) => a === 'compare-shadow')).toHaveLength(48);
    expect(run.path.slice(-5)).toEqual(['CountShadowCheck', 'ShadowChecksLeft?', 'ShadowInsufficient', 'EndShadow', 'NotPromoted']);
    expect(run.cause).toBe('Too few labelled shadow rows to compare after 48 checks');
  });

  it('a candidate nobody decides on within approvalChecks ends the shadow and fails', () => {
    const tuned = promotionStack(path.join(tmp, 'approval'), path.join(tmp, 'bundles'), { props: { approvalChecks: { maxChecks: 3 } } });
    const d = definitionOf(tuned.template, promoteStateMachineName('team', 'fraud_detector'));
    const run = walk(d, { modelPackageArn: PACKAGE }, { invoke: lambda({ 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('better')], 'approval-status': [approval('PendingManualApproval')] }) });
    expect(actions(run.invocations).filter((a) => a === 'approval-status')).toHaveLength(3);
    expect(run.path.slice(-4)).toEqual(['ApprovalChecksLeft?', 'ApprovalTimedOut', 'EndShadow', 'NotPromoted']);
    expect(run.cause).toBe('No approval decision after 3 checks');
  });

  it('an endpoint that never settles fails as timed out instead of checking for ever', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, { invoke: lambda({ 'endpoint-status': [UPDATING] }) });
    expect(run.path.at(-1)).toBe('ShadowDeployTimedOut');
    expect(run.error).toBe('TimedOut');
    expect(actions(run.invocations).filter((a) => a === 'endpoint-status')).toHaveLength(50);
  });

  it('a shadow deployment that fails stops before any comparison', () => {
    const run = walk(promote, { modelPackageArn: PACKAGE }, { invoke: lambda({ 'endpoint-status': [endpoint('Failed', true, false, 'ResourceLimitExceeded')] }) });
    expect(run.path.slice(-2)).toEqual(['ShadowDeployed?', 'ShadowDeployFailed']);
    expect(actions(run.invocations)).toEqual(['deploy-shadow', 'endpoint-status']);
  });
});

describe('rollback', () => {
  const request = { requestedBy: 'alice@example.com', reason: 'p99 latency doubled after the promotion' };

  it('to the last known good: sends no toVersion, waits for the endpoint and records the version it went back to', () => {
    const run = walk(rollback, request, {
      executionName: 'rollback-1',
      invoke: lambda({ rollback: [{ toVersion: '6', modelPackageArn: PACKAGE.replace(/7$/, '6') }], 'endpoint-status': [UPDATING, IN_SERVICE] }),
    });
    expect(run.path).toEqual([
      'StartCounters', 'RollbackAction', 'RollbackRequest', 'Rollback',
      'RollbackWait', 'RollbackStatus', 'RollbackSettled?', 'CountRollbackCheck', 'RollbackChecksLeft?',
      'RollbackWait', 'RollbackStatus', 'RollbackSettled?', 'RecordRollback', 'RolledBack',
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.invocations[0]).toEqual({ action: 'rollback', executionName: 'rollback-1', ...request });
    expect(run.invocations.at(-1)).toEqual({ action: 'record-rollback', executionName: 'rollback-1', toVersion: '6', ...request });
  });

  it('to a given version: passes toVersion on', () => {
    const run = walk(rollback, { ...request, toVersion: '4' }, { invoke: lambda({ rollback: [{ toVersion: '4', modelPackageArn: PACKAGE.replace(/7$/, '4') }], 'endpoint-status': [IN_SERVICE] }) });
    expect(run.invocations[0]).toMatchObject({ action: 'rollback', toVersion: '4' });
    expect(run.invocations.at(-1)).toMatchObject({ action: 'record-rollback', toVersion: '4' });
  });

  it('fails without recording when the endpoint update fails', () => {
    const run = walk(rollback, request, { invoke: lambda({ rollback: [{ toVersion: '6', modelPackageArn: PACKAGE }], 'endpoint-status': [endpoint('Failed', true, false, 'model container did not start')] }) });
    expect(run.path.at(-1)).toBe('RollbackFailed');
    expect(actions(run.invocations)).not.toContain('record-rollback');
  });
});
