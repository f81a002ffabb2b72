/**
 * The role both promotion state machines run as: invoke the promotion function (and its versions),
 * deliver execution logs to CloudWatch Logs and traces to X-Ray. Written out in a managed policy
 * (the compliance packs refuse the inline policy CDK would otherwise add), so the machines use it
 * `withoutPolicyUpdates()`.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { rolePolicy } from '../compliance/managed-policy';

export function stateMachineRole(scope: Construct, env: string, modelId: string, fn: lambda.IFunction, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, 'StateMachineRole', {
    description: `Driftwatch ${env}: the promotion and rollback state machines of ${modelId}`,
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
  });
  rolePolicy(role, `Driftwatch ${env}: the promotion and rollback state machines of ${modelId}`, [
    new iam.PolicyStatement({ sid: 'InvokePromotionSteps', actions: ['lambda:InvokeFunction'], resources: [fn.functionArn, `${fn.functionArn}:*`] }),
    // Step Functions' log delivery and X-Ray actions take no resource (Step Functions developer guide, "IAM policies for logging" and "for X-Ray").
    new iam.PolicyStatement({
      sid: 'DeliverExecutionLogs',
      actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({ sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], resources: ['*'] }),
  ]);
  acknowledgeNag(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        `The machines invoke only the promotion function of ${modelId} (its ARN and its qualified versions, :*); CloudWatch Logs' log-delivery ` +
        `actions and X-Ray's trace actions support no resource-level permission, so they are granted on * (the delivery goes to ${logGroup.node.path})`,
      appliesTo: ['Resource::*', `Resource::${nagResourceName(Stack.of(scope), `${fn.functionArn}:*`)}`],
    },
  ]);
  return role;
}
