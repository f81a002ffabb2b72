/**
 * DataPull: the function of a model's retraining pipeline's first step (`handler` of
 * `lambda/handlers/pull-data.ts`, a SageMaker Lambda step): it runs the window's label join in
 * Athena, UNLOADs the labelled rows as Parquet into the run's prefix, hashes them and the team's
 * history and writes the run's manifest.json.
 *
 * Permissions, this model only: Athena in the environment's workgroup, Glue reads of its prediction
 * and label tables, S3 reads of its prediction and label prefixes and its training history, reads
 * and writes of its run prefix (the unload, the manifest), its history-hash cache and the
 * workgroup's result prefix (UNLOAD writes its own metadata there); the data key through S3 and Athena.
 * SageMaker Pipelines fails a Lambda step after 10 minutes, so the function's timeout is 10 minutes.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { S3_LAYOUT } from '../../lambda/core/schema/record-schema';
import { ATHENA_RESULTS_PREFIX } from '../analytics/analytics';
import { handlerCode, handlerFunction } from '../common/handler-function';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { glueDatabaseName, labelTableName, predictionTableName, workGroupName } from '../common/naming';
import { rolePolicy } from '../compliance/managed-policy';
import { allowVpcAccess, type FunctionNetwork } from '../compliance/network';
import { HANDLER_DIST_DIR } from '../monitor/bundle';
import { tableLayout } from '../prediction-log/layout';
import { trainingHistoryStatements } from './history-access';
import { RETRAINING_SERVICE_NAME, retrainingFunctionName, retrainingPrefixes } from './naming';

/** The pull's bundle (`lambda/handlers/pull-data.ts`). */
export const DATA_PULL_HANDLER = 'pull-data';

/** SageMaker Pipelines' limit on a Lambda step. */
export const LAMBDA_STEP_TIMEOUT = Duration.minutes(10);

export interface DataPullProps {
  readonly env: string;
  /** The validated model config; it must have a `retraining` section. */
  readonly model: ModelConfig;
  /** The data bucket: the prediction log, the runs, the Athena results. */
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** @default `driftwatch_<env>` */
  readonly databaseName?: string;
  /** @default `driftwatch-<env>` */
  readonly workGroup?: string;
  /** @default dist/handlers, bundled from the sources when missing or stale */
  readonly bundleDirectory?: string;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** @default - outside a VPC */
  readonly network?: FunctionNetwork;
  /** @default - none reserved */
  readonly reservedConcurrency?: number;
}

export class DataPull extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: DataPullProps) {
    super(scope, id);
    const { env, model, bucket, key } = props;
    const r = model.retraining;
    if (!r) throw new Error(`DataPull: model ${model.id} has no retraining section (props.model.retraining)`);
    const databaseName = props.databaseName ?? glueDatabaseName(env);
    const workGroup = props.workGroup ?? workGroupName(env);
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/driftwatch/${env}/${model.id}/retrain-pull`, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    const role = new iam.Role(this, 'Role', { description: `Driftwatch ${env}: the data pull of ${model.id}'s retraining`, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const { statements, wildcards } = pullStatements(Stack.of(this), props, databaseName, workGroup, logGroup);
    rolePolicy(role, `Driftwatch ${env}: the data pull of ${model.id}'s retraining`, statements);
    if (props.network) allowVpcAccess(role, role);
    acknowledgeNag(role, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          `The pull reads the objects Firehose names under this model's prediction and label prefixes and its training history, writes the files ` +
          `Athena's UNLOAD names under ${retrainingPrefixes(model.id).runs}<execution>/ and its metadata under ${ATHENA_RESULTS_PREFIX}, and its hash cache under ` +
          `${retrainingPrefixes(model.id).pull}; object names are not known in advance, so each wildcard is one prefix of this model (or of the workgroup)`,
        appliesTo: wildcards.map((w) => `Resource::${nagResourceName(Stack.of(this), w)}`),
      },
    ]);
    this.function = handlerFunction(this, 'Function', {
      functionName: retrainingFunctionName(env, model.id, 'pull'),
      description: `Driftwatch ${env}: the data pull of ${model.id}'s retraining (labelled rows, dataset manifest)`,
      code: handlerCode(this, DATA_PULL_HANDLER, { env, model }, props.bundleDirectory ?? HANDLER_DIST_DIR),
      memorySize: 1024,
      timeout: LAMBDA_STEP_TIMEOUT,
      role,
      logGroup,
      environment: {
        DW_BUCKET: bucket.bucketName,
        DW_DATABASE: databaseName,
        DW_WORKGROUP: workGroup,
        DW_PREDICTION_TABLE: predictionTableName(model.id),
        DW_LABEL_TABLE: labelTableName(model.id),
        POWERTOOLS_SERVICE_NAME: RETRAINING_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      calls: 'S3, Athena and Glue',
      failures: "The data pull is invoked synchronously by the SageMaker pipeline's Lambda step, never asynchronously: a failure fails the step and the pipeline execution, where it is kept and the owner is alerted; a DeadLetterConfig would never receive anything",
    });
  }
}

function pullStatements(stack: Stack, props: DataPullProps, databaseName: string, workGroup: string, logGroup: logs.ILogGroup): { statements: iam.PolicyStatement[]; wildcards: string[] } {
  const { model, bucket, key } = props;
  const prefixes = retrainingPrefixes(model.id);
  const records = [tableLayout(S3_LAYOUT.predictions(model.id)).root, tableLayout(S3_LAYOUT.labels(model.id)).root];
  const history = trainingHistoryStatements(model.retraining!.pipeline.trainingData);
  const readArns = records.map((p) => bucket.arnForObjects(`${p}*`));
  const writeArns = [prefixes.runs, prefixes.pull, ATHENA_RESULTS_PREFIX].map((p) => bucket.arnForObjects(`${p}*`));
  const glueArns = [
    stack.formatArn({ service: 'glue', resource: 'catalog' }),
    stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
    ...[predictionTableName(model.id), labelTableName(model.id)].map((t) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${t}` })),
  ];
  const statements = [
    new iam.PolicyStatement({
      sid: 'RunQueriesInWorkGroup',
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroup })],
    }),
    new iam.PolicyStatement({ sid: 'ReadModelTables', actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], resources: glueArns }),
    new iam.PolicyStatement({ sid: 'ReadModelRecords', actions: ['s3:GetObject'], resources: readArns }),
    ...history.statements,
    new iam.PolicyStatement({ sid: 'WriteRunsCacheAndResults', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: writeArns }),
    new iam.PolicyStatement({
      sid: 'ListModelPrefixes',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...records, prefixes.runs, prefixes.pull, ATHENA_RESULTS_PREFIX].map((p) => `${p}*`) } },
    }),
    new iam.PolicyStatement({ sid: 'LocateBucket', actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }),
    new iam.PolicyStatement({
      sid: 'UseDataKeyThroughS3AndAthena',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': ['s3', 'athena'].map((s) => `${s}.${Aws.REGION}.amazonaws.com`) } },
    }),
    new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
  ];
  return { statements, wildcards: [...readArns, history.historyObjects, ...writeArns] };
}

