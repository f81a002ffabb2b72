/**
 * The bucket receiving the data bucket's server access logs: SSE-S3 (S3 cannot deliver access logs to
 * an SSE-KMS bucket), versioned, TLS-only, ACLs off, expiring after the retention.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeNag } from '../common/nag';

export interface AccessLogsBucketProps {
  readonly removalPolicy: RemovalPolicy;
  readonly minimumTlsVersion?: number;
  /** Days the logs are kept. */
  readonly retentionDays: number;
}

/** Creates `AccessLogs` in `scope`, with its cdk-nag acknowledgements. */
export function accessLogsBucket(scope: Construct, props: AccessLogsBucketProps): s3.Bucket {
  const logs = new s3.Bucket(scope, 'AccessLogs', {
    // S3 server access logging can only deliver to SSE-S3 buckets, so this bucket cannot use the KMS key.
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: props.minimumTlsVersion,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    // ACLs off whatever the app's feature flags: log delivery is granted by the bucket policy
    // the DataLake adds (allowServerAccessLogs), never by CDK's legacy LogDeliveryWrite ACL.
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: props.removalPolicy,
    lifecycleRules: [
      {
        id: 'expire-access-logs',
        expiration: Duration.days(props.retentionDays),
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
  acknowledgeNag(logs, [
    {
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server-access-log target of the data bucket; logging it to itself would loop',
    },
    ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].flatMap((pack) => [
      {
        id: `${pack}-S3DefaultEncryptionKMS`,
        reason:
          'S3 server access logging delivers only to buckets encrypted with SSE-S3 (an SSE-KMS target drops the logs), so this ' +
          'log bucket stays AES-256; it holds request metadata (keys, requesters), never record content',
      },
      {
        id: `${pack}-S3BucketReplicationEnabled`,
        reason:
          'This bucket holds the data bucket\'s server access logs (request metadata, not records): versioned, TLS-only, kept ' +
          `${props.retentionDays} days in the environment's region; the data itself is what the profile replicates`,
      },
    ]),
  ]);
  return logs;
}
