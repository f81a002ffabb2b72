/**
 * The notifier Lambda: CloudWatch alarm notifications from an owner's SNS topics → PagerDuty
 * Events API v2 and Slack, enriched from the monitor's latest window report; and the alerts
 * Driftwatch raises itself on the same topics (a failed retraining gate: `alerting/owner-alert.ts`),
 * delivered once per alert id under `alerting/<model>/sent/owner-alerts/`. One per owner.
 *
 * Contract for the construct:
 * - Environment: `AWS_REGION` (Lambda's), `DW_BUCKET` (the data bucket: reports are read from
 *   `monitor/<model>/reports/<window>/latest.json`, delivery records written under
 *   `alerting/<model>/sent/`), `DW_ENV` (the environment, when an alarm's metric has no Env),
 *   `DW_PAGERDUTY_SECRET` and `DW_SLACK_SECRET` (the owner's secret NAMES; their values — the routing
 *   key, the webhook URL — are read from Secrets Manager at run time, cached 5 minutes), optional
 *   `DW_PAGERDUTY_URL` (default https://events.pagerduty.com/v2/enqueue), `DW_ROUTES` (JSON
 *   `{"<topic ARN>": ["pagerduty"|"slack", ...]}`, the owner's channels per topic; a topic not listed:
 *   Critical → both, Warning → Slack),
 *   `DW_DEFAULT_WINDOW` (the report of a window-less alarm, default `1d`), `DW_KMS_KEY_ID`,
 *   `POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL`.
 * - Event: the SNS → Lambda event (`Records[].Sns.Message` = the alarm notification as CloudWatch
 *   sends it), or SQS records whose body is the SNS notification (or the raw alarm JSON).
 * - Permissions: `s3:GetObject` on `monitor/<model>/reports/*`, `s3:GetObject` + `s3:PutObject` on
 *   `alerting/<model>/sent/*`, `secretsmanager:GetSecretValue` on the two secrets (and KMS decrypt
 *   of their keys), outbound HTTPS. Timeout: 60 s (each channel sends within 20 s, in parallel).
 * - Failures: every record is tried on each of its routed channels; if any channel of any record could not be
 *   delivered, an SNS (asynchronous) invocation THROWS an error listing each failure with its
 *   reason (`pagerduty for dw-prod-fraud-drift-Critical ALARM (prod/fraud/1d/drift:dataset):
 *   PagerDuty Events API: answered 400 ...`), so Lambda retries it twice and then hands it to the
 *   on-failure destination / dead-letter queue with that message (`responsePayload.errorMessage`).
 *   Retries re-send only what was not delivered (delivery records). An SQS invocation returns
 *   `{ batchItemFailures }` instead (enable ReportBatchItemFailures; the queue's redrive policy
 *   dead-letters them; reasons are in the log).
 * - Returns `{ delivered: [...outcomes] }` when everything was delivered.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { deliverAlarm, deliveryFailures, type DeliveryOutcome } from '../notifier/deliver';
import { notifierInput } from '../notifier/records';
import { notifierPorts, notifierSettings } from '../notifier/settings';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-notifier' });

let built: { settings: ReturnType<typeof notifierSettings>; ports: ReturnType<typeof notifierPorts> } | undefined;
function notifier() {
  if (!built) {
    const settings = notifierSettings(process.env);
    built = { settings, ports: notifierPorts(process.env, settings) };
  }
  return built;
}

/** Forgets the clients and settings (tests that change the environment). */
export function resetNotifier(): void {
  built = undefined;
}

export const handler = async (event: unknown): Promise<{ delivered: DeliveryOutcome[] } | { batchItemFailures: { itemIdentifier: string }[] }> => {
  const { settings, ports } = notifier();
  const input = notifierInput(event);
  const outcomes = await Promise.all(input.deliveries.map((d) => deliverAlarm(ports, settings, d)));
  for (const o of outcomes) logger.info('alarm notification', { ...o });
  const failed = outcomes.filter((o) => deliveryFailures(o).length > 0);
  if (failed.length === 0) return { delivered: outcomes };
  const reasons = failed.flatMap(deliveryFailures);
  logger.error('undelivered', { reasons });
  if (input.source === 'sqs') return { batchItemFailures: failed.map((o) => ({ itemIdentifier: o.id })) };
  throw new Error(`notifier: ${reasons.length} undelivered: ${reasons.join(' | ')}`);
};
