/**
 * Links a page carries and the keys the notifier keeps. Links open the AWS console, where the
 * owner's own credentials decide — never a public or pre-signed object. Pure: no I/O.
 */
import { createHash } from 'node:crypto';

/** The S3 console page of one object. @example s3ConsoleUrl('eu-west-1', 'b', 'monitor/m/reports/1d/latest.json') */
export function s3ConsoleUrl(region: string, bucket: string, key: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?prefix=${encodeURIComponent(key)}`;
}

/** The CloudWatch console page of one alarm. */
export function alarmConsoleUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

export type Channel = 'pagerduty' | 'slack';

/** Where the notifier records what it sent, under the data bucket. */
export const ALERTING_PREFIX = 'alerting/';

/** Where the delivery records of a model's alarms are kept (IAM scoping). */
export function sentRoot(modelId: string): string {
  return `${ALERTING_PREFIX}${modelId}/sent/`;
}

/**
 * The delivery record of one alarm state change on one channel:
 * `alerting/<model>/sent/<alarm>-<hash>/<StateChangeTime>-<state>-<channel>.json`.
 * The alarm name is kept readable (other characters become `_`) and the hash of the alarm's ARN
 * keeps two alarms apart whose names differ only in such characters. `modelId` is a validated id.
 *
 * @example sentKey('fraud', 'arn:...:alarm:dw-prod-fraud-drift-Critical', 'dw-prod-fraud-drift-Critical', '2026-11-25T12:20:03.123Z', 'ALARM', 'pagerduty')
 *   // 'alerting/fraud/sent/dw-prod-fraud-drift-Critical-1a2b3c4d/2026-11-25T122003.123Z-ALARM-pagerduty.json'
 */
export function sentKey(modelId: string, alarmArn: string, alarmName: string, stateChangeIso: string, state: string, channel: Channel): string {
  const readable = alarmName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  const hash = createHash('sha256').update(alarmArn).digest('hex').slice(0, 8);
  return `${sentRoot(modelId)}${readable}-${hash}/${stateChangeIso.replace(/:/g, '')}-${state}-${channel}.json`;
}

/**
 * The delivery record of one owner alert (`owner-alert.ts`) on one channel:
 * `alerting/<model>/sent/owner-alerts/<alert id>-<channel>.json` (the id's other characters become `_`).
 * @example ownerAlertSentKey('fraud', 'gates:exec-1', 'slack') // 'alerting/fraud/sent/owner-alerts/gates_exec-1-slack.json'
 */
export function ownerAlertSentKey(modelId: string, alertId: string, channel: Channel): string {
  return `${sentRoot(modelId)}owner-alerts/${alertId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}-${channel}.json`;
}
