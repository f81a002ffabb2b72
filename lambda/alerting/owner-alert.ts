/**
 * Alerts Driftwatch itself raises for a model's owner, beside CloudWatch's alarms: a retraining whose
 * validation gates failed (and, as promotion lands, a shadow that is worse, a canary that rolled back).
 * They travel the same way as the alarms — published to the owner's SNS topic of their severity, read
 * by the owner's notifier, sent to PagerDuty and Slack by the same renderers — so an owner configures
 * one route for everything about their model.
 *
 * The SNS message is `MessageStructure: json` with two bodies: `default` (this JSON, what the
 * notifier and any HTTP/SQS subscriber read) and `email` (plain text for the topic's email
 * subscribers). Pure: no I/O.
 */
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';
import type { Incident } from './incident';
import type { Severity } from './subject';

export const OWNER_ALERT_FORMAT = 'driftwatch.owner-alert/v1';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

const ownerAlertSchema = z.looseObject({
  format: z.literal(OWNER_ALERT_FORMAT),
  /** Deterministic for the fact (`gates:<pipeline execution id>`): a republished alert is delivered once. */
  id: z.string().regex(ID, { message: 'expected 1-200 letters, digits and . _ : / -' }),
  env: z.string().regex(/^[a-z][a-z0-9]{0,9}$/, { message: 'expected the environment name (lower case, up to 10)' }),
  modelId: z.string().regex(/^[a-z][a-z0-9_]{0,127}$/, { message: 'expected a model id' }),
  /** What it is about, `<area>:<what>` (`retraining:gates`); part of the dedup key. */
  signal: z.string().regex(/^[a-z]+:[a-z0-9_.-]+$/, { message: 'expected <area>:<what>, e.g. retraining:gates' }),
  severity: z.enum(['warning', 'critical']),
  /** Short: `fraud: retraining gates failed`. */
  title: z.string().min(1).max(200),
  /** What failed, with values, thresholds and deltas; at most 1,024 characters (PagerDuty's limit). */
  summary: z.string().min(1).max(1024),
  at: z.iso.datetime({ offset: true }),
  links: z.array(z.object({ href: z.string().url(), text: z.string().min(1) })).max(10).default([]),
  /** Lines shown under the summary in Slack and as PagerDuty custom details (`check → result`). */
  facts: z.record(z.string(), z.string()).default({}),
});

export type OwnerAlert = z.infer<typeof ownerAlertSchema>;

export class OwnerAlertError extends Error {
  constructor(problems: readonly string[]) {
    super(`not a Driftwatch owner alert: ${problems.join('; ')}`);
    this.name = 'OwnerAlertError';
  }
}

/** Whether a notification's message is one of ours (the notifier tries it before CloudWatch's alarm schema). */
export function isOwnerAlert(message: unknown): boolean {
  if (typeof message === 'string') return message.includes(`"format":"${OWNER_ALERT_FORMAT}"`) || message.includes(`"format": "${OWNER_ALERT_FORMAT}"`);
  return message !== null && typeof message === 'object' && (message as { format?: unknown }).format === OWNER_ALERT_FORMAT;
}

/** Reads an owner alert (a JSON string or the object). @throws OwnerAlertError naming each bad field */
export function parseOwnerAlert(message: unknown): OwnerAlert {
  let value = message;
  if (typeof message === 'string') {
    try {
      value = JSON.parse(message);
    } catch (error) {
      throw new OwnerAlertError([`the message is not JSON (${(error as Error).message})`]);
    }
  }
  const parsed = ownerAlertSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new OwnerAlertError(formatZodIssues(parsed.error.issues));
  return parsed.data;
}

/** `env/model/all/signal`: the shape of the monitor's dedup keys, with no window. */
export function ownerAlertDedupKey(alert: Pick<OwnerAlert, 'env' | 'modelId' | 'signal'>): string {
  return `${alert.env}/${alert.modelId}/all/${alert.signal}`;
}

/** The alert as the PagerDuty and Slack renderers take it. */
export function ownerAlertIncident(alert: OwnerAlert): Incident {
  const severity: Severity = alert.severity;
  return {
    test: false,
    action: 'trigger',
    subject: { env: alert.env, modelId: alert.modelId, window: null, signal: alert.signal, severity, dedupKey: ownerAlertDedupKey(alert) },
    title: alert.title,
    summary: alert.summary,
    timestamp: new Date(alert.at).toISOString(),
    alarm: null,
    details: null,
    report: { status: 'none', uri: null, note: Object.entries(alert.facts).map(([k, v]) => `${k}: ${v}`).join('\n') || null },
    links: alert.links,
  };
}

/** The email body: the title, the summary, the facts and the links, as plain text. */
export function ownerAlertEmail(alert: OwnerAlert): string {
  const facts = Object.entries(alert.facts).map(([k, v]) => `  ${k}: ${v}`);
  const links = alert.links.map((l) => `  ${l.text}: ${l.href}`);
  return [alert.title, '', alert.summary, ...(facts.length ? ['', ...facts] : []), ...(links.length ? ['', ...links] : []), '', `${alert.env} / ${alert.modelId} / ${alert.signal} at ${alert.at}`].join('\n');
}

/** The SNS Publish input's message fields (`MessageStructure: json`). */
export function ownerAlertSnsMessage(alert: OwnerAlert): { readonly Subject: string; readonly Message: string; readonly MessageStructure: 'json' } {
  // SNS subjects: printable ASCII, no line breaks, under 100 characters.
  const subject = `Driftwatch ${alert.severity}: ${alert.title}`.replace(/[^\x20-\x7e]/g, ' ').slice(0, 99);
  return { Subject: subject, MessageStructure: 'json', Message: JSON.stringify({ default: JSON.stringify(alert), email: ownerAlertEmail(alert) }) };
}
