/**
 * Prefix-scoped expiration rules on a bucket that may come from the consumer's own copy of
 * aws-cdk-lib. A CDK app that installs Driftwatch can hold two copies of aws-cdk-lib (a linked
 * checkout, a version npm could not dedupe), so `bucket instanceof s3.Bucket` is false for the
 * consumer's perfectly ordinary bucket; the test is on what the bucket is in the template instead.
 */
import { Duration } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Whether a bucket is defined in this app (its default child is an `AWS::S3::Bucket`), whichever
 * copy of aws-cdk-lib made it. Imported buckets (`Bucket.fromBucketName`, `fromBucketArn`) are not.
 */
export function isOwnedBucket(bucket: s3.IBucket): boolean {
  const resource = bucket.node.defaultChild as { cfnResourceType?: unknown } | undefined;
  return resource?.cfnResourceType === 'AWS::S3::Bucket';
}

/**
 * Expires objects under `prefix` after `days` days on a bucket this app defines, and returns true.
 * An imported bucket is not in this app's template and its lifecycle belongs to its owner: nothing
 * is added and false is returned.
 *
 * @throws when the bucket is defined in this app but offers no `addLifecycleRule` (it is not an
 *   `s3.Bucket`), naming the bucket and the rule that could not be added
 */
export function addPrefixRetention(bucket: s3.IBucket, ruleId: string, prefix: string, days: number): boolean {
  if (!isOwnedBucket(bucket)) return false;
  const add = (bucket as Partial<Pick<s3.Bucket, 'addLifecycleRule'>>).addLifecycleRule;
  if (typeof add !== 'function') {
    throw new Error(
      `${bucket.node.path}: cannot add the lifecycle rule ${ruleId} (expire ${prefix} after ${days} days): the bucket is defined in this app ` +
        'but has no addLifecycleRule; pass an s3.Bucket, or import the bucket (Bucket.fromBucketName) and manage its lifecycle yourself',
    );
  }
  add.call(bucket, { id: ruleId, prefix, expiration: Duration.days(days) });
  return true;
}
