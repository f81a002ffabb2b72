/**
 * An EventBridge rule on moto_server whose target is an SQS queue standing in for the real target
 * (moto's EventBridge delivers to SQS, not to Lambda or Step Functions): put events, then read what
 * the rule let through.
 */
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { motoClientConfig } from './moto';

export interface RuleToQueue {
  /** Puts the events and returns the bodies the rule delivered, parsed. */
  deliver(entries: PutEventsRequestEntry[]): Promise<Record<string, any>[]>;
  destroy(): void;
}

export async function ruleToQueue(endpoint: string, ruleName: string, eventPattern: unknown): Promise<RuleToQueue> {
  const events = new EventBridgeClient(motoClientConfig(endpoint));
  const sqs = new SQSClient(motoClientConfig(endpoint));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${ruleName}-target` }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify(eventPattern) }));
  await events.send(new PutTargetsCommand({ Rule: ruleName, Targets: [{ Id: 'target', Arn: queueArn }] }));
  return {
    async deliver(entries) {
      await events.send(new PutEventsCommand({ Entries: entries }));
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      return (received.Messages ?? []).map((m) => JSON.parse(m.Body!));
    },
    destroy() {
      events.destroy();
      sqs.destroy();
    },
  };
}
