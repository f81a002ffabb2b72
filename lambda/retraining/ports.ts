/**
 * What the retraining trigger needs from SageMaker Pipelines, in its own words (the adapter,
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
