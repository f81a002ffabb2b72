/**
 * The promotion facts the model's owner hears about, not only reads in the ledger: a shadow comparison's
 * verdict (with its figures: the "recorded and sent to the owner"), a promotion, a rollback on
 * request and a canary rolled back by its alarms; and a retraining execution that failed (published by
 * the pipeline-outcome Lambda, `lambda/retraining/record-outcome.ts`, not through NotifyingLedger). Each is an owner alert (`alerting/owner-alert.ts`) on
 * the owner's warning topic, which the owner's notifier sends on to Slack (and email subscribers read).
 *
 * `NotifyingLedger` wraps the ledger port, as the MLflow mirror does: an entry is appended first, then
 * announced; a repeated append (a retried step) announces again under the same alert id, which the
 * notifier delivers once, so an announcement that failed is made on the retry. A failed publish throws
 * after the entry is in the ledger, so the step fails and Step Functions retries it.
 */
import { OWNER_ALERT_FORMAT, type OwnerAlert } from '../alerting/owner-alert';
import type { AlertSink } from '../ports/alert-sink';
import type { AppendResult, HistoryQuery, LedgerEntry, PromotionLedger } from './ledger';

/** What the owner is told of an entry, or null for the entries that stay in the ledger only. */
export function ownerNotice(entry: LedgerEntry): { readonly title: string; readonly signal: string } | null {
  const v = entry.subject.version ?? '?';
  const c = entry.subject.championVersion ?? '?';
  if (entry.kind === 'execution' && entry.outcome === 'failed') {
    const step = typeof entry.details?.failedStep === 'string' ? ` in step ${entry.details.failedStep}` : '';
    return { title: `${entry.modelId}: retraining pipeline failed${step}`, signal: 'retraining:execution' };
  }
  if (entry.kind === 'shadow-comparison') return { title: `${entry.modelId}: shadow comparison ${entry.outcome} (candidate ${v} against champion ${c})`, signal: 'promotion:shadow-comparison' };
  if (entry.kind === 'promotion' && entry.outcome === 'promoted') return { title: `${entry.modelId}: version ${v} promoted (last known good ${c})`, signal: 'promotion:promoted' };
  if (entry.kind === 'rollback' && entry.outcome === 'rolled-back') return { title: `${entry.modelId}: rolled back to version ${v}`, signal: 'promotion:rollback' };
  if (entry.kind === 'rollback' && entry.outcome === 'canary-rolled-back') return { title: `${entry.modelId}: the canary of version ${v} was rolled back by its alarms`, signal: 'promotion:canary' };
  return null;
}

/** The owner alert of an entry (id `ledger:<entry id>`: one delivery however often it is published). Pure. */
export function ownerAlertOf(entry: LedgerEntry): OwnerAlert | null {
  const notice = ownerNotice(entry);
  if (notice === null) return null;
  const facts: Record<string, string> = { by: `${entry.actor.id} (${entry.actor.type})` };
  for (const [k, value] of Object.entries(entry.metrics)) facts[k] = String(value);
  const summary = entry.reason.slice(0, 1024);
  return {
    format: OWNER_ALERT_FORMAT,
    id: `ledger:${entry.id}`.replace(/[^A-Za-z0-9._:/-]/g, '-').slice(0, 200),
    env: entry.env,
    modelId: entry.modelId,
    signal: notice.signal,
    severity: 'warning',
    title: notice.title.slice(0, 200),
    summary: summary.length > 0 ? summary : notice.title,
    at: entry.at,
    links: [],
    facts,
  };
}

export class NotifyingLedger implements PromotionLedger {
  constructor(
    private readonly inner: PromotionLedger,
    private readonly alerts: AlertSink,
  ) {}

  async append(entry: LedgerEntry): Promise<AppendResult> {
    const result = await this.inner.append(entry);
    const alert = ownerAlertOf(entry);
    if (alert) {
      try {
        await this.alerts.publish(alert);
      } catch (error) {
        throw new Error(`ledger entry ${entry.id} is recorded, but the owner could not be told: ${(error as Error).message}`);
      }
    }
    return result;
  }

  history(modelId: string, query?: HistoryQuery): Promise<LedgerEntry[]> {
    return this.inner.history(modelId, query);
  }

  entry(modelId: string, id: string): Promise<LedgerEntry | undefined> {
    return this.inner.entry(modelId, id);
  }
}
