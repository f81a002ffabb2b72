/**
 * From the shared S3 layout (lambda/core/schema/record-schema.ts S3_LAYOUT) to what Glue and the
 * bucket need: the table's root prefix, the partition projection template and the partition keys.
 * Deriving them here (instead of writing the paths again) keeps Firehose, Glue and the SQL in step.
 */
import type { TableColumn } from '../../lambda/core/schema/record-schema';

/** Partition keys of every prediction/label table, in path order. Both are strings ('2024-05-01', '07'). */
export const PARTITION_KEYS: readonly TableColumn[] = [
  { name: 'dt', type: 'string', comment: 'UTC arrival date (yyyy-MM-dd), from the Firehose prefix' },
  { name: 'hour', type: 'string', comment: 'UTC arrival hour (00-23), from the Firehose prefix' },
];

const DATE_TOKEN = '!{timestamp:yyyy-MM-dd}';
const HOUR_TOKEN = '!{timestamp:HH}';

/**
 * Splits a Firehose data prefix such as `predictions/m/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`
 * into the table root (`predictions/m/`) and the projection template (`predictions/m/dt=${dt}/hour=${hour}/`).
 */
export function tableLayout(firehosePrefix: string): { readonly root: string; readonly template: string } {
  const at = firehosePrefix.indexOf('dt=');
  if (at <= 0 || !firehosePrefix.includes(DATE_TOKEN) || !firehosePrefix.includes(HOUR_TOKEN)) {
    throw new Error(`prefix ${JSON.stringify(firehosePrefix)} is not a dt=/hour= partitioned Firehose prefix`);
  }
  return {
    root: firehosePrefix.slice(0, at),
    template: firehosePrefix.replace(DATE_TOKEN, '${dt}').replace(HOUR_TOKEN, '${hour}'),
  };
}

/** The root prefix of an error-output prefix (`errors/predictions/m/`), for lifecycle and IAM scoping. */
export function errorRoot(errorPrefix: string): string {
  const at = errorPrefix.indexOf('!{');
  return at < 0 ? errorPrefix : errorPrefix.slice(0, at);
}

/**
 * Partition projection parameters for the dt/hour layout: no crawler, no partition management.
 * `dt` is projected over the retention window ending today (UTC), `hour` over 00-23.
 */
export function partitionProjection(bucketName: string, template: string, retentionDays: number): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `NOW-${retentionDays}DAYS,NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'projection.hour.type': 'integer',
    'projection.hour.range': '0,23',
    'projection.hour.digits': '2',
    'storage.location.template': `s3://${bucketName}/${template}`,
  };
}
