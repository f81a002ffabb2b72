/**
 * An incident as a PagerDuty Events API v2 event (POST https://events.pagerduty.com/v2/enqueue):
 * `routing_key`, `event_action` (trigger on ALARM, resolve on OK), `dedup_key` (the incident's
 * `env/model/window/signal`, at most 255 characters, shared by a trigger and its resolve),
 * `payload` {summary (at most 1,024 characters), source, severity (critical | error | warning | info),
 * timestamp, component (the model), group (the environment), class (the signal), custom_details},
 * `links` [{href, text}], `client`, `client_url`. A resolve carries only routing_key, event_action and
 * dedup_key, as PagerDuty documents it. Pure: no I/O.
 */
import { clip, type Incident } from './incident';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerDutyTrigger {
  readonly routing_key: string;
  readonly event_action: 'trigger';
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly timestamp: string;
    readonly component: string;
    readonly group: string;
    readonly class: string;
    readonly custom_details: Readonly<Record<string, unknown>>;
  };
  readonly links: readonly { readonly href: string; readonly text: string }[];
  readonly client: string;
  readonly client_url?: string;
}

export interface PagerDutyResolve {
  readonly routing_key: string;
  readonly event_action: 'resolve';
  readonly dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTrigger | PagerDutyResolve;

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

function customDetails(incident: Incident): Record<string, unknown> {
  const { subject, details, alarm, report } = incident;
  const out: Record<string, unknown> = {
    env: subject.env,
    model: subject.modelId,
    signal: subject.signal,
    window: details?.window ?? subject.window,
  };
  if (details?.value) out.metric = details.value;
  if (details && details.features.length > 0) {
    out.top_features = details.features.map((f) => ({ name: f.name, status: f.status, psi: f.psi, threshold: f.threshold, since: f.since, impact: f.impact }));
  }
  out.report = report.status === 'found' ? report.uri : report.note;
  if (alarm) {
    out.alarm = {
      name: alarm.name,
      state: alarm.state,
      previous_state: alarm.previousState,
      reason: alarm.reason,
      metric: alarm.metric,
      threshold: alarm.threshold,
      comparison: alarm.comparison,
      ...(alarm.triggeredBy.length > 0 ? { triggered_by: alarm.triggeredBy } : {}),
    };
  }
  return out;
}

/**
 * The Events API v2 body for an incident.
 *
 * @example pagerDutyEvent(incident, routingKey).dedup_key // 'prod/fraud/1d/drift:dataset'
 */
export function pagerDutyEvent(incident: Incident, routingKey: string, severity: PagerDutySeverity = incident.subject.severity): PagerDutyEvent {
  const { subject } = incident;
  if (incident.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: subject.dedupKey };
  const alarmLink = incident.links.find((l) => l.text.startsWith('CloudWatch alarm'));
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: subject.dedupKey,
    payload: {
      summary: clip(incident.summary, 1024),
      source: `driftwatch/${subject.env}/${subject.modelId}`,
      severity,
      timestamp: incident.timestamp,
      component: subject.modelId,
      group: subject.env,
      class: subject.signal,
      custom_details: customDetails(incident),
    },
    links: incident.links,
    client: 'Driftwatch',
    ...(alarmLink ? { client_url: alarmLink.href } : {}),
  };
}
