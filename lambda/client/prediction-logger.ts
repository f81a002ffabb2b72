/** The two loggers a model's service uses: predictions and (later) ground-truth labels. */
import { ModelRecordSpec } from '../core/schema/record-schema';
import { groundTruthContract, predictionContract } from './record-contract';
import { FirehoseSender, RecordLogger, RecordLoggerOptions } from './record-logger';

/**
 * Logs prediction records of one model to its Firehose delivery stream.
 *
 * @example
 *   const logger = new PredictionLogger('driftwatch-fraud-v2-predictions', spec);
 *   await logger.log({ prediction_id: id, model_id: 'fraud_v2', model_version: '7', variant: 'champion',
 *                      event_time: new Date().toISOString(), amount: 12.5, country: 'DE', prediction: 0.91,
 *                      predicted_label: 'fraud' });
 *   const undelivered = await logger.close();   // [] when everything arrived
 */
export class PredictionLogger extends RecordLogger {
  constructor(deliveryStreamName: string, spec: ModelRecordSpec, client?: FirehoseSender, options?: RecordLoggerOptions) {
    super(deliveryStreamName, predictionContract(spec), client, options);
  }
}

/** Logs ground-truth labels (`prediction_id`, `label`, `label_time`) to the model's label stream. */
export class GroundTruthLogger extends RecordLogger {
  constructor(
    deliveryStreamName: string,
    spec: Pick<ModelRecordSpec, 'modelId' | 'task'>,
    client?: FirehoseSender,
    options?: RecordLoggerOptions,
  ) {
    super(deliveryStreamName, groundTruthContract(spec), client, options);
  }
}
