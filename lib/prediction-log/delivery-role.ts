/**
 * The role a record log's Firehose stream assumes: it writes only the log's own data and error
 * prefixes, reads only its table's schema and logs only to its error log stream.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeNag, nagResourceName } from '../common/nag';

export interface DeliveryRoleProps {
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** The log's data and error prefixes (`predictions/<model>/`, ...). */
  readonly dataRoot: string;
  readonly errorRoot: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly logGroup: logs.ILogGroup;
  readonly logStream: logs.LogStream;
}

/** Creates `DeliveryPolicy` and `DeliveryRole` in `scope`. */
export function deliveryRole(scope: Construct, props: DeliveryRoleProps): { role: iam.Role; policy: iam.ManagedPolicy } {
  const stack = Stack.of(scope);
  const { bucket, dataRoot, errorRoot, databaseName, tableName } = props;
  const tableArn = stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${tableName}` });
  const databaseArn = stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName });
  const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
  const logStreamArn = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: `${props.logGroup.logGroupName}:log-stream:${props.logStream.logStreamName}`,
    arnFormat: 'arn:aws:logs:region:account:log-group:log-group-name' as never,
  });

  const objectArns = [bucket.arnForObjects(`${dataRoot}*`), bucket.arnForObjects(`${errorRoot}*`)];
  // A customer-managed policy rather than an inline one (the compliance packs' IAMNoInlinePolicy):
  // the role lists it in ManagedPolicyArns, so whatever references the role waits for the policy.
  const policy = new iam.ManagedPolicy(scope, 'DeliveryPolicy', {
    description: `Firehose delivery of ${tableName}: its own prefixes, its table, its error log stream`,
    statements: [
      new iam.PolicyStatement({
        sid: 'WriteOwnPrefixes',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: objectArns,
      }),
      new iam.PolicyStatement({
        sid: 'LocateBucket',
        // Firehose's documented bucket actions. ListBucketMultipartUploads has no s3:prefix key.
        actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListOwnPrefixes',
        // Listing only under this log's prefixes: one model's role cannot list another model's keys.
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${dataRoot}*`, `${errorRoot}*`] } },
      }),
      new iam.PolicyStatement({
        sid: 'EncryptObjects',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadSchema',
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [catalogArn, databaseArn, tableArn],
      }),
      new iam.PolicyStatement({
        sid: 'LogErrors',
        actions: ['logs:PutLogEvents'],
        resources: [logStreamArn],
      }),
    ],
  });
  const role = new iam.Role(scope, 'DeliveryRole', {
    description: `Firehose delivery of ${tableName} (${scope.node.path})`,
    // Firehose passes the account id as external id; the condition stops confused-deputy use.
    assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
      conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
    }),
    managedPolicies: [policy],
  });
  acknowledgeNag(policy, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        "Firehose writes generated object names under this log's own prefixes only (data and error prefix of one model); " +
        'the wildcard is limited to those prefixes and cannot reach other models',
      appliesTo: objectArns.map((arn) => `Resource::${nagResourceName(stack, arn)}`),
    },
  ]);
  return { role, policy };
}
