/**
 * What the monitor's functions may do: one model's reads and writes, nothing else. The role's inline
 * policy statements and the cdk-nag acknowledgement of its object-prefix wildcards, the statements
 * that send a failed run to the dead-letter queue (the functions' role and Scheduler's), and the
 * on-failure destination that relies on them instead of CDK's automatic grant.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { S3_LAYOUT } from '../../lambda/core/schema/record-schema';
import { monitorKeys } from '../../lambda/monitor/layout';
import { ATHENA_RESULTS_PREFIX } from '../analytics/analytics';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { joinedViewName, referenceBinsTableName } from '../common/naming';
import { tableLayout } from '../prediction-log/layout';
import type { MonitorSettings } from './validate';
import { rolePolicy } from '../compliance/managed-policy';

/** What the functions' role is scoped to, besides the settings. */
export interface MonitorRoleProps {
  readonly settings: MonitorSettings;
  /** The data bucket (`ModelMonitorProps.bucket`). */
  readonly bucket: s3.IBucket;
  /** The bus of the status-change events; the account's default bus when absent. */
  readonly eventBus: events.IEventBus | undefined;
  /** The two functions' log groups, the only ones the role writes to. */
  readonly logGroups: readonly logs.ILogGroup[];
  readonly deadLetterQueue: sqs.IQueue;
}

/** The object prefixes of one model in the bucket, and the ARNs of the objects under them. */
interface ModelObjects {
  readonly predictionsRoot: string;
  readonly labelsRoot: string;
  readonly monitorRoot: string;
  /** Predictions and labels (read only). */
  readonly readArns: string[];
  /** The monitor's own keys (read and write). */
  readonly monitorArn: string;
  /** The workgroup's query results (read and write). */
  readonly resultsArn: string;
}

/** The functions' execution role (both functions do the same reads and writes of one model). */
export function monitorRole(scope: Construct, props: MonitorRoleProps): iam.Role {
  const { where, env, model } = props.settings;
  const stack = Stack.of(scope);
  const objects = modelObjects(props.bucket, model.id);
  const role = new iam.Role(scope, 'Role', {
    description: `Driftwatch ${env}: monitor of ${model.id} (${where})`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  rolePolicy(role, `Driftwatch ${env}: what the monitor of ${model.id} reads and writes`, monitorStatements(stack, props, objects));
  const { predictionsRoot, labelsRoot, monitorRoot, readArns, monitorArn, resultsArn } = objects;
  acknowledgeNag(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        `The monitor reads objects Firehose names (${predictionsRoot}*, ${labelsRoot}*), reads and writes its own keys ` +
        `(${monitorRoot}*) and the query results the workgroup names (${ATHENA_RESULTS_PREFIX}*); object names are not known ` +
        'in advance, so each wildcard is one prefix of this model (or of the workgroup) and reaches no other model',
      appliesTo: [...readArns, monitorArn, resultsArn].map((arn) => `Resource::${nagResourceName(stack, arn)}`),
    },
  ]);
  return role;
}

function modelObjects(bucket: s3.IBucket, modelId: string): ModelObjects {
  const predictionsRoot = tableLayout(S3_LAYOUT.predictions(modelId)).root;
  const labelsRoot = tableLayout(S3_LAYOUT.labels(modelId)).root;
  const monitorRoot = monitorKeys.root(modelId);
  return {
    predictionsRoot,
    labelsRoot,
    monitorRoot,
    readArns: [bucket.arnForObjects(`${predictionsRoot}*`), bucket.arnForObjects(`${labelsRoot}*`)],
    monitorArn: bucket.arnForObjects(`${monitorRoot}*`),
    resultsArn: bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`),
  };
}

/** The role's inline policy: Athena in the workgroup, the model's tables and prefixes, the key through S3 and Athena, events, logs, the DLQ. */
function monitorStatements(stack: Stack, props: MonitorRoleProps, objects: ModelObjects): iam.PolicyStatement[] {
  const { model, key, databaseName, workGroup, predictionsTable, labelsTable } = props.settings;
  const { predictionsRoot, labelsRoot, monitorRoot, readArns, monitorArn, resultsArn } = objects;
  const glueArns = [
    stack.formatArn({ service: 'glue', resource: 'catalog' }),
    stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
    ...[predictionsTable, labelsTable, referenceBinsTableName(model.id), joinedViewName(model.id)].map((t) =>
      stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${t}` }),
    ),
  ];
  const eventBusArn = props.eventBus?.eventBusArn ?? stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
  return [
    new iam.PolicyStatement({
      sid: 'RunQueriesInWorkGroup',
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroup })],
    }),
    new iam.PolicyStatement({
      sid: 'ReadModelTables',
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      resources: glueArns,
    }),
    new iam.PolicyStatement({ sid: 'ReadModelRecords', actions: ['s3:GetObject'], resources: readArns }),
    new iam.PolicyStatement({ sid: 'ReadWriteMonitorPrefix', actions: ['s3:GetObject', 's3:PutObject'], resources: [monitorArn] }),
    new iam.PolicyStatement({
      sid: 'AthenaQueryResults',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [resultsArn],
    }),
    new iam.PolicyStatement({
      sid: 'ListModelPrefixes',
      actions: ['s3:ListBucket'],
      resources: [props.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [predictionsRoot, labelsRoot, monitorRoot, ATHENA_RESULTS_PREFIX].map((p) => `${p}*`) } },
    }),
    new iam.PolicyStatement({ sid: 'LocateBucket', actions: ['s3:GetBucketLocation'], resources: [props.bucket.bucketArn] }),
    new iam.PolicyStatement({
      sid: 'UseDataKeyThroughS3AndAthena',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: viaServices('s3', 'athena'),
    }),
    new iam.PolicyStatement({ sid: 'PublishStatusEvents', actions: ['events:PutEvents'], resources: [eventBusArn] }),
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: props.logGroups.map((g) => g.logGroupArn),
    }),
    ...sendToQueue(props.deadLetterQueue),
  ];
}

/** A condition limiting a key's use to requests made through these services in the stack's region. */
function viaServices(...services: string[]) {
  return { StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${Aws.REGION}.amazonaws.com`) } };
}

/** `sqs:SendMessage` on the queue, and its key's data-key use through SQS when it has one. */
export function sendToQueue(queue: sqs.IQueue): iam.PolicyStatement[] {
  const key: kms.IKey | undefined = queue.encryptionMasterKey;
  const out = [new iam.PolicyStatement({ sid: 'SendFailedRuns', actions: ['sqs:SendMessage'], resources: [queue.queueArn] })];
  if (key) {
    out.push(
      new iam.PolicyStatement({ sid: 'EncryptFailedRuns', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn], conditions: viaServices('sqs') }),
    );
  }
  return out;
}

/**
 * Lambda's on-failure destination without CDK's automatic grant (`SqsDestination` grants
 * `kms:ReEncrypt*` / `kms:GenerateDataKey*` for an encrypted queue); the role's inline policy holds
 * exactly `sqs:SendMessage` and the key use through SQS. The record Lambda sends keeps the event
 * (`requestPayload`) and the error (`responsePayload.errorMessage`).
 */
export class QueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}
  bind(): lambda.DestinationConfig {
    return { destination: this.queue.queueArn };
  }
}
