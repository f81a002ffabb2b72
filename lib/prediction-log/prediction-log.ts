/**
 * PredictionLog: one model's prediction records, from a DirectPut Firehose stream to Parquet in S3.
 */
import { Construct } from 'constructs';
import { S3_LAYOUT, predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { predictionTableName } from '../common/naming';
import { RecordLog, type RecordLogProps } from './record-log';

export interface PredictionLogProps extends RecordLogProps {
  /** The model's record layout: id, task, features and business columns (see `predictionColumns`). */
  readonly model: ModelRecordSpec;
}

/**
 * A model's prediction log: Firehose (DirectPut, KMS) → Parquet under
 * `predictions/<model>/dt=YYYY-MM-DD/hour=HH/`, a Glue table with one typed column per feature
 * (partition projection, no crawler), failed conversions under `errors/predictions/<model>/`.
 *
 * @example
 * const log = new PredictionLog(this, 'FraudPredictions', {
 *   model: { modelId: 'fraud', task: 'binary_classification', features: [{ name: 'amount', kind: 'numeric' }] },
 *   databaseName: 'driftwatch_dev',
 *   existingBucketObj: lake.bucket,
 * });
 * log.grantPutRecords(serviceRole);
 */
export class PredictionLog extends RecordLog {
  /** The model id this log belongs to. */
  readonly modelId: string;

  constructor(scope: Construct, id: string, props: PredictionLogProps) {
    super(scope, id, props, {
      columns: predictionColumns(props.model),
      dataPrefix: S3_LAYOUT.predictions(props.model.modelId),
      errorPrefix: S3_LAYOUT.predictionErrors(props.model.modelId),
      tableName: predictionTableName(props.model.modelId),
      tableDescription: `Predictions of model ${props.model.modelId} (${props.model.task}), written by Firehose`,
    });
    this.modelId = props.model.modelId;
  }
}
