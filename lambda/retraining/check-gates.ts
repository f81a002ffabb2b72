/**
 * The pipeline's gate step (a SageMaker Lambda step): reads the evaluation step's `evaluation.json`,
 * runs the gate engine, keeps the report in the ledger and beside the evaluation, alerts the owner
 * of a failure (through the owner's SNS topic and notifier, `gate-alert.ts`), writes the
 * candidate's metrics as the ModelMetrics statistics RegisterModel attaches, and returns the
 * verdict as the step's output parameters:
 *
 * | output | type | value |
 * |---|---|---|
 * | `verdict` | String | `pass` or `fail` |
 * | `failed` | String | the failed checks with their value, threshold and delta (`none` when passed); the Fail step's message |
 * | `summary` | String | one line for the owner |
 * | `champion` | String | the champion the candidate was compared with (`none`) |
 * | `gateReportUri` | String | the report in the ledger |
 */
import type { ObjectStore } from '../ports/object-store';
import type { Clock } from '../ports/clock';
import { evaluateGates, parseEvaluation, type Gate, type GateReport } from '../core/gates';
import type { AlertSink } from '../ports/alert-sink';
import { LEDGER_ENTRY_FORMAT, type LedgerEntry, type PromotionLedger } from '../promotion/ledger';
import { gateFailureAlert } from './gate-alert';
import { GATE_REPORT_FORMAT, ledgerKeys } from './ledger';

export interface GateStepInput {
  /** The evaluation step's output prefix (`s3://bucket/.../evaluation`), holding evaluation.json. */
  readonly evaluationUri: string;
  readonly executionId: string;
}

export interface GateStepOutput {
  readonly verdict: 'pass' | 'fail';
  readonly failed: string;
  readonly summary: string;
  readonly champion: string;
  readonly gateReportUri: string;
}

/** The file the evaluation step writes, and the statistics file this step writes beside it. */
export const EVALUATION_FILE = 'evaluation.json';
export const MODEL_QUALITY_FILE = 'model-quality.json';

/** SageMaker's messages stop at a few thousand characters; the Fail step's is kept under this. */
const MAX_MESSAGE = 1500;

/** `s3://bucket/prefix/` → `prefix` (no trailing slash), checking the bucket. @throws naming both buckets */
export function keyPrefixOf(uri: string, bucket: string): string {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`the gate step's evaluationUri ${JSON.stringify(uri)} is not an s3:// URI`);
  if (m[1] !== bucket) throw new Error(`the gate step reads the data bucket ${bucket}, but evaluationUri names bucket ${m[1]} (${uri})`);
  return m[2].replace(/\/+$/, '');
}

/**
 * The candidate's metrics as model-quality statistics (`{"<task>_metrics": {name: {value,
 * standard_deviation}}}`), the shape SageMaker Studio shows for a model package's ModelMetrics.
 */
export function modelQualityStatistics(task: string, metrics: Readonly<Record<string, number>>): Record<string, unknown> {
  return { [`${task}_metrics`]: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { value: v, standard_deviation: 'NaN' }])) };
}

/** The failed checks as the Fail step says them. */
export function failedText(report: GateReport): string {
  if (report.verdict === 'pass') return 'none';
  const text = `gates failed: ${report.failures.map((f) => `${f.check}: ${f.message}`).join('; ')}`;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 3)}...` : text;
}

/** The gates' verdict as the promotion ledger keeps it: one entry per execution, each check's value as a metric. */
export function gateLedgerEntry(settings: GateStepSettings, executionId: string, report: GateReport, champion: string, reportUri: string, at: Date): LedgerEntry {
  const metrics: Record<string, number> = {};
  for (const r of report.results) if (r.value !== null) metrics[r.id] = r.value;
  return {
    format: LEDGER_ENTRY_FORMAT,
    env: settings.env,
    modelId: settings.modelId,
    id: `gates:${executionId}`,
    at: at.toISOString(),
    kind: 'gates',
    actor: { type: 'system', id: 'retraining/gate-step' },
    outcome: report.verdict,
    reason: report.summary,
    // The step knows the execution's id, not its ARN (the subject's field): the id goes in the details.
    subject: champion !== 'none' ? { championVersion: champion } : {},
    metrics,
    details: { executionId, report: reportUri, failed: report.failures.map((f) => f.message) },
  };
}

export interface GateStepSettings {
  readonly env: string;
  readonly modelId: string;
  readonly task: string;
  readonly bucket: string;
  readonly region: string;
  readonly gates: readonly Gate[];
}

/**
 * Runs the gates on the execution's evaluation. A failed report is kept first, then the owner is
 * alerted (`alerts`, the owner's topic); an alert that cannot be published fails the step with both
 * the gates' verdict and the reason, so the execution fails visibly instead of silently.
 */
export async function runGateStep(
  ports: { readonly store: ObjectStore; readonly clock: Clock; readonly alerts?: AlertSink; readonly ledger?: PromotionLedger },
  settings: GateStepSettings,
  input: GateStepInput,
): Promise<GateStepOutput> {
  const prefix = keyPrefixOf(input.evaluationUri, settings.bucket);
  const evaluationKey = `${prefix}/${EVALUATION_FILE}`;
  const stored = await ports.store.getJson(evaluationKey);
  if (stored === null) throw new Error(`no ${EVALUATION_FILE} at ${ports.store.uri(evaluationKey)}: the evaluation step must write it (format driftwatch.evaluation/v1)`);
  const evaluation = parseEvaluation(stored.value, ports.store.uri(evaluationKey));
  const report = evaluateGates(evaluation, settings.gates);
  const champion = evaluation.champion?.modelPackageArn ?? evaluation.champion?.version ?? 'none';
  const reportKey = ledgerKeys(settings.modelId).gates(input.executionId);
  await ports.store.putJson(reportKey, {
    format: GATE_REPORT_FORMAT,
    modelId: settings.modelId,
    executionId: input.executionId,
    evaluationUri: ports.store.uri(evaluationKey),
    decidedAt: ports.clock.now().toISOString(),
    champion,
    ...report,
  });
  await ports.store.putJson(`${prefix}/${MODEL_QUALITY_FILE}`, modelQualityStatistics(settings.task, evaluation.metrics));
  if (ports.ledger) await ports.ledger.append(gateLedgerEntry(settings, input.executionId, report, champion, ports.store.uri(reportKey), ports.clock.now()));
  const alert = gateFailureAlert(report, { ...settings, executionId: input.executionId, reportKey, champion, at: ports.clock.now() });
  if (alert && ports.alerts) {
    try {
      await ports.alerts.publish(alert);
    } catch (error) {
      throw new Error(`${failedText(report)}; and the owner could not be alerted: ${(error as Error).message}`);
    }
  }
  return { verdict: report.verdict, failed: failedText(report), summary: report.summary.slice(0, MAX_MESSAGE), champion, gateReportUri: ports.store.uri(reportKey) };
}
