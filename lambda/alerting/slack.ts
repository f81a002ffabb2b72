/**
 * An incident as a Slack incoming-webhook body: `text` (the notification and fallback) plus Block
 * Kit `blocks` — a header (plain text, at most 150 characters), a section with the summary
 * (mrkdwn, at most 3,000), a section of fields (at most 10, each at most 2,000), the top features, a
 * context line (the alarm, the state change, the report) and an actions block with link buttons
 * (text at most 75 characters) to the report and the alarm in the AWS console. A resolve is a
 * shorter message of the same shape. Text is escaped as Slack asks (&, <, >). Pure: no I/O.
 */
import { clip, formatNumber, type Incident } from './incident';

export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | {
      readonly type: 'actions';
      readonly elements: readonly { readonly type: 'button'; readonly text: SlackText; readonly url: string; readonly action_id: string; readonly style?: 'primary' | 'danger' }[];
    };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's three control characters in mrkdwn. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text: clip(text, 3000) });

function icon(incident: Incident): string {
  if (incident.test) return ':test_tube:';
  if (incident.action === 'resolve') return ':white_check_mark:';
  return incident.subject.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:';
}

function heading(incident: Incident): string {
  if (incident.test) return 'Test';
  if (incident.action === 'resolve') return 'Resolved';
  return incident.subject.severity === 'critical' ? 'Critical' : 'Warning';
}

function fields(incident: Incident): SlackText[] {
  const { subject, details } = incident;
  const w = details?.window;
  const out: [string, string][] = [
    ['Model', `\`${subject.modelId}\``],
    ['Environment', subject.env],
    ['Window', w ? `${w.name} #${w.index}: ${w.start} – ${w.end} (${formatNumber(w.rows)} rows)` : (subject.window ?? 'all')],
    ['Signal', `\`${subject.signal}\``],
  ];
  const v = details?.value;
  if (v) {
    out.push([v.name.replace(/^./, (c) => c.toUpperCase()), formatNumber(v.value)]);
    if (v.threshold !== null) out.push(['Threshold', formatNumber(v.threshold)]);
    if (v.baseline !== null) out.push(['Baseline', formatNumber(v.baseline)]);
  }
  const own = details?.features.find((f) => `drift:${f.name}` === subject.signal);
  if (own?.since != null) out.push(['Since', String(own.since)]);
  return out.slice(0, 10).map(([k, value]) => mrkdwn(`*${escapeSlack(k)}*\n${escapeSlack(value)}`));
}

function featureList(incident: Incident): SlackBlock | null {
  const features = incident.details?.features ?? [];
  if (features.length === 0) return null;
  const lines = features.map(
    (f) =>
      `• \`${escapeSlack(f.name)}\` ${f.status} · PSI ${formatNumber(f.psi)}${f.threshold !== null ? ` (threshold ${formatNumber(f.threshold)})` : ''}` +
      `${f.since !== null ? ` · since ${escapeSlack(String(f.since))}` : ''} · impact ${formatNumber(f.impact)}`,
  );
  return { type: 'section', text: mrkdwn(`*Top features by impact*\n${lines.join('\n')}`) };
}

function context(incident: Incident): SlackBlock {
  const parts: string[] = [];
  const alarm = incident.alarm;
  if (alarm) parts.push(`Alarm \`${escapeSlack(alarm.name)}\` ${alarm.previousState} → ${alarm.state} at ${incident.timestamp}`);
  if (alarm && alarm.triggeredBy.length > 0) parts.push(`triggered by ${alarm.triggeredBy.map((n) => `\`${escapeSlack(n)}\``).join(', ')}`);
  if (incident.report.note) parts.push(escapeSlack(incident.report.note));
  parts.push(`dedup key \`${escapeSlack(incident.subject.dedupKey)}\``);
  return { type: 'context', elements: [mrkdwn(parts.join(' · '))] };
}

/** 'CloudWatch alarm dw-...' → 'Open the alarm'; 'Window report (HTML), ...' → 'Open the report (HTML), ...'. */
function buttonText(linkText: string): string {
  if (linkText.startsWith('CloudWatch alarm')) return 'Open the alarm';
  return linkText.replace(/^Window report/, 'Open the report').replace(/^Latest window report/, 'Open the latest report');
}

function actions(incident: Incident): SlackBlock | null {
  const buttons = incident.links.slice(0, 3).map((l, i) => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: clip(buttonText(l.text), 75) },
    url: l.href,
    action_id: `driftwatch_link_${i}`,
    ...(i === 0 && incident.action === 'trigger' && !incident.test ? { style: 'danger' as const } : {}),
  }));
  return buttons.length > 0 ? { type: 'actions', elements: buttons } : null;
}

/**
 * The incoming-webhook body for an incident (trigger, resolve or test).
 *
 * @example slackMessage(incident).text // ':red_circle: [CRITICAL] prod/fraud 1d: ...'
 */
export function slackMessage(incident: Incident): SlackMessage {
  const header: SlackBlock = { type: 'header', text: { type: 'plain_text', text: clip(`${heading(incident)}: ${incident.title} (${incident.subject.env})`, 150), emoji: true } };
  const blocks: (SlackBlock | null)[] = [header, { type: 'section', text: mrkdwn(escapeSlack(incident.summary)) }];
  if (incident.action === 'trigger') blocks.push({ type: 'section', fields: fields(incident) }, featureList(incident));
  blocks.push(context(incident), actions(incident));
  return { text: clip(`${icon(incident)} ${escapeSlack(incident.summary)}`, 3000), blocks: blocks.filter((b): b is SlackBlock => b !== null) };
}
