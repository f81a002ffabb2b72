/**
 * A record log's Glue table: Parquet under the log's partitioned prefix, with partition projection
 * over the retention span, so Athena finds every hour without crawlers or MSCK REPAIR.
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PARTITION_KEYS, partitionProjection } from './layout';
import type { RecordLogLayout } from './record-log';

export interface RecordTableProps {
  readonly databaseName: string;
  readonly tableName: string;
  readonly layout: RecordLogLayout;
  readonly bucket: s3.IBucket;
  /** The records' root prefix and its partition template (`tableLayout`). */
  readonly root: string;
  readonly template: string;
  readonly retentionDays: number;
}

/** Creates the table `Table` in `scope`. */
export function recordTable(scope: Construct, props: RecordTableProps): glue.CfnTable {
  const { bucket, layout } = props;
  return new glue.CfnTable(scope, 'Table', {
    catalogId: Stack.of(scope).account,
    databaseName: props.databaseName,
    tableInput: {
      name: props.tableName,
      description: layout.tableDescription,
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'parquet',
        EXTERNAL: 'TRUE',
        'parquet.compression': 'SNAPPY',
        ...partitionProjection(bucket.bucketName, props.template, props.retentionDays),
      },
      partitionKeys: PARTITION_KEYS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      storageDescriptor: {
        columns: layout.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
        location: `s3://${bucket.bucketName}/${props.root}`,
        inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        compressed: false,
        storedAsSubDirectories: false,
      },
    },
  });
}
