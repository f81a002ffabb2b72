/**
 * RetrainingPipeline: one model's SageMaker pipeline (`AWS::SageMaker::Pipeline`, the definition
 * from `lambda/retraining/pipeline`), its Model Package Group, and the role its jobs run as, scoped
 * to this model: its images' ECR repositories, its training data prefix, its run prefix in the data
 * bucket, its jobs (`pipelines-*`, the names SageMaker Pipelines gives them), its package group and
 * its two Lambda steps' functions (the data pull, the gates).
 */
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { parseImageReference } from '../../lambda/retraining/image';
import { pipelineSpecFromConfig, retrainingPipelineDefinition, type PipelineDefinition } from '../../lambda/retraining/pipeline';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { glueDatabaseName, workGroupName } from '../common/naming';
import { trainingHistoryStatements } from './history-access';
import { modelPackageGroupName, retrainingPipelineName, retrainingPrefixes } from './naming';

export interface RetrainingPipelineProps {
  /** Environment name (`prod`). */
  readonly env: string;
  /** The validated model config; it must have a `retraining` section. */
  readonly model: ModelConfig;
  /** The data bucket: the runs' artifacts go under `retraining/<model>/runs/`. */
  readonly bucket: s3.IBucket;
  /** The data bucket's key. */
  readonly key: kms.IKey;
  /** The gate step's function (`checkGates` of the retraining bundle). */
  readonly gateFunction: lambda.IFunction;
  /** The data pull's function (`DataPull`, `data-pull.ts`). @default - none: the config must name a pull container (`retraining.pipeline.dataPull.container`) */
  readonly pullFunction?: lambda.IFunction;
  /** The git commit deployed, the default of the `CodeVersion` parameter. @default 'unknown' */
  readonly codeVersion?: string;
  /** @default `driftwatch_<env>` */
  readonly databaseName?: string;
  /** @default `driftwatch-<env>` */
  readonly workGroup?: string;
}

export class RetrainingPipeline extends Construct {
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly modelPackageGroupName: string;
  /** The role the pipeline's jobs (and its Lambda step) run as. */
  readonly role: iam.Role;
  /** The definition as deployed (tokens for the role, bucket and function ARNs). */
  readonly definition: PipelineDefinition;

  constructor(scope: Construct, id: string, props: RetrainingPipelineProps) {
    super(scope, id);
    const { env, model } = props;
    if (!model.retraining) throw new Error(`RetrainingPipeline: model ${model.id} has no retraining section (props.model.retraining)`);
    const stack = Stack.of(this);
    this.pipelineName = retrainingPipelineName(env, model.id);
    this.modelPackageGroupName = modelPackageGroupName(env, model.id);
    this.pipelineArn = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: this.pipelineName });

    const group = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: this.modelPackageGroupName,
      modelPackageGroupDescription: `Driftwatch ${env}: candidates of ${model.id} registered by its retraining pipeline`,
    });
    this.role = new iam.Role(this, 'Role', {
      description: `Driftwatch ${env}: the retraining pipeline of ${model.id}`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    });
    const statements = pipelineStatements(stack, this, props);
    // A customer-managed policy (the compliance packs refuse inline ones), attached to this role only.
    new iam.ManagedPolicy(this, 'Policy', { description: `Driftwatch ${env}: the retraining pipeline of ${model.id}`, statements: statements.statements, roles: [this.role] });
    acknowledgeNag(this, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          `SageMaker Pipelines names the jobs it creates (pipelines-<execution>-<step>) and the runs write objects whose names are not ` +
          `known in advance, so each wildcard is one of: this model's job name prefix, its run prefix (${retrainingPrefixes(model.id).runs}*), ` +
          `its training data prefix, the versions in its own package group, its SageMaker log groups; ecr:GetAuthorizationToken ` +
          `and cloudwatch:PutMetricData have no resource-level permissions (the latter is limited to the SageMaker namespaces)`,
        appliesTo: statements.wildcards.map((w) => (w.startsWith('Action::') ? w : `Resource::${nagResourceName(stack, w)}`)),
      },
    ]);

    const spec = pipelineSpecFromConfig(model, {
      roleArn: this.role.roleArn,
      bucket: props.bucket.bucketName,
      gateFunctionArn: props.gateFunction.functionArn,
      ...(props.pullFunction ? { pullFunctionArn: props.pullFunction.functionArn } : {}),
      modelPackageGroupName: this.modelPackageGroupName,
      database: props.databaseName ?? glueDatabaseName(env),
      workGroup: props.workGroup ?? workGroupName(env),
      codeVersion: props.codeVersion,
    });
    this.definition = retrainingPipelineDefinition(spec);
    const pipeline = new sagemaker.CfnPipeline(this, 'Pipeline', {
      pipelineName: this.pipelineName,
      pipelineDisplayName: this.pipelineName,
      pipelineDescription: `Driftwatch ${env}: retrains ${model.id} (data pull, training, evaluation, gates, registration)`,
      roleArn: this.role.roleArn,
      pipelineDefinition: { PipelineDefinitionBody: stack.toJsonString(this.definition) },
    });
    pipeline.node.addDependency(group);
    pipeline.node.addDependency(this.role);
  }
}

/** The ECR repository ARN of an image in ECR, or null (an image elsewhere needs no ECR permission). */
function ecrRepositoryArn(image: string): string | null {
  const ref = parseImageReference(image);
  const m = ref ? /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(ref.repository) : null;
  return m ? `arn:${Aws.PARTITION}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : null;
}

function pipelineStatements(stack: Stack, self: RetrainingPipeline, props: RetrainingPipelineProps): { statements: iam.PolicyStatement[]; wildcards: string[] } {
  const { model, bucket, key } = props;
  const r = model.retraining!;
  const runs = retrainingPrefixes(model.id).runs;
  const history = trainingHistoryStatements(r.pipeline.trainingData);
  const runObjects = bucket.arnForObjects(`${runs}*`);
  const jobArns = ['processing-job', 'training-job'].map((t) => stack.formatArn({ service: 'sagemaker', resource: t, resourceName: 'pipelines-*' }));
  const groupArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: self.modelPackageGroupName });
  const packageArns = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${self.modelPackageGroupName}/*` });
  const logGroups = ['ProcessingJobs', 'TrainingJobs'].map((g) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/${g}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
  const images = [r.pipeline.image, r.pipeline.evaluationImage, r.pipeline.inferenceImage].filter((i): i is string => i !== undefined);
  const repositories = [...new Set(images.map(ecrRepositoryArn).filter((a): a is string => a !== null))];
  const statements = [
    new iam.PolicyStatement({
      sid: 'RunPipelineJobs',
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      resources: jobArns,
    }),
    new iam.PolicyStatement({ sid: 'RegisterCandidates', actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:AddTags'], resources: [groupArn, packageArns] }),
    new iam.PolicyStatement({ sid: 'RunLambdaSteps', actions: ['lambda:InvokeFunction'], resources: [props.gateFunction.functionArn, ...(props.pullFunction ? [props.pullFunction.functionArn] : [])] }),
    new iam.PolicyStatement({
      sid: 'PassOwnRoleToJobs',
      actions: ['iam:PassRole'],
      resources: [self.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
    ...history.statements,
    new iam.PolicyStatement({ sid: 'ReadWriteRuns', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], resources: [runObjects] }),
    new iam.PolicyStatement({ sid: 'ListRuns', actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${runs}*`] } } }),
    new iam.PolicyStatement({ sid: 'UseDataKeyThroughS3', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } } }),
    ...(repositories.length
      ? [new iam.PolicyStatement({ sid: 'PullImages', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resources: repositories })]
      : []),
    new iam.PolicyStatement({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'JobLogs', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: logGroups }),
    new iam.PolicyStatement({ sid: 'JobMetrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } }),
  ];
  const wildcards = [...jobArns, packageArns, history.historyObjects, runObjects, ...logGroups, '*'];
  return { statements, wildcards };
}
