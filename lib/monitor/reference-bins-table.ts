/**
 * The Glue table over a model's reference bins. A wide model's bins (edges and categories of every
 * feature) do not fit in the text of one Athena query (256 KiB), so the reference is also written as
 * JSON lines under `monitor/<model>/reference/bins/<referenceId>.json` and the profile query joins
 * this table instead of inlining the bins. One table per model, no partitions (a query filters on
 * `reference_id`), whatever the number of features.
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { monitorKeys } from '../../lambda/monitor/layout';
import { referenceBinsTableName } from '../common/naming';

/** A column of the reference-bins table (Glue/Hive types). */
export interface ReferenceBinsColumn {
  readonly name: string;
  readonly type: 'string' | 'int' | 'double';
  readonly comment: string;
}

/** The columns of each JSON line, in order; the reference writer and the profile SQL use these names. */
export const REFERENCE_BINS_COLUMNS: readonly ReferenceBinsColumn[] = [
  { name: 'reference_id', type: 'string', comment: 'the reference the row belongs to (the file name under bins/)' },
  { name: 'feature', type: 'string', comment: 'feature name' },
  { name: 'bin_set', type: 'string', comment: 'which of the feature\'s bin sets the row belongs to' },
  { name: 'position', type: 'int', comment: 'order of the edge or category within its bin set, from 0' },
  { name: 'edge', type: 'double', comment: 'interior bin edge of a numeric feature (null for a category)' },
  { name: 'category', type: 'string', comment: 'reference category of a categorical feature (null for an edge)' },
];

export interface ReferenceBinsTableProps {
  readonly databaseName: string;
  readonly bucket: s3.IBucket;
  readonly modelId: string;
  /** @default referenceBinsTableName(modelId) */
  readonly tableName?: string;
}

/**
 * Creates the table `reference_bins_<model>` over `s3://<bucket>/monitor/<model>/reference/bins/`
 * (OpenX JSON SerDe; a malformed line fails the query rather than being read as nulls).
 */
export function referenceBinsTable(scope: Construct, id: string, props: ReferenceBinsTableProps): glue.CfnTable {
  const name = props.tableName ?? referenceBinsTableName(props.modelId);
  return new glue.CfnTable(scope, id, {
    catalogId: Stack.of(scope).account,
    databaseName: props.databaseName,
    tableInput: {
      name,
      description: `Reference bins of model ${props.modelId} as JSON lines, written when a reference is pushed or fitted`,
      tableType: 'EXTERNAL_TABLE',
      parameters: { classification: 'json', EXTERNAL: 'TRUE' },
      storageDescriptor: {
        columns: REFERENCE_BINS_COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
        location: `s3://${props.bucket.bucketName}/${monitorKeys.referenceBinsPrefix(props.modelId)}`,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: {
          serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
          parameters: { 'ignore.malformed.json': 'FALSE', 'case.insensitive': 'TRUE' },
        },
        compressed: false,
        storedAsSubDirectories: false,
      },
    },
  });
}
