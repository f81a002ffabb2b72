/**
 * The role SageMaker runs the model's endpoint variants as, when `promotion.executionRoleArn` names
 * none: it pulls the serving image of the retraining pipeline from its ECR repository, reads the model
 * artifacts the pipeline wrote under `retraining/<model>/runs/` (through S3 with the data key), and
 * writes the endpoint's logs and metrics. Nothing else: a model container has no business elsewhere.
 */
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { parseImageReference } from '../../lambda/retraining/image';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { rolePolicy } from '../compliance/managed-policy';
import { retrainingPrefixes } from '../retraining/naming';

const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

/**
 * The ECR repository ARN of the model's serving image (`pipeline.inferenceImage`, else the training image).
 * @throws naming the props to set when the model has no retraining pipeline or its image is not in ECR
 */
export function servingRepositoryArn(model: ModelConfig): string {
  const pipeline = model.retraining?.pipeline;
  const image = pipeline?.inferenceImage ?? pipeline?.image;
  const ref = image ? parseImageReference(image) : null;
  const m = ref ? ECR_REGISTRY.exec(ref.repository) : null;
  if (!m) {
    throw new Error(
      `model ${model.id}: promotion.executionRoleArn is not set and the construct cannot make the role itself: ` +
        (image ? `the serving image ${JSON.stringify(image)} is not in an ECR repository` : 'the model has no retraining.pipeline image to serve') +
        '; set promotion.executionRoleArn to the role your SageMaker models run as',
    );
  }
  return `arn:${Aws.PARTITION}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}

/**
 * A role for the model's SageMaker models, scoped to its image, its artifacts and its endpoint's logs;
 * with `captureRoot`, also the endpoint's Data Capture under that prefix (SageMaker writes the captures
 * as the endpoint's execution role, encrypted with the config's KmsKeyId).
 */
export function modelExecutionRole(scope: Construct, env: string, model: ModelConfig, endpointName: string, bucket: s3.IBucket, key: kms.IKey, captureRoot?: string): iam.Role {
  const stack = Stack.of(scope);
  const runs = bucket.arnForObjects(`${retrainingPrefixes(model.id).runs}*`);
  const captures = captureRoot === undefined ? undefined : bucket.arnForObjects(`${captureRoot}*`);
  const endpointLogs = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/Endpoints/${endpointName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const role = new iam.Role(scope, 'ModelExecutionRole', {
    description: `Driftwatch ${env}: the SageMaker models of ${model.id} on ${endpointName}`,
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
  });
  rolePolicy(role, `Driftwatch ${env}: what the SageMaker models of ${model.id} read and write`, [
    new iam.PolicyStatement({ sid: 'PullServingImage', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resources: [servingRepositoryArn(model)] }),
    // GetAuthorizationToken has no resource type: it grants a registry login, the repository policy above limits the pull.
    new iam.PolicyStatement({ sid: 'LogInToRegistry', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'ReadModelArtifacts', actions: ['s3:GetObject'], resources: [runs] }),
    ...(captures ? [new iam.PolicyStatement({ sid: 'WriteDataCapture', actions: ['s3:PutObject'], resources: [captures] })] : []),
    new iam.PolicyStatement({
      sid: 'UseDataKeyThroughS3',
      actions: captures ? ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'] : ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({ sid: 'WriteEndpointLogs', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [endpointLogs] }),
    new iam.PolicyStatement({ sid: 'PublishEndpointMetrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker'] } } }),
  ]);
  acknowledgeNag(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        `The models read the artifacts the retraining pipeline wrote under ${retrainingPrefixes(model.id).runs}<execution>/ (names not known in advance) and write ` +
        `the log streams SageMaker names under /aws/sagemaker/Endpoints/${endpointName}; ecr:GetAuthorizationToken and cloudwatch:PutMetricData have no ` +
        'resource type (the latter is limited to the SageMaker namespaces by condition)' +
        (captureRoot ? `; the endpoint's Data Capture writes files SageMaker names under ${captureRoot}<config versions>/<endpoint>/<variant>/<hour>/` : ''),
      appliesTo: ['Resource::*', `Resource::${nagResourceName(stack, runs)}`, `Resource::${nagResourceName(stack, endpointLogs)}`, ...(captures ? [`Resource::${nagResourceName(stack, captures)}`] : [])],
    },
  ]);
  return role;
}
