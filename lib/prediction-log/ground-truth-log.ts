/**
 * GroundTruthLog: one model's late-arriving labels (`prediction_id, label, label_time`).
 */
import { Construct } from 'constructs';
import { S3_LAYOUT, groundTruthColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { labelTableName } from '../common/naming';
import { RecordLog, type RecordLogProps } from './record-log';

export interface GroundTruthLogProps extends RecordLogProps {
  /** The model's id and task (the task decides whether `label` is a string or a double). */
  readonly model: Pick<ModelRecordSpec, 'modelId' | 'task'>;
}

/**
 * A model's ground-truth log: the same pipeline as PredictionLog for labels, under
 * `labels/<model>/dt=YYYY-MM-DD/hour=HH/` (arrival time), joined to predictions on `prediction_id`.
 *
 * @example
 * const labels = new GroundTruthLog(this, 'FraudLabels', {
 *   model: { modelId: 'fraud', task: 'binary_classification' },
 *   databaseName: 'driftwatch_dev',
 *   existingBucketObj: lake.bucket,
 * });
 */
export class GroundTruthLog extends RecordLog {
  readonly modelId: string;

  constructor(scope: Construct, id: string, props: GroundTruthLogProps) {
    super(scope, id, props, {
      columns: groundTruthColumns(props.model),
      dataPrefix: S3_LAYOUT.labels(props.model.modelId),
      errorPrefix: S3_LAYOUT.labelErrors(props.model.modelId),
      tableName: labelTableName(props.model.modelId),
      tableDescription: `Ground-truth labels of model ${props.model.modelId} (${props.model.task}), written by Firehose`,
    });
    this.modelId = props.model.modelId;
  }
}
