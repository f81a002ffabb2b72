/**
 * Where the alerts Driftwatch raises for a model's owner go (`lambda/alerting/owner-alert.ts`): the
 * owner's SNS topic in the cloud (`lambda/adapters/aws/sns-alert-sink.ts`, which the owner's notifier
 * reads), memory in tests.
 */
import type { OwnerAlert } from '../alerting/owner-alert';

export interface AlertSink {
  /** Publishes the alert. @throws Error naming where it could not be published and why */
  publish(alert: OwnerAlert): Promise<void>;
}
