/**
 * Everything one model owns in the data plane: its prediction and ground-truth logs, their error
 * log group and the saved view query. A fixed number of resources, whatever the feature count.
 */
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ModelConfig, RetentionConfig } from '../../config/schema';
import { modelRecordSpec, modelRetention } from '../../config/record-spec';
import { labelStreamName, predictionStreamName } from '../common/naming';
import { LabelledPredictionsView } from '../analytics/labelled-predictions-view';
import { GroundTruthLog } from '../prediction-log/ground-truth-log';
import { PredictionLog } from '../prediction-log/prediction-log';

export interface ModelDataPlaneProps {
  readonly env: string;
  readonly model: ModelConfig;
  readonly retention: RetentionConfig;
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly lookbackDays: number;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** Retention of the Firehose error log group. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

export class ModelDataPlane extends Construct {
  readonly predictions: PredictionLog;
  readonly labels: GroundTruthLog;
  readonly view: LabelledPredictionsView;
  readonly errorLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ModelDataPlaneProps) {
    super(scope, id);
    const spec = modelRecordSpec(props.model);
    const retention = modelRetention(props.model, props.retention);
    this.errorLogGroup = new logs.LogGroup(this, 'FirehoseErrors', {
      logGroupName: `/driftwatch/${props.env}/${props.model.id}/firehose-errors`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      // Conversion errors can quote record content: the environment's key, which lets CloudWatch Logs
      // use it for /driftwatch/<env>/* (the data stack's key-policy statement).
      encryptionKey: props.key,
    });
    const common = {
      databaseName: props.databaseName,
      existingBucketObj: props.bucket,
      existingKey: props.key,
      logGroup: this.errorLogGroup,
      errorRetentionDays: retention.errorDays,
    };
    this.predictions = new PredictionLog(this, 'Predictions', {
      ...common,
      model: spec,
      deliveryStreamName: predictionStreamName(props.env, props.model.id),
      retentionDays: retention.predictionDays,
    });
    this.labels = new GroundTruthLog(this, 'Labels', {
      ...common,
      model: spec,
      deliveryStreamName: labelStreamName(props.env, props.model.id),
      retentionDays: retention.labelDays,
    });
    this.view = new LabelledPredictionsView(this, 'LabelledView', {
      model: spec,
      databaseName: props.databaseName,
      workGroupName: props.workGroupName,
      lookbackDays: props.lookbackDays,
    });

    new CfnOutput(this, 'PredictionStream', { value: this.predictions.deliveryStreamName, description: `Firehose stream for ${props.model.id} predictions` });
    new CfnOutput(this, 'LabelStream', { value: this.labels.deliveryStreamName, description: `Firehose stream for ${props.model.id} labels` });
  }
}
