/**
 * A record log's props checked and resolved before anything is created: every bad value throws
 * naming the prop and the value, none falls back silently.
 */
import { Duration, Size, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { identifierProblem } from '../../lambda/core/schema/identifier';
import { requireWholeDays } from '../common/validate';
import type { RecordLogLayout, RecordLogProps } from './record-log';

const MIN_CONVERSION_BUFFER_MIB = 64;

export interface RecordLogSettings {
  readonly sizeMiB: number;
  readonly intervalSeconds: number;
  readonly retentionDays: number;
  readonly errorRetentionDays: number;
  readonly databaseName: string;
  readonly tableName: string;
}

/** The buffering, retention and names of a log. @throws naming the prop and the value */
export function recordLogSettings(scope: Construct, props: RecordLogProps, layout: RecordLogLayout): RecordLogSettings {
  const sizeMiB = (props.bufferingSize ?? Size.mebibytes(128)).toMebibytes();
  if (sizeMiB < MIN_CONVERSION_BUFFER_MIB || sizeMiB > 128) {
    throw new Error(`${scope.node.path}: bufferingSize must be 64-128 MiB for Parquet conversion, got ${sizeMiB} MiB`);
  }
  const intervalSeconds = (props.bufferingInterval ?? Duration.seconds(300)).toSeconds();
  if (intervalSeconds < 60 || intervalSeconds > 900) {
    throw new Error(`${scope.node.path}: bufferingInterval must be 60-900 seconds, got ${intervalSeconds} s`);
  }
  const retentionDays = requireWholeDays(scope, 'retentionDays', props.retentionDays ?? 400);
  const errorRetentionDays = requireWholeDays(scope, 'errorRetentionDays', props.errorRetentionDays ?? 90);
  const databaseName = resolveDatabaseName(scope, props);
  const tableName = props.tableName ?? layout.tableName;
  const tableProblem = Token.isUnresolved(tableName) ? undefined : identifierProblem(tableName);
  if (tableProblem) throw new Error(`${scope.node.path}: tableName ${tableProblem}`);
  return { sizeMiB, intervalSeconds, retentionDays, errorRetentionDays, databaseName, tableName };
}

/**
 * The database the table goes in: `databaseName`, or the `analytics`' database; both given, they must
 * agree. @throws naming the prop and the value when neither is given, they differ or the name is not
 * one Athena reads
 */
function resolveDatabaseName(scope: Construct, props: RecordLogProps): string {
  const given = props.databaseName;
  const fromAnalytics = props.analytics?.databaseName;
  if (given === undefined && fromAnalytics === undefined) {
    throw new Error(`${scope.node.path}: give databaseName (an existing Glue database) or analytics (the Analytics that creates it)`);
  }
  if (given !== undefined && fromAnalytics !== undefined && given !== fromAnalytics && !Token.isUnresolved(given) && !Token.isUnresolved(fromAnalytics)) {
    throw new Error(`${scope.node.path}: databaseName ${JSON.stringify(given)} is not the database of analytics (${JSON.stringify(fromAnalytics)}); give one of them`);
  }
  const name = (given ?? fromAnalytics) as string;
  const problem = Token.isUnresolved(name) ? undefined : identifierProblem(name);
  if (problem) throw new Error(`${scope.node.path}: databaseName ${problem}`);
  return name;
}


/** The key an existing bucket's records are encrypted with. @throws when neither the prop nor the bucket gives one */
export function existingBucketKey(scope: Construct, bucket: s3.IBucket, existingKey: kms.IKey | undefined): kms.IKey {
  const key = existingKey ?? bucket.encryptionKey;
  if (!key) {
    // A new key here would encrypt the records with a key the bucket's readers know nothing of.
    throw new Error(
      `${scope.node.path}: existingBucketObj ${bucket.node.path} has no encryptionKey (an imported bucket carries none); ` +
        'pass existingKey with the key the bucket encrypts with (kms.Key.fromKeyArn), or import the bucket with Bucket.fromBucketAttributes({ encryptionKey })',
    );
  }
  return key;
}
