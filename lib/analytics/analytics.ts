/**
 * Analytics: the Glue database and the Athena workgroup an environment queries its logs with.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { quoteIdentifier } from '../../lambda/core/schema/identifier';
import { grantAll, type GrantStatement } from '../common/grants';
import { addPrefixRetention } from '../common/retention';
import { requireWholeDays } from '../common/validate';

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
 * A table `grantQuery` opens: its name in the database and where its objects are. A
 * `PredictionLog` or `GroundTruthLog` is one.
 */
export interface QueryableTable {
  readonly tableName: string;
  /** The bucket holding the table's objects. */
  readonly bucket: s3.IBucket;
  /** The key the objects are encrypted with. */
  readonly key: kms.IKey;
  /** The prefix the table's objects are under (`predictions/<model>/`). */
  readonly dataRoot: string;
}

/** What other constructs need of an environment's analytics: where queries run and what they may read. */
export interface IAnalytics extends IConstruct {
  /** The Glue database of the logs' tables. */
  readonly databaseName: string;
  /** The Athena workgroup queries run in. */
  readonly workGroupName: string;
  /** The bucket the workgroup writes its results to (under `athena-results/`). */
  readonly resultsBucket: s3.IBucket;
  /** The key encrypting the query results. */
  readonly key: kms.IKey;
  /** Lets `grantee` run Athena queries in the workgroup over `tables` (see `Analytics.grantQuery`). */
  grantQuery(grantee: iam.IGrantable, ...tables: QueryableTable[]): iam.Grant;
}

/** An existing database and workgroup, for `Analytics.fromAnalyticsAttributes`. */
export interface AnalyticsAttributes {
  readonly databaseName: string;
  readonly workGroupName: string;
  /** The bucket the workgroup's enforced output location is in (`athena-results/` of it). */
  readonly resultsBucket: s3.IBucket;
  /** The key the workgroup encrypts its results with. */
  readonly key: kms.IKey;
}

abstract class AnalyticsBase extends Construct implements IAnalytics {
  abstract readonly databaseName: string;
  abstract readonly workGroupName: string;
  abstract readonly resultsBucket: s3.IBucket;
  abstract readonly key: kms.IKey;

  /**
   * Lets `grantee` run Athena queries in this workgroup over `tables` (an analyst's role, a
   * notebook, a service): start, read and stop queries in the workgroup only; read the database
   * and those tables in Glue; read those tables' objects; write and read the workgroup's results;
   * use the keys only through S3 and Athena. With no tables, the database's catalog entries only
   * (enough to list tables, not to read rows).
   *
   * @example
   * analytics.grantQuery(analystRole, predictions, groundTruth);
   */
  grantQuery(grantee: iam.IGrantable, ...tables: QueryableTable[]): iam.Grant {
    const stack = Stack.of(this);
    const viaS3AndAthena = { StringEquals: { 'kms:ViaService': ['s3', 'athena'].map((svc) => `${svc}.${Aws.REGION}.amazonaws.com`) } };
    const listOnly = (prefix: string) => ({ StringLike: { 's3:prefix': [`${prefix}*`] } });
    const grants: GrantStatement[] = [
      {
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        resourceArns: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
      },
      {
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resourceArns: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          ...tables.map((t) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${t.tableName}` })),
        ],
      },
      {
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resourceArns: [this.resultsBucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)],
      },
      { actions: ['s3:ListBucket'], resourceArns: [this.resultsBucket.bucketArn], conditions: listOnly(ATHENA_RESULTS_PREFIX) },
      { actions: ['s3:GetBucketLocation'], resourceArns: [...new Set([this.resultsBucket, ...tables.map((t) => t.bucket)].map((b) => b.bucketArn))] },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resourceArns: [this.key.keyArn], conditions: viaS3AndAthena },
      ...tables.flatMap((t) => [
        { actions: ['s3:GetObject'], resourceArns: [t.bucket.arnForObjects(`${t.dataRoot}*`)] },
        { actions: ['s3:ListBucket'], resourceArns: [t.bucket.bucketArn], conditions: listOnly(t.dataRoot) },
        { actions: ['kms:Decrypt'], resourceArns: [t.key.keyArn], conditions: viaS3AndAthena },
      ]),
    ];
    return grantAll(grantee, grants);
  }
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
export class Analytics extends AnalyticsBase {
  /** Imports a database and workgroup made elsewhere (another stack, another app), to grant queries on. */
  static fromAnalyticsAttributes(scope: Construct, id: string, attrs: AnalyticsAttributes): IAnalytics {
    class Imported extends AnalyticsBase {
      readonly databaseName = attrs.databaseName;
      readonly workGroupName = attrs.workGroupName;
      readonly resultsBucket = attrs.resultsBucket;
      readonly key = attrs.key;
    }
    return new Imported(scope, id);
  }

  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly workGroup: athena.CfnWorkGroup;
  readonly workGroupName: string;
  /** `s3://<bucket>/athena-results/` */
  readonly resultsLocation: string;
  /** The bucket the workgroup writes its results to (under `athena-results/`). */
  readonly resultsBucket: s3.IBucket;
  /** The key encrypting the query results. */
  readonly key: kms.IKey;

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
    const resultDays = requireWholeDays(this, 'resultRetentionDays', props.resultRetentionDays ?? 30);
    addPrefixRetention(props.resultsBucket, 'expire-athena-results', ATHENA_RESULTS_PREFIX, resultDays);
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
    this.resultsBucket = props.resultsBucket;
    this.key = props.key;
  }
}
