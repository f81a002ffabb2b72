/**
 * The pipeline's first step, PullData, in one of two forms:
 *
 * - **Driftwatch's pull** (default): a Lambda step (`pullData` of `lambda/handlers/pull-data.ts`),
 *   inputs `{ modelId, windowEnd, freshDays, executionId }`, whose output parameters (`PULL_OUTPUTS`)
 *   the later steps read: Train's channels `train` (the fresh training rows) and `history` (the team's
 *   training data, as the SageMaker manifest file of the objects the pull hashed), Evaluate's `holdout`, Register's `dataset_version`.
 * - **The team's container** (`retraining.pipeline.dataPull.container`): the Processing step of the
 *   former contract, whose `manifest.json` property file gives the dataset version.
 */
import type { PipelineBuilder, TrainingChannel } from './builder';
import { asString, jsonGet, type Get, type PipelineValue } from './values';

/** The pull Lambda's output parameters and their types (`lambda/retraining/pull/run-pull.ts`'s PullOutput). */
export const PULL_OUTPUTS = {
  datasetVersion: 'String',
  manifestUri: 'String',
  trainUri: 'String',
  holdoutUri: 'String',
  historyUri: 'String',
  historyManifestUri: 'String',
  trainRows: 'Integer',
  holdoutRows: 'Integer',
  historyFiles: 'Integer',
} as const;

export type DataPullSpec =
  | { readonly kind: 'lambda'; readonly functionArn: string }
  | { readonly kind: 'container'; readonly image: string; readonly command: readonly string[] };

export interface PullStepContext {
  readonly name: string;
  readonly modelId: string;
  readonly roleArn: string;
  readonly processingInstanceType: string;
  readonly trainingDataUri: string;
  readonly database: string;
  readonly workGroup: string;
  readonly windowEnd: Get;
  readonly freshDays: Get;
  readonly executionId: Get;
  /** The run's S3 prefix of a leaf (`data/train` → `s3://.../runs/<execution>/data/train`). */
  readonly run: (leaf: string) => PipelineValue;
}

/** What the later steps take from the pull. */
export interface PulledData {
  readonly channels: Readonly<Record<string, PipelineValue | TrainingChannel>>;
  readonly holdout: PipelineValue;
  readonly datasetVersion: PipelineValue;
}

export function addPullStep(b: PipelineBuilder, pull: DataPullSpec, c: PullStepContext): PulledData {
  if (pull.kind === 'lambda') {
    const step = b.lambda(c.name, {
      functionArn: pull.functionArn,
      inputs: { modelId: c.modelId, windowEnd: c.windowEnd, freshDays: c.freshDays, executionId: c.executionId },
      outputs: PULL_OUTPUTS,
    });
    // history through the pull's manifest file: Train reads the objects the pull hashed, not what the prefix holds later
    const history: TrainingChannel = { uri: step.output('historyManifestUri'), s3DataType: 'ManifestFile' };
    return { channels: { train: step.output('trainUri'), history }, holdout: step.output('holdoutUri'), datasetVersion: step.output('datasetVersion') };
  }
  const step = b.processing(c.name, {
    image: pull.image,
    command: pull.command,
    roleArn: c.roleArn,
    instanceType: c.processingInstanceType,
    inputs: [{ name: 'history', source: c.trainingDataUri, destination: '/opt/ml/processing/input/history' }],
    outputs: [
      { name: 'train', source: '/opt/ml/processing/output/train', destination: c.run('data/train') },
      { name: 'holdout', source: '/opt/ml/processing/output/holdout', destination: c.run('data/holdout') },
      { name: 'manifest', source: '/opt/ml/processing/output/manifest', destination: c.run('data/manifest') },
    ],
    environment: { DW_MODEL_ID: c.modelId, DW_WINDOW_END: c.windowEnd, DW_FRESH_DAYS: asString(c.freshDays), DW_DATABASE: c.database, DW_WORKGROUP: c.workGroup },
    propertyFiles: { Manifest: { output: 'manifest', path: 'manifest.json' } },
  });
  return { channels: { train: step.output('train') }, holdout: step.output('holdout'), datasetVersion: jsonGet(c.name, 'Manifest', 'datasetVersion') };
}
