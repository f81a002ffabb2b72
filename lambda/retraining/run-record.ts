/**
 * What an ended pipeline execution knows, as the `RetrainingRunRecord` its MLflow run is logged from:
 * pure (no I/O), so the mapping is tested without SageMaker, S3 or MLflow. `outcome-tracking.ts`
 * gathers the facts.
 *
 * | record field | from |
 * |---|---|
 * | trigger | the execution's parameters `TriggerEventKey`, `TriggerSignal`, `TriggerDedupKey`, `WindowEnd` |
 * | gitCommit | the `CodeVersion` parameter, else the commit given at deploy time (the parameter's default) |
 * | settings | the other parameters: instance type and count, fresh days, approval status |
 * | trainingImage, hyperparameters, modelArtifactUri | DescribeTrainingJob of the Train step's job; without one (the execution failed before training), the config's image and hyperparameters and the run's model prefix |
 * | datasetVersion | `manifest.json`'s `datasetVersion` (the PullData step's), or `unknown` |
 * | modelPackageArn | the RegisterModel step's package |
 * | stopped, failure | a Stopped execution (the run is KILLED); a failed one's first failed step and FailureReason |
 */
import type { GateReport } from '../core/gates';
import type { PipelineExecutionEvent } from './outcome-event';
import { CONFIG_PARAMETERS, TRIGGER_PARAMETERS } from './pipeline/parameters';
import type { TrainingJobFacts } from './ports';
import type { RetrainingRunRecord } from './tracking';

/** What the run of one model's executions falls back on, from its config and deployment. */
export interface RunDefaults {
  readonly env: string;
  readonly modelId: string;
  /** The Model Package Group (and the MLflow registered model) of the model. */
  readonly registeredModelName: string;
  /** The data bucket the pipeline writes its runs to. */
  readonly bucket: string;
  /** The config's training image, for an execution that ended before its training job. */
  readonly trainingImage: string;
  /** The config's hyperparameters, as the pipeline passes them (strings). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /**
   * The git commit given at deploy time (the `CodeVersion` parameter's default), for an execution
   * whose parameters do not list it (the trigger sets only its own). @default 'unknown'
   */
  readonly codeVersion?: string;
}

export interface ExecutionRunFacts {
  readonly event: PipelineExecutionEvent;
  readonly parameters: Readonly<Record<string, string>>;
  readonly trainingJob: TrainingJobFacts | null;
  /** `manifest.json` as stored, or null when the data pull wrote none. */
  readonly manifest: unknown;
  readonly modelPackageArn: string | null;
  /** A failed execution's first failed step and its (or the execution's) FailureReason. */
  readonly failure?: { readonly step: string | null; readonly reason: string | null };
}

/** Where an execution's artifacts are (`retraining-pipeline.ts`: `retraining/<model>/runs/<execution id>/`). */
export function runArtifactKeys(modelId: string, executionId: string) {
  const run = `retraining/${modelId}/runs/${executionId}`;
  return { run, manifest: `${run}/data/manifest/manifest.json`, evaluation: `${run}/evaluation/evaluation.json`, model: `${run}/model` };
}

/** The manifest's `datasetVersion` (the SHA-256 of its file list), or `unknown` when there is none. */
export function datasetVersionOf(manifest: unknown): string {
  const v = (manifest as { datasetVersion?: unknown } | null)?.datasetVersion;
  return typeof v === 'string' && v.trim() !== '' ? v : 'unknown';
}

const TRIGGER_NAMES = new Set<string>([...Object.values(TRIGGER_PARAMETERS), CONFIG_PARAMETERS.codeVersion]);

/** The parameters that are settings (not the trigger's lineage nor the code version). */
function settingsOf(parameters: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => !TRIGGER_NAMES.has(name)));
}

/** @example runRecordOf(defaults, facts).trigger // { eventKey: 'evt-1', signal: 'drift:dataset', ... } */
export function runRecordOf(defaults: RunDefaults, facts: ExecutionRunFacts): RetrainingRunRecord {
  const { event, parameters: p, trainingJob } = facts;
  const keys = runArtifactKeys(defaults.modelId, event.executionId);
  return {
    env: defaults.env,
    modelId: defaults.modelId,
    registeredModelName: defaults.registeredModelName,
    executionArn: event.executionArn,
    trainingImage: trainingJob?.image ?? defaults.trainingImage,
    gitCommit: p[CONFIG_PARAMETERS.codeVersion]?.trim() || defaults.codeVersion?.trim() || 'unknown',
    datasetVersion: datasetVersionOf(facts.manifest),
    trigger: {
      eventKey: p[TRIGGER_PARAMETERS.eventKey] ?? 'manual',
      signal: p[TRIGGER_PARAMETERS.signal] ?? 'manual',
      ...(p[TRIGGER_PARAMETERS.dedupKey] !== undefined ? { dedupKey: p[TRIGGER_PARAMETERS.dedupKey] } : {}),
      ...(p[TRIGGER_PARAMETERS.windowEnd] !== undefined ? { windowEnd: p[TRIGGER_PARAMETERS.windowEnd] } : {}),
    },
    hyperparameters: trainingJob ? trainingJob.hyperparameters : defaults.hyperparameters,
    settings: settingsOf(p),
    startedAt: new Date(event.startTime ?? event.endTime),
    endedAt: new Date(event.endTime),
    succeeded: event.outcome === 'succeeded',
    ...(event.outcome === 'stopped' ? { stopped: true } : {}),
    ...(event.outcome === 'failed' && facts.failure ? { failure: facts.failure } : {}),
    modelArtifactUri: trainingJob?.modelArtifactUri ?? `s3://${defaults.bucket}/${keys.model}`,
    ...(facts.modelPackageArn ? { modelPackageArn: facts.modelPackageArn } : {}),
  };
}

/**
 * The gate step's report as it stored it (`check-gates.ts`: the report's fields beside its own), or
 * null when the object is not one (a report of another format is not guessed at).
 */
export function gateReportOf(stored: unknown): GateReport | null {
  const r = stored as Partial<GateReport> | null;
  if (!r || (r.verdict !== 'pass' && r.verdict !== 'fail') || !Array.isArray(r.results) || !Array.isArray(r.failures) || typeof r.summary !== 'string') return null;
  return { verdict: r.verdict, results: r.results, failures: r.failures, summary: r.summary };
}
