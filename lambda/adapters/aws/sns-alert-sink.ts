/**
 * The owner's SNS topic as an `AlertSink`: one Publish per alert with `MessageStructure: json`, so the
 * notifier (and any HTTP or SQS subscriber) reads the alert's JSON and the email subscribers a plain
 * text (`ownerAlertSnsMessage`). The SDK retries throttling itself.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ownerAlertSnsMessage, type OwnerAlert } from '../../alerting/owner-alert';
import type { AlertSink } from '../../ports/alert-sink';

export class SnsAlertSink implements AlertSink {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: OwnerAlert): Promise<void> {
    try {
      await this.client.send(new PublishCommand({ TopicArn: this.topicArn, ...ownerAlertSnsMessage(alert) }));
    } catch (error) {
      const e = error as Error;
      throw new Error(`could not publish the owner alert ${alert.id} to ${this.topicArn}: ${e.name}: ${e.message}`);
    }
  }
}
