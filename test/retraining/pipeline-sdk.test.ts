/**
 * The builder's pipeline definition against the one the SageMaker Python SDK (v2.257.7,
 * sagemaker.workflow; test/support/requirements.txt) builds for the same pipeline
 * (test/retraining/sdk_pipeline.py, no network): the same parameters, step names, types,
 * dependencies and arguments, field by field. The SDK writes three things the builder leaves out on
 * purpose, removed from its side before comparing: the training job's DebugHookConfig (SageMaker
 * Debugger's tensor output; no rule reads it) and ModelMetrics' empty Bias and Explainability.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { dependencies, flatten, retrainingPipelineDefinition, type PipelineDefinition, type RetrainingPipelineSpec, type StepDefinition } from '../../lambda/retraining/pipeline';
import { SPEC } from './pipeline-spec';

jest.setTimeout(180_000);

let sdk: PipelineDefinition;
const ours = retrainingPipelineDefinition(SPEC);
/** A team's own pull container instead of Driftwatch's pull (retraining.pipeline.dataPull.container). */
const CONTAINER_SPEC: RetrainingPipelineSpec = { ...SPEC, dataPull: { kind: 'container', image: SPEC.trainingImage, command: ['python3', '/opt/ml/code/pull.py'] } };

function sdkDefinition(spec: RetrainingPipelineSpec): PipelineDefinition {
  const run = spawnSync('python3', [path.join(__dirname, 'sdk_pipeline.py')], { input: JSON.stringify({ ...spec, region: 'us-east-1' }), encoding: 'utf8', timeout: 170_000 });
  if (run.status !== 0) throw new Error(`sdk_pipeline.py failed (${run.status}): ${(run.stderr + run.stdout).slice(-3000)}`);
  return normalise(JSON.parse(run.stdout) as PipelineDefinition);
}

beforeAll(() => {
  sdk = sdkDefinition(SPEC);
});

/** The SDK's definition without the three fields the builder leaves out (see the file's comment). */
function normalise(d: PipelineDefinition): PipelineDefinition {
  const copy = JSON.parse(JSON.stringify(d)) as PipelineDefinition;
  for (const s of flatten(copy.Steps)) {
    if (s.Type === 'Training') delete (s.Arguments as Record<string, unknown>).DebugHookConfig;
    if (s.Type === 'RegisterModel') {
      const metrics = s.Arguments.ModelMetrics as Record<string, unknown>;
      for (const k of ['Bias', 'Explainability']) if (JSON.stringify(metrics[k]) === '{}') delete metrics[k];
    }
  }
  return copy;
}

const byName = (d: PipelineDefinition) => new Map(flatten(d.Steps).map((s) => [s.Name, s] as [string, StepDefinition]));

test('the same parameters, with their types and defaults', () => {
  expect(ours.Parameters).toEqual(sdk.Parameters);
  expect(ours.Version).toBe('2020-12-01');
  expect(ours.PipelineExperimentConfig).toEqual(sdk.PipelineExperimentConfig);
});

test('the same steps in the same order, with the same types', () => {
  const shape = (d: PipelineDefinition) => flatten(d.Steps).map((s) => `${s.Name}:${s.Type}`);
  expect(shape(ours)).toEqual(shape(sdk));
  expect(shape(ours)).toEqual(['PullData:Lambda', 'Train:Training', 'Evaluate:Processing', 'CheckGates:Lambda', 'GatesPassed:Condition', 'Register-RegisterModel:RegisterModel', 'GatesFailed:Fail']);
});

test('the same dependencies between steps', () => {
  expect(dependencies(ours)).toEqual(dependencies(sdk));
  expect(dependencies(ours)).toEqual({
    PullData: [],
    Train: ['PullData'],
    Evaluate: ['PullData', 'Train'],
    CheckGates: ['Evaluate'],
    GatesPassed: ['CheckGates'],
    'Register-RegisterModel': ['CheckGates', 'Evaluate', 'PullData', 'Train'],
    GatesFailed: ['CheckGates'],
  });
});

test.each(['PullData', 'Train', 'Evaluate', 'CheckGates', 'GatesPassed', 'Register-RegisterModel', 'GatesFailed'])('step %s has the SDK\'s arguments', (name) => {
  const a = byName(ours).get(name)!;
  const b = byName(sdk).get(name)!;
  if (a.Type === 'Condition') {
    expect(a.Arguments.Conditions).toEqual(b.Arguments.Conditions);
    const names = (steps: unknown) => (steps as StepDefinition[]).map((s) => s.Name);
    expect(names(a.Arguments.IfSteps)).toEqual(names(b.Arguments.IfSteps));
    expect(names(a.Arguments.ElseSteps)).toEqual(names(b.Arguments.ElseSteps));
  } else {
    expect(a).toEqual(b);
  }
});

test('key arguments: the digest-pinned image, the gate verdict, PendingManualApproval, the lineage', () => {
  const steps = byName(ours);
  expect((steps.get('Train')!.Arguments.AlgorithmSpecification as { TrainingImage: string }).TrainingImage).toMatch(/@sha256:[0-9a-f]{64}$/);
  expect(steps.get('GatesPassed')!.Arguments.Conditions).toEqual([{ Type: 'Equals', LeftValue: { Get: "Steps.CheckGates.OutputParameters['verdict']" }, RightValue: 'pass' }]);
  const register = steps.get('Register-RegisterModel')!.Arguments;
  expect(register.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
  expect(ours.Parameters.find((p) => p.Name === 'ModelApprovalStatus')?.DefaultValue).toBe('PendingManualApproval');
  expect(Object.keys(register.CustomerMetadataProperties as object)).toEqual(['dataset_version', 'code_version', 'training_image', 'trigger_event', 'trigger_signal', 'pipeline_execution', 'champion']);
  expect(steps.get('GatesFailed')!.Arguments.ErrorMessage).toEqual({ 'Std:Join': { On: ' ', Values: ['Candidate not registered:', { Get: "Steps.CheckGates.OutputParameters['failed']" }] } });
});

test("the pull's outputs feed Train's channels, Evaluate's holdout and the dataset version", () => {
  const steps = byName(ours);
  const out = (name: string) => ({ Get: `Steps.PullData.OutputParameters['${name}']` });
  expect(steps.get('PullData')!.Arguments).toEqual({ modelId: SPEC.modelId, windowEnd: { Get: 'Parameters.WindowEnd' }, freshDays: { Get: 'Parameters.FreshDays' }, executionId: { Get: 'Execution.PipelineExecutionId' } });
  const channels = steps.get('Train')!.Arguments.InputDataConfig as { ChannelName: string; DataSource: { S3DataSource: { S3Uri: unknown; S3DataType: string } } }[];
  // history through the pull's manifest file: Train reads exactly the objects the pull hashed
  expect(channels.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri, c.DataSource.S3DataSource.S3DataType])).toEqual([
    ['train', out('trainUri'), 'S3Prefix'],
    ['history', out('historyManifestUri'), 'ManifestFile'],
  ]);
  expect((steps.get('Register-RegisterModel')!.Arguments.CustomerMetadataProperties as Record<string, unknown>).dataset_version).toEqual(out('datasetVersion'));
});

test('the whole definitions are equal', () => {
  expect(ours).toEqual(sdk);
});

test('with a pull container of the team\'s own, the definitions are equal too', () => {
  const theirs = retrainingPipelineDefinition(CONTAINER_SPEC);
  expect(flatten(theirs.Steps)[0].Type).toBe('Processing');
  expect(theirs).toEqual(sdkDefinition(CONTAINER_SPEC));
});
