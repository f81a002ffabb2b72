/**
 * How the monitor's functions are invoked: EventBridge Scheduler, with its own role, runs the profile
 * function on `schedules.profile` and the score function once per window on `schedules.score`; an
 * invocation that fails after Scheduler's retries goes to the dead-letter queue.
 */
import { Aws, type Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { monitorFunctionName, scoreScheduleName } from '../common/naming';
import { MONITOR_RETRY_ATTEMPTS, PROFILE_MAX_EVENT_AGE, SCORE_MAX_EVENT_AGE } from './functions';
import { sendToQueue } from './permissions';
import { rolePolicy } from '../compliance/managed-policy';

/** What every schedule of one monitor shares. */
export interface MonitorScheduleProps {
  readonly env: string;
  readonly model: ModelConfig;
  /** From `schedulerRole`. */
  readonly role: iam.Role;
  /** Where an invocation that failed after Scheduler's retries goes. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The role EventBridge Scheduler assumes to invoke the functions: only from this account's default
 * schedule group, and only `lambda:InvokeFunction` on the functions and sending to the queue.
 */
export function schedulerRole(scope: Construct, env: string, modelId: string, functions: readonly lambda.IFunction[], deadLetterQueue: sqs.IQueue): iam.Role {
  const role = new iam.Role(scope, 'SchedulerRole', {
    description: `Driftwatch ${env}: EventBridge Scheduler invoking the monitor of ${modelId}`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': Aws.ACCOUNT_ID,
          'aws:SourceArn': Stack.of(scope).formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
  });
  rolePolicy(role, `Driftwatch ${env}: Scheduler invokes the monitor of ${modelId}`, [
    new iam.PolicyStatement({
      sid: 'InvokeMonitor',
      actions: ['lambda:InvokeFunction'],
      resources: functions.map((f) => f.functionArn),
    }),
    ...sendToQueue(deadLetterQueue),
  ]);
  return role;
}

/** The profile schedule: `schedules.profile` with the event `{}` (the newest settled hours). */
export function profileSchedule(scope: Construct, fn: lambda.IFunction, props: MonitorScheduleProps): scheduler.Schedule {
  const { env, model } = props;
  return new scheduler.Schedule(scope, 'ProfileSchedule', {
    scheduleName: monitorFunctionName(env, model.id, 'profile'),
    description: `Profile the last complete hours of ${model.id} (settle ${model.monitor.settleMinutes} min, re-profile ${model.monitor.reprofileHours} h)`,
    schedule: scheduler.ScheduleExpression.expression(model.schedules.profile),
    target: target(fn, {}, PROFILE_MAX_EVENT_AGE, props),
  });
}

/** One score schedule per window of `monitor.windows`, on `schedules.score` with the event `{ "window": name }`, by window name. */
export function scoreSchedules(scope: Construct, fn: lambda.IFunction, props: MonitorScheduleProps): Map<string, scheduler.Schedule> {
  const { env, model } = props;
  const schedules = new Map<string, scheduler.Schedule>();
  for (const window of model.monitor.windows) {
    schedules.set(
      window.name,
      new scheduler.Schedule(scope, `ScoreSchedule${window.name}`, {
        scheduleName: scoreScheduleName(env, model.id, window.name),
        description: `Score the ${window.name} window (${window.hours} h) of ${model.id}`,
        schedule: scheduler.ScheduleExpression.expression(model.schedules.score),
        target: target(fn, { window: window.name }, SCORE_MAX_EVENT_AGE, props),
      }),
    );
  }
  return schedules;
}

function target(fn: lambda.IFunction, input: Record<string, string>, maxEventAge: Duration, props: MonitorScheduleProps): targets.LambdaInvoke {
  return new targets.LambdaInvoke(fn, {
    // The targets would add `lambda:InvokeFunction` on `<arn>:*` (every version) and the DLQ
    // statement again; the role's inline policy already has exactly what Scheduler needs.
    role: props.role.withoutPolicyUpdates(),
    input: scheduler.ScheduleTargetInput.fromObject(input),
    deadLetterQueue: props.deadLetterQueue,
    retryAttempts: MONITOR_RETRY_ATTEMPTS,
    maxEventAge,
  });
}
