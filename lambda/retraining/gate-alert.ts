/**
 * The owner's alert of a candidate that failed its validation gates: which checks failed, with the
 * value, the threshold and the delta of each (the gate engine's messages), and where the full report
 * is. Pure: no I/O. Its id is the pipeline execution's, so a repeated gate step alerts once.
 */
import type { GateReport } from '../core/gates';
import { s3ConsoleUrl } from '../alerting/links';
import { OWNER_ALERT_FORMAT, type OwnerAlert } from '../alerting/owner-alert';

export interface GateAlertContext {
  readonly env: string;
  readonly modelId: string;
  readonly executionId: string;
  readonly region: string;
  readonly bucket: string;
  /** The gate report's key in the data bucket (the ledger's `gates/<execution>.json`). */
  readonly reportKey: string;
  /** The champion the candidate was compared with (`none`). */
  readonly champion: string;
  readonly at: Date;
}

const MAX_SUMMARY = 1024;
const MAX_FACTS = 20;

/** The alert of a failed gate report; null when the report passed (nothing to tell the owner). */
export function gateFailureAlert(report: GateReport, ctx: GateAlertContext): OwnerAlert | null {
  if (report.verdict === 'pass') return null;
  const failures = report.failures.map((f) => f.message);
  const head = `The retraining candidate of ${ctx.modelId} (${ctx.env}, pipeline execution ${ctx.executionId}) failed ${failures.length} of its validation gates and was not registered. `;
  const summary = `${head}${failures.join('; ')}`;
  const facts: Record<string, string> = {};
  for (const f of report.failures.slice(0, MAX_FACTS)) facts[f.id] = f.message;
  if (report.failures.length > MAX_FACTS) facts['…'] = `${report.failures.length - MAX_FACTS} more in the gate report`;
  facts.champion = ctx.champion;
  return {
    format: OWNER_ALERT_FORMAT,
    id: `gates:${ctx.executionId}`.replace(/[^A-Za-z0-9._:/-]/g, '-').slice(0, 200),
    env: ctx.env,
    modelId: ctx.modelId,
    signal: 'retraining:gates',
    severity: 'warning',
    title: `${ctx.modelId}: retraining candidate failed its gates`,
    summary: summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary,
    at: ctx.at.toISOString(),
    links: [{ href: s3ConsoleUrl(ctx.region, ctx.bucket, ctx.reportKey), text: 'Gate report (S3 console)' }],
    facts,
  };
}
