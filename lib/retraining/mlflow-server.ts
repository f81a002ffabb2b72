/**
 * MlflowServer: an environment's SageMaker managed MLflow tracking server, where each retraining run
 * is logged and the Model Registry is mirrored (aliases champion / shadow / previous). Its artifacts
 * go to the data bucket under `mlflow-artifacts/`, encrypted with the environment's key.
 *
 * The server's own registration into the SageMaker Model Registry stays off: Driftwatch registers
 * each candidate itself (the pipeline's RegisterModel step) and mirrors into MLflow, so one version
 * is never registered twice. Usable alone:
 *
 * ```ts
 * const mlflow = new MlflowServer(this, 'Mlflow', { env: 'prod', bucket: lake.bucket, key: lake.key });
 * mlflow.grantTracking(promotionFunction);
 * ```
 */
import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { rolePolicy } from '../compliance/managed-policy';

/** Where the server keeps run and model artifacts, in the data bucket. */
export const MLFLOW_ARTIFACTS_PREFIX = 'mlflow-artifacts/';
export const MLFLOW_SERVER_SIZES = ['Small', 'Medium', 'Large'] as const;
export type MlflowServerSize = (typeof MLFLOW_SERVER_SIZES)[number];

/**
 * The MLflow REST calls Driftwatch makes (`lambda/retraining/adapters/mlflow-rest.ts`), as IAM actions
 * of the `sagemaker-mlflow` service: the tracking of a run and the registry mirror, nothing else.
 */
export const MLFLOW_TRACKING_ACTIONS = [
  'CreateExperiment',
  'GetExperimentByName',
  'SearchRuns',
  'CreateRun',
  'LogBatch',
  'UpdateRun',
  'CreateRegisteredModel',
  'GetRegisteredModel',
  'SearchModelVersions',
  'CreateModelVersion',
  'SetModelVersionTag',
  'SetRegisteredModelAlias',
  'DeleteRegisteredModelAlias',
].map((a) => `sagemaker-mlflow:${a}`);

/** `dw-<env>-mlflow`: one server per environment. */
export function mlflowServerName(env: string): string {
  return `dw-${env}-mlflow`;
}

/** The server's ARN from its name, for stacks that do not hold it (no cross-stack reference). */
export function mlflowServerArn(scope: Construct, env: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'mlflow-tracking-server', resourceName: mlflowServerName(env) });
}

export interface MlflowServerProps {
  /** Environment name (`prod`): the server is `dw-<env>-mlflow`. */
  readonly env: string;
  /** The data bucket: artifacts go under `mlflow-artifacts/`. */
  readonly bucket: s3.IBucket;
  /** The data bucket's key. */
  readonly key: kms.IKey;
  /** @default 'Small' (up to 25 users, as SageMaker sizes them) */
  readonly size?: MlflowServerSize;
  /** An MLflow version SageMaker offers (`3.0`). @default - SageMaker's latest */
  readonly mlflowVersion?: string;
  /** When SageMaker may patch the server, `Sun:03:00` (UTC). @default - SageMaker picks a window */
  readonly weeklyMaintenanceWindowStart?: string;
}

export class MlflowServer extends Construct {
  readonly server: sagemaker.CfnMlflowTrackingServer;
  readonly trackingServerName: string;
  readonly trackingServerArn: string;
  /** The role the server uses to read and write its artifacts. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MlflowServerProps) {
    super(scope, id);
    const size = props.size ?? 'Small';
    if (!MLFLOW_SERVER_SIZES.includes(size)) throw new Error(`${this.node.path}: size must be one of ${MLFLOW_SERVER_SIZES.join(', ')}, got ${JSON.stringify(size)}`);
    const window = props.weeklyMaintenanceWindowStart;
    if (window !== undefined && !Token.isUnresolved(window) && !/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/.test(window)) {
      throw new Error(`${this.node.path}: weeklyMaintenanceWindowStart must read like Sun:03:00 (day, hour and minute, UTC), got ${JSON.stringify(window)}`);
    }
    this.trackingServerName = mlflowServerName(props.env);
    const artifacts = props.bucket.arnForObjects(`${MLFLOW_ARTIFACTS_PREFIX}*`);
    this.role = new iam.Role(this, 'Role', {
      description: `Driftwatch ${props.env}: the MLflow tracking server's access to its artifacts`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    });
    rolePolicy(this.role, `Driftwatch ${props.env}: MLflow artifacts under ${MLFLOW_ARTIFACTS_PREFIX} of the data bucket`, [
      new iam.PolicyStatement({ sid: 'Artifacts', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [artifacts] }),
      new iam.PolicyStatement({ sid: 'ListArtifacts', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [props.bucket.bucketArn] }),
      new iam.PolicyStatement({
        sid: 'DataKeyThroughS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    ]);
    acknowledgeNag(this.role, [
      {
        id: 'AwsSolutions-IAM5',
        reason: `MLflow names its artifact objects per run and model version, so the server may read and write under ${MLFLOW_ARTIFACTS_PREFIX} of the data bucket only`,
        appliesTo: [`Resource::${nagResourceName(Stack.of(this), artifacts)}`],
      },
    ]);
    this.server = new sagemaker.CfnMlflowTrackingServer(this, 'Resource', {
      trackingServerName: this.trackingServerName,
      artifactStoreUri: `s3://${props.bucket.bucketName}/${MLFLOW_ARTIFACTS_PREFIX}`,
      roleArn: this.role.roleArn,
      trackingServerSize: size,
      automaticModelRegistration: false,
      ...(props.mlflowVersion ? { mlflowVersion: props.mlflowVersion } : {}),
      ...(window ? { weeklyMaintenanceWindowStart: window } : {}),
    });
    // The role's managed policy must exist before SageMaker checks the artifact store (the RoleArn reference orders the role only).
    this.server.node.addDependency(this.role.node.findChild('Policy'));
    this.trackingServerArn = this.server.attrTrackingServerArn;
  }

  /** Lets `grantee` log runs and mirror the registry on this server (the calls Driftwatch makes). */
  grantTracking(grantee: iam.IGrantable): iam.Grant {
    return grantMlflowTracking(grantee, this.trackingServerArn);
  }
}

/** The tracking grant on a server known by ARN (a model stack names the environment's server by `mlflowServerArn`). */
export function grantMlflowTracking(grantee: iam.IGrantable, trackingServerArn: string): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: MLFLOW_TRACKING_ACTIONS, resourceArns: [trackingServerArn] });
}
