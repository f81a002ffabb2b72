/**
 * The retraining pipeline of one model, from its config:
 *
 * ```
 * PullData (Lambda) → Train (Training) → Evaluate (Processing) → CheckGates (Lambda) → GatesPassed (Condition)
 *                                                                                        ├ pass: Register (RegisterModel, PendingManualApproval)
 *                                                                                        └ else: GatesFailed (Fail, with the failed checks)
 * ```
 *
 * - **PullData** is Driftwatch's data pull in Lambda (`lambda/retraining/pull/run-pull.ts`): the
 *   window's labelled rows unloaded by Athena, split train/holdout by id hash, and `manifest.json`
 *   under `data/manifest/`: every file with its SHA-256 and `datasetVersion`, the SHA-256 of the
 *   file list; its output parameters feed Train (channels `train` and `history`), Evaluate and
 *   Register. A team's own pull container is a Processing step instead (`pull-step.ts`).
 * - **Train** runs the team's image, pinned by digest, with the config's hyperparameters; the
 *   instance type and count are parameters (config defaults).
 * - **Evaluate** runs the team's evaluation command on the model and the holdout and writes
 *   `evaluation.json` (`driftwatch.evaluation/v1`) as the `Evaluation` property file.
 * - **CheckGates** is the gate engine in Lambda (`checkGates` of `lambda/handlers/retrain-trigger.ts`).
 * - **Register** registers the model package in the model's group with ModelMetrics (the
 *   model-quality statistics CheckGates writes) and its lineage as metadata: the dataset version, the
 *   code version, the image, the trigger, the execution, the champion compared against.
 *
 * Every artifact of an execution lives under `s3://<bucket>/retraining/<model>/runs/<execution id>/`.
 */
import type { ModelConfig } from '../../../config/schema';
import { PipelineBuilder, type PipelineDefinition } from './builder';
import { CONFIG_PARAMETERS, TRIGGER_PARAMETERS } from './parameters';
import { addPullStep, type DataPullSpec } from './pull-step';
import { execution, join, type PipelineValue } from './values';

/** Everything the definition is made of (what the config says, plus the deployed resources' names). */
export interface RetrainingPipelineSpec {
  readonly modelId: string;
  /** The role the pipeline's jobs run as. */
  readonly roleArn: string;
  /** The data bucket: every artifact of a run under `retraining/<model>/runs/<execution id>/`. */
  readonly bucket: string;
  readonly trainingImage: string;
  readonly evaluationImage: string;
  readonly inferenceImage: string;
  /** Driftwatch's pull (a Lambda step) or the team's own container (`pull-step.ts`). */
  readonly dataPull: DataPullSpec;
  readonly evaluationCommand: readonly string[];
  readonly processingInstanceType: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly trainingDataUri: string;
  readonly freshDays: number;
  readonly gateFunctionArn: string;
  readonly modelPackageGroupName: string;
  readonly database: string;
  readonly workGroup: string;
  /** The git commit deployed (the `CodeVersion` parameter's default). */
  readonly codeVersion: string;
  readonly contentTypes: readonly string[];
  readonly responseTypes: readonly string[];
  readonly inferenceInstanceTypes: readonly string[];
  readonly transformInstanceTypes: readonly string[];
}

/** Step names (what the console and the ledger show). */
export const STEPS = { pull: 'PullData', train: 'Train', evaluate: 'Evaluate', gates: 'CheckGates', condition: 'GatesPassed', register: 'Register-RegisterModel', fail: 'GatesFailed' } as const;

/** The gate step's output parameters (`check-gates.ts`). */
export const GATE_OUTPUTS = ['verdict', 'failed', 'summary', 'champion', 'gateReportUri'] as const;

/**
 * The pipeline definition JSON (2020-12-01) of a model's retraining.
 * @example JSON.stringify(retrainingPipelineDefinition(spec)) // the PipelineDefinitionBody
 */
export function retrainingPipelineDefinition(spec: RetrainingPipelineSpec): PipelineDefinition {
  const b = new PipelineBuilder();
  b.parameter(TRIGGER_PARAMETERS.eventKey, 'String', 'manual');
  b.parameter(TRIGGER_PARAMETERS.dedupKey, 'String', 'manual');
  const signal = b.parameter(TRIGGER_PARAMETERS.signal, 'String', 'manual');
  const windowEnd = b.parameter(TRIGGER_PARAMETERS.windowEnd, 'String', 'latest');
  const instanceType = b.parameter(CONFIG_PARAMETERS.trainingInstanceType, 'String', spec.instanceType);
  const instanceCount = b.parameter(CONFIG_PARAMETERS.trainingInstanceCount, 'Integer', spec.instanceCount);
  const freshDays = b.parameter(CONFIG_PARAMETERS.freshDays, 'Integer', spec.freshDays);
  const approval = b.parameter(CONFIG_PARAMETERS.modelApprovalStatus, 'String', 'PendingManualApproval');
  const codeVersion = b.parameter(CONFIG_PARAMETERS.codeVersion, 'String', spec.codeVersion);
  const eventKeyParam: PipelineValue = { Get: `Parameters.${TRIGGER_PARAMETERS.eventKey}` };
  const run = (leaf: string) => join('/', ['s3:/', spec.bucket, 'retraining', spec.modelId, 'runs', execution.id, leaf]);

  const pulled = addPullStep(b, spec.dataPull, {
    name: STEPS.pull, modelId: spec.modelId, roleArn: spec.roleArn, processingInstanceType: spec.processingInstanceType,
    trainingDataUri: spec.trainingDataUri, database: spec.database, workGroup: spec.workGroup, windowEnd, freshDays, executionId: execution.id, run,
  });
  const train = b.training(STEPS.train, {
    image: spec.trainingImage,
    roleArn: spec.roleArn,
    instanceType,
    instanceCount,
    volumeSizeGb: spec.volumeSizeGb,
    maxRuntimeSeconds: spec.maxRuntimeSeconds,
    outputPath: run('model'),
    channels: pulled.channels,
    hyperparameters: spec.hyperparameters,
  });
  const evaluate = b.processing(STEPS.evaluate, {
    image: spec.evaluationImage,
    command: spec.evaluationCommand,
    roleArn: spec.roleArn,
    instanceType: spec.processingInstanceType,
    inputs: [
      { name: 'model', source: train.modelArtifacts(), destination: '/opt/ml/processing/model' },
      { name: 'holdout', source: pulled.holdout, destination: '/opt/ml/processing/holdout' },
    ],
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation', destination: run('evaluation') }],
    environment: { DW_MODEL_ID: spec.modelId },
    propertyFiles: { Evaluation: { output: 'evaluation', path: 'evaluation.json' } },
  });
  const gates = b.lambda(STEPS.gates, {
    functionArn: spec.gateFunctionArn,
    inputs: { evaluationUri: evaluate.output('evaluation'), executionId: execution.id },
    outputs: Object.fromEntries(GATE_OUTPUTS.map((o) => [o, 'String' as const])),
  });
  const register = b.registerModel(STEPS.register, {
    modelPackageGroupName: spec.modelPackageGroupName,
    approvalStatus: approval,
    image: spec.inferenceImage,
    modelData: train.modelArtifacts(),
    contentTypes: spec.contentTypes,
    responseTypes: spec.responseTypes,
    inferenceInstanceTypes: spec.inferenceInstanceTypes,
    transformInstanceTypes: spec.transformInstanceTypes,
    modelQualityStatistics: join('/', [evaluate.output('evaluation'), 'model-quality.json']),
    metadata: {
      dataset_version: pulled.datasetVersion,
      code_version: codeVersion,
      training_image: spec.trainingImage,
      trigger_event: eventKeyParam,
      trigger_signal: signal,
      pipeline_execution: execution.arn,
      champion: gates.output('champion'),
    },
  });
  const fail = b.fail(STEPS.fail, join(' ', ['Candidate not registered:', gates.output('failed')]));
  b.condition(STEPS.condition, [{ Type: 'Equals', LeftValue: gates.output('verdict'), RightValue: 'pass' }], [register], [fail]);
  return b.build();
}

/** The deployed resources a model's pipeline refers to. */
export interface PipelineResources {
  readonly roleArn: string;
  readonly bucket: string;
  readonly gateFunctionArn: string;
  /** The data pull's function (Driftwatch's pull); not needed when the config names a pull container. */
  readonly pullFunctionArn?: string;
  readonly modelPackageGroupName: string;
  readonly database: string;
  readonly workGroup: string;
  /** @default 'unknown' */
  readonly codeVersion?: string;
}

/**
 * The spec of a model's pipeline from its validated config and the deployed resources.
 * @throws Error when the model has no retraining section
 */
export function pipelineSpecFromConfig(model: ModelConfig, resources: PipelineResources): RetrainingPipelineSpec {
  const r = model.retraining;
  if (!r) throw new Error(`model ${model.id} has no retraining section`);
  const p = r.pipeline;
  return {
    modelId: model.id,
    roleArn: resources.roleArn,
    bucket: resources.bucket,
    trainingImage: p.image,
    evaluationImage: p.evaluationImage ?? p.image,
    inferenceImage: p.inferenceImage ?? p.image,
    dataPull: p.dataPull.container
      ? { kind: 'container', image: p.dataPull.container.image ?? p.image, command: p.dataPull.container.command }
      : { kind: 'lambda', functionArn: resources.pullFunctionArn ?? missingPullFunction(model.id) },
    evaluationCommand: p.evaluationCommand,
    processingInstanceType: p.processingInstanceType,
    instanceType: p.instanceType,
    instanceCount: p.instanceCount,
    volumeSizeGb: p.volumeSizeGb,
    maxRuntimeSeconds: p.maxRuntimeHours * 3600,
    hyperparameters: Object.fromEntries(Object.entries(p.hyperparameters).map(([k, v]) => [k, String(v)])),
    trainingDataUri: p.trainingData.s3Uri,
    freshDays: p.freshDays,
    gateFunctionArn: resources.gateFunctionArn,
    modelPackageGroupName: resources.modelPackageGroupName,
    database: resources.database,
    workGroup: resources.workGroup,
    codeVersion: resources.codeVersion ?? 'unknown',
    contentTypes: ['text/csv'],
    responseTypes: ['text/csv'],
    inferenceInstanceTypes: [p.processingInstanceType],
    transformInstanceTypes: [p.processingInstanceType],
  };
}

function missingPullFunction(modelId: string): never {
  throw new Error(`model ${modelId}: the retraining pipeline needs the data pull's function (resources.pullFunctionArn), or retraining.pipeline.dataPull.container for a pull of your own`);
}
