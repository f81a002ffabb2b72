/**
 * ModelPromotion: candidate → shadow → compare → approve → canary → production for one model's
 * SageMaker endpoint, and rollback to the last known good package. Two Step Functions state machines
 * (`state-machines.ts`, drawn in `lambda/promotion/step-contract.ts`) drive the one promotion Lambda
 * (`lambda/handlers/promotion-step.ts`); an EventBridge rule starts a promotion when the model's
 * retraining registers a candidate (a package of its group in PendingManualApproval), and
 * `driftwatch rollback` starts the rollback machine. Failed executions (a worse shadow, a rejection,
 * a rolled-back canary) notify the owner; the canary's own alarms let SageMaker roll back.
 *
 * ```ts
 * new ModelPromotion(this, 'FraudPromotion', { env: 'prod', model, bucket, key, analytics, tables: [predictions, labels], topics, ledger });
 * ```
 */
import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ModelConfig, PromotionConfig } from '../../config/schema';
import { alarmArn, alarmName } from '../alerting/naming';
import type { IAlarmTopics } from '../alerting/model-alarms';
import { ATHENA_RESULTS_PREFIX, type IAnalytics, type QueryableTable } from '../analytics/analytics';
import { allowEventBridgeDeadLetters, ruleArnOf } from '../common/event-dead-letters';
import { handlerCode, handlerFunction } from '../common/handler-function';
import { rolePolicy } from '../compliance/managed-policy';
import { allowVpcAccess, type FunctionNetwork } from '../compliance/network';
import { HANDLER_DIST_DIR } from '../monitor/bundle';
import { encryptedDeadLetterQueue } from '../monitor/dead-letter-queue';
import { allowLogGroupEncryptionOrWarn } from '../monitor/log-encryption';
import { modelPackageGroupName } from '../retraining/naming';
import { canaryAlarms } from './canary-alarms';
import type { IPromotionLedgerTable } from './ledger-table';
import { modelExecutionRole } from './model-role';
import { ownerAlertStatements } from '../alerting/owner-alert-publishing';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { grantMlflowTracking } from '../retraining/mlflow-server';
import { canaryAlarmName, promoteStateMachineName, promotionFunctionName, rollbackStateMachineName, PRODUCTION_VARIANT, SHADOW_VARIANT, type CanaryAlarm } from './naming';
import { acknowledgePromotionRole, PolicyGrantee, promotionArns, promotionStatements } from './permissions';
import { promoteDefinition, rollbackDefinition, type CheckLoop, type PromotionLoops } from './state-machines';
import { stateMachineRole } from './state-machine-role';
import { ShadowCapture } from './shadow-capture';
import { captureRoot } from '../../lambda/promotion/capture/capture-layout';

/** The promotion handler's bundle (`lambda/handlers/promotion-step.ts`). */
export const PROMOTION_HANDLER = 'promotion-step';
export const PROMOTION_SERVICE_NAME = 'driftwatch-promotion';

/** How often and how many times a loop checks; either may be left to its default. */
export interface CheckLoopOptions {
  readonly interval?: Duration;
  readonly maxChecks?: number;
}

export interface ModelPromotionProps {
  /** Environment name (`prod`). */
  readonly env: string;
  /** The validated model config; it must have a `promotion` section. */
  readonly model: ModelConfig;
  /** The data bucket (the model artifacts the created execution role reads). */
  readonly bucket: s3.IBucket;
  /** The key of the data bucket, the log groups and the queue. */
  readonly key: kms.IKey;
  /** Where the shadow comparison's query runs. */
  readonly analytics: IAnalytics;
  /** The model's prediction and ground-truth tables, which the comparison joins by variant. */
  readonly tables: readonly QueryableTable[];
  /** The owners' topics: failed executions and canary alarms notify the owner's warning topic. */
  readonly topics: IAlarmTopics;
  /** The promotion ledger every step appends to (the Lambda requires it: without one, a warning, and every step fails). @default - none */
  readonly ledger?: IPromotionLedgerTable;
  /**
   * The environment's SageMaker managed MLflow tracking server (`MlflowServer.trackingServerArn`, or
   * `mlflowServerArn(scope, env)` from another stack): each promotion fact moves the registry's aliases
   * there (`lambda/promotion/registry-mirror.ts`), signed as the function's role.
   * @default - no mirror (the ledger is the record)
   */
  readonly mlflowTrackingServerArn?: string;
  /**
   * Announce the comparison's verdict, a promotion and a rollback to the owner (`DW_ALERT_TOPIC_ARN`,
   * `lambda/promotion/owner-notices.ts`), as owner alerts the owner's notifier delivers.
   * @default - the owner's warning topic (`topics.topicFor(model.owner, 'Warning')`)
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Checks of an endpoint update (shadow deployment, canary, rollback).
   * @default every 2 minutes, as many checks as the canary's bake and termination wait plus an hour take
   */
  readonly endpointChecks?: CheckLoopOptions;
  /** Checks of the package's approval. @default every hour, for a week (168 checks) */
  readonly approvalChecks?: CheckLoopOptions;
  /** Checks of the shadow comparison. @default `promotion.shadow.checkIntervalMinutes` and `promotion.shadow.maxChecks` */
  readonly shadowChecks?: CheckLoopOptions;
  /** Directory of prebuilt handler bundles (`<dir>/promotion-step/index.js`). @default dist/handlers, bundled from the sources when missing or stale */
  readonly bundleDirectory?: string;
  /** How long the function's and the state machines' logs are kept. @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** Add the key-policy statement letting CloudWatch Logs use the key for this model's promotion log groups. @default true */
  readonly addLogsKeyPolicy?: boolean;
  /** A queue for promotion events the rule could not deliver. @default a queue per model, `dw-<env>-<model>-promotion-dlq` */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /** Run the function in a VPC (the hipaa and pci profiles). @default - outside a VPC */
  readonly network?: FunctionNetwork;
  /** Concurrent executions reserved for the function. @default - none reserved */
  readonly reservedConcurrency?: number;
  /**
   * The model's prediction stream: the shadow configs then capture both variants (SageMaker Data Capture to
   * `capture/<model>/` in `bucket`, with `key`) and a `ShadowCapture` puts their answers to this stream.
   * `bucket` must send its events to EventBridge (`DataLake`'s `eventBridgeEnabled`).
   * @default - no capture: the shadow's answers reach the prediction log only if the team logs them
   */
  readonly predictionStream?: { readonly deliveryStreamName: string; readonly deliveryStreamArn: string };
}

export class ModelPromotion extends Construct {
  readonly modelId: string;
  readonly function: lambda.Function;
  readonly promoteStateMachine: sfn.StateMachine;
  readonly rollbackStateMachine: sfn.StateMachine;
  /** Starts a promotion when a candidate of the model's package group is registered. */
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.IQueue;
  /** The canary's auto-rollback alarms by what they watch. */
  readonly canaryAlarms: ReadonlyMap<CanaryAlarm, cloudwatch.Alarm>;
  readonly failedExecutionsAlarm: cloudwatch.Alarm;
  /** The role SageMaker models run as (`promotion.executionRoleArn`, or the one created). */
  readonly modelExecutionRoleArn: string;
  /** The converter of the shadow's captures, when `predictionStream` is given. */
  readonly capture?: ShadowCapture;

  constructor(scope: Construct, id: string, props: ModelPromotionProps) {
    super(scope, id);
    const { env, model, key } = props;
    const promotion = model.promotion;
    if (!promotion) throw new Error(`ModelPromotion: model ${model.id} has no promotion section (props.model.promotion); add one to its config or leave the construct out`);
    this.modelId = model.id;
    const loops = {
      endpoint: this.loop('endpointChecks', props.endpointChecks, Duration.minutes(2), defaultEndpointChecks(promotion)),
      shadow: this.loop('shadowChecks', props.shadowChecks, Duration.minutes(promotion.shadow.checkIntervalMinutes), promotion.shadow.maxChecks),
      approval: this.loop('approvalChecks', props.approvalChecks, Duration.hours(1), 168),
    };
    this.warnWhenCanaryOutlastsChecks(promotion, loops.endpoint);
    this.warnWhenHistoryCouldOverflow(loops);

    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const logRoot = `/driftwatch/${env}/${model.id}/promotion`;
    const functionLogs = new logs.LogGroup(this, 'FunctionLogs', { logGroupName: logRoot, retention, encryptionKey: key });
    // Under /aws/vendedlogs/: Step Functions adds each state machine's log group to the account's
    // CloudWatch Logs resource policy (5,120 characters) unless its name starts so; two machines per
    // model would exhaust it within a few dozen models (docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html).
    const stateLogRoot = `/aws/vendedlogs/states/dw-${env}-${model.id}-promotion`;
    const stateLogs = new logs.LogGroup(this, 'StateMachineLogs', { logGroupName: stateLogRoot, retention, encryptionKey: key });
    if (props.addLogsKeyPolicy ?? true) allowLogGroupEncryptionOrWarn(this, key, [`${logRoot}*`, `${stateLogRoot}*`], 'driftwatch:promotion:logsKeyPolicy');

    this.deadLetterQueue = props.existingDeadLetterQueue ?? encryptedDeadLetterQueue(this, `dw-${env}-${model.id}-promotion-dlq`, key, "This queue is itself the dead-letter queue of the promotion rule (candidate registrations EventBridge could not start a promotion for)");
    this.canaryAlarms = canaryAlarms(this, env, model, promotion, props.topics.topicFor(model.owner, 'Warning'));
    const captures = props.predictionStream ? captureRoot(model.id) : undefined;
    this.modelExecutionRoleArn = promotion.executionRoleArn ?? modelExecutionRole(this, env, model, promotion.endpointName, props.bucket, key, captures).roleArn;
    if (props.predictionStream) {
      this.capture = new ShadowCapture(this, 'Capture', { env, model, bucket: props.bucket, key, predictionStream: props.predictionStream, addLogsKeyPolicy: props.addLogsKeyPolicy, bundleDirectory: props.bundleDirectory, logRetention: props.logRetention, network: props.network, reservedConcurrency: props.reservedConcurrency });
    }

    this.function = this.promotionFunction(props, promotion, functionLogs);
    if (!props.ledger) {
      Annotations.of(this).addWarningV2('driftwatch:promotion:noLedger', `No props.ledger: the promotion Lambda requires DW_LEDGER_TABLE and fails every step until a PromotionLedgerTable is given`);
    }

    const machines = stateMachineRole(this, env, model.id, this.function, stateLogs);
    const machine = (id: string, stateMachineName: string, definition: sfn.IChainable) => {
      const m = new sfn.StateMachine(this, id, {
        stateMachineName,
        definitionBody: sfn.DefinitionBody.fromChainable(definition),
        role: machines.withoutPolicyUpdates(),
        logs: { destination: stateLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
        tracingEnabled: true,
      });
      (m.node.defaultChild as sfn.CfnStateMachine).addMetadata('cfn-lint', {
        config: { ignore_checks: ['W3005'], ignore_reasons: { W3005: 'CDK adds DependsOn on the state machine role beside the GetAtt of its ARN' } },
      });
      return m;
    };
    this.promoteStateMachine = machine('Promote', promoteStateMachineName(env, model.id), promoteDefinition(new Construct(this, 'PromoteStates'), this.function, loops));
    this.rollbackStateMachine = machine('Rollback', rollbackStateMachineName(env, model.id), rollbackDefinition(new Construct(this, 'RollbackStates'), this.function, loops));

    this.rule = this.registrationRule(props);

    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutionsAlarm', {
      alarmName: alarmName(env, model.id, 'promotion-failed', 'Warning'),
      alarmDescription:
        `Driftwatch ${env}: a promotion or rollback of ${model.id} failed (a worse shadow, a rejection, a rolled-back canary, an endpoint failure); ` +
        `the execution's Fail state says why (Step Functions console, ${promoteStateMachineName(env, model.id)} / ${rollbackStateMachineName(env, model.id)})`,
      metric: this.metricFailedExecutions(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedExecutionsAlarm.addAlarmAction(new actions.SnsAction(props.topics.topicFor(model.owner, 'Warning')));
  }

  /** Failed executions of both state machines (sum over 5 minutes). */
  metricFailedExecutions(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const options = { statistic: 'Sum', period: Duration.minutes(5) };
    return new cloudwatch.MathExpression({
      expression: 'FILL(promote, 0) + FILL(rollback, 0)',
      usingMetrics: { promote: this.promoteStateMachine.metricFailed(options), rollback: this.rollbackStateMachine.metricFailed(options) },
      label: `failed promotions and rollbacks of ${this.modelId}`,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Lets `grantee` start a promotion of a package by hand (`{ modelPackageArn }`). */
  grantStartPromotion(grantee: iam.IGrantable): iam.Grant {
    return this.promoteStateMachine.grantStartExecution(grantee);
  }

  /** Lets `grantee` start a rollback (`driftwatch rollback`: `{ toVersion?, requestedBy, reason }`). */
  grantStartRollback(grantee: iam.IGrantable): iam.Grant {
    return this.rollbackStateMachine.grantStartExecution(grantee);
  }

  private alertTopic(props: ModelPromotionProps): sns.ITopic {
    return props.alertTopic ?? props.topics.topicFor(props.model.owner, 'Warning');
  }

  /** The one function both machines invoke, with exactly the permissions its actions need. */
  private promotionFunction(props: ModelPromotionProps, promotion: PromotionConfig, logGroup: logs.LogGroup): lambda.Function {
    const { env, model } = props;
    const role = new iam.Role(this, 'FunctionRole', { description: `Driftwatch ${env}: the promotion steps of ${model.id}`, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // The names, not the alarms' Refs: they are deterministic, and the Lambda's environment stays plain strings.
    const alarmNames = [...this.canaryAlarms.keys()].map((which) => canaryAlarmName(env, model.id, which));
    const policy = rolePolicy(
      role,
      `Driftwatch ${env}: the promotion steps of ${model.id}`,
      promotionStatements(this, { env, modelId: model.id, endpointName: promotion.endpointName, executionRoleArn: this.modelExecutionRoleArn, alarmArns: alarmNames.map((n) => alarmArn(this, n)) }, logGroup.logGroupArn),
    );
    const grantee = new PolicyGrantee(role, policy);
    props.analytics.grantQuery(grantee, ...props.tables);
    props.ledger?.grantAppend(grantee);
    // The steps read the ledger too: an id already there means a retried step (idempotency), and the rollback reads the champions' history.
    props.ledger?.grantRead(grantee);
    if (props.mlflowTrackingServerArn) grantMlflowTracking(grantee, props.mlflowTrackingServerArn);
    policy.addStatements(...ownerAlertStatements(this.alertTopic(props), props.key));
    if (props.network) allowVpcAccess(role, role);
    acknowledgePromotionRole(role, { env, modelId: model.id, endpointName: promotion.endpointName }, queryWildcards(props));
    return handlerFunction(this, 'Function', {
      functionName: promotionFunctionName(env, model.id),
      description: `Driftwatch ${env}: the promotion steps of ${model.id} (shadow, comparison, approval, canary, rollback)`,
      code: handlerCode(this, PROMOTION_HANDLER, { env, model }, props.bundleDirectory ?? HANDLER_DIST_DIR),
      // The comparison waits for one Athena query and bootstraps in memory.
      memorySize: 512,
      timeout: Duration.minutes(5),
      role,
      logGroup,
      environment: {
        DW_ENV: env,
        DW_MODEL_ID: model.id,
        DW_ENDPOINT_NAME: promotion.endpointName,
        DW_MODEL_PACKAGE_GROUP: modelPackageGroupName(env, model.id),
        DW_EXECUTION_ROLE_ARN: this.modelExecutionRoleArn,
        DW_PRODUCTION_VARIANT: PRODUCTION_VARIANT,
        DW_SHADOW_VARIANT: SHADOW_VARIANT,
        DW_CANARY_ALARMS: JSON.stringify(alarmNames),
        DW_DATABASE: props.analytics.databaseName,
        DW_WORKGROUP: props.analytics.workGroupName,
        ...(props.ledger ? { DW_LEDGER_TABLE: props.ledger.tableName } : {}),
        ...(props.mlflowTrackingServerArn ? { DW_MLFLOW_TRACKING_SERVER_ARN: props.mlflowTrackingServerArn } : {}),
        DW_ALERT_TOPIC_ARN: this.alertTopic(props).topicArn,
        ...(props.predictionStream ? { DW_CAPTURE_BUCKET: props.bucket.bucketName, DW_CAPTURE_KMS_KEY_ID: props.key.keyArn } : {}),
        POWERTOOLS_SERVICE_NAME: PROMOTION_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      calls: 'the SageMaker API, Athena, Glue, S3, DynamoDB and SNS',
      failures:
        'The promotion function is invoked synchronously by its state machines, never asynchronously: a failure is retried by the Task ' +
        "state and then fails the execution, where it is kept with its error (and the failed-executions alarm notifies the owner); a DeadLetterConfig would never receive anything",
    });
  }

  /** SageMaker's "Model Package State Change" of this model's group in PendingManualApproval → the promote machine. */
  private registrationRule(props: ModelPromotionProps): events.Rule {
    const { env, model } = props;
    const ruleName = `dw-${env}-${model.id}-promote`;
    const starter = new iam.Role(this, 'RuleRole', { description: `Driftwatch ${env}: EventBridge starting promotions of ${model.id}`, assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    rolePolicy(starter, `Driftwatch ${env}: EventBridge starting promotions of ${model.id}`, [
      new iam.PolicyStatement({ sid: 'StartPromotion', actions: ['states:StartExecution'], resources: [this.promoteStateMachine.stateMachineArn] }),
    ]);
    const rule = new events.Rule(this, 'RegistrationRule', {
      ruleName,
      description: `Driftwatch ${env}: a candidate of ${model.id} registered (PendingManualApproval) → its promotion state machine`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: [promotionArns(this, { env, modelId: model.id, endpointName: model.promotion!.endpointName }).groupName], ModelApprovalStatus: ['PendingManualApproval'] },
      },
      targets: [
        new targets.SfnStateMachine(this.promoteStateMachine, {
          // The event's id lets the machine's first step tell a second delivery of the event from a new registration.
          input: events.RuleTargetInput.fromObject({ modelPackageArn: events.EventField.fromPath('$.detail.ModelPackageArn'), eventId: events.EventField.fromPath('$.id') }),
          role: starter.withoutPolicyUpdates(),
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 4,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    if (!props.existingDeadLetterQueue) allowEventBridgeDeadLetters(this, props.key, ruleArnOf(this, ruleName), `EventBridgePromotionDeadLetters${model.id}`, 'driftwatch:promotion:eventsKeyPolicy');
    return rule;
  }

  /** A loop's interval and maximum from the options or the defaults, validated. */
  private loop(prop: string, options: CheckLoopOptions | undefined, interval: Duration, maxChecks: number): CheckLoop {
    const out = { interval: options?.interval ?? interval, maxChecks: options?.maxChecks ?? maxChecks };
    const seconds = out.interval.toSeconds();
    if (!Token.isUnresolved(seconds) && (seconds < 1 || seconds > 365 * 24 * 3600)) {
      throw new Error(`${this.node.path}: ${prop}.interval must be between 1 second and 1 year (a Wait state's range), got ${out.interval.toHumanString()}`);
    }
    if (!Token.isUnresolved(out.maxChecks) && (!Number.isInteger(out.maxChecks) || out.maxChecks < 1)) {
      throw new Error(`${this.node.path}: ${prop}.maxChecks must be a whole number, at least 1, got ${out.maxChecks}`);
    }
    return out;
  }

  /**
   * A standard workflow's history holds at most 25,000 events, and each check of a loop writes 13
   * (Wait 2, the Lambda task 5, the Choice 2, the counter 2, the checks-left Choice 2): an execution
   * that uses every check of every loop must fit, or it fails with States.Runtime instead of its cause.
   */
  private warnWhenHistoryCouldOverflow(loops: PromotionLoops): void {
    const checks = 2 * loops.endpoint.maxChecks + loops.shadow.maxChecks + loops.approval.maxChecks;
    if (!Token.isUnresolved(checks) && checks * EVENTS_PER_CHECK + 100 > MAX_HISTORY_EVENTS) {
      Annotations.of(this).addWarningV2(
        'driftwatch:promotion:historyLimit',
        `${checks} checks at most (2 x endpointChecks.maxChecks + shadowChecks.maxChecks + approvalChecks.maxChecks) write about ${checks * EVENTS_PER_CHECK} history events, ` +
          `above Step Functions' ${MAX_HISTORY_EVENTS} per execution: lower a maxChecks (and lengthen its interval)`,
      );
    }
  }

  private warnWhenCanaryOutlastsChecks(promotion: PromotionConfig, endpoint: CheckLoop): void {
    const canaryMinutes = promotion.canary.waitMinutes + promotion.canary.terminationWaitMinutes;
    const checkedMinutes = (endpoint.interval.toSeconds() * endpoint.maxChecks) / 60;
    if (!Token.isUnresolved(checkedMinutes) && checkedMinutes < canaryMinutes) {
      Annotations.of(this).addWarningV2(
        'driftwatch:promotion:canaryOutlastsChecks',
        `endpointChecks cover ${checkedMinutes} minutes, less than the canary's bake and termination wait (${canaryMinutes} minutes): every promotion would fail as timed out`,
      );
    }
  }
}

/** Step Functions' quota of history events per standard execution, and what one check of a loop writes. */
const MAX_HISTORY_EVENTS = 25_000;
const EVENTS_PER_CHECK = 13;

/** Enough 2-minute checks for the canary's bake and termination wait, plus an hour for instances to start. */
function defaultEndpointChecks(promotion: PromotionConfig): number {
  return Math.ceil((promotion.canary.waitMinutes + promotion.canary.terminationWaitMinutes + 60) / 2);
}

/** The object-prefix wildcards `Analytics.grantQuery` gives, as cdk-nag names them. */
function queryWildcards(props: ModelPromotionProps): string[] {
  return [props.analytics.resultsBucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`), ...props.tables.map((t) => t.bucket.arnForObjects(`${t.dataRoot}*`))];
}
