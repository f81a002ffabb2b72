/**
 * ModelMonitor: the scheduled monitor of one model. Two Lambda functions run the engine
 * (`lambda/monitor`) through the handlers in `lambda/handlers/`: one profiles each new hour of
 * predictions with one Athena query, one scores each configured window against the reference.
 * EventBridge Scheduler invokes them; failures are retried and then kept, with their reason, in an
 * encrypted SQS dead-letter queue. Resources per model do not depend on the number of features.
 */
import { Annotations, Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { configSchema, modelSchema, type ModelConfig } from '../../config/schema';
import { crossFieldProblems } from '../../config/rules';
import { formatProblem, problemsFromZod, type ZodIssueLike } from '../../lambda/core/schema/format-issues';
import { identifierProblem } from '../../lambda/core/schema/identifier';
import { S3_LAYOUT } from '../../lambda/core/schema/record-schema';
import { monitorKeys } from '../../lambda/monitor/layout';
import { ATHENA_RESULTS_PREFIX } from '../analytics/analytics';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import {
  glueDatabaseName,
  joinedViewName,
  labelTableName,
  monitorDeadLetterQueueName,
  monitorFunctionName,
  predictionTableName,
  referenceBinsTableName,
  scoreScheduleName,
  workGroupName,
} from '../common/naming';
import { tableLayout } from '../prediction-log/layout';
import { BUNDLE_FILE, HANDLER_DIST_DIR, MAX_BUNDLE_BYTES, MONITOR_HANDLERS, handlerBundle, modelAssetDirectory } from './bundle';
import { allowLogGroupEncryption } from './log-encryption';
import { referenceBinsTable } from './reference-bins-table';

/**
 * Memory and timeout of the two functions. Starting points until the benchmark (`npm run
 * bench:monitor`) measures them:
 * - profile: starts one Athena query per hour to profile (the hour plus `reprofileHours` earlier
 *   ones) and mostly waits for it; the result is one row per feature and bin. 256 MB is plenty, and
 *   five minutes leaves room for Athena queueing.
 * - score: merges up to 168 stored hourly profiles (7 days) and renders the JSON and HTML reports
 *   in memory. Lambda's CPU grows with memory (1,769 MB is one vCPU); 1,024 MB keeps the merge well
 *   under the 10-second goal of the issue.
 */
export const PROFILE_MEMORY_MB = 256;
export const PROFILE_TIMEOUT = Duration.minutes(5);
export const SCORE_MEMORY_MB = 1024;
export const SCORE_TIMEOUT = Duration.minutes(5);

/** Lambda's bounds for memory (MB) and timeout (seconds). */
const MEMORY_RANGE = [128, 10240] as const;
const TIMEOUT_RANGE = [1, 900] as const;

/** Retries of a failed run, by Lambda (asynchronous invocation) and by Scheduler (invocation itself). */
export const MONITOR_RETRY_ATTEMPTS = 2;

/**
 * How long a run may wait (in Scheduler's retries and Lambda's async queue) before it is dropped to
 * the dead-letter queue instead: an hour for profiling (the next run re-profiles the last hours
 * anyway), six hours for scoring (a late daily score is still worth having).
 */
export const PROFILE_MAX_EVENT_AGE = Duration.hours(1);
export const SCORE_MAX_EVENT_AGE = Duration.hours(6);

/** Days a failed run stays in the dead-letter queue (SQS's maximum). */
const DLQ_RETENTION = Duration.days(14);

/** Namespace of the monitor's EMF metrics and Powertools' service name. */
export const METRICS_NAMESPACE = 'Driftwatch';
export const MONITOR_SERVICE_NAME = 'driftwatch-monitor';

/** What other constructs (alarms, dashboards, the alerting stack) need from a model's monitor. */
export interface IModelMonitor extends IConstruct {
  /** The model this monitor watches. */
  readonly modelId: string;
  /** Profiles each new hour: event `{}` or `{ "hour": "2026-12-01T07:00:00Z" }`. */
  readonly profileFunction: lambda.IFunction;
  /** Scores one window: event `{ "window": "1d" }`. */
  readonly scoreFunction: lambda.IFunction;
  /** Receives runs that failed after their retries, with the event and the error. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Failed runs of the profile function (sum over one hour, the profile cadence). */
  metricProfileErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Failed runs of the score function (sum over one hour). */
  metricScoreErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Failed runs waiting in the dead-letter queue (maximum over 5 minutes); above 0 means look. */
  metricDeadLetterMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** What `ModelMonitor.fromModelMonitorAttributes` needs to import a monitor deployed elsewhere. */
export interface ModelMonitorAttributes {
  readonly modelId: string;
  readonly profileFunctionArn: string;
  readonly scoreFunctionArn: string;
  readonly deadLetterQueueArn: string;
}

abstract class ModelMonitorBase extends Construct implements IModelMonitor {
  abstract readonly modelId: string;
  abstract readonly profileFunction: lambda.IFunction;
  abstract readonly scoreFunction: lambda.IFunction;
  abstract readonly deadLetterQueue: sqs.IQueue;

  metricProfileErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.profileFunction.metricErrors({ statistic: 'Sum', period: Duration.hours(1), ...props });
  }

  metricScoreErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.scoreFunction.metricErrors({ statistic: 'Sum', period: Duration.hours(1), ...props });
  }

  metricDeadLetterMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5), ...props });
  }
}

export interface ModelMonitorProps {
  /** Environment name (as in `config/<env>.ts`): part of every name and of the handlers' `DW_ENV`. */
  readonly env: string;
  /**
   * The model's config (validated again here; written to each function's `model.json`). Its
   * `schedules` and `monitor` sections decide the schedules and windows.
   */
  readonly model: ModelConfig;
  /** The data bucket holding `predictions/<model>/`, `labels/<model>/`, `monitor/<model>/` and Athena results. */
  readonly bucket: s3.IBucket;
  /**
   * The customer-managed key of the bucket and the Athena results; it also encrypts the functions'
   * log groups and the dead-letter queue.
   * @default - the bucket's `encryptionKey`
   */
  readonly key?: kms.IKey;
  /**
   * Glue database of the model's tables (it must exist before deployment).
   * @default glueDatabaseName(env), `driftwatch_<env>`
   */
  readonly databaseName?: string;
  /**
   * Athena workgroup the queries run in; its enforced output location must be `athena-results/` of `bucket`.
   * @default workGroupName(env), `driftwatch-<env>`
   */
  readonly workGroupName?: string;
  /**
   * The Glue table of the model's predictions.
   * @default predictionTableName(model.id), `predictions_<model>`
   */
  readonly predictionsTableName?: string;
  /**
   * The Glue table of the model's labels.
   * @default labelTableName(model.id), `labels_<model>`
   */
  readonly labelsTableName?: string;
  /**
   * Days after a window the score run looks for its labels (the label join), written to `model.json`.
   * Platform passes the environment's `analytics.lookbackDays`, the span of the labelled view.
   * @default - left to the handlers (14 days)
   */
  readonly labelLookbackDays?: number;
  /**
   * Bus the monitor's status-change events go to.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * Queue for runs that failed after their retries (Lambda's on-failure destination and the
   * schedules' dead-letter queue). Bring your own to collect several models' failures in one place;
   * the functions and the Scheduler role get `sqs:SendMessage` on it (and use of its key, if any).
   * @default - a new queue per model, encrypted with `key`, TLS only, messages kept 14 days
   */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /**
   * Memory of the profile function in MB (128-10240).
   * @default PROFILE_MEMORY_MB (256)
   */
  readonly profileMemorySize?: number;
  /**
   * Timeout of the profile function (1 second to 15 minutes).
   * @default PROFILE_TIMEOUT (5 minutes)
   */
  readonly profileTimeout?: Duration;
  /**
   * Memory of the score function in MB (128-10240).
   * @default SCORE_MEMORY_MB (1024)
   */
  readonly scoreMemorySize?: number;
  /**
   * Timeout of the score function (1 second to 15 minutes).
   * @default SCORE_TIMEOUT (5 minutes)
   */
  readonly scoreTimeout?: Duration;
  /**
   * How long the functions' logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Add the key-policy statement that lets CloudWatch Logs encrypt this monitor's two log groups
   * with `key`. Turn it off when the key's policy already allows log groups under
   * `/driftwatch/<env>/` (Platform's data stack adds that once for every model). An imported key's
   * policy cannot be changed from here: a warning says what to add.
   * @default true
   */
  readonly addLogsKeyPolicy?: boolean;
  /**
   * Directory of prebuilt handler bundles, each `<handler>/index.js` (+ `.map`).
   * @default - this package's `dist/handlers` (written by `npm run bundle`); when a bundle is missing
   *   there, it is bundled from `lambda/handlers/` with esbuild during synthesis
   */
  readonly bundleDirectory?: string;
}

/**
 * The scheduled monitor of one model: profile and score functions (Node.js 22, arm64), their log
 * groups, one profile schedule and one score schedule per window, a dead-letter queue, the
 * reference-bins table, and one least-privilege role for the functions and one for Scheduler.
 *
 * @example
 * const monitor = new ModelMonitor(this, 'FraudMonitor', { env: 'prod', model, bucket: lake.bucket, key: lake.key });
 * new cloudwatch.Alarm(this, 'MonitorFailing', { metric: monitor.metricDeadLetterMessages(), threshold: 0, evaluationPeriods: 1,
 *   comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD });
 */
export class ModelMonitor extends ModelMonitorBase {
  /** Imports a monitor by its function and queue ARNs (metrics and grants work on the import). */
  static fromModelMonitorAttributes(scope: Construct, id: string, attrs: ModelMonitorAttributes): IModelMonitor {
    class Imported extends ModelMonitorBase {
      readonly modelId = attrs.modelId;
      readonly profileFunction = lambda.Function.fromFunctionArn(this, 'ProfileFunction', attrs.profileFunctionArn);
      readonly scoreFunction = lambda.Function.fromFunctionArn(this, 'ScoreFunction', attrs.scoreFunctionArn);
      readonly deadLetterQueue = sqs.Queue.fromQueueArn(this, 'DeadLetterQueue', attrs.deadLetterQueueArn);
    }
    return new Imported(scope, id);
  }

  readonly modelId: string;
  readonly profileFunction: lambda.Function;
  readonly scoreFunction: lambda.Function;
  readonly deadLetterQueue: sqs.IQueue;
  /** The functions' execution role (both functions do the same reads and writes of one model). */
  readonly role: iam.Role;
  /** The role EventBridge Scheduler assumes to invoke the functions. */
  readonly schedulerRole: iam.Role;
  readonly profileLogGroup: logs.LogGroup;
  readonly scoreLogGroup: logs.LogGroup;
  readonly profileSchedule: scheduler.Schedule;
  /** One score schedule per window of `model.monitor.windows`, by window name. */
  readonly scoreSchedules: ReadonlyMap<string, scheduler.Schedule>;
  /** `reference_bins_<model>` over `monitor/<model>/reference/bins/`. */
  readonly referenceBinsTable: glue.CfnTable;
  /** The validated model config as written to `model.json` (defaults filled in). */
  readonly model: ModelConfig;

  constructor(scope: Construct, id: string, props: ModelMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = this.node.path;
    const env = checkEnv(where, props.env);
    const model = checkModel(where, props.model);
    this.model = model;
    this.modelId = model.id;
    const key = props.key ?? props.bucket.encryptionKey;
    if (!key) throw new Error(`${where}: key is required when the bucket has no encryptionKey (got bucket ${props.bucket.node.path} without one)`);
    const databaseName = checkIdentifier(where, 'databaseName', props.databaseName ?? glueDatabaseName(env));
    const workGroup = checkWorkGroup(where, props.workGroupName ?? workGroupName(env));
    const predictionsTable = checkIdentifier(where, 'predictionsTableName', props.predictionsTableName ?? predictionTableName(model.id));
    const labelsTable = checkIdentifier(where, 'labelsTableName', props.labelsTableName ?? labelTableName(model.id));
    const profileMemory = checkRange(where, 'profileMemorySize', props.profileMemorySize ?? PROFILE_MEMORY_MB, MEMORY_RANGE, 'MB');
    const scoreMemory = checkRange(where, 'scoreMemorySize', props.scoreMemorySize ?? SCORE_MEMORY_MB, MEMORY_RANGE, 'MB');
    const profileTimeout = checkTimeout(where, 'profileTimeout', props.profileTimeout ?? PROFILE_TIMEOUT);
    const scoreTimeout = checkTimeout(where, 'scoreTimeout', props.scoreTimeout ?? SCORE_TIMEOUT);
    const labelLookbackDays = props.labelLookbackDays === undefined ? undefined : checkRange(where, 'labelLookbackDays', props.labelLookbackDays, [0, 366], 'days');

    // --- Tables and the dead-letter queue ------------------------------------------------------
    this.referenceBinsTable = referenceBinsTable(this, 'ReferenceBinsTable', { databaseName, bucket: props.bucket, modelId: model.id });
    const binsTable = referenceBinsTableName(model.id);

    if (props.existingDeadLetterQueue) {
      this.deadLetterQueue = props.existingDeadLetterQueue;
    } else {
      const queue = new sqs.Queue(this, 'DeadLetterQueue', {
        queueName: monitorDeadLetterQueueName(env, model.id),
        // The env's key rather than SQS-managed SSE: the failed events carry error messages about the
        // model's data, and everything else of the model is under this key (one key policy to audit).
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
      });
      acknowledgeNag(queue, [
        {
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is itself the dead-letter queue of the model monitor (the Lambda on-failure destination and the schedules\' ' +
            'dead-letter queue); a further DLQ behind it would only move failed runs out of sight',
        },
      ]);
      this.deadLetterQueue = queue;
    }
    const dlqKey = this.deadLetterQueue.encryptionMasterKey;

    // --- Log groups ------------------------------------------------------------------------------
    const logGroupRoot = `/driftwatch/${env}/${model.id}/monitor-`;
    const logGroup = (name: 'profile' | 'score') =>
      new logs.LogGroup(this, name === 'profile' ? 'ProfileLogs' : 'ScoreLogs', {
        logGroupName: `${logGroupRoot}${name}`,
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: key,
      });
    this.profileLogGroup = logGroup('profile');
    this.scoreLogGroup = logGroup('score');
    if (props.addLogsKeyPolicy ?? true) {
      const pattern = `${logGroupRoot}*`;
      if (!allowLogGroupEncryption(key, pattern)) {
        Annotations.of(this).addWarningV2(
          'driftwatch:monitor:logsKeyPolicy',
          `The key ${key.node.path} is imported, so its policy cannot be extended here: it must allow logs.<region>.amazonaws.com ` +
            `to use it for log groups ${pattern} (kms:EncryptionContext:aws:logs:arn), or the log groups fail to create`,
        );
      }
    }

    // --- The functions' role: one model's reads and writes, nothing else --------------------------
    const predictionsRoot = tableLayout(S3_LAYOUT.predictions(model.id)).root;
    const labelsRoot = tableLayout(S3_LAYOUT.labels(model.id)).root;
    const monitorRoot = monitorKeys.root(model.id);
    const readArns = [props.bucket.arnForObjects(`${predictionsRoot}*`), props.bucket.arnForObjects(`${labelsRoot}*`)];
    const monitorArn = props.bucket.arnForObjects(`${monitorRoot}*`);
    const resultsArn = props.bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`);
    const glueArns = [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
      ...[predictionsTable, labelsTable, binsTable, joinedViewName(model.id)].map((t) =>
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${t}` }),
      ),
    ];
    const eventBusArn = props.eventBus?.eventBusArn ?? stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
    const viaServices = (...services: string[]) => ({ StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${Aws.REGION}.amazonaws.com`) } });

    const statements = [
      new iam.PolicyStatement({
        sid: 'RunQueriesInWorkGroup',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
        resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroup })],
      }),
      new iam.PolicyStatement({
        sid: 'ReadModelTables',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: glueArns,
      }),
      new iam.PolicyStatement({ sid: 'ReadModelRecords', actions: ['s3:GetObject'], resources: readArns }),
      new iam.PolicyStatement({ sid: 'ReadWriteMonitorPrefix', actions: ['s3:GetObject', 's3:PutObject'], resources: [monitorArn] }),
      new iam.PolicyStatement({
        sid: 'AthenaQueryResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [resultsArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListModelPrefixes',
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [predictionsRoot, labelsRoot, monitorRoot, ATHENA_RESULTS_PREFIX].map((p) => `${p}*`) } },
      }),
      new iam.PolicyStatement({ sid: 'LocateBucket', actions: ['s3:GetBucketLocation'], resources: [props.bucket.bucketArn] }),
      new iam.PolicyStatement({
        sid: 'UseDataKeyThroughS3AndAthena',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: viaServices('s3', 'athena'),
      }),
      new iam.PolicyStatement({ sid: 'PublishStatusEvents', actions: ['events:PutEvents'], resources: [eventBusArn] }),
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.profileLogGroup.logGroupArn, this.scoreLogGroup.logGroupArn],
      }),
      ...sendToQueue(this.deadLetterQueue, dlqKey, viaServices),
    ];
    this.role = new iam.Role(this, 'Role', {
      description: `Driftwatch ${env}: monitor of ${model.id} (${where})`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { monitor: new iam.PolicyDocument({ statements }) },
    });
    acknowledgeNag(this.role, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          `The monitor reads objects Firehose names (${predictionsRoot}*, ${labelsRoot}*), reads and writes its own keys ` +
          `(${monitorRoot}*) and the query results the workgroup names (${ATHENA_RESULTS_PREFIX}*); object names are not known ` +
          'in advance, so each wildcard is one prefix of this model (or of the workgroup) and reaches no other model',
        appliesTo: [...readArns, monitorArn, resultsArn].map((arn) => `Resource::${nagResourceName(stack, arn)}`),
      },
    ]);

    // --- The functions ----------------------------------------------------------------------------
    const environment: Record<string, string> = {
      DW_ENV: env,
      DW_MODEL_ID: model.id,
      DW_BUCKET: props.bucket.bucketName,
      DW_DATABASE: databaseName,
      DW_WORKGROUP: workGroup,
      DW_PREDICTIONS_TABLE: predictionsTable,
      DW_LABELS_TABLE: labelsTable,
      DW_REFERENCE_BINS_TABLE: binsTable,
      DW_EVENT_BUS_NAME: props.eventBus?.eventBusName ?? 'default',
      DW_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_SERVICE_NAME: MONITOR_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const modelFile = { env, model, ...(labelLookbackDays === undefined ? {} : { labelLookbackDays }) };
    const bundleDir = props.bundleDirectory ?? HANDLER_DIST_DIR;
    const fn = (step: 'profile' | 'score', memorySize: number, timeout: Duration, logGroup: logs.ILogGroup, maxEventAge: Duration) => {
      const bundle = handlerBundle(MONITOR_HANDLERS[step], bundleDir);
      if (bundle.stale && bundle.origin === 'bundled') Annotations.of(this).addInfo(bundle.stale);
      if (bundle.stale && bundle.origin === 'prebuilt') Annotations.of(this).addWarningV2('driftwatch:monitor:staleBundle', bundle.stale);
      if (bundle.bytes > MAX_BUNDLE_BYTES) {
        Annotations.of(this).addWarningV2(
          `driftwatch:monitor:bundleSize:${MONITOR_HANDLERS[step]}`,
          `The ${MONITOR_HANDLERS[step]} bundle is ${bundle.bytes} bytes, above the 1 MB goal (npm run bundle lists its largest packages)`,
        );
      }
      const f = new lambda.Function(this, step === 'profile' ? 'ProfileFunction' : 'ScoreFunction', {
        functionName: monitorFunctionName(env, model.id, step),
        description:
          step === 'profile'
            ? `Driftwatch ${env}: profiles each new hour of ${model.id} (one Athena query per hour)`
            : `Driftwatch ${env}: scores the windows of ${model.id} against its reference`,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        handler: `${BUNDLE_FILE.replace(/\.js$/, '')}.handler`,
        code: lambda.Code.fromAsset(modelAssetDirectory(bundle.dir, modelFile)),
        memorySize,
        timeout,
        role: this.role,
        logGroup,
        environment,
        retryAttempts: MONITOR_RETRY_ATTEMPTS,
        maxEventAge,
        onFailure: new QueueDestination(this.deadLetterQueue),
      });
      // The Function's dependency on its role includes the inline policy, so Lambda sees the
      // destination permission when it validates the on-failure destination.
      acknowledgeNag(f, [
        {
          id: 'AwsSolutions-L1',
          reason:
            'The handlers are bundled for and tested on Node.js 22 (esbuild target node22, the runtime the monitor issue ' +
            'specifies); moving to a newer runtime is a change of this one setting once the bundles are tested on it',
        },
      ]);
      return f;
    };
    this.profileFunction = fn('profile', profileMemory, profileTimeout, this.profileLogGroup, PROFILE_MAX_EVENT_AGE);
    this.scoreFunction = fn('score', scoreMemory, scoreTimeout, this.scoreLogGroup, SCORE_MAX_EVENT_AGE);

    // --- Schedules ----------------------------------------------------------------------------------
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: `Driftwatch ${env}: EventBridge Scheduler invoking the monitor of ${model.id}`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      inlinePolicies: {
        invoke: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'InvokeMonitor',
              actions: ['lambda:InvokeFunction'],
              resources: [this.profileFunction.functionArn, this.scoreFunction.functionArn],
            }),
            ...sendToQueue(this.deadLetterQueue, dlqKey, viaServices),
          ],
        }),
      },
    });
    // The targets would add `lambda:InvokeFunction` on `<arn>:*` (every version) and the DLQ
    // statement again; the inline policy above already has exactly what Scheduler needs.
    const schedulerRole = this.schedulerRole.withoutPolicyUpdates();
    const target = (f: lambda.IFunction, input: Record<string, string>, maxEventAge: Duration) =>
      new targets.LambdaInvoke(f, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject(input),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: MONITOR_RETRY_ATTEMPTS,
        maxEventAge,
      });
    this.profileSchedule = new scheduler.Schedule(this, 'ProfileSchedule', {
      scheduleName: monitorFunctionName(env, model.id, 'profile'),
      description: `Profile the last complete hours of ${model.id} (settle ${model.monitor.settleMinutes} min, re-profile ${model.monitor.reprofileHours} h)`,
      schedule: scheduler.ScheduleExpression.expression(model.schedules.profile),
      target: target(this.profileFunction, {}, PROFILE_MAX_EVENT_AGE),
    });
    const scoreSchedules = new Map<string, scheduler.Schedule>();
    for (const window of model.monitor.windows) {
      scoreSchedules.set(
        window.name,
        new scheduler.Schedule(this, `ScoreSchedule${window.name}`, {
          scheduleName: scoreScheduleName(env, model.id, window.name),
          description: `Score the ${window.name} window (${window.hours} h) of ${model.id}`,
          schedule: scheduler.ScheduleExpression.expression(model.schedules.score),
          target: target(this.scoreFunction, { window: window.name }, SCORE_MAX_EVENT_AGE),
        }),
      );
    }
    this.scoreSchedules = scoreSchedules;
  }
}

/**
 * Lambda's on-failure destination without CDK's automatic grant (`SqsDestination` grants
 * `kms:ReEncrypt*` / `kms:GenerateDataKey*` for an encrypted queue); the role's inline policy holds
 * exactly `sqs:SendMessage` and the key use through SQS. The record Lambda sends keeps the event
 * (`requestPayload`) and the error (`responsePayload.errorMessage`).
 */
class QueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}
  bind(): lambda.DestinationConfig {
    return { destination: this.queue.queueArn };
  }
}

/** `sqs:SendMessage` on the queue, and its key's data-key use through SQS when it has one. */
function sendToQueue(queue: sqs.IQueue, key: kms.IKey | undefined, via: (...s: string[]) => Record<string, unknown>): iam.PolicyStatement[] {
  const out = [new iam.PolicyStatement({ sid: 'SendFailedRuns', actions: ['sqs:SendMessage'], resources: [queue.queueArn] })];
  if (key) {
    out.push(new iam.PolicyStatement({ sid: 'EncryptFailedRuns', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn], conditions: via('sqs') }));
  }
  return out;
}

// --- Validation at construction: name the prop, the value and what is allowed -------------------

function checkEnv(where: string, env: string): string {
  if (Token.isUnresolved(env)) throw new Error(`${where}: env must be a literal name (it is part of resource names), got a token`);
  const parsed = configSchema.shape.env.safeParse(env);
  if (!parsed.success) throw new Error(`${where}: env ${JSON.stringify(env)} is invalid: ${parsed.error.issues[0].message}`);
  return env;
}

function checkModel(where: string, model: ModelConfig): ModelConfig {
  const parsed = modelSchema.safeParse(model, { reportInput: true });
  const problems = parsed.success ? [] : problemsFromZod(parsed.error.issues as unknown as ZodIssueLike[]);
  // The cross-field rules (a test that does not fit the feature's kind, reserved names, ...) address
  // `models[0]`; here the prop is `model`.
  for (const p of crossFieldProblems({ models: [model] })) {
    problems.push({ ...p, path: p.path[0] === 'models' && p.path[1] === 0 ? p.path.slice(2) : p.path });
  }
  if (problems.length > 0 || !parsed.success) {
    const lines = problems.map((p) => formatProblem({ ...p, path: ['model', ...p.path] }));
    throw new Error(`${where}: invalid model ${JSON.stringify((model as { id?: unknown })?.id)}:\n  - ${lines.join('\n  - ')}`);
  }
  return parsed.data;
}

function checkIdentifier(where: string, prop: string, value: string): string {
  if (Token.isUnresolved(value)) return value;
  const problem = identifierProblem(value);
  if (problem) throw new Error(`${where}: ${prop} must be a plain SQL/Glue identifier, got ${JSON.stringify(value)} (${problem})`);
  return value;
}

function checkWorkGroup(where: string, value: string): string {
  if (!Token.isUnresolved(value) && !/^[A-Za-z0-9._-]{1,128}$/.test(value)) {
    throw new Error(`${where}: workGroupName must be 1-128 letters, digits, '.', '_' or '-', got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkRange(where: string, prop: string, value: number, [min, max]: readonly [number, number], unit: string): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${where}: ${prop} must be an integer from ${min} to ${max} (${unit}), got ${value}`);
  }
  return value;
}

function checkTimeout(where: string, prop: string, value: Duration): Duration {
  if (value.isUnresolved()) return value;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < TIMEOUT_RANGE[0] || seconds > TIMEOUT_RANGE[1]) {
    throw new Error(`${where}: ${prop} must be a whole number of seconds from ${TIMEOUT_RANGE[0]} to ${TIMEOUT_RANGE[1]} (15 minutes), got ${value.toHumanString()}`);
  }
  return value;
}
