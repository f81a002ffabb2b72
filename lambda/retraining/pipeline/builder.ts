/**
 * A typed builder for SageMaker pipeline definitions (schema version 2020-12-01), the JSON that
 * `CreatePipeline` / `AWS::SageMaker::Pipeline` take: parameters, then steps of the types this
 * project uses (Processing, Training, Lambda, Condition, RegisterModel, Fail). Each step method
 * returns a handle whose methods name its properties (`pull.output('train')`,
 * `train.modelArtifacts()`, `gates.output('verdict')`), so a reference to a step is made from the
 * step itself. `build()` checks what the service would refuse later: duplicate names, a reference to
 * a step or parameter that does not exist or to a step that comes later, an undeclared property
 * file. Dependencies are the references (SageMaker derives them the same way), so no `DependsOn` is
 * written.
 *
 * The JSON has the shape the SageMaker Python SDK writes for the same steps
 * (test/retraining/pipeline-sdk.test.ts compares them field by field).
 */
import { references, type Get, type PipelineValue } from './values';

export type ParameterType = 'String' | 'Integer' | 'Float' | 'Boolean';

export interface ParameterDefinition {
  readonly Name: string;
  readonly Type: ParameterType;
  readonly DefaultValue?: string | number | boolean;
}

export interface StepDefinition {
  readonly Name: string;
  readonly Type: 'Processing' | 'Training' | 'Lambda' | 'Condition' | 'RegisterModel' | 'Fail';
  readonly Arguments: Record<string, unknown>;
  readonly [extra: string]: unknown;
}

export interface PipelineDefinition {
  readonly Version: '2020-12-01';
  readonly Metadata: Record<string, never>;
  readonly Parameters: readonly ParameterDefinition[];
  readonly PipelineExperimentConfig: { readonly ExperimentName: Get; readonly TrialName: Get };
  readonly Steps: readonly StepDefinition[];
}

export interface S3InputSpec {
  readonly name: string;
  readonly source: PipelineValue;
  readonly destination: string;
}
export interface S3OutputSpec {
  readonly name: string;
  readonly source: string;
  readonly destination: PipelineValue;
}

export interface ProcessingStepProps {
  readonly image: string;
  readonly command: readonly string[];
  readonly roleArn: string;
  readonly instanceType: PipelineValue;
  /** @default 1 */
  readonly instanceCount?: PipelineValue;
  /** @default 30 */
  readonly volumeSizeGb?: number;
  readonly inputs?: readonly S3InputSpec[];
  readonly outputs?: readonly S3OutputSpec[];
  readonly environment?: Readonly<Record<string, PipelineValue>>;
  /** JSON files among the outputs that later steps read with `jsonGet` / conditions: name → [output, path]. */
  readonly propertyFiles?: Readonly<Record<string, { readonly output: string; readonly path: string }>>;
}

export interface TrainingStepProps {
  readonly image: string;
  readonly roleArn: string;
  readonly instanceType: PipelineValue;
  readonly instanceCount: PipelineValue;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  readonly outputPath: PipelineValue;
  /** Channel name → S3 prefix, or a channel with its S3DataType (S3Prefix when not given). */
  readonly channels: Readonly<Record<string, PipelineValue | TrainingChannel>>;
  /** As strings, as SageMaker passes them. */
  readonly hyperparameters?: Readonly<Record<string, string>>;
}

/** `ManifestFile`: the URI is a SageMaker manifest (`[{"prefix": ...}, "key", ...]`), the channel reads exactly its keys. */
export interface TrainingChannel {
  readonly uri: PipelineValue;
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile';
}

const asChannel = (c: PipelineValue | TrainingChannel): Required<TrainingChannel> =>
  typeof c === 'object' && 'uri' in c ? { uri: c.uri, s3DataType: c.s3DataType ?? 'S3Prefix' } : { uri: c, s3DataType: 'S3Prefix' };

export interface LambdaStepProps {
  readonly functionArn: string;
  readonly inputs: Readonly<Record<string, PipelineValue>>;
  /** Output parameters (the top-level keys of the function's JSON answer) and their types. */
  readonly outputs: Readonly<Record<string, 'String' | 'Integer' | 'Boolean' | 'Float'>>;
}

export interface RegisterModelStepProps {
  readonly modelPackageGroupName: string;
  readonly approvalStatus: PipelineValue;
  readonly image: string;
  readonly modelData: PipelineValue;
  readonly contentTypes: readonly string[];
  readonly responseTypes: readonly string[];
  readonly inferenceInstanceTypes: readonly string[];
  readonly transformInstanceTypes: readonly string[];
  /** ModelMetrics.ModelQuality.Statistics (JSON, shown in SageMaker Studio). */
  readonly modelQualityStatistics?: PipelineValue;
  /** Lineage as the package's metadata (key → value, resolved at run time). */
  readonly metadata?: Readonly<Record<string, PipelineValue>>;
}

export interface Condition {
  readonly Type: 'Equals' | 'GreaterThan' | 'GreaterThanOrEqualTo' | 'LessThan' | 'LessThanOrEqualTo';
  readonly LeftValue: PipelineValue;
  readonly RightValue: PipelineValue;
}

/** A step already added, whose properties later steps refer to. */
export class StepHandle {
  constructor(
    readonly name: string,
    readonly definition: StepDefinition,
  ) {}
}

export class ProcessingStepHandle extends StepHandle {
  /** The S3 URI an output was uploaded to. */
  output(name: string): Get {
    const outputs = (this.definition.Arguments.ProcessingOutputConfig as { Outputs: { OutputName: string }[] } | undefined)?.Outputs ?? [];
    if (!outputs.some((o) => o.OutputName === name)) throw new Error(`step ${this.name} has no output ${JSON.stringify(name)} (it has ${outputs.map((o) => o.OutputName).join(', ') || 'none'})`);
    return { Get: `Steps.${this.name}.ProcessingOutputConfig.Outputs['${name}'].S3Output.S3Uri` };
  }
}

export class TrainingStepHandle extends StepHandle {
  /** The model artifact (model.tar.gz) the training job wrote. */
  modelArtifacts(): Get {
    return { Get: `Steps.${this.name}.ModelArtifacts.S3ModelArtifacts` };
  }
}

export class LambdaStepHandle extends StepHandle {
  output(name: string): Get {
    const outputs = this.definition.OutputParameters as { OutputName: string }[];
    if (!outputs.some((o) => o.OutputName === name)) throw new Error(`step ${this.name} has no output parameter ${JSON.stringify(name)} (it has ${outputs.map((o) => o.OutputName).join(', ')})`);
    return { Get: `Steps.${this.name}.OutputParameters['${name}']` };
  }
}

/** Builds one pipeline definition; methods are called in step order. */
export class PipelineBuilder {
  private readonly parameters: ParameterDefinition[] = [];
  private readonly steps: StepDefinition[] = [];

  /** Declares a parameter with its default; returns `{"Get": "Parameters.<name>"}`. */
  parameter(name: string, type: ParameterType, defaultValue?: string | number | boolean): Get {
    if (!/^[A-Za-z0-9-]{1,256}$/.test(name)) throw new Error(`pipeline parameter ${JSON.stringify(name)}: expected letters, digits and '-'`);
    if (this.parameters.some((p) => p.Name === name)) throw new Error(`pipeline parameter ${name} is declared twice`);
    this.parameters.push({ Name: name, Type: type, ...(defaultValue !== undefined ? { DefaultValue: defaultValue } : {}) });
    return { Get: `Parameters.${name}` };
  }

  processing(name: string, p: ProcessingStepProps): ProcessingStepHandle {
    const step: StepDefinition = {
      Name: name,
      Type: 'Processing',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: p.instanceType, InstanceCount: p.instanceCount ?? 1, VolumeSizeInGB: p.volumeSizeGb ?? 30 } },
        AppSpecification: { ImageUri: p.image, ContainerEntrypoint: [...p.command] },
        RoleArn: p.roleArn,
        ...(p.inputs?.length
          ? {
              ProcessingInputs: p.inputs.map((i) => ({
                InputName: i.name,
                AppManaged: false,
                S3Input: { S3Uri: i.source, LocalPath: i.destination, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' },
              })),
            }
          : {}),
        ...(p.outputs?.length
          ? { ProcessingOutputConfig: { Outputs: p.outputs.map((o) => ({ OutputName: o.name, AppManaged: false, S3Output: { S3Uri: o.destination, LocalPath: o.source, S3UploadMode: 'EndOfJob' } })) } }
          : {}),
        ...(p.environment ? { Environment: { ...p.environment } } : {}),
      },
      ...(p.propertyFiles
        ? {
            PropertyFiles: Object.entries(p.propertyFiles).map(([fileName, f]) => {
              if (!p.outputs?.some((o) => o.name === f.output)) throw new Error(`step ${name}: property file ${fileName} reads output ${JSON.stringify(f.output)}, which the step does not have`);
              return { PropertyFileName: fileName, OutputName: f.output, FilePath: f.path };
            }),
          }
        : {}),
    };
    return this.add(new ProcessingStepHandle(name, step));
  }

  training(name: string, p: TrainingStepProps): TrainingStepHandle {
    const step: StepDefinition = {
      Name: name,
      Type: 'Training',
      Arguments: {
        AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: p.image },
        OutputDataConfig: { S3OutputPath: p.outputPath },
        StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds },
        ResourceConfig: { VolumeSizeInGB: p.volumeSizeGb, InstanceCount: p.instanceCount, InstanceType: p.instanceType },
        RoleArn: p.roleArn,
        InputDataConfig: Object.entries(p.channels).map(([channel, c]) => {
          const { uri, s3DataType } = asChannel(c);
          return { DataSource: { S3DataSource: { S3DataType: s3DataType, S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } }, ChannelName: channel };
        }),
        HyperParameters: { ...(p.hyperparameters ?? {}) },
        // The profiler samples system metrics into S3 for SageMaker Debugger; nothing here reads them.
        ProfilerConfig: { DisableProfiler: true },
      },
    };
    return this.add(new TrainingStepHandle(name, step));
  }

  lambda(name: string, p: LambdaStepProps): LambdaStepHandle {
    const step: StepDefinition = {
      Name: name,
      Type: 'Lambda',
      Arguments: { ...p.inputs },
      FunctionArn: p.functionArn,
      OutputParameters: Object.entries(p.outputs).map(([OutputName, OutputType]) => ({ OutputName, OutputType })),
    };
    return this.add(new LambdaStepHandle(name, step));
  }

  /** A RegisterModel step (not added on its own: pass it to `condition`, or `addStep` it). */
  registerModel(name: string, p: RegisterModelStepProps): StepHandle {
    return new StepHandle(name, {
      Name: name,
      Type: 'RegisterModel',
      Arguments: {
        ModelPackageGroupName: p.modelPackageGroupName,
        ...(p.modelQualityStatistics !== undefined ? { ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: p.modelQualityStatistics } } } } : {}),
        ...(p.metadata ? { CustomerMetadataProperties: { ...p.metadata } } : {}),
        InferenceSpecification: {
          Containers: [{ Image: p.image, Environment: {}, ModelDataUrl: p.modelData }],
          SupportedContentTypes: [...p.contentTypes],
          SupportedResponseMIMETypes: [...p.responseTypes],
          SupportedRealtimeInferenceInstanceTypes: [...p.inferenceInstanceTypes],
          SupportedTransformInstanceTypes: [...p.transformInstanceTypes],
        },
        ModelApprovalStatus: p.approvalStatus,
        SkipModelValidation: 'None',
      },
    });
  }

  /** A Fail step ending the execution with `message` (not added on its own: pass it to `condition`). */
  fail(name: string, message: PipelineValue): StepHandle {
    return new StepHandle(name, { Name: name, Type: 'Fail', Arguments: { ErrorMessage: message } });
  }

  /** A Condition step: all `conditions` hold → `ifSteps`, else `elseSteps`. */
  condition(name: string, conditions: readonly Condition[], ifSteps: readonly StepHandle[], elseSteps: readonly StepHandle[]): StepHandle {
    const step: StepDefinition = {
      Name: name,
      Type: 'Condition',
      Arguments: { Conditions: [...conditions], IfSteps: ifSteps.map((s) => s.definition), ElseSteps: elseSteps.map((s) => s.definition) },
    };
    return this.add(new StepHandle(name, step));
  }

  /**
   * The definition.
   * @throws Error naming the step and what it refers to, when a reference does not resolve
   */
  build(): PipelineDefinition {
    const all = flatten(this.steps);
    const names = new Set<string>();
    for (const s of all) {
      if (names.has(s.Name)) throw new Error(`pipeline step ${s.Name} is defined twice`);
      names.add(s.Name);
    }
    const params = new Set(this.parameters.map((p) => p.Name));
    const before = new Set<string>();
    for (const top of this.steps) {
      for (const s of flatten([top])) {
        const refs = references(s.Type === 'Condition' ? { Conditions: s.Arguments.Conditions } : s);
        for (const p of refs.parameters) if (!params.has(p)) throw new Error(`pipeline step ${s.Name} uses parameter ${p}, which is not declared`);
        for (const r of refs.steps) {
          if (!names.has(r)) throw new Error(`pipeline step ${s.Name} refers to step ${r}, which does not exist`);
          if (!before.has(r)) throw new Error(`pipeline step ${s.Name} refers to step ${r}, which does not run before it`);
        }
        for (const file of propertyFileRefs(s)) {
          const [step, fileName] = file;
          const owner = all.find((x) => x.Name === step);
          const declared = ((owner?.PropertyFiles as { PropertyFileName: string }[] | undefined) ?? []).some((f) => f.PropertyFileName === fileName);
          if (!declared) throw new Error(`pipeline step ${s.Name} reads property file ${fileName} of step ${step}, which the step does not declare`);
        }
      }
      for (const s of flatten([top])) before.add(s.Name);
    }
    return {
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [...this.parameters],
      PipelineExperimentConfig: { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } },
      Steps: [...this.steps],
    };
  }

  private add<T extends StepHandle>(handle: T): T {
    this.steps.push(handle.definition);
    return handle;
  }
}

/** Every step, the condition steps' branches included, in order. */
export function flatten(steps: readonly StepDefinition[]): StepDefinition[] {
  return steps.flatMap((s) =>
    s.Type === 'Condition' ? [s, ...flatten([...((s.Arguments.IfSteps as StepDefinition[]) ?? []), ...((s.Arguments.ElseSteps as StepDefinition[]) ?? [])])] : [s],
  );
}

function propertyFileRefs(value: unknown, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) for (const v of value) propertyFileRefs(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const m = k === 'Get' && typeof v === 'string' ? /^Steps\.([^.]+)\.PropertyFiles\.(.+)$/.exec(v) : null;
      if (m) out.push([m[1], m[2]]);
      else propertyFileRefs(v, out);
    }
  }
  return out;
}

/** The steps each step refers to (its dependencies), by name; condition branches listed on their own. */
export function dependencies(definition: Pick<PipelineDefinition, 'Steps'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of flatten(definition.Steps)) {
    const own = s.Type === 'Condition' ? { Conditions: s.Arguments.Conditions } : s;
    out[s.Name] = [...references(own).steps].sort();
  }
  return out;
}
