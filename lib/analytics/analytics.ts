/**
 * Analytics: the Glue database and the Athena workgroup an environment queries its logs with.
 */
import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { quoteIdentifier } from '../../lambda/core/schema/identifier';
import { addPrefixRetention } from '../data-lake/data-lake';

/** Where Athena writes query results inside the data bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

export interface AnalyticsProps {
  /** Glue database name (a validated identifier). */
  readonly databaseName: string;
  /** Athena workgroup name. */
  readonly workGroupName: string;
  /** Bucket for query results (under `athena-results/`). */
  readonly resultsBucket: s3.IBucket;
  /** Customer-managed key encrypting query results. */
  readonly key: kms.IKey;
  /**
   * Per-query scan limit in bytes; Athena cancels queries that scan more.
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Days query results are kept (only when the bucket is defined in this app).
   * @default 30
   */
  readonly resultRetentionDays?: number;
}

/**
 * The Glue database and an Athena (engine v3) workgroup whose settings clients cannot override:
 * KMS-encrypted results, a per-query scan cut-off, CloudWatch query metrics.
 *
 * @example
 * const analytics = new Analytics(this, 'Analytics', {
 *   databaseName: 'driftwatch_dev', workGroupName: 'driftwatch-dev', resultsBucket: lake.bucket, key: lake.key,
 * });
 */
export class Analytics extends Construct {
  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly workGroup: athena.CfnWorkGroup;
  readonly workGroupName: string;
  /** `s3://<bucket>/athena-results/` */
  readonly resultsLocation: string;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    quoteIdentifier(props.databaseName);
    const cutoff = props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3;
    if (!Number.isInteger(cutoff) || cutoff < 10_000_000) {
      throw new Error(`bytesScannedCutoffPerQuery must be an integer of at least 10000000 (Athena's minimum), got ${cutoff}`);
    }
    this.databaseName = props.databaseName;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: { name: props.databaseName, description: 'Driftwatch prediction and ground-truth logs' },
    });

    this.resultsLocation = `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`;
    addPrefixRetention(props.resultsBucket, 'expire-athena-results', ATHENA_RESULTS_PREFIX, props.resultRetentionDays ?? 30);
    this.workGroupName = props.workGroupName;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'Driftwatch monitoring queries',
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: cutoff,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }
}
