/**
 * OwnerNotifier: the notifier Lambda of one owner (`lambda/handlers/notifier.ts`), subscribed to the
 * owner's critical and warning topics, sending PagerDuty Events v2 and Slack messages enriched from
 * the monitor's latest window report. Nothing is lost on failure:
 * - a notification the function could not deliver on every routed channel throws; Lambda retries it
 *   twice, then hands it with the error to the owner's notifier dead-letter queue;
 * - a notification SNS could not hand to Lambda at all goes to the same queue (the subscriptions'
 *   redrive policy);
 * - the notifier-failure alarm (function errors or a message in the queue) emails the owner through
 *   a topic of its own, so a broken PagerDuty or Slack route never hides its own failure.
 *
 * Secrets are read at run time by name (the owner's `pagerDutySecretName`, `slackWebhookSecretName`):
 * the template holds their names, never their values.
 */
import { Annotations, ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DriftwatchConfig, OwnerConfig } from '../../config/schema';
import { monitorKeys } from '../../lambda/monitor/layout';
import { sentRoot } from '../../lambda/alerting/links';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { rolePolicy } from '../compliance/managed-policy';
import { acknowledgeFunctionCompliance, allowVpcAccess, type FunctionNetwork } from '../compliance/network';
import { BUNDLE_FILE, HANDLER_DIST_DIR, handlerBundle } from '../monitor/bundle';
import { encryptedDeadLetterQueue } from '../monitor/dead-letter-queue';
import { allowLogGroupEncryptionOrWarn } from '../monitor/log-encryption';
import { QueueDestination, sendToQueue } from '../monitor/permissions';
import { notifierNames, topicArn } from './naming';
import { alarmTopic, modelsReachingOwner, needsNotifier, ownersOfConfig, type OwnerTopicRoute, type OwnerTopics } from './owner-topics';

type NotifierNames = ReturnType<typeof notifierNames>;

/** The notifier's bundle (`lambda/handlers/notifier.ts`). */
export const NOTIFIER_HANDLER = 'notifier';
export const NOTIFIER_SERVICE_NAME = 'driftwatch-notifier';

/**
 * Memory and timeout: each channel sends within 20 s (retries included) and both run in parallel;
 * 60 s leaves room for the report read and the delivery records. 256 MB: the work is two HTTPS calls.
 */
export const NOTIFIER_MEMORY_MB = 256;
export const NOTIFIER_TIMEOUT = Duration.seconds(60);
/** Lambda's retries of a failed notification before it is dead-lettered. */
export const NOTIFIER_RETRY_ATTEMPTS = 2;
/** A page older than this is dead-lettered instead of sent late. */
export const NOTIFIER_MAX_EVENT_AGE = Duration.hours(1);

export interface OwnerNotifierProps {
  /** Environment name (`prod`). */
  readonly env: string;
  readonly owner: OwnerConfig;
  /** The owner's topics the notifier subscribes to (`OwnerTopics.routes` of this owner). */
  readonly routes: readonly OwnerTopicRoute[];
  /** `DW_ROUTES`: the channels per topic (`OwnerTopics.notifierRoutesJson(owner)`). */
  readonly routesJson: string;
  /** Models whose alarms reach this owner: the notifier reads their reports and records deliveries under their prefixes. */
  readonly modelIds: readonly string[];
  /** The data bucket (reports, delivery records). */
  readonly bucket: s3.IBucket;
  /** The key of the bucket, the log group, the queue and the failure topic. */
  readonly key: kms.IKey;
  /**
   * Keys the two secrets are encrypted with, when not the account's `aws/secretsmanager` key.
   * @default none (the AWS-managed key, which Secrets Manager uses on the caller's behalf)
   */
  readonly secretKeys?: readonly kms.IKey[];
  /** Directory of prebuilt handler bundles (`<dir>/notifier/index.js`). @default dist/handlers, bundled from the sources when missing or stale */
  readonly bundleDirectory?: string;
  /** How long the notifier's logs are kept. @default one year */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Add the key-policy statement that lets CloudWatch Logs encrypt the notifier's log group (Platform
   * adds one for every log group of the environment instead).
   * @default true
   */
  readonly addLogsKeyPolicy?: boolean;
  /** PagerDuty's Events API v2 endpoint (an EU account uses events.eu.pagerduty.com). @default https://events.pagerduty.com/v2/enqueue */
  readonly pagerDutyUrl?: string;
  /**
   * Run the function in a VPC (the hipaa and pci profiles). PagerDuty and Slack are on the internet:
   * the subnets need a route out (the customer's NAT gateway or proxy). @default - outside a VPC
   */
  readonly network?: FunctionNetwork;
  /** Concurrent executions reserved for the function. @default - none reserved */
  readonly reservedConcurrency?: number;
}

/**
 * @example
 * const topics = new OwnerTopics(stack, 'Topics', { env: 'prod', owners: ownersOfConfig(config), key });
 * new OwnerNotifier(stack, 'RiskNotifier', {
 *   env: 'prod', owner, routes: topics.routesOf(owner), routesJson: topics.notifierRoutesJson(owner),
 *   modelIds: ['fraud'], bucket, key,
 * });
 */
export class OwnerNotifier extends Construct {
  readonly function: lambda.Function;
  readonly deadLetterQueue: sqs.Queue;
  /** Emails the owner when the notifier fails (its own topic, email only). */
  readonly failureTopic: sns.Topic;
  /** ALARM while notifications fail or wait in the dead-letter queue. */
  readonly failureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OwnerNotifierProps) {
    super(scope, id);
    const { env, owner, key } = props;
    if (props.routes.length === 0) throw new Error(`OwnerNotifier ${this.node.path}: props.routes is empty; pass the owner's topics (OwnerTopics.routesOf(owner)) for ${JSON.stringify(owner.name)}`);
    if (props.modelIds.length === 0) throw new Error(`OwnerNotifier ${this.node.path}: props.modelIds is empty; the notifier of ${JSON.stringify(owner.name)} needs the models whose alarms reach the owner`);
    const names = notifierNames(env, owner);

    this.deadLetterQueue = encryptedDeadLetterQueue(this, names.deadLetterQueue, key, `This queue is itself the dead-letter queue of ${owner.name}'s notifier (Lambda's on-failure destination and the SNS subscriptions' redrive target)`);

    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: names.logGroup, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    if (props.addLogsKeyPolicy ?? true) allowLogGroupEncryptionOrWarn(this, key, [`${names.logGroup}*`], 'driftwatch:alerting:logsKeyPolicy');

    const role = this.role(props, names.function, logGroup);
    this.function = this.notifierFunction(props, names, role, logGroup);

    for (const r of props.routes) {
      r.topic.addSubscription(new subs.LambdaSubscription(this.function, { deadLetterQueue: this.deadLetterQueue }));
    }
    allowSnsDeadLetters(this, env, key, props.routes);

    this.failureTopic = alarmTopic(this, 'FailureTopic', { env, topicName: names.failureTopic, displayName: `Driftwatch ${env}: ${owner.name}'s notifier failed`, key, email: owner.email });
    this.failureAlarm = this.notifierFailureAlarm(env, names, owner.name);
    this.failureAlarm.addAlarmAction(new actions.SnsAction(this.failureTopic));
    this.failureAlarm.addOkAction(new actions.SnsAction(this.failureTopic));
  }

  /** The function, with its environment, failure destination and the acknowledgements of its settings. */
  private notifierFunction(props: OwnerNotifierProps, names: NotifierNames, role: iam.IRole, logGroup: logs.ILogGroup): lambda.Function {
    const { env, owner, bucket, key } = props;
    const bundle = handlerBundle(NOTIFIER_HANDLER, props.bundleDirectory ?? HANDLER_DIST_DIR);
    const fn = new lambda.Function(this, 'Function', {
      functionName: names.function,
      description: `Driftwatch ${env}: alarm notifications of ${owner.name} to PagerDuty and Slack`.slice(0, 256),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: `${BUNDLE_FILE.replace(/\.js$/, '')}.handler`,
      code: lambda.Code.fromAsset(bundle.dir),
      memorySize: NOTIFIER_MEMORY_MB,
      timeout: NOTIFIER_TIMEOUT,
      role,
      logGroup,
      retryAttempts: NOTIFIER_RETRY_ATTEMPTS,
      maxEventAge: NOTIFIER_MAX_EVENT_AGE,
      onFailure: new QueueDestination(this.deadLetterQueue),
      ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.vpcSubnets, securityGroups: props.network.securityGroups } : {}),
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        DW_ENV: env,
        DW_BUCKET: bucket.bucketName,
        DW_KMS_KEY_ID: key.keyArn,
        DW_PAGERDUTY_SECRET: owner.pagerDutySecretName,
        DW_SLACK_SECRET: owner.slackWebhookSecretName,
        DW_ROUTES: props.routesJson,
        ...(props.pagerDutyUrl ? { DW_PAGERDUTY_URL: props.pagerDutyUrl } : {}),
        POWERTOOLS_SERVICE_NAME: NOTIFIER_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', {
      config: { ignore_checks: ['W3005'], ignore_reasons: { W3005: 'CDK adds DependsOn on the execution role beside the GetAtt of its ARN' } },
    });
    acknowledgeNag(fn, [{ id: 'AwsSolutions-L1', reason: "The notifier is bundled for and tested on Node.js 22 (esbuild target node22), as the monitor's handlers; a newer runtime is this one setting once the bundle is tested on it" }]);
    acknowledgeFunctionCompliance(
      fn,
      props,
      'S3, Secrets Manager and the PagerDuty and Slack HTTPS endpoints',
      "A notification that failed every channel goes to the on-failure destination, this owner's KMS-encrypted queue, with the " +
        'SNS message and every reason (after 2 Lambda retries); SNS redrives what it could not hand to Lambda to the same queue',
    );
    return fn;
  }

  /** ALARM while the function fails or notifications wait in the dead-letter queue. */
  private notifierFailureAlarm(env: string, names: NotifierNames, ownerName: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmName: names.failureAlarm,
      alarmDescription:
        `Driftwatch ${env}: notifications for ${ownerName} failed or wait in ${names.deadLetterQueue}. ` +
        `PagerDuty or Slack may not have been told of an alarm: read the queue's messages (each names the channel and the answer) and the log group ${names.logGroup}.`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(errors, 0) + FILL(dead, 0)',
        usingMetrics: {
          errors: this.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
          dead: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) }),
        },
        period: Duration.minutes(5),
        label: 'failed notifications',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Notifications that could not be delivered, waiting in the dead-letter queue (maximum over 5 minutes). */
  metricDeadLetterMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5), ...props });
  }

  /**
   * Least privilege: the reports of the owner's models, their delivery records (read and write: the
   * conditional claims that make one incident page once), the two secrets by name, the key through
   * S3 only, its own log group and dead-letter queue.
   */
  private role(props: OwnerNotifierProps, functionName: string, logGroup: logs.ILogGroup): iam.Role {
    const { bucket, key, owner } = props;
    const stack = Stack.of(this);
    const reports = props.modelIds.map((m) => bucket.arnForObjects(`${monitorKeys.reportsRoot(m)}*`));
    const sent = props.modelIds.map((m) => bucket.arnForObjects(`${sentRoot(m)}*`));
    const secretArn = (name: string) => stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const secrets = [owner.pagerDutySecretName, owner.slackWebhookSecretName].map(secretArn);
    const role = new iam.Role(this, 'Role', {
      description: `Driftwatch ${props.env}: ${functionName}`.slice(0, 1000),
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    rolePolicy(role, `Driftwatch ${props.env}: what ${functionName} reads and writes`, [
      new iam.PolicyStatement({ sid: 'ReadReports', actions: ['s3:GetObject'], resources: reports }),
      new iam.PolicyStatement({ sid: 'ClaimAndRecordDeliveries', actions: ['s3:GetObject', 's3:PutObject'], resources: sent }),
      new iam.PolicyStatement({ sid: 'UseDataKeyThroughS3', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } } }),
      new iam.PolicyStatement({ sid: 'ReadOwnerSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secrets }),
      ...(props.secretKeys ?? []).map(
        (k, i) => new iam.PolicyStatement({ sid: `DecryptSecrets${i}`, actions: ['kms:Decrypt'], resources: [k.keyArn], conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } } }),
      ),
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ...sendToQueue(this.deadLetterQueue),
    ]);
    if (props.network) allowVpcAccess(role, role);
    acknowledgeNag(role, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          `The notifier reads the latest window report of each model whose alarms reach ${owner.name} and records each delivery ` +
          'under the model\'s alerting/<model>/sent/ prefix (names from the alarm and its state change); secret ARNs end in the six random ' +
          'characters Secrets Manager appends, so each secret is matched by its exact name plus -??????',
        appliesTo: [...reports, ...sent, ...secrets].map((r) => `Resource::${nagResourceName(stack, r)}`),
      },
    ]);
    return role;
  }
}

/** What every owner's notifier of a config shares (`ownerNotifiers`). */
export type OwnerNotifiersProps = Omit<OwnerNotifierProps, 'owner' | 'routes' | 'routesJson' | 'modelIds' | 'env'> & {
  readonly config: DriftwatchConfig;
  readonly topics: OwnerTopics;
};

/**
 * One OwnerNotifier per owner of the config whose channels include PagerDuty or Slack, subscribed to
 * the owner's topics, reading the reports of the models whose alarms reach the owner; by owner name.
 */
export function ownerNotifiers(scope: Construct, { config, topics, ...shared }: OwnerNotifiersProps): Map<string, OwnerNotifier> {
  const notifiers = new Map<string, OwnerNotifier>();
  for (const o of ownersOfConfig(config).filter(needsNotifier)) {
    const routes = topics.routesOf(o.owner);
    notifiers.set(
      o.owner.name,
      new OwnerNotifier(scope, `Notifier-${routes[0].slug}`, { ...shared, env: config.env, owner: o.owner, routes, routesJson: topics.notifierRoutesJson(o.owner), modelIds: modelsReachingOwner(config, o.owner) }),
    );
  }
  return notifiers;
}

/**
 * SNS writes a notification it could not hand to Lambda to the encrypted dead-letter queue itself
 * (the subscription adds the queue-policy statement), so the key must let `sns.amazonaws.com` use it,
 * for these topics only. The topics are named by their deterministic ARNs: a reference would make the
 * key depend on the topics, which are encrypted with it (a cycle).
 */
function allowSnsDeadLetters(scope: OwnerNotifier, env: string, key: kms.IKey, routes: readonly OwnerTopicRoute[]): void {
  const added = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `SnsRedrive${scope.node.addr.slice(0, 12)}`,
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // In a key policy "*" is the key itself.
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:SourceArn': routes.map((r) => topicArn(scope, env, r.owner, r.severity)) } },
    }),
    /* allowNoOp */ true,
  ).statementAdded;
  if (!added) {
    Annotations.of(scope).addWarningV2('driftwatch:alerting:snsKeyPolicy', `The key ${key.node.path} is imported: its policy must let sns.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey) for the owner's topics, or notifications SNS cannot deliver are lost`);
  }
}
