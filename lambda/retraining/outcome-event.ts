/**
 * SageMaker's "SageMaker Model Building Pipeline Execution Status Change" event (source
 * `aws.sagemaker`, the default bus), as the pipeline-outcome Lambda reads it. SageMaker sends one on
 * every status change and may send the same change more than once; only the three ends matter here.
 *
 * @example
 * { "detail-type": "SageMaker Model Building Pipeline Execution Status Change", "source": "aws.sagemaker",
 *   "time": "2026-11-25T14:10:11Z", "detail": { "currentPipelineExecutionStatus": "Failed",
 *   "previousPipelineExecutionStatus": "Executing", "executionStartTime": "2026-11-25T12:20:05Z",
 *   "executionEndTime": "2026-11-25T14:10:10Z", "pipelineArn": "arn:aws:sagemaker:eu-west-1:123456789012:pipeline/dw-prod-fraud-detector-retrain",
 *   "pipelineExecutionArn": "arn:aws:sagemaker:eu-west-1:123456789012:pipeline/dw-prod-fraud-detector-retrain/execution/4k2v9x1q7c3m" } }
 */
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';

export const PIPELINE_EVENT_SOURCE = 'aws.sagemaker';
export const PIPELINE_EXECUTION_DETAIL_TYPE = 'SageMaker Model Building Pipeline Execution Status Change';

/** SageMaker's end statuses → the ledger's outcome word. */
export const EXECUTION_OUTCOMES = { Succeeded: 'succeeded', Failed: 'failed', Stopped: 'stopped' } as const;
export type ExecutionStatus = keyof typeof EXECUTION_OUTCOMES;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[ExecutionStatus];

const EXECUTION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:pipeline\/([^/]+)\/execution\/([^/]+)$/;

const eventSchema = z.looseObject({
  'detail-type': z.literal(PIPELINE_EXECUTION_DETAIL_TYPE),
  source: z.literal(PIPELINE_EVENT_SOURCE),
  time: z.iso.datetime({ offset: true }),
  detail: z.looseObject({
    currentPipelineExecutionStatus: z.string().min(1),
    pipelineArn: z.string().min(1),
    pipelineExecutionArn: z.string().regex(EXECUTION_ARN, { message: 'expected arn:aws:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>' }),
    executionStartTime: z.iso.datetime({ offset: true }).optional(),
    executionEndTime: z.iso.datetime({ offset: true }).optional(),
    pipelineExecutionDisplayName: z.string().optional(),
  }),
});

export interface PipelineExecutionEvent {
  readonly status: string;
  /** null for a status that is not an end (Executing, Stopping). */
  readonly outcome: ExecutionOutcome | null;
  readonly pipelineName: string;
  readonly executionArn: string;
  readonly executionId: string;
  readonly startTime: string | null;
  /** When it ended: `executionEndTime`, else the event's time. */
  readonly endTime: string;
  readonly displayName: string | null;
}

/** @throws Error naming each field of an event that is not SageMaker's pipeline execution status change */
export function parsePipelineExecutionEvent(raw: unknown): PipelineExecutionEvent {
  const parsed = eventSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) throw new Error(`pipeline-outcome: not a SageMaker pipeline execution status change: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  const { detail, time } = parsed.data;
  const [, pipelineName, executionId] = EXECUTION_ARN.exec(detail.pipelineExecutionArn)!;
  const status = detail.currentPipelineExecutionStatus;
  return {
    status,
    outcome: Object.hasOwn(EXECUTION_OUTCOMES, status) ? EXECUTION_OUTCOMES[status as ExecutionStatus] : null,
    pipelineName,
    executionArn: detail.pipelineExecutionArn,
    executionId,
    startTime: detail.executionStartTime ?? null,
    endTime: detail.executionEndTime ?? time,
    displayName: detail.pipelineExecutionDisplayName ?? null,
  };
}
