/**
 * What the retraining trigger (and the pipeline-outcome Lambda) need from SageMaker Pipelines, in their own words (the adapter,
 * `adapters/sagemaker-pipelines.ts`, owns pagination and the SDK's errors). The ledger goes through
 * the monitor's `ObjectStore` port (`lambda/ports`).
 */
import type { PipelineExecutionSummary } from './decide-trigger';

export interface StartExecutionInput {
  readonly pipelineName: string;
  /** Idempotency: SageMaker starts one execution per token. */
  readonly clientRequestToken: string;
  readonly displayName: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface PipelineRunner {
  /** The pipeline's recent executions (at least every one that may still run), newest first. */
  listExecutions(pipelineName: string): Promise<PipelineExecutionSummary[]>;
  /** Starts an execution; the same token returns the same execution. */
  startExecution(input: StartExecutionInput): Promise<{ readonly executionArn: string }>;
}

/** One step of a pipeline execution, as ListPipelineExecutionSteps tells it. */
export interface ExecutionStep {
  readonly name: string;
  /** SageMaker's step status: `Succeeded`, `Failed`, `Stopped`, `Executing`, ... */
  readonly status: string;
  readonly startTime: string | null;
  readonly failureReason: string | null;
  /** The model package a RegisterModel step created (its metadata's `RegisterModel.Arn`). */
  readonly modelPackageArn: string | null;
  /** The training job a Training step ran (its metadata's `TrainingJob.Arn`). */
  readonly trainingJobArn?: string | null;
}

/** A training job as DescribeTrainingJob tells it: what the run in MLflow records of it. */
export interface TrainingJobFacts {
  readonly name: string;
  /** `AlgorithmSpecification.TrainingImage`: the team's image, pinned by digest. */
  readonly image: string | null;
  /** `ModelArtifacts.S3ModelArtifacts`, or null when the job made none (it failed). */
  readonly modelArtifactUri: string | null;
  readonly hyperparameters: Readonly<Record<string, string>>;
}

/** What the pipeline-outcome Lambda reads of an execution to log its run in MLflow. */
export interface ExecutionRunReader {
  /** The execution's parameters (ListPipelineParametersForExecution), name → value. */
  parameters(executionArn: string): Promise<Record<string, string>>;
  trainingJob(trainingJobArn: string): Promise<TrainingJobFacts>;
}

/** What the pipeline-outcome Lambda asks SageMaker about an execution that ended. */
export interface ExecutionInspector {
  /** Every step of the execution (all pages), in SageMaker's order. */
  listSteps(executionArn: string): Promise<ExecutionStep[]>;
  /** The execution's own FailureReason (DescribePipelineExecution), or null. */
  failureReason(executionArn: string): Promise<string | null>;
}

/** A run's outcome as MLflow records it. */
export type TrackedRunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The registry aliases Driftwatch keeps in MLflow (`lambda/retraining/tracking.ts` says when each moves). */
export type ModelAlias = 'champion' | 'challenger' | 'shadow' | 'previous';

export interface TrackedRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly status: TrackedRunStatus;
  /** Where the run's artifacts go (`mlflow-artifacts:/...`, `s3://...`). */
  readonly artifactUri: string;
}

export interface TrackedModelVersion {
  readonly name: string;
  readonly version: string;
  readonly source: string;
  readonly runId: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: readonly string[];
}

/**
 * Experiment tracking and the registry mirror, in the retraining's words (the adapter,
 * `adapters/mlflow-rest.ts`, owns MLflow's REST calls, its batch limits, retries and error documents).
 * Every write is safe to repeat: a second `ensure*` finds what the first made, `findRun` and
 * `findModelVersion` let a retried step reuse its run and version instead of making another.
 */
export interface ExperimentTracker {
  /** The experiment's id; created (with these tags) when there is none of that name. */
  ensureExperiment(name: string, tags?: Readonly<Record<string, string>>): Promise<string>;
  /** The run of this experiment whose tag `key` has `value` (the newest when several), or null. */
  findRun(experimentId: string, tag: { readonly key: string; readonly value: string }): Promise<TrackedRun | null>;
  startRun(input: { readonly experimentId: string; readonly runName: string; readonly startTime: Date; readonly tags: Readonly<Record<string, string>> }): Promise<TrackedRun>;
  /** Logs every param, metric and tag, in as many batches as MLflow's limits need. */
  logBatch(
    runId: string,
    input: { readonly params?: Readonly<Record<string, string>>; readonly metrics?: Readonly<Record<string, number>>; readonly tags?: Readonly<Record<string, string>>; readonly timestamp: Date; readonly step?: number },
  ): Promise<void>;
  endRun(runId: string, status: Exclude<TrackedRunStatus, 'RUNNING'>, endTime: Date): Promise<void>;
  /** Writes one file into the run's artifacts (`artifactUri` is the run's) through the server; a store the server does not proxy (S3) is refused. */
  logArtifact(artifactUri: string, artifactPath: string, body: string, contentType?: string): Promise<void>;
  /** Creates the registered model when missing. */
  ensureRegisteredModel(name: string, input?: { readonly description?: string; readonly tags?: Readonly<Record<string, string>> }): Promise<void>;
  /** The version of `name` made from this run (the newest when several), or null. */
  findModelVersion(name: string, runId: string): Promise<TrackedModelVersion | null>;
  /** The version of `name` whose tag `key` has `value` (the newest when several), or null. */
  findModelVersionByTag(name: string, tag: { readonly key: string; readonly value: string }): Promise<TrackedModelVersion | null>;
  createModelVersion(input: { readonly name: string; readonly source: string; readonly runId: string; readonly description?: string; readonly tags?: Readonly<Record<string, string>> }): Promise<TrackedModelVersion>;
  setModelVersionTags(name: string, version: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Alias → version of the registered model. */
  getAliases(name: string): Promise<Readonly<Record<string, string>>>;
  setAlias(name: string, alias: ModelAlias, version: string): Promise<void>;
  /** Deletes the alias; an alias that is not set is not an error. */
  deleteAlias(name: string, alias: ModelAlias): Promise<void>;
}
