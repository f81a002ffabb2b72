/**
 * ShadowCapture: the shadow's answers (and the champion's) into the model's prediction log. The
 * promotion's shadow endpoint configs capture both variants' requests and responses under
 * `capture/<model>/` in the data bucket (`lambda/promotion/capture/capturing-hosting.ts`); the bucket
 * sends its "Object Created" events to EventBridge, and a rule on this model's capture prefix invokes
 * the converter (`lambda/handlers/capture-to-log.ts`), which puts one prediction record per captured
 * request to the model's prediction stream and keeps the lines it cannot convert under
 * `errors/predictions/<model>/capture-conversion-failed/`. Events the function failed after Lambda's
 * retries, and deliveries EventBridge could not make, land in an encrypted dead-letter queue.
 *
 * Permissions: GetObject on the capture prefix, PutObject on the error prefix, the bucket's key through
 * S3 only, PutRecordBatch on this model's stream (its key is Firehose's own to use), its log group, the queue.
 *
 * ```ts
 * new ShadowCapture(this, 'FraudCapture', { env: 'prod', model, bucket, key, predictionStream: predictions });
 * ```
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { captureErrorRoot, captureRoot } from '../../lambda/promotion/capture/capture-layout';
import { allowEventBridgeDeadLetters, ruleArnOf } from '../common/event-dead-letters';
import { handlerCode, handlerFunction } from '../common/handler-function';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { rolePolicy } from '../compliance/managed-policy';
import { allowVpcAccess, type FunctionNetwork } from '../compliance/network';
import { HANDLER_DIST_DIR } from '../monitor/bundle';
import { encryptedDeadLetterQueue } from '../monitor/dead-letter-queue';
import { allowLogGroupEncryptionOrWarn } from '../monitor/log-encryption';
import { QueueDestination, sendToQueue } from '../monitor/permissions';

/** The converter's bundle (`lambda/handlers/capture-to-log.ts`). */
export const CAPTURE_HANDLER = 'capture-to-log';

export interface ShadowCaptureProps {
  /** Environment name (`prod`). */
  readonly env: string;
  /** The validated model config (shipped beside the bundle as `model.json`); it must have a `promotion` section. */
  readonly model: ModelConfig;
  /** The data bucket the captures are written to. It must send its events to EventBridge (`DataLake`'s `eventBridgeEnabled`). */
  readonly bucket: s3.IBucket;
  /** The data bucket's key (captures and error objects), also the key of the log group and the queue. */
  readonly key: kms.IKey;
  /** The model's prediction log stream (`PredictionLog`). */
  readonly predictionStream: { readonly deliveryStreamName: string; readonly deliveryStreamArn: string };
  /** Add the key-policy statement letting CloudWatch Logs use `key` for the log group. @default true */
  readonly addLogsKeyPolicy?: boolean;
  /** Directory of prebuilt handler bundles. @default dist/handlers, bundled from the sources when missing or stale */
  readonly bundleDirectory?: string;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** Run the function in a VPC (with the S3 and Firehose endpoints). @default - outside a VPC */
  readonly network?: FunctionNetwork;
  /** @default - none reserved */
  readonly reservedConcurrency?: number;
}

export class ShadowCapture extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.IQueue;
  /** Where SageMaker writes the captures, and where unconvertible lines go. */
  readonly captureRoot: string;
  readonly errorRoot: string;

  constructor(scope: Construct, id: string, props: ShadowCaptureProps) {
    super(scope, id);
    const { env, model, key, bucket } = props;
    if (!model.promotion) throw new Error(`ShadowCapture: model ${model.id} has no promotion section (props.model.promotion)`);
    this.captureRoot = captureRoot(model.id);
    this.errorRoot = captureErrorRoot(model.id);
    this.deadLetterQueue = encryptedDeadLetterQueue(this, `dw-${env}-${model.id}-capture-dlq`, key, "This queue is itself the dead-letter queue of the capture converter (Lambda's on-failure destination and the rule target's DLQ)");

    const logGroupName = `/driftwatch/${env}/${model.id}/capture`;
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    if (props.addLogsKeyPolicy ?? true) allowLogGroupEncryptionOrWarn(this, key, [`${logGroupName}*`], 'driftwatch:capture:logsKeyPolicy');

    const role = this.converterRole(props, logGroup);
    this.function = handlerFunction(this, 'Function', {
      functionName: `dw-${env}-${model.id}-capture`,
      description: `Driftwatch ${env}: SageMaker Data Capture of ${model.id}'s shadow deployment → its prediction log`,
      code: handlerCode(this, CAPTURE_HANDLER, { env, model }, props.bundleDirectory ?? HANDLER_DIST_DIR),
      // A capture file holds at most a few MB of lines (SageMaker rolls them every few minutes).
      memorySize: 512,
      timeout: Duration.minutes(5),
      role,
      logGroup,
      environment: {
        DW_PREDICTION_STREAM: props.predictionStream.deliveryStreamName,
        POWERTOOLS_SERVICE_NAME: 'driftwatch-promotion',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      asyncInvocation: { retryAttempts: 2, onFailure: new QueueDestination(this.deadLetterQueue) },
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      calls: 'S3 and Firehose',
      failures: "A failed run goes to the on-failure destination, the converter's KMS-encrypted queue, with the S3 event and the error (after 2 Lambda retries); undeliverable rule events go to the same queue",
    });

    const ruleName = `dw-${env}-${model.id}-capture`;
    this.rule = new events.Rule(this, 'Rule', {
      ruleName,
      description: `Driftwatch ${env}: a SageMaker Data Capture file of ${model.id} (s3://<data bucket>/${this.captureRoot}) → its prediction log`,
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix: this.captureRoot }] } } },
      targets: [new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });
    allowEventBridgeDeadLetters(this, key, ruleArnOf(this, ruleName), `EventBridgeCaptureDeadLetters${model.id}`, 'driftwatch:capture:eventsKeyPolicy');
  }

  /** Reads the captures, writes the error objects, puts to the one stream: nothing else. */
  private converterRole(props: ShadowCaptureProps, logGroup: logs.ILogGroup): iam.Role {
    const { env, model, key, bucket } = props;
    const stack = Stack.of(this);
    const captures = bucket.arnForObjects(`${this.captureRoot}*`);
    const errors = bucket.arnForObjects(`${this.errorRoot}*`);
    const role = new iam.Role(this, 'Role', { description: `Driftwatch ${env}: turns ${model.id}'s shadow captures into prediction records`, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    rolePolicy(role, `Driftwatch ${env}: the capture converter of ${model.id}`, [
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ...sendToQueue(this.deadLetterQueue),
      new iam.PolicyStatement({ sid: 'ReadCaptures', actions: ['s3:GetObject'], resources: [captures] }),
      new iam.PolicyStatement({ sid: 'WriteUnconvertedLines', actions: ['s3:PutObject'], resources: [errors] }),
      // The bucket's default encryption: decrypt what SageMaker wrote, encrypt the error objects, through S3 only.
      new iam.PolicyStatement({ sid: 'UseDataKeyThroughS3', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } } }),
      new iam.PolicyStatement({ sid: 'PutPredictionRecords', actions: ['firehose:PutRecordBatch'], resources: [props.predictionStream.deliveryStreamArn] }),
    ]);
    if (props.network) allowVpcAccess(role, role);
    acknowledgeNag(role, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          `SageMaker names each capture file under ${this.captureRoot}champion=<v>/shadow=<v>/<endpoint>/<variant>/<yyyy/mm/dd/hh>/ (names not known in advance): the converter reads only there, ` +
          `and writes only the error objects under ${this.errorRoot} (one per source file)`,
        appliesTo: [`Resource::${nagResourceName(stack, captures)}`, `Resource::${nagResourceName(stack, errors)}`],
      },
    ]);
    return role;
  }
}
