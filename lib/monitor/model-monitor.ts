/**
 * ModelMonitor: the scheduled monitor of one model. Two Lambda functions run the engine
 * (`lambda/monitor`) through the handlers in `lambda/handlers/`: one profiles each new hour of
 * predictions with one Athena query, one scores each configured window against the reference.
 * EventBridge Scheduler invokes them; failures are retried and then kept, with their reason, in an
 * encrypted SQS dead-letter queue. Resources per model do not depend on the number of features.
 *
 * The constructor is the list of steps; each step lives beside it: `validate.ts` (the props),
 * `dead-letter-queue.ts`, `functions.ts` (log groups, environment, `model.json`, the functions),
 * `permissions.ts` (the functions' role, the queue statements) and `schedules.ts` (Scheduler).
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { HANDLER_DIST_DIR } from './bundle';
import { deadLetterQueue } from './dead-letter-queue';
import { functionEnvironment, functionLogGroups, modelFile, monitorFunction } from './functions';
import { monitorRole } from './permissions';
import { profileSchedule, schedulerRole, scoreSchedules } from './schedules';
import { referenceBinsTable } from './reference-bins-table';
import { checkProps } from './validate';
import { acknowledgeFunctionCompliance, allowVpcAccess, type FunctionNetwork } from '../compliance/network';

// The functions' sizes, retries and names, defined beside the functions and exported from here as before.
export {
  METRICS_NAMESPACE,
  MONITOR_RETRY_ATTEMPTS,
  MONITOR_SERVICE_NAME,
  PROFILE_MAX_EVENT_AGE,
  PROFILE_MEMORY_MB,
  PROFILE_TIMEOUT,
  SCORE_MAX_EVENT_AGE,
  SCORE_MEMORY_MB,
  SCORE_TIMEOUT,
} from './functions';

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
   *
   * `schedules.profile` (default `rate(1 hour)`): a rate schedule has no start date here, so
   * Scheduler runs it first when the schedule is created and then every hour at that same minute,
   * not at the top of the hour. A run profiles the newest hour that ended at least
   * `monitor.settleMinutes` (20) ago, so a schedule created at minute 5 profiles each hour 65 minutes
   * after it ends, one created at minute 40 after 40 minutes: 20 to 80 minutes, by the minute of the
   * deploy (no records are lost either way: only the first profile of each hour comes later).
   * `cron(25 * * * ? *)` runs at minute 25 of every hour, 5 minutes after the 20-minute settle
   * delay, so each run profiles the hour that ended 25 minutes before, whenever the stack was
   * deployed; with another `settleMinutes`, pick the minute just after it.
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
  /**
   * Run both functions in a VPC (the customer's, for the hipaa and pci profiles): its subnets and
   * security groups. The role gets the network-interface permissions Lambda needs.
   * @default - outside a VPC
   */
  readonly network?: FunctionNetwork;
  /**
   * Concurrent executions reserved for (and limiting) each function.
   * @default - none reserved: the account's unreserved pool
   */
  readonly reservedConcurrency?: { readonly profile: number; readonly score: number };
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
  /** The profile schedule, on `model.schedules.profile` (see `ModelMonitorProps.model` for which minute it fires at). */
  readonly profileSchedule: scheduler.Schedule;
  /** One score schedule per window of `model.monitor.windows`, by window name. */
  readonly scoreSchedules: ReadonlyMap<string, scheduler.Schedule>;
  /** `reference_bins_<model>` over `monitor/<model>/reference/bins/`. */
  readonly referenceBinsTable: glue.CfnTable;
  /** The validated model config as written to `model.json` (defaults filled in). */
  readonly model: ModelConfig;

  constructor(scope: Construct, id: string, props: ModelMonitorProps) {
    super(scope, id);
    const settings = checkProps(this.node.path, props);
    this.model = settings.model;
    this.modelId = settings.model.id;

    this.referenceBinsTable = referenceBinsTable(this, 'ReferenceBinsTable', {
      databaseName: settings.databaseName,
      bucket: props.bucket,
      modelId: this.modelId,
    });
    this.deadLetterQueue = props.existingDeadLetterQueue ?? deadLetterQueue(this, settings);
    const logGroups = functionLogGroups(this, settings, props.logRetention ?? logs.RetentionDays.ONE_YEAR, props.addLogsKeyPolicy ?? true);
    this.profileLogGroup = logGroups.profile;
    this.scoreLogGroup = logGroups.score;

    this.role = monitorRole(this, {
      settings,
      bucket: props.bucket,
      eventBus: props.eventBus,
      logGroups: [this.profileLogGroup, this.scoreLogGroup],
      deadLetterQueue: this.deadLetterQueue,
    });
    const functionProps = {
      settings,
      environment: functionEnvironment(settings, props.bucket, props.eventBus),
      modelFile: modelFile(settings),
      bundleDirectory: props.bundleDirectory ?? HANDLER_DIST_DIR,
      role: this.role,
      deadLetterQueue: this.deadLetterQueue,
    };
    if (props.network) allowVpcAccess(this.role, this.role);
    this.profileFunction = monitorFunction(this, 'profile', { ...functionProps, network: props.network, reservedConcurrency: props.reservedConcurrency?.profile }, this.profileLogGroup);
    this.scoreFunction = monitorFunction(this, 'score', { ...functionProps, network: props.network, reservedConcurrency: props.reservedConcurrency?.score }, this.scoreLogGroup);
    for (const fn of [this.profileFunction, this.scoreFunction]) {
      acknowledgeFunctionCompliance(
        fn,
        { network: props.network, reservedConcurrency: props.reservedConcurrency?.profile },
        'S3, Athena, Glue and EventBridge',
        'A failed run goes to the on-failure destination, the model\'s KMS-encrypted SQS queue, with the event, the error and ' +
          'the attempts (after 2 Lambda retries and the maximum event age); a DeadLetterConfig would keep the same runs with less',
      );
    }

    this.schedulerRole = schedulerRole(this, settings.env, this.modelId, [this.profileFunction, this.scoreFunction], this.deadLetterQueue);
    const scheduleProps = { env: settings.env, model: settings.model, role: this.schedulerRole, deadLetterQueue: this.deadLetterQueue };
    this.profileSchedule = profileSchedule(this, this.profileFunction, scheduleProps);
    this.scoreSchedules = scoreSchedules(this, this.scoreFunction, scheduleProps);
  }
}
