/**
 * The run of an ended pipeline execution, into MLflow (the pipeline-outcome Lambda, when the
 * environment has MLflow tracking): gathers what the execution knows behind the ports — its
 * parameters, the Train step's job, the data pull's `manifest.json` and `evaluation.json` from the
 * run's prefix, the gate step's report named by its `gates:<execution id>` ledger entry — maps it
 * (`run-record.ts`) and logs it with `trackRetrainingRun`, which finds the run by its execution tag, so
 * a retried invocation logs into the run the first attempt made. The gate report, as the gate step
 * stored it, becomes the run's artifact `gates/gate-report.json`: on SageMaker managed MLflow the
 * artifacts are in the data bucket (`s3://<bucket>/mlflow-artifacts/...`, `lib/retraining/mlflow-server.ts`)
 * and the object is written there with S3, as MLflow's own client does; on a server that proxies its
 * artifacts (`mlflow-artifacts:/`), through the tracking server.
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

/** What the execution's steps said of its end (`record-outcome.ts` reads them). */
export interface OutcomeFacts {
  readonly steps: readonly ExecutionStep[];
  readonly failed: ExecutionStep | null;
  readonly failureReason: string | null;
  readonly packageArn: string | null;
}

/** The gate report's name among the run's artifacts. */
export const GATE_REPORT_ARTIFACT = 'gates/gate-report.json';

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

/** The gate report the `gates:<execution id>` entry names (and the object as stored), or null when the gates did not run. */
async function gateReportFor(ledger: PromotionLedger, store: ObjectStore, modelId: string, executionId: string): Promise<{ report: GateReport; stored: unknown } | null> {
  const entry = await ledger.entry(modelId, `gates:${executionId}`);
  const uri = entry?.details?.report;
  const key = typeof uri === 'string' ? keyInStore(store, uri) : null;
  if (key === null) return null;
  const stored = await store.getJson(key);
  const report = stored === null ? null : gateReportOf(stored.value);
  return report === null ? null : { report, stored: stored!.value };
}

/** Puts the stored gate report among the run's artifacts: with S3 when they are in the data bucket, else through the server. */
async function logGateReport(ports: OutcomeTrackingPorts, artifactUri: string, stored: unknown): Promise<void> {
  const inBucket = keyInStore(ports.store, artifactUri);
  if (inBucket !== null) await ports.store.putJson(`${inBucket.replace(/\/+$/, '')}/${GATE_REPORT_ARTIFACT}`, stored);
  else await ports.tracker.logArtifact(artifactUri, GATE_REPORT_ARTIFACT, JSON.stringify(stored, null, 2));
}

/**
 * Logs the execution's run in MLflow.
 * @throws Error of SageMaker, S3, the ledger or MLflow (the invocation fails and is retried)
 */
export async function trackExecutionOutcome(
  ports: OutcomeTrackingPorts & { readonly ledger: PromotionLedger },
  defaults: RunDefaults,
  event: PipelineExecutionEvent,
  facts: OutcomeFacts,
): Promise<TrackedOutcome> {
  const keys = runArtifactKeys(defaults.modelId, event.executionId);
  const jobArn = trainingJobArnOf(facts.steps);
  const [parameters, trainingJob, manifest, evaluation, gates] = await Promise.all([
    ports.runs.parameters(event.executionArn),
    jobArn ? ports.runs.trainingJob(jobArn) : Promise.resolve(null),
    ports.store.getJson(keys.manifest),
    evaluationOf(ports.store, keys.evaluation),
    gateReportFor(ports.ledger, ports.store, defaults.modelId, event.executionId),
  ]);
  const failure = { step: facts.failed?.name ?? null, reason: facts.failureReason };
  const record = runRecordOf(defaults, { event, parameters, trainingJob, manifest: manifest?.value ?? null, modelPackageArn: facts.packageArn, failure });
  const tracked = await trackRetrainingRun(ports.tracker, record, evaluation, gates?.report ?? null);
  if (gates) await logGateReport(ports, tracked.artifactUri, gates.stored);
  return { ...tracked, datasetVersion: record.datasetVersion };
}
