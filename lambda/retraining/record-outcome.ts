/**
 * The end of a retraining pipeline execution, into the promotion ledger and to the owner (the
 * pipeline-outcome Lambda; the rule delivers SageMaker's status change of this model's pipeline only):
 *
 * 1. An end status (Succeeded, Failed, Stopped) whose `execution` entry is already in the ledger is a
 *    redelivery (SageMaker may send one change more than once, EventBridge and Lambda retry): nothing
 *    is written or published again.
 * 2. The execution's steps (ListPipelineExecutionSteps): the failed step and its FailureReason, or the
 *    RegisterModel step's model package.
 * 3. A failure is published to the owner first (an owner alert, id `ledger:execution:<id>:failed`),
 *    except a failure in the gates' Fail step, whose checks and deltas the gate step already sent.
 * 4. With MLflow tracking (`ports.tracking`), the execution's run is logged (`outcome-tracking.ts`:
 *    the run, and the registered candidate's model version as `challenger`). A registration is then
 *    appended as a `registered` entry, then the `execution` entry, which is last because it marks the
 *    event as done (both name the MLflow run, the execution entry the dataset version too). A failure
 *    anywhere throws, so Lambda retries the event and the dead-letter queue keeps it in the end; a
 *    retry after a publish that was not recorded publishes the same alert id, which the owner's
 *    notifier delivers once.
 *
 * Why MLflow comes before the ledger entries, not after: the `execution` entry is how a redelivery
 * is recognised, so a run that failed to reach MLflow after it was written would never be logged by
 * a retry; and a ledger that mirrors the registry into MLflow (`MirroringLedger`) moves the aliases of
 * the `registered` entry's version, which the tracking creates. So an MLflow outage fails the
 * invocation before the entries (the owner's alert is sent), and the retry, or the event redriven
 * from the dead-letter queue, logs into the same run (`trackRetrainingRun` finds it by its execution
 * tag) and then writes them.
 */
import { ownerAlertOf } from '../promotion/owner-notices';
import { LEDGER_ENTRY_FORMAT, type LedgerEntry, type PromotionLedger } from '../promotion/ledger';
import type { AlertSink } from '../ports/alert-sink';
import { parsePipelineExecutionEvent, type PipelineExecutionEvent } from './outcome-event';
import { STEPS } from './pipeline/retraining-pipeline';
import { trackExecutionOutcome, type OutcomeFacts, type OutcomeTrackingPorts, type TrackedOutcome } from './outcome-tracking';
import type { ExecutionInspector, ExecutionStep } from './ports';
import type { RunDefaults } from './run-record';

/** The component the ledger names as the actor of execution and registration entries. */
export const OUTCOME_ACTOR = { type: 'system', id: 'retraining/pipeline-outcome' } as const;

export interface OutcomeSettings {
  readonly env: string;
  readonly modelId: string;
  /** The model's pipeline: an event of another pipeline is refused (the rule should not send it). */
  readonly pipelineName: string;
  /** What the MLflow run falls back on (with `ports.tracking`). */
  readonly run?: RunDefaults;
}

export interface OutcomePorts {
  readonly executions: ExecutionInspector;
  readonly ledger: PromotionLedger;
  /** The owner's warning topic. @default - failures are in the ledger only */
  readonly alerts?: AlertSink;
  /** MLflow tracking (the environment's `mlflow`; needs `settings.run`). @default - no run is logged */
  readonly tracking?: OutcomeTrackingPorts;
}

export type OutcomeResult =
  | { readonly outcome: 'ignored'; readonly status: string }
  | { readonly outcome: 'duplicate'; readonly entryId: string }
  | { readonly outcome: 'recorded'; readonly entryId: string; readonly alerted: boolean; readonly registered: string | null; readonly mlflowRunId: string | null };

/** `execution:<execution id>:<outcome>`: one entry per execution end, however often it is delivered. */
export function executionEntryId(event: Pick<PipelineExecutionEvent, 'executionId' | 'outcome'>): string {
  return `execution:${event.executionId}:${event.outcome}`;
}

/** The step that failed first (a later one may fail because of it), or null. */
export function failedStep(steps: readonly ExecutionStep[]): ExecutionStep | null {
  const failed = steps.filter((s) => s.status === 'Failed');
  failed.sort((a, b) => (a.startTime ?? '').localeCompare(b.startTime ?? ''));
  return failed[0] ?? null;
}

/** `arn:...:model-package/<group>/<version>` → `<version>`. */
export function packageVersionOf(modelPackageArn: string): string {
  return /\/(\d+)$/.exec(modelPackageArn)?.[1] ?? modelPackageArn.split('/').pop()!;
}

function registeredPackage(steps: readonly ExecutionStep[]): string | null {
  return steps.find((s) => s.status === 'Succeeded' && s.modelPackageArn)?.modelPackageArn ?? null;
}

/** Why, in the sentence the ledger and the owner read. */
function reasonOf(event: PipelineExecutionEvent, { failed, failureReason, packageArn }: OutcomeFacts): string {
  const which = `Retraining pipeline execution ${event.executionId}`;
  if (event.outcome === 'failed') {
    if (failed) return `${which} failed in step ${failed.name}: ${failureReason ?? 'SageMaker gave no reason'}`;
    return `${which} failed: ${failureReason ?? 'SageMaker gave no reason and no step is marked failed'}`;
  }
  if (event.outcome === 'stopped') return `${which} was stopped`;
  return packageArn ? `${which} succeeded and registered version ${packageVersionOf(packageArn)} (${packageArn})` : `${which} succeeded without registering a model package`;
}

function executionEntry(settings: OutcomeSettings, event: PipelineExecutionEvent, facts: OutcomeFacts, tracked: TrackedOutcome | null): LedgerEntry {
  const { steps, failed, packageArn } = facts;
  const run = tracked ? { mlflowRunId: tracked.runId, datasetVersion: tracked.datasetVersion } : {};
  const seconds = event.startTime ? (Date.parse(event.endTime) - Date.parse(event.startTime)) / 1000 : Number.NaN;
  return {
    format: LEDGER_ENTRY_FORMAT,
    env: settings.env,
    modelId: settings.modelId,
    id: executionEntryId(event),
    at: event.endTime,
    kind: 'execution',
    actor: OUTCOME_ACTOR,
    outcome: event.outcome!,
    reason: reasonOf(event, facts),
    subject: { pipelineExecutionArn: event.executionArn, ...(packageArn ? { modelPackageArn: packageArn, version: packageVersionOf(packageArn) } : {}), ...run },
    metrics: Number.isFinite(seconds) && seconds >= 0 ? { durationSeconds: seconds } : {},
    details: {
      executionId: event.executionId,
      status: event.status,
      ...(event.displayName ? { displayName: event.displayName } : {}),
      ...(failed ? { failedStep: failed.name } : {}),
      ...(facts.failureReason ? { failureReason: facts.failureReason } : {}),
      steps: steps.map((s) => ({ name: s.name, status: s.status })),
    },
  };
}

function registeredEntry(settings: OutcomeSettings, event: PipelineExecutionEvent, packageArn: string, tracked: TrackedOutcome | null): LedgerEntry {
  const version = packageVersionOf(packageArn);
  return {
    format: LEDGER_ENTRY_FORMAT,
    env: settings.env,
    modelId: settings.modelId,
    id: `registered:${version}`,
    at: event.endTime,
    kind: 'registered',
    actor: OUTCOME_ACTOR,
    outcome: 'registered',
    reason: `Version ${version} registered in the model's package group by retraining pipeline execution ${event.executionId}, awaiting approval`,
    subject: { modelPackageArn: packageArn, version, pipelineExecutionArn: event.executionArn, ...(tracked ? { mlflowRunId: tracked.runId } : {}) },
    metrics: {},
    details: { executionId: event.executionId },
  };
}

/** The execution's run in MLflow, when the environment tracks. @throws Error when tracking is configured without `settings.run` */
async function trackedRun(ports: OutcomePorts, settings: OutcomeSettings, event: PipelineExecutionEvent, facts: OutcomeFacts): Promise<TrackedOutcome | null> {
  if (!ports.tracking) return null;
  if (!settings.run) throw new Error(`pipeline-outcome of ${settings.modelId}: MLflow tracking needs settings.run (the model's registered model name, bucket, image and hyperparameters)`);
  return trackExecutionOutcome({ ...ports.tracking, ledger: ports.ledger }, settings.run, event, facts);
}

async function alreadyRecorded(ledger: PromotionLedger, settings: OutcomeSettings, event: PipelineExecutionEvent): Promise<boolean> {
  return (await ledger.entry(settings.modelId, executionEntryId(event))) !== undefined;
}

/**
 * Records one execution status change (see the file's comment).
 * @throws Error naming the field of a malformed event, an event of another pipeline, or what could not be read, written or published
 */
export async function recordPipelineOutcome(ports: OutcomePorts, settings: OutcomeSettings, raw: unknown): Promise<OutcomeResult> {
  const event = parsePipelineExecutionEvent(raw);
  if (event.pipelineName.toLowerCase() !== settings.pipelineName.toLowerCase()) {
    throw new Error(`pipeline-outcome of ${settings.modelId}: the event is of pipeline ${event.pipelineName}, not ${settings.pipelineName}; the rule's pattern should not have matched it`);
  }
  if (event.outcome === null) return { outcome: 'ignored', status: event.status };
  const entryId = executionEntryId(event);
  if (await alreadyRecorded(ports.ledger, settings, event)) return { outcome: 'duplicate', entryId };

  const steps = await ports.executions.listSteps(event.executionArn);
  const failed = event.outcome === 'failed' ? failedStep(steps) : null;
  const failureReason = event.outcome === 'failed' ? (failed?.failureReason ?? (await ports.executions.failureReason(event.executionArn))) : null;
  const packageArn = event.outcome === 'succeeded' ? registeredPackage(steps) : null;
  const facts = { steps, failed, failureReason, packageArn };

  // The gate step has told the owner of a failed gate, with each check: the Fail step's failure is not told twice.
  const alert = failed?.name === STEPS.fail ? null : ownerAlertOf(executionEntry(settings, event, facts, null));
  if (alert && ports.alerts) await ports.alerts.publish(alert);
  const tracked = await trackedRun(ports, settings, event, facts);
  if (packageArn) await ports.ledger.append(registeredEntry(settings, event, packageArn, tracked));
  await ports.ledger.append(executionEntry(settings, event, facts, tracked));
  return { outcome: 'recorded', entryId, alerted: Boolean(alert && ports.alerts), registered: packageArn ? packageVersionOf(packageArn) : null, mlflowRunId: tracked?.runId ?? null };
}
