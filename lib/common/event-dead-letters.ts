/**
 * EventBridge writes the events a rule could not deliver to the target's dead-letter queue itself, so
 * when the queue is encrypted with a customer-managed key, the key's policy must let
 * `events.amazonaws.com` use it, for that rule only (an IAM policy cannot grant a service principal).
 */
import { Annotations, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';

/**
 * The ARN of a rule from its name: a reference to the rule itself would make the key depend on the
 * rule (a cycle through the targets' roles and the key).
 */
export function ruleArnOf(scope: IConstruct, ruleName: string, eventBus?: events.IEventBus): string {
  return Stack.of(scope).formatArn({ service: 'events', resource: 'rule', resourceName: eventBus ? `${eventBus.eventBusName}/${ruleName}` : ruleName });
}

/**
 * Adds the key-policy statement letting EventBridge encrypt undeliverable events of one rule into a
 * queue under `key`. An imported key's policy is its owner's: a warning on `scope` says what to add.
 */
export function allowEventBridgeDeadLetters(scope: IConstruct, key: kms.IKey, ruleArn: string, sid: string, warningId: string): void {
  const { statementAdded } = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: sid.replace(/[^A-Za-z0-9]/g, '').slice(0, 100),
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // In a key policy "*" is the key itself.
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    }),
    /* allowNoOp */ true,
  );
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2(
      warningId,
      `The key ${key.node.path} is imported: its policy must let events.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey) for the rule of ${scope.node.path}, or undeliverable events are lost`,
    );
  }
}
