/**
 * SageMaker Pipelines as the trigger's `PipelineRunner` (SDK v3). The SDK client retries throttling
 * itself (its standard retry strategy); this adapter pages ListPipelineExecutions over the last 35
 * days (a pipeline step runs 28 days at most, so an older execution no longer runs) and passes the
 * ClientRequestToken through, which makes StartPipelineExecution idempotent on SageMaker's side.
 */
import {
  DescribePipelineExecutionCommand,
  DescribeTrainingJobCommand,
  ListPipelineParametersForExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import type { PipelineExecutionSummary } from '../decide-trigger';
import type { ExecutionInspector, ExecutionRunReader, ExecutionStep, PipelineRunner, StartExecutionInput, TrainingJobFacts } from '../ports';

/** Executions created before this many days ago are not listed (none of them can still run). */
export const LIST_LOOKBACK_DAYS = 35;
/** At most this many pages of 100 executions. */
const MAX_PAGES = 10;

export class SageMakerPipelineRunner implements PipelineRunner {
  constructor(
    private readonly client: SageMakerClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async listExecutions(pipelineName: string): Promise<PipelineExecutionSummary[]> {
    const out: PipelineExecutionSummary[] = [];
    let token: string | undefined;
    const createdAfter = new Date(this.now().getTime() - LIST_LOOKBACK_DAYS * 86_400_000);
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.send(
        new ListPipelineExecutionsCommand({ PipelineName: pipelineName, CreatedAfter: createdAfter, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100, NextToken: token }),
      );
      for (const s of res.PipelineExecutionSummaries ?? []) {
        if (!s.PipelineExecutionArn) continue;
        out.push({ arn: s.PipelineExecutionArn, status: s.PipelineExecutionStatus ?? 'Unknown', ...(s.StartTime ? { startTime: s.StartTime.toISOString() } : {}) });
      }
      token = res.NextToken;
      if (!token) break;
    }
    return out;
  }

  async startExecution(input: StartExecutionInput): Promise<{ readonly executionArn: string }> {
    const res = await this.client.send(
      new StartPipelineExecutionCommand({
        PipelineName: input.pipelineName,
        ClientRequestToken: input.clientRequestToken,
        PipelineExecutionDisplayName: input.displayName,
        PipelineExecutionDescription: input.description,
        PipelineParameters: Object.entries(input.parameters).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    if (!res.PipelineExecutionArn) throw new Error(`StartPipelineExecution of ${input.pipelineName} returned no PipelineExecutionArn`);
    return { executionArn: res.PipelineExecutionArn };
  }
}

/**
 * An ended execution's steps and failure, for the pipeline-outcome Lambda: ListPipelineExecutionSteps
 * (every page; a retraining pipeline has a handful of steps, a retried one a few more) and
 * DescribePipelineExecution; for its run in MLflow, ListPipelineParametersForExecution and
 * DescribeTrainingJob.
 */
export class SageMakerExecutionInspector implements ExecutionInspector, ExecutionRunReader {
  constructor(private readonly client: SageMakerClient) {}

  async listSteps(executionArn: string): Promise<ExecutionStep[]> {
    const out: ExecutionStep[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: executionArn, MaxResults: 100, NextToken: token }));
      for (const s of res.PipelineExecutionSteps ?? []) {
        out.push({
          name: s.StepName ?? '?',
          status: s.StepStatus ?? 'Unknown',
          startTime: s.StartTime ? s.StartTime.toISOString() : null,
          failureReason: s.FailureReason?.trim() || null,
          modelPackageArn: s.Metadata?.RegisterModel?.Arn ?? null,
          trainingJobArn: s.Metadata?.TrainingJob?.Arn ?? null,
        });
      }
      token = res.NextToken;
      if (!token) break;
    }
    return out;
  }

  async failureReason(executionArn: string): Promise<string | null> {
    const res = await this.client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: executionArn }));
    return res.FailureReason?.trim() || null;
  }

  async parameters(executionArn: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: executionArn, MaxResults: 100, NextToken: token }));
      for (const p of res.PipelineParameters ?? []) if (p.Name !== undefined && p.Value !== undefined) out[p.Name] = p.Value;
      token = res.NextToken;
      if (!token) break;
    }
    return out;
  }

  /** @param trainingJobArn `arn:...:training-job/<name>` (DescribeTrainingJob takes the name) */
  async trainingJob(trainingJobArn: string): Promise<TrainingJobFacts> {
    const name = trainingJobArn.split('/').pop()!;
    const res = await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return {
      name: res.TrainingJobName ?? name,
      image: res.AlgorithmSpecification?.TrainingImage ?? null,
      modelArtifactUri: res.ModelArtifacts?.S3ModelArtifacts ?? null,
      hyperparameters: { ...(res.HyperParameters ?? {}) },
    };
  }
}
