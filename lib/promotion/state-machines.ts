/**
 * The definitions of the promote and rollback state machines, exactly as the contract
 * (`lambda/promotion/step-contract.ts`) draws them. Every Task invokes the one promotion Lambda with
 * `{ action, executionName, ... }` and keeps its answer under its own key of the state (`$.endpoint`,
 * `$.comparison`, `$.approval`, `$.rollback`), so the Choice states read the contract's outputs and the
 * execution input stays where it was. Every loop waits (the state machine owns time, the Lambda never
 * sleeps) and counts its checks in `$.checks.<loop>.n`: past its maximum the execution fails with the
 * reason, so no loop is endless.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { PromotionAction } from '../../lambda/promotion/step-contract';

/** A loop's wait between checks and the most checks it makes before the execution fails. */
export interface CheckLoop {
  readonly interval: Duration;
  readonly maxChecks: number;
}

/** The three kinds of loop the machines have. */
export interface PromotionLoops {
  /** Endpoint updates (shadow deployment, canary, rollback): minutes. */
  readonly endpoint: CheckLoop;
  /** Labelled shadow rows accumulating until the comparison has enough: hours to days. */
  readonly shadow: CheckLoop;
  /** A person approving the package in SageMaker Studio: hours to days. */
  readonly approval: CheckLoop;
}

/** The Lambda errors worth retrying: the service's own, and throttling (the function may have reserved concurrency). */
const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/** Builds the states of one machine in `scope`, all invoking `fn`. */
class StateFactory {
  constructor(
    private readonly scope: Construct,
    private readonly fn: lambda.IFunction,
  ) {}

  /** A Task calling `action`; its answer lands at `resultPath` (or is dropped). */
  step(id: string, action: PromotionAction, fields: Record<string, unknown>, resultPath: string = sfn.JsonPath.DISCARD): tasks.LambdaInvoke {
    return this.invoke(id, resultPath, { payload: sfn.TaskInput.fromObject({ action, executionName: sfn.JsonPath.executionName, ...fields }) });
  }

  /** A Task sending the state at `inputPath` as the Lambda's event (a request assembled by Pass states). */
  stepWithInput(id: string, inputPath: string, resultPath: string): tasks.LambdaInvoke {
    return this.invoke(id, resultPath, { inputPath });
  }

  /** Counts one more check of `loop`; past `maxChecks`, `exhausted`; otherwise `again`. */
  countCheck(loop: string, { maxChecks }: CheckLoop, exhausted: sfn.IChainable, again: sfn.IChainable): sfn.Pass {
    const path = `$.checks.${loop}`;
    const count = new sfn.Pass(this.scope, `Count${title(loop)}Check`, {
      parameters: { n: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt(`${path}.n`), 1) },
      resultPath: path,
    });
    count.next(new sfn.Choice(this.scope, `${title(loop)}ChecksLeft?`).when(sfn.Condition.numberGreaterThanEquals(`${path}.n`, maxChecks), exhausted).otherwise(again));
    return count;
  }

  /** `$.checks` with every loop's counter at zero. */
  startCounters(loops: readonly string[]): sfn.Pass {
    return new sfn.Pass(this.scope, 'StartCounters', { result: sfn.Result.fromObject(Object.fromEntries(loops.map((l) => [l, { n: 0 }]))), resultPath: '$.checks' });
  }

  wait(id: string, { interval }: CheckLoop): sfn.Wait {
    return new sfn.Wait(this.scope, id, { time: sfn.WaitTime.duration(interval) });
  }

  fail(id: string, error: string, cause: string): sfn.Fail {
    return new sfn.Fail(this.scope, id, { error, cause });
  }

  /** `$.outcome.reason` for end-shadow and the Fail after it. */
  reason(id: string, reason: string): sfn.Pass {
    return new sfn.Pass(this.scope, id, { parameters: { reason }, resultPath: '$.outcome' });
  }

  private invoke(id: string, resultPath: string, input: { payload?: sfn.TaskInput; inputPath?: string }): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this.scope, id, { lambdaFunction: this.fn, payloadResponseOnly: true, retryOnServiceExceptions: false, resultPath, ...input });
    // Every action is safe to repeat (the contract), so a Lambda service error is retried; an error
    // of the action itself (a SageMaker refusal, a bad input) fails the execution with its message.
    task.addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
    return task;
  }
}

/** `shadowDeploy` → `ShadowDeploy`. */
function title(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const settledInService = sfn.Condition.and(sfn.Condition.booleanEquals('$.endpoint.settled', true), sfn.Condition.stringEquals('$.endpoint.status', 'InService'));
const settled = sfn.Condition.booleanEquals('$.endpoint.settled', true);
const rolledBack = sfn.Condition.booleanEquals('$.endpoint.rolledBack', true);

/**
 * Promote, started with `{ modelPackageArn, eventId? }` (the registration rule passes its event's id):
 * a second execution of the same event (EventBridge delivers at least once) ends at once as
 * AlreadyPromoting; otherwise deploy the candidate as a shadow, wait for the endpoint,
 * compare on labelled shadow traffic until the comparison has enough rows, end the shadow and fail when
 * the candidate is worse, wait for the approval (ending the shadow when rejected or never decided), then
 * the blue/green canary: rolled back fails, in service is recorded and succeeds.
 */
export function promoteDefinition(scope: Construct, fn: lambda.IFunction, loops: PromotionLoops): sfn.IChainable {
  const f = new StateFactory(scope, fn);
  const arn = { modelPackageArn: sfn.JsonPath.stringAt('$.modelPackageArn') };

  // Ending the shadow: one task for every reason, the reason in $.outcome, then one Fail with it.
  const endShadow = f.step('EndShadow', 'end-shadow', { ...arn, reason: sfn.JsonPath.stringAt('$.outcome.reason') });
  endShadow.next(new sfn.Fail(scope, 'NotPromoted', { error: 'NotPromoted', causePath: sfn.JsonPath.stringAt('$.outcome.reason') }));

  // The canary, and what follows it.
  const recordPromotion = f.step('RecordPromotion', 'record-promotion', arn).next(new sfn.Succeed(scope, 'Promoted'));
  const canaryWait = f.wait('CanaryWait', loops.endpoint);
  const canaryStatus = f.step('CanaryStatus', 'endpoint-status', {}, '$.endpoint');
  canaryWait.next(canaryStatus).next(
    new sfn.Choice(scope, 'CanarySettled?')
      .when(rolledBack, f.fail('CanaryRolledBack', 'RolledBack', "The canary's auto-rollback alarms fired: the endpoint is back on the champion (see the endpoint's events and the alarms' history)"))
      .when(settledInService, recordPromotion)
      .when(settled, f.fail('PromotionFailed', 'EndpointFailed', "The endpoint update to the candidate failed (see the endpoint's FailureReason)"))
      .otherwise(f.countCheck('canary', loops.endpoint, f.fail('CanaryTimedOut', 'TimedOut', `The endpoint was still updating after ${loops.endpoint.maxChecks} checks`), canaryWait)),
  );
  const promote = f.step('Promote', 'promote', arn);
  promote.next(canaryWait);

  // The approval: asked once (auto-approves where the policy allows), then waited for.
  const approvalWait = f.wait('ApprovalWait', loops.approval);
  const approvalStatus = f.step('ApprovalStatus', 'approval-status', { ...arn, comparison: sfn.JsonPath.stringAt('$.comparison.verdict') }, '$.approval');
  approvalStatus.next(
    new sfn.Choice(scope, 'Approved?')
      .when(sfn.Condition.stringEquals('$.approval.status', 'Approved'), promote)
      .when(sfn.Condition.stringEquals('$.approval.status', 'Rejected'), f.reason('ApprovalRejected', 'The candidate was rejected in the model registry').next(endShadow))
      .otherwise(
        f.countCheck('approval', loops.approval, f.reason('ApprovalTimedOut', `No approval decision after ${loops.approval.maxChecks} checks`).next(endShadow), approvalWait),
      ),
  );
  approvalWait.next(approvalStatus);

  // The shadow comparison, until it has enough labelled rows.
  const shadowWait = f.wait('ShadowWait', loops.shadow);
  const compare = f.step('CompareShadow', 'compare-shadow', { ...arn, shadowStartedAt: sfn.JsonPath.stringAt('$.shadow.startedAt') }, '$.comparison');
  shadowWait.next(compare).next(
    new sfn.Choice(scope, 'ShadowVerdict?')
      .when(
        sfn.Condition.stringEquals('$.comparison.verdict', 'worse'),
        new sfn.Pass(scope, 'ShadowWorse', {
          parameters: { reason: sfn.JsonPath.format('The candidate did worse than the champion on the shadow traffic: {}', sfn.JsonPath.stringAt('$.comparison.summary')) },
          resultPath: '$.outcome',
        }).next(endShadow),
      )
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.comparison.verdict', 'better'), sfn.Condition.stringEquals('$.comparison.verdict', 'equivalent')), approvalStatus)
      .otherwise(
        f.countCheck('shadow', loops.shadow, f.reason('ShadowInsufficient', `Too few labelled shadow rows to compare after ${loops.shadow.maxChecks} checks`).next(endShadow), shadowWait),
      ),
  );

  // The shadow deployment.
  const shadowStarted = new sfn.Pass(scope, 'ShadowStarted', { parameters: { startedAt: sfn.JsonPath.stateEnteredTime }, resultPath: '$.shadow' });
  shadowStarted.next(shadowWait);
  const deployWait = f.wait('ShadowDeployWait', loops.endpoint);
  deployWait.next(f.step('ShadowDeployStatus', 'endpoint-status', {}, '$.endpoint')).next(
    new sfn.Choice(scope, 'ShadowDeployed?')
      .when(settledInService, shadowStarted)
      .when(settled, f.fail('ShadowDeployFailed', 'EndpointFailed', "The endpoint update adding the shadow variant failed (see the endpoint's FailureReason); the champion serves alone"))
      .otherwise(f.countCheck('shadowDeploy', loops.endpoint, f.fail('ShadowDeployTimedOut', 'TimedOut', `The endpoint was still updating after ${loops.endpoint.maxChecks} checks`), deployWait)),
  );

  const deploy = f.step('DeployShadow', 'deploy-shadow', { ...arn, startedBy: sfn.JsonPath.executionInput }, '$.deploy');
  deploy.next(
    new sfn.Choice(scope, 'FirstDelivery?')
      .when(sfn.Condition.booleanEquals('$.deploy.duplicate', true), new sfn.Succeed(scope, 'AlreadyPromoting', { comment: 'The registration event was delivered again: the execution in $.deploy.claimedBy promotes this version' }))
      .otherwise(deployWait),
  );
  return f.startCounters(['shadowDeploy', 'shadow', 'approval', 'canary']).next(deploy);
}

/**
 * Rollback, started with `{ toVersion?, requestedBy, reason }`: redeploy the last known good approved
 * package (or `toVersion`), wait for the endpoint, record the rollback. The request is the execution
 * input merged with the action and the execution name, so an absent `toVersion` stays absent.
 */
export function rollbackDefinition(scope: Construct, fn: lambda.IFunction, loops: Pick<PromotionLoops, 'endpoint'>): sfn.IChainable {
  const f = new StateFactory(scope, fn);
  const action = new sfn.Pass(scope, 'RollbackAction', { parameters: { action: 'rollback', executionName: sfn.JsonPath.executionName }, resultPath: '$.step' });
  const request = new sfn.Pass(scope, 'RollbackRequest', {
    parameters: { merged: sfn.JsonPath.jsonMerge(sfn.JsonPath.executionInput, sfn.JsonPath.objectAt('$.step')) },
    resultPath: '$.request',
  });
  const record = f
    .step('RecordRollback', 'record-rollback', {
      toVersion: sfn.JsonPath.stringAt('$.rollback.toVersion'),
      requestedBy: sfn.JsonPath.stringAt('$.requestedBy'),
      reason: sfn.JsonPath.stringAt('$.reason'),
    })
    .next(new sfn.Succeed(scope, 'RolledBack'));
  const wait = f.wait('RollbackWait', loops.endpoint);
  wait.next(f.step('RollbackStatus', 'endpoint-status', {}, '$.endpoint')).next(
    new sfn.Choice(scope, 'RollbackSettled?')
      .when(rolledBack, f.fail('RollbackRolledBack', 'RolledBack', "The rollback's own update was rolled back by SageMaker: the endpoint serves what it served before"))
      .when(settledInService, record)
      .when(settled, f.fail('RollbackFailed', 'EndpointFailed', "The endpoint update to the last known good package failed (see the endpoint's FailureReason)"))
      .otherwise(f.countCheck('rollback', loops.endpoint, f.fail('RollbackTimedOut', 'TimedOut', `The endpoint was still updating after ${loops.endpoint.maxChecks} checks`), wait)),
  );
  return f
    .startCounters(['rollback'])
    .next(action)
    .next(request)
    .next(f.stepWithInput('Rollback', '$.request.merged', '$.rollback'))
    .next(wait);
}
