/**
 * SageMaker's execution status change event, and the one SageMaker call moto 5.2.1 lacks for the pipeline-outcome tests: ListPipelineExecutionSteps
 * (moto runs no step either). A spy on SageMakerClient.send answers that command alone, in-process,
 * with the steps the test gave for the execution; every other command goes to moto_server.
 */
import { PIPELINE_EVENT_SOURCE, PIPELINE_EXECUTION_DETAIL_TYPE } from '../../lambda/retraining/outcome-event';
import { ListPipelineExecutionStepsCommand, SageMakerClient, type PipelineExecutionStep } from '@aws-sdk/client-sagemaker';

/** @returns the map to put each execution's steps in, by execution ARN */
export function answerExecutionStepsInProcess(): Map<string, PipelineExecutionStep[]> {
  const stepsOf = new Map<string, PipelineExecutionStep[]>();
  const send = SageMakerClient.prototype.send as (this: SageMakerClient, command: unknown) => Promise<unknown>;
  jest.spyOn(SageMakerClient.prototype, 'send').mockImplementation(function (this: SageMakerClient, command: unknown) {
    if (!(command instanceof ListPipelineExecutionStepsCommand)) return send.call(this, command);
    const steps = stepsOf.get(command.input.PipelineExecutionArn!);
    if (!steps) return Promise.reject(new Error(`test: no steps given for ${command.input.PipelineExecutionArn}`));
    return Promise.resolve({ PipelineExecutionSteps: steps });
  } as never);
  return stepsOf;
}

/** SageMaker's status change event, in the shape its documentation gives. */
export function statusChange(executionArn: string, status: string, end = '2026-11-25T14:10:10Z') {
  return {
    version: '0',
    id: `evt-${status}-${executionArn.slice(-6)}`,
    'detail-type': PIPELINE_EXECUTION_DETAIL_TYPE,
    source: PIPELINE_EVENT_SOURCE,
    account: '123456789012',
    time: end,
    region: 'us-east-1',
    resources: [executionArn.replace(/\/execution\/.*$/, ''), executionArn],
    detail: {
      currentPipelineExecutionStatus: status,
      previousPipelineExecutionStatus: 'Executing',
      executionStartTime: '2026-11-25T12:20:05Z',
      executionEndTime: end,
      pipelineArn: executionArn.replace(/\/execution\/.*$/, ''),
      pipelineExecutionArn: executionArn,
      pipelineExecutionDisplayName: 'drift-dataset-1d',
    },
  };
}
