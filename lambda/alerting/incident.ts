/**
 * One alarm state change as the owner should read it: what (model, signal, severity), how bad
 * (value, threshold, baseline, the top features), where (window, report and alarm links). The
 * PagerDuty event and the Slack message are two renderings of it (`pagerduty.ts`, `slack.ts`).
 * A report that is missing or unreadable leaves the page with what the alarm says, and the page
 * says so. Pure: no I/O.
 */
import { monitorKeys } from '../monitor/layout';
import { alarmRegion, stateChangeIso, triggerMetric, triggeringChildren, type AlarmNotification } from './alarm';
import { alarmConsoleUrl, s3ConsoleUrl } from './links';
import { reportDetails, type ReportDetails, type ReportView } from './report-details';
import type { AlarmAction, AlarmCause, AlarmSubject } from './subject';

/** What reading the window's latest report gave. */
export type ReportLookup =
  | { readonly status: 'found'; readonly key: string; readonly report: ReportView }
  | { readonly status: 'missing'; readonly key: string }
  | { readonly status: 'unreadable'; readonly key: string; readonly reason: string }
  | { readonly status: 'none'; readonly reason: string };

export interface IncidentAlarm {
  readonly name: string;
  readonly arn: string;
  readonly state: string;
  readonly previousState: string;
  readonly reason: string;
  readonly description: string | null;
  readonly metric: string | null;
  readonly threshold: number | null;
  readonly comparison: string | null;
  /** A composite alarm's triggering children. */
  readonly triggeredBy: readonly string[];
}

export interface Incident {
  readonly test: boolean;
  readonly action: AlarmAction;
  readonly subject: AlarmSubject;
  /** Short: `fraud: dataset drift`. */
  readonly title: string;
  /** At most 1,024 characters (PagerDuty's limit). */
  readonly summary: string;
  readonly timestamp: string;
  readonly alarm: IncidentAlarm | null;
  readonly details: ReportDetails | null;
  /** `found`, or why there are no details (`not found at s3://...`). */
  readonly report: { readonly status: ReportLookup['status']; readonly uri: string | null; readonly note: string | null };
  readonly links: readonly { readonly href: string; readonly text: string }[];
}

export interface IncidentContext {
  readonly bucket: string;
  /** Used when the alarm's ARN does not say (never: kept for test pages). */
  readonly region: string;
}

const LABELS: Readonly<Record<string, (name: string) => string>> = {
  drift: (n) => (n === 'dataset' ? 'dataset drift' : `drift of feature ${n}`),
  performance: (n) => `performance of ${n}`,
  concept: (n) => `concept drift (${n})`,
  traffic: () => 'no traffic',
  coverage: () => 'label coverage',
  monitor: () => 'monitor health',
  model: () => 'model status',
};

/** `drift:amount` → `drift of feature amount`. */
export function signalLabel(signal: string): string {
  const at = signal.indexOf(':');
  const kind = at < 0 ? signal : signal.slice(0, at);
  return LABELS[kind]?.(signal.slice(at + 1)) ?? signal;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(1) : Number(value.toPrecision(3)).toString();
}

/** Cuts `text` to `max` characters, ending with '…' when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function fromDetails(d: ReportDetails): string | null {
  const parts: string[] = [];
  if (d.value) {
    const v = d.value;
    parts.push(`${v.name} ${formatNumber(v.value)}${v.threshold !== null ? ` (threshold ${formatNumber(v.threshold)})` : ''}${v.baseline !== null ? ` (baseline ${formatNumber(v.baseline)})` : ''}`);
  }
  const drifting = d.features.filter((f) => f.status !== 'ok').slice(0, 3);
  if (drifting.length > 0) parts.push(`top features: ${drifting.map((f) => `${f.name} (PSI ${formatNumber(f.psi)})`).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

function reportNote(lookup: ReportLookup, uri: string | null): string | null {
  if (lookup.status === 'missing') return `report not found at ${uri}`;
  if (lookup.status === 'unreadable') return `report unreadable: ${lookup.reason}`;
  if (lookup.status === 'none') return lookup.reason;
  return null;
}

function summaryOf(alarm: AlarmNotification, subject: AlarmSubject, action: AlarmAction, details: ReportDetails | null, note: string | null, cause: AlarmCause | null): string {
  const where = `${subject.env}/${subject.modelId}${subject.window ? ` ${subject.window}` : ''}`;
  const label = signalLabel(subject.signal);
  if (action === 'resolve') return clip(`[RESOLVED] ${where}: ${label} back to OK (${alarm.NewStateReason})`, 1024);
  const own = details?.message?.replace(`model ${subject.modelId}: `, '');
  const fallback = (details && fromDetails(details)) ?? alarm.NewStateReason;
  const what = cause
    ? `${label} ${subject.severity}, set off by ${cause.alarmName}${cause.window ? ` (${cause.window} window)` : ''}: ${own ?? `${signalLabel(cause.signal)}: ${fallback}`}`
    : (own ?? `${label} ${subject.severity}: ${fallback}`);
  return clip(`[${subject.severity.toUpperCase()}] ${where}: ${what}${note ? ` (${note})` : ''}`, 1024);
}

function incidentAlarm(alarm: AlarmNotification): IncidentAlarm {
  const t = alarm.Trigger;
  return {
    name: alarm.AlarmName,
    arn: alarm.AlarmArn,
    state: alarm.NewStateValue,
    previousState: alarm.OldStateValue,
    reason: alarm.NewStateReason,
    description: alarm.AlarmDescription ?? null,
    metric: t ? (triggerMetric(t)?.name ?? null) : null,
    threshold: t?.Threshold ?? null,
    comparison: t?.ComparisonOperator ?? null,
    triggeredBy: triggeringChildren(alarm),
  };
}

function htmlReportKey(report: ReportView): string | null {
  const start = new Date(String(report.judged.start));
  try {
    return Number.isFinite(start.getTime()) ? monitorKeys.report(report.modelId, report.window, start, 'html') : null;
  } catch {
    return null;
  }
}

function linksOf(lookup: ReportLookup, alarm: AlarmNotification, region: string, bucket: string) {
  const links: { href: string; text: string }[] = [];
  if (lookup.status === 'found') {
    const html = htmlReportKey(lookup.report);
    if (html) links.push({ href: s3ConsoleUrl(region, bucket, html), text: `Window report (HTML), ${lookup.report.window} window ${lookup.report.judged.index}` });
    links.push({ href: s3ConsoleUrl(region, bucket, lookup.key), text: 'Latest window report (JSON)' });
  }
  links.push({ href: alarmConsoleUrl(region, alarm.AlarmName), text: `CloudWatch alarm ${alarm.AlarmName}` });
  return links;
}

/**
 * The incident of an alarm state change, enriched from the report lookup. A composite alarm's
 * `cause` (its triggering child) picks the signal the details and the summary speak of.
 */
export function buildIncident(alarm: AlarmNotification, subject: AlarmSubject, action: AlarmAction, lookup: ReportLookup, ctx: IncidentContext, cause: AlarmCause | null = null): Incident {
  const region = alarmRegion(alarm) || ctx.region;
  const details = lookup.status === 'found' ? reportDetails(lookup.report, cause?.signal ?? subject.signal, subject.severity) : null;
  const uri = lookup.status === 'none' ? null : `s3://${ctx.bucket}/${lookup.key}`;
  const note = reportNote(lookup, uri);
  return {
    test: false,
    action,
    subject,
    title: `${subject.modelId}: ${signalLabel(subject.signal)}`,
    summary: summaryOf(alarm, subject, action, details, note, cause),
    timestamp: stateChangeIso(alarm),
    alarm: incidentAlarm(alarm),
    details,
    report: { status: lookup.status, uri, note },
    links: linksOf(lookup, alarm, region, ctx.bucket),
  };
}
