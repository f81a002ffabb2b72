/**
 * One notification, delivered: a CloudWatch alarm's or an alert Driftwatch raised for the owner
 * (`alerting/owner-alert.ts`, a failed retraining gate). For an alarm: parse it, read the window's latest report, build the incident,
 * and send it to each routed channel independently — one channel's failure (a missing secret,
 * PagerDuty down) never keeps the other from being sent. Each channel's delivery is claimed first,
 * so one state change pages once (`claims.ts`). Written against ports, so tests and the handler
 * share it.
 */
import type { HttpPostOptions, HttpSender } from '../adapters/aws/http-sender';
import type { SecretSource } from '../adapters/aws/secrets';
import { parseAlarmNotification, stateChangeIso, type AlarmNotification } from '../alerting/alarm';
import { buildIncident, type Incident, type ReportLookup } from '../alerting/incident';
import { ownerAlertSentKey, sentKey, type Channel } from '../alerting/links';
import { isOwnerAlert, ownerAlertIncident, parseOwnerAlert, type OwnerAlert } from '../alerting/owner-alert';
import { pagerDutyEvent } from '../alerting/pagerduty';
import { parseReportView } from '../alerting/report-details';
import { channelsFor, skipReason, type Routes } from '../alerting/routes';
import { slackMessage } from '../alerting/slack';
import { alarmAction, alarmCause, alarmSubject, type AlarmSubject } from '../alerting/subject';
import { monitorKeys } from '../monitor/layout';
import type { Clock, ObjectStore } from '../ports';
import { claimDelivery, DELIVERY_FORMAT, finishDelivery, type DeliveryRecord } from './claims';
import type { AlarmDelivery } from './records';

export interface NotifierPorts {
  readonly store: ObjectStore;
  readonly secrets: SecretSource;
  readonly http: HttpSender;
  readonly clock: Clock;
}

export interface NotifierSettings {
  readonly env: string | undefined;
  readonly bucket: string;
  readonly region: string;
  /** Secret names (not values); null when not configured. */
  readonly pagerDutySecret: string | null;
  readonly slackSecret: string | null;
  readonly pagerDutyUrl: string;
  readonly routes: Routes;
  /** The report window of an alarm that watches no single window. */
  readonly defaultWindow: string;
  readonly http?: Omit<HttpPostOptions, 'name'>;
}

export interface ChannelOutcome {
  readonly channel: Channel;
  readonly status: 'sent' | 'already sent' | 'skipped' | 'failed';
  readonly detail: string;
}

export interface DeliveryOutcome {
  readonly id: string;
  readonly alarm: string | null;
  readonly state: string | null;
  readonly dedupKey: string | null;
  readonly channels: readonly ChannelOutcome[];
  /** Why the notification could not be delivered at all (not an alarm, no model). */
  readonly error?: string;
  readonly warnings: readonly string[];
}

async function readReport(store: ObjectStore, modelId: string, window: string): Promise<ReportLookup> {
  let key: string;
  try {
    key = monitorKeys.latestReport(modelId, window);
  } catch (error) {
    return { status: 'none', reason: `no report for window ${JSON.stringify(window)}: ${(error as Error).message}` };
  }
  try {
    const stored = await store.getJson(key);
    if (stored === null) return { status: 'missing', key };
    return { status: 'found', key, report: parseReportView(stored.value, key) };
  } catch (error) {
    return { status: 'unreadable', key, reason: (error as Error).message };
  }
}

async function send(ports: NotifierPorts, settings: NotifierSettings, channel: Channel, incident: Incident) {
  const secretName = channel === 'pagerduty' ? settings.pagerDutySecret : settings.slackSecret;
  if (secretName === null) throw new Error(`routed to ${channel} but ${channel === 'pagerduty' ? 'DW_PAGERDUTY_SECRET' : 'DW_SLACK_SECRET'} names no secret`);
  const secret = await ports.secrets.get(secretName);
  if (channel === 'pagerduty') {
    return ports.http.postJson(settings.pagerDutyUrl, pagerDutyEvent(incident, secret), { ...settings.http, name: 'PagerDuty Events API' });
  }
  if (!/^https?:\/\/[^\s]+$/.test(secret)) throw new Error(`secret ${secretName}: does not hold a Slack webhook URL (https://hooks.slack.com/services/...)`);
  return ports.http.postJson(secret, slackMessage(incident), { ...settings.http, name: 'Slack webhook' });
}

/** One notification on its way, whatever raised it: the incident and how its delivery is recorded. */
interface Delivering {
  readonly delivery: AlarmDelivery;
  readonly incident: Incident;
  /** What the delivery record names: the alarm (or the owner alert), the state, when it changed. */
  readonly what: { readonly alarm: string; readonly state: string; readonly stateChangeTime: string };
  /** The delivery record's key on one channel (one state change pages once). */
  readonly keyFor: (channel: Channel) => string;
  /** Why a routed channel is left out, or null to send. */
  readonly skip: (channel: Channel) => string | null;
}

async function deliverChannel(ports: NotifierPorts, settings: NotifierSettings, channel: Channel, d: Delivering, warnings: string[]): Promise<ChannelOutcome> {
  const skip = d.skip(channel);
  if (skip) return { channel, status: 'skipped', detail: skip };
  const { incident } = d;
  const key = d.keyFor(channel);
  const base = { format: DELIVERY_FORMAT, ...d.what, channel, dedupKey: incident.subject.dedupKey, messageId: d.delivery.id };
  const record = (status: DeliveryRecord['status'], reason?: string): DeliveryRecord => ({ ...base, status, at: ports.clock.now().toISOString(), ...(reason ? { reason } : {}) });
  const claim = await claimDelivery(ports.store, key, record('sending'), ports.clock.now());
  if (claim.kind === 'done') return { channel, status: 'already sent', detail: `this state change was delivered at ${claim.at} (${key})` };
  if (claim.kind === 'busy') return { channel, status: 'failed', detail: `another invocation has been sending it since ${claim.since}; retry later (${key})` };
  if (claim.kind === 'unrecorded') warnings.push(`${channel}: sent without a delivery record (${claim.reason})`);
  const etag = claim.kind === 'claimed' ? claim.etag : null;
  try {
    const answer = await send(ports, settings, channel, incident);
    const problem = etag === null ? null : await finishDelivery(ports.store, key, etag, record('sent'));
    if (problem) warnings.push(problem);
    return { channel, status: 'sent', detail: `answered ${answer.status} after ${answer.attempts} attempt(s)` };
  } catch (error) {
    const reason = (error as Error).message;
    const problem = etag === null ? null : await finishDelivery(ports.store, key, etag, record('failed', reason));
    if (problem) warnings.push(problem);
    return { channel, status: 'failed', detail: reason };
  }
}

/** Sends one incident to each of its routed channels, independently. */
async function deliverIncident(ports: NotifierPorts, settings: NotifierSettings, d: Delivering, warnings: string[]): Promise<ChannelOutcome[]> {
  const channels = channelsFor(d.incident.subject.severity, d.delivery.topicArn, settings.routes);
  return Promise.all(channels.map((c) => deliverChannel(ports, settings, c, d, warnings)));
}

/** An alert Driftwatch raised itself (`alerting/owner-alert.ts`): no report to read, delivered once per alert id. */
async function deliverOwnerAlert(ports: NotifierPorts, settings: NotifierSettings, delivery: AlarmDelivery): Promise<DeliveryOutcome> {
  const warnings: string[] = [];
  let alert: OwnerAlert;
  try {
    alert = parseOwnerAlert(delivery.message);
  } catch (error) {
    return { id: delivery.id, alarm: null, state: null, dedupKey: null, channels: [], error: (error as Error).message, warnings };
  }
  const incident = ownerAlertIncident(alert);
  const name = `owner-alert ${alert.id}`;
  const channels = await deliverIncident(
    ports,
    settings,
    { delivery, incident, what: { alarm: name, state: 'ALERT', stateChangeTime: incident.timestamp }, keyFor: (c) => ownerAlertSentKey(alert.modelId, alert.id, c), skip: () => null },
    warnings,
  );
  return { id: delivery.id, alarm: name, state: 'ALERT', dedupKey: incident.subject.dedupKey, channels, warnings };
}

/** Delivers one notification to its channels. Never throws: failures are in the outcome. */
export async function deliverAlarm(ports: NotifierPorts, settings: NotifierSettings, delivery: AlarmDelivery): Promise<DeliveryOutcome> {
  if (isOwnerAlert(delivery.message)) return deliverOwnerAlert(ports, settings, delivery);
  const warnings: string[] = [];
  let alarm: AlarmNotification;
  let subject: AlarmSubject;
  try {
    alarm = parseAlarmNotification(delivery.message);
    subject = alarmSubject(alarm, settings.env);
  } catch (error) {
    return { id: delivery.id, alarm: null, state: null, dedupKey: null, channels: [], error: (error as Error).message, warnings };
  }
  const head = { id: delivery.id, alarm: alarm.AlarmName, state: alarm.NewStateValue, dedupKey: subject.dedupKey, warnings };
  const action = alarmAction(alarm);
  if (action === null) return { ...head, channels: [] };
  const cause = alarmCause(alarm);
  const lookup = await readReport(ports.store, subject.modelId, cause?.window ?? subject.window ?? settings.defaultWindow);
  const incident = buildIncident(alarm, subject, action, lookup, { bucket: settings.bucket, region: settings.region }, cause);
  const time = stateChangeIso(alarm);
  const channels = await deliverIncident(
    ports,
    settings,
    {
      delivery,
      incident,
      what: { alarm: alarm.AlarmName, state: alarm.NewStateValue, stateChangeTime: time },
      keyFor: (c) => sentKey(subject.modelId, alarm.AlarmArn, alarm.AlarmName, time, alarm.NewStateValue, c),
      skip: (c) => skipReason(c, action, alarm),
    },
    warnings,
  );
  return { ...head, channels };
}

/** One line per failed delivery: what, where, why. */
export function deliveryFailures(outcome: DeliveryOutcome): string[] {
  if (outcome.error) return [`message ${outcome.id}: ${outcome.error}`];
  return outcome.channels.filter((c) => c.status === 'failed').map((c) => `${c.channel} for ${outcome.alarm} ${outcome.state} (${outcome.dedupKey}): ${c.detail}`);
}
