/**
 * Where the monitor's failed runs are kept: the queue that is Lambda's on-failure destination and
 * the schedules' dead-letter queue, one per model unless the team brings its own.
 */
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNag } from '../common/nag';
import { monitorDeadLetterQueueName } from '../common/naming';
import type { MonitorSettings } from './validate';

/** Days a failed run stays in the dead-letter queue (SQS's maximum). */
const DLQ_RETENTION = Duration.days(14);

/**
 * A dead-letter queue in the shape every Driftwatch queue has: encrypted with `key` (failed events
 * carry error messages about a model's data, and everything else of the model is under this key: one
 * key policy to audit), TLS only, messages kept 14 days; `reason` says whose dead-letter queue it is
 * (the AwsSolutions-SQS3 acknowledgement: a further DLQ behind it would only move failures out of sight).
 */
export function encryptedDeadLetterQueue(scope: Construct, queueName: string, key: kms.IKey, reason: string): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    queueName,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  acknowledgeNag(queue, [{ id: 'AwsSolutions-SQS3', reason }]);
  return queue;
}

/** The model's dead-letter queue: encrypted with the settings' key, TLS only, messages kept 14 days. */
export function deadLetterQueue(scope: Construct, { env, model, key }: MonitorSettings): sqs.Queue {
  return encryptedDeadLetterQueue(
    scope,
    monitorDeadLetterQueueName(env, model.id),
    key,
    'This queue is itself the dead-letter queue of the model monitor (the Lambda on-failure destination and the schedules\' ' +
      'dead-letter queue); a further DLQ behind it would only move failed runs out of sight',
  );
}
