/**
 * The run of an ended pipeline execution, into MLflow (the pipeline-outcome Lambda, when the
 * environment has MLflow tracking): gathers what the execution knows behind the ports — its
 * parameters, the Train step's job, the data pull's `manifest.json` and `evaluation.json` from the
 * run's prefix, the gate step's report named by its `gates:<execution id>` ledger entry — maps it
 * (`run-record.ts`) and logs it with `trackRetrainingRun`, which finds the run by its execution tag, so
 * a retried invocation logs into the run the first attempt made.
 */
import { InvalidEvaluation, parseEvaluation, type Evaluation, type GateReport } from '../core/gates';
import type { ObjectStore } from '../ports/object-store';
import type { PromotionLedger } from '../promotion/ledger';
import type { PipelineExecutionEvent } from './outcome-event';
import type { ExecutionRunReader, ExecutionStep, ExperimentTracker } from './ports';
import { gateReportOf, runArtifactKeys, runRecordOf, type RunDefaults } from './run-record';
import { trackRetrainingRun, type TrackedRetraining } from './track-run';

export interface OutcomeTrackingPorts {
  readonly tracker: ExperimentTracker;
  readonly runs: ExecutionRunReader;
  /** The data bucket (the runs and the gate reports). */
  readonly store: ObjectStore;
}

export interface TrackedOutcome extends TrackedRetraining {
  readonly datasetVersion: string;
}

/** The Train step's job (the newest attempt's when the step was retried), or null when training never started. */
function trainingJobArnOf(steps: readonly ExecutionStep[]): string | null {
  const arns = steps.filter((s) => s.trainingJobArn);
  arns.sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? ''));
  return arns[0]?.trainingJobArn ?? null;
}

/** evaluation.json, or null when the evaluation wrote none or one the parser refuses (then the gates failed on it, and the run says FAILED). */
async function evaluationOf(store: ObjectStore, key: string): Promise<Evaluation | null> {
  const stored = await store.getJson(key);
  if (stored === null) return null;
  try {
    return parseEvaluation(stored.value, store.uri(key));
  } catch (error) {
    if (error instanceof InvalidEvaluation) return null;
    throw error;
  }
}

/** `s3://<bucket>/<key>` → `<key>` when it is in the store's bucket. */
function keyInStore(store: ObjectStore, uri: string): string | null {
  const root = store.uri('');
  return uri.startsWith(root) ? uri.slice(root.length) : null;
}

/** The gate report the `gates:<execution id>` entry names, or null when the gates did not run. */
async function gateReportFor(ledger: PromotionLedger, store: ObjectStore, modelId: string, executionId: string): Promise<GateReport | null> {
  const entry = await ledger.entry(modelId, `gates:${executionId}`);
  const uri = entry?.details?.report;
  const key = typeof uri === 'string' ? keyInStore(store, uri) : null;
  if (key === null) return null;
  const stored = await store.getJson(key);
  return stored === null ? null : gateReportOf(stored.value);
}

/**
 * Logs the execution's run in MLflow.
 * @throws Error of SageMaker, S3, the ledger or MLflow (the invocation fails and is retried)
 */
export async function trackExecutionOutcome(
  ports: OutcomeTrackingPorts & { readonly ledger: PromotionLedger },
  defaults: RunDefaults,
  event: PipelineExecutionEvent,
  steps: readonly ExecutionStep[],
  modelPackageArn: string | null,
): Promise<TrackedOutcome> {
  const keys = runArtifactKeys(defaults.modelId, event.executionId);
  const jobArn = trainingJobArnOf(steps);
  const [parameters, trainingJob, manifest, evaluation, report] = await Promise.all([
    ports.runs.parameters(event.executionArn),
    jobArn ? ports.runs.trainingJob(jobArn) : Promise.resolve(null),
    ports.store.getJson(keys.manifest),
    evaluationOf(ports.store, keys.evaluation),
    gateReportFor(ports.ledger, ports.store, defaults.modelId, event.executionId),
  ]);
  const record = runRecordOf(defaults, { event, parameters, trainingJob, manifest: manifest?.value ?? null, modelPackageArn });
  const tracked = await trackRetrainingRun(ports.tracker, record, evaluation, report);
  return { ...tracked, datasetVersion: record.datasetVersion };
}
