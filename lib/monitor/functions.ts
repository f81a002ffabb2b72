/**
 * The monitor's two Lambda functions: their sizes, retries and log groups, the environment and the
 * `model.json` the handlers read, and the one factory that makes the profile and the score function.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNag } from '../common/nag';
import { monitorFunctionName, referenceBinsTableName } from '../common/naming';
import { BUNDLE_FILE, MAX_BUNDLE_BYTES, MONITOR_HANDLERS, handlerBundle, modelAssetDirectory, type ModelFile } from './bundle';
import { allowLogGroupEncryptionOrWarn } from './log-encryption';
import { QueueDestination } from './permissions';
import type { MonitorSettings } from './validate';
import type { FunctionNetwork } from '../compliance/network';

/**
 * Memory and timeout of the two functions. Starting points until the benchmark (`npm run
 * bench:monitor`) measures them:
 * - profile: starts one Athena query per hour to profile (the hour plus `reprofileHours` earlier
 *   ones) and mostly waits for it; the result is one row per feature and bin. Without a pushed
 *   reference, the run that fits it from production pools up to 200,000 sampled rows (about 190 MB
 *   more at 50 features), so 512 MB; five minutes leaves room for Athena queueing.
 * - score: merges up to 168 stored hourly profiles (7 days) and renders the JSON and HTML reports
 *   in memory. Lambda's CPU grows with memory (1,769 MB is one vCPU); 1,024 MB keeps the merge well
 *   under the 10-second goal of the issue.
 */
export const PROFILE_MEMORY_MB = 512;
export const PROFILE_TIMEOUT = Duration.minutes(5);
export const SCORE_MEMORY_MB = 1024;
export const SCORE_TIMEOUT = Duration.minutes(5);

/** Retries of a failed run, by Lambda (asynchronous invocation) and by Scheduler (invocation itself). */
export const MONITOR_RETRY_ATTEMPTS = 2;

/**
 * How long a run may wait (in Scheduler's retries and Lambda's async queue) before it is dropped to
 * the dead-letter queue instead: an hour for profiling (the next run re-profiles the last hours
 * anyway), six hours for scoring (a late daily score is still worth having).
 */
export const PROFILE_MAX_EVENT_AGE = Duration.hours(1);
export const SCORE_MAX_EVENT_AGE = Duration.hours(6);

/** Namespace of the monitor's EMF metrics and Powertools' service name. */
export const METRICS_NAMESPACE = 'Driftwatch';
export const MONITOR_SERVICE_NAME = 'driftwatch-monitor';

/** The two steps of the monitor, one function (and one log group) each. */
export type MonitorStep = 'profile' | 'score';

/**
 * The functions' log groups, `/driftwatch/<env>/<model>/monitor-profile` and `-score`, encrypted with
 * the key; with `addLogsKeyPolicy`, the key-policy statement that lets CloudWatch Logs use the key for
 * them (a warning says what to add when the key is imported).
 */
export function functionLogGroups(
  scope: Construct,
  settings: MonitorSettings,
  retention: logs.RetentionDays,
  addLogsKeyPolicy: boolean,
): Record<MonitorStep, logs.LogGroup> {
  const { env, model, key } = settings;
  const logGroupRoot = `/driftwatch/${env}/${model.id}/monitor-`;
  const logGroup = (name: MonitorStep) =>
    new logs.LogGroup(scope, name === 'profile' ? 'ProfileLogs' : 'ScoreLogs', {
      logGroupName: `${logGroupRoot}${name}`,
      retention,
      encryptionKey: key,
    });
  const groups = { profile: logGroup('profile'), score: logGroup('score') };
  if (addLogsKeyPolicy) allowLogGroupEncryptionOrWarn(scope, key, [`${logGroupRoot}*`], 'driftwatch:monitor:logsKeyPolicy');
  return groups;
}

/** The handlers' environment: the names of the bucket, database, workgroup, tables and bus, and the namespaces. */
export function functionEnvironment(settings: MonitorSettings, bucket: s3.IBucket, eventBus: events.IEventBus | undefined): Record<string, string> {
  return {
    DW_ENV: settings.env,
    DW_MODEL_ID: settings.model.id,
    DW_BUCKET: bucket.bucketName,
    DW_DATABASE: settings.databaseName,
    DW_WORKGROUP: settings.workGroup,
    DW_PREDICTIONS_TABLE: settings.predictionsTable,
    DW_LABELS_TABLE: settings.labelsTable,
    DW_REFERENCE_BINS_TABLE: referenceBinsTableName(settings.model.id),
    DW_EVENT_BUS_NAME: eventBus?.eventBusName ?? 'default',
    DW_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME: MONITOR_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/** The `model.json` beside each bundle: the env, the validated model and, when set, the label look-back. */
export function modelFile({ env, model, labelLookbackDays }: MonitorSettings): ModelFile {
  return { env, model, ...(labelLookbackDays === undefined ? {} : { labelLookbackDays }) };
}

/** What the profile and the score function share. */
export interface MonitorFunctionProps {
  readonly settings: MonitorSettings;
  /** From `functionEnvironment`. */
  readonly environment: Record<string, string>;
  /** From `modelFile`. */
  readonly modelFile: ModelFile;
  /** Directory of prebuilt handler bundles (`ModelMonitorProps.bundleDirectory`). */
  readonly bundleDirectory: string;
  readonly role: iam.IRole;
  /** The on-failure destination of the asynchronous invocations. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The VPC the function runs in. @default - none */
  readonly network?: FunctionNetwork;
  /** Reserved concurrent executions. @default - none */
  readonly reservedConcurrency?: number;
}

/**
 * The function of one step (Node.js 22, arm64): its handler bundle and `model.json` as the code,
 * the step's memory, timeout and maximum event age, and failed runs to the dead-letter queue. A
 * stale or oversized bundle is reported on `scope`.
 */
export function monitorFunction(scope: Construct, step: MonitorStep, props: MonitorFunctionProps, logGroup: logs.ILogGroup): lambda.Function {
  const { env, model } = props.settings;
  const bundle = handlerBundle(MONITOR_HANDLERS[step], props.bundleDirectory);
  if (bundle.stale && bundle.origin === 'bundled') Annotations.of(scope).addInfo(bundle.stale);
  if (bundle.stale && bundle.origin === 'prebuilt') Annotations.of(scope).addWarningV2('driftwatch:monitor:staleBundle', bundle.stale);
  if (bundle.bytes > MAX_BUNDLE_BYTES) {
    Annotations.of(scope).addWarningV2(
      `driftwatch:monitor:bundleSize:${MONITOR_HANDLERS[step]}`,
      `The ${MONITOR_HANDLERS[step]} bundle is ${bundle.bytes} bytes, above the 1 MB goal (npm run bundle lists its largest packages)`,
    );
  }
  const f = new lambda.Function(scope, step === 'profile' ? 'ProfileFunction' : 'ScoreFunction', {
    functionName: monitorFunctionName(env, model.id, step),
    description:
      step === 'profile'
        ? `Driftwatch ${env}: profiles each new hour of ${model.id} (one Athena query per hour)`
        : `Driftwatch ${env}: scores the windows of ${model.id} against its reference`,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: `${BUNDLE_FILE.replace(/\.js$/, '')}.handler`,
    code: lambda.Code.fromAsset(modelAssetDirectory(bundle.dir, props.modelFile)),
    memorySize: step === 'profile' ? props.settings.profileMemory : props.settings.scoreMemory,
    timeout: step === 'profile' ? props.settings.profileTimeout : props.settings.scoreTimeout,
    role: props.role,
    logGroup,
    environment: props.environment,
    retryAttempts: MONITOR_RETRY_ATTEMPTS,
    maxEventAge: step === 'profile' ? PROFILE_MAX_EVENT_AGE : SCORE_MAX_EVENT_AGE,
    onFailure: new QueueDestination(props.deadLetterQueue),
    ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.vpcSubnets, securityGroups: props.network.securityGroups } : {}),
    reservedConcurrentExecutions: props.reservedConcurrency,
  });
  // The Function's dependency on its role includes the inline policy, so Lambda sees the
  // destination permission when it validates the on-failure destination. CDK writes that dependency
  // as a DependsOn beside the role's GetAtt, which cfn-lint reports as redundant (W3005): harmless.
  (f.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', {
    config: { ignore_checks: ['W3005'], ignore_reasons: { W3005: 'CDK adds DependsOn on the execution role beside the GetAtt of its ARN' } },
  });
  acknowledgeNag(f, [
    {
      id: 'AwsSolutions-L1',
      reason:
        'The handlers are bundled for and tested on Node.js 22 (esbuild target node22, the runtime the monitor issue ' +
        'specifies); moving to a newer runtime is a change of this one setting once the bundles are tested on it',
    },
  ]);
  return f;
}
