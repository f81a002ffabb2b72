/**
 * RetrainTrigger: drift-triggered retraining of one model. An EventBridge rule on the monitor's
 * Drift / Performance Status Changed events of this model (source `driftwatch`, the env and model
 * in the detail) invokes the trigger function (`index.handler` of `lambda/handlers/retrain-trigger.ts`),
 * which applies the model's retraining policy and starts the model's `RetrainingPipeline`; the gate
 * function (`index.checkGates`, same bundle) is the pipeline's gate step. Events the trigger could
 * not handle after Lambda's retries, and deliveries EventBridge could not make, land in an encrypted
 * dead-letter queue with their error.
 *
 * Permissions: the trigger reads and writes the model's ledger (`retraining/<model>/ledger/*`) and
 * lists and starts executions of this pipeline only; the gate function reads the runs'
 * evaluation.json (`retraining/<model>/runs/*`) and writes beside it and in the ledger's `gates/`;
 * KMS only through S3 (and SQS for the queue); with a `ledger`, the trigger also appends (PutItem
 * only) each decision to the promotion ledger table, and a `PipelineOutcome` (`pipeline-outcome.ts`)
 * records each execution's end there and alerts the owner of a failure; with `mlflowTrackingServerArn`
 * it also logs each execution's run in MLflow. Usable alone in a team's stack:
 *
 * ```ts
 * new RetrainTrigger(this, 'FraudRetraining', { env: 'prod', model: config.models[0], bucket: lake.bucket, key: lake.key });
 * ```
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { EVENT_SOURCE } from '../../lambda/monitor/events';
import { TRIGGER_DETAIL_TYPES } from '../../lambda/retraining/trigger-event';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { HANDLER_DIST_DIR } from '../monitor/bundle';
import { allowEventBridgeDeadLetters, ruleArnOf } from '../common/event-dead-letters';
import { handlerCode, handlerFunction } from '../common/handler-function';
import { encryptedDeadLetterQueue } from '../monitor/dead-letter-queue';
import { allowLogGroupEncryptionOrWarn } from '../monitor/log-encryption';
import { QueueDestination, sendToQueue } from '../monitor/permissions';
import { RETRAINING_SERVICE_NAME, retrainingDeadLetterQueueName, retrainingFunctionName, retrainingPrefixes } from './naming';
import { PipelineOutcome } from './pipeline-outcome';
import { RetrainingPipeline } from './retraining-pipeline';
import { DataPull } from './data-pull';
import { rolePolicy } from '../compliance/managed-policy';
import { ownerAlertStatements } from '../alerting/owner-alert-publishing';
import type { IPromotionLedgerTable } from '../promotion/ledger-table';
import { allowVpcAccess, type FunctionNetwork } from '../compliance/network';

/** The retraining handlers' bundle (`lambda/handlers/retrain-trigger.ts`). */
export const RETRAINING_HANDLER = 'retrain-trigger';
export { RETRAINING_SERVICE_NAME };

export interface RetrainTriggerProps {
  /** Environment name (`prod`). */
  readonly env: string;
  /** The validated model config; it must have a `retraining` section. */
  readonly model: ModelConfig;
  /** The data bucket (the ledger and the runs). */
  readonly bucket: s3.IBucket;
  /** The key of the data bucket, the log groups and the queue. */
  readonly key: kms.IKey;
  /** The bus the monitor sends its events to. @default the account's default bus */
  readonly eventBus?: events.IEventBus;
  /** Directory of prebuilt handler bundles (`<dir>/retrain-trigger/index.js`). @default dist/handlers, bundled from the sources when missing or stale */
  readonly bundleDirectory?: string;
  /** The git commit deployed (the pipeline's `CodeVersion` default). @default 'unknown' */
  readonly codeVersion?: string;
  /** How long the functions' logs are kept. @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** A queue for failed trigger events instead of the construct's own. @default a queue per model, `dw-<env>-<model>-retrain-dlq` */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /** Run both functions in a VPC (the hipaa and pci profiles: the customer's, with the SageMaker API and S3 endpoints). @default - outside a VPC */
  readonly network?: FunctionNetwork;
  /** Concurrent executions reserved for each function. @default - none reserved */
  readonly reservedConcurrency?: number;
  /**
   * The environment's promotion ledger: the trigger appends a copy of each decision, the gate step each
   * verdict (`DW_LEDGER_TABLE`), and a `PipelineOutcome` each execution's end and registration.
   * @default - decisions and verdicts stay in the data bucket only; no PipelineOutcome
   */
  readonly ledger?: IPromotionLedgerTable;
  /**
   * The owner's topic (its warning topic) that the gate step alerts a failed candidate on, with the
   * failed checks and their deltas; the owner's notifier sends it on to Slack / PagerDuty, email
   * subscribers get it as text (`DW_ALERT_TOPIC_ARN`). Encrypted topics need the key: `alertTopicKey`.
   * @default - failures are in the ledger and the pipeline execution only
   */
  readonly alertTopic?: sns.ITopic;
  /** The key the alert topic is encrypted with. @default - `key` (the owners' topics share the environment's key) */
  readonly alertTopicKey?: kms.IKey;
  /**
   * The environment's SageMaker managed MLflow tracking server (`mlflowServerArn(scope, env)`): the
   * `PipelineOutcome` logs each execution's run there (needs `ledger`).
   * @default - no run is logged
   */
  readonly mlflowTrackingServerArn?: string;
}

export class RetrainTrigger extends Construct {
  readonly modelId: string;
  readonly triggerFunction: lambda.Function;
  readonly gateFunction: lambda.Function;
  /** The pipeline's data pull (none when the config names a pull container). */
  readonly dataPull?: DataPull;
  readonly pipeline: RetrainingPipeline;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.IQueue;
  /** The execution ends into the ledger and failures to the owner (made when there is a `ledger`). */
  readonly outcome?: PipelineOutcome;
  private readonly bucket: s3.IBucket;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: RetrainTriggerProps) {
    super(scope, id);
    const { env, model, bucket, key } = props;
    if (!model.retraining) throw new Error(`RetrainTrigger: model ${model.id} has no retraining section (props.model.retraining); add one to its config or leave the construct out`);
    this.modelId = model.id;
    this.bucket = bucket;
    this.key = key;

    this.deadLetterQueue = props.existingDeadLetterQueue ?? this.queue(props);
    const logRoot = `/driftwatch/${env}/${model.id}/retrain-`;
    const logGroup = (which: 'trigger' | 'gates') =>
      new logs.LogGroup(this, which === 'trigger' ? 'TriggerLogs' : 'GateLogs', { logGroupName: `${logRoot}${which}`, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    const logGroups = { trigger: logGroup('trigger'), gates: logGroup('gates') };
    allowLogGroupEncryptionOrWarn(this, key, [`${logRoot}*`], 'driftwatch:retraining:logsKeyPolicy');

    const code = handlerCode(this, RETRAINING_HANDLER, { env, model }, props.bundleDirectory ?? HANDLER_DIST_DIR);
    this.gateFunction = this.gateStep(props, code, logGroups.gates);

    // Driftwatch's data pull, unless the config names a pull container of the team's own.
    this.dataPull = model.retraining.pipeline.dataPull.container
      ? undefined
      : new DataPull(this, 'DataPull', { env, model, bucket, key, bundleDirectory: props.bundleDirectory, logRetention: props.logRetention, network: props.network, reservedConcurrency: props.reservedConcurrency });
    this.pipeline = new RetrainingPipeline(this, 'Pipeline', { env, model, bucket, key, gateFunction: this.gateFunction, pullFunction: this.dataPull?.function, codeVersion: props.codeVersion });
    if (props.ledger) this.outcome = this.outcomeOf(props, props.ledger);
    this.triggerFunction = this.trigger(props, code, logGroups.trigger);
    this.rule = this.ruleFor(props);
  }

  /** S3's use of the data key, for the roles that read and write the data bucket. */
  private s3KeyStatement(sid: string): iam.PolicyStatement {
    return new iam.PolicyStatement({ sid, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } } });
  }

  /** The pipeline's gate step: reads a run's evaluation.json, writes its statistics and report, alerts the owner of a failure. */
  private gateStep(props: RetrainTriggerProps, code: lambda.Code, logGroup: logs.ILogGroup): lambda.Function {
    const { env, model } = props;
    const prefixes = retrainingPrefixes(model.id);
    const gateRole = new iam.Role(this, 'GateRole', {
      description: `Driftwatch ${env}: the gate step of ${model.id}'s retraining pipeline`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    rolePolicy(gateRole, `Driftwatch ${env}: the gate step of ${model.id}'s retraining`, [
      new iam.PolicyStatement({ sid: 'ReadRuns', actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${prefixes.runs}*`)] }),
      new iam.PolicyStatement({ sid: 'WriteStatisticsAndReports', actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${prefixes.runs}*`), this.bucket.arnForObjects(`${prefixes.gateReports}*`)] }),
      this.s3KeyStatement('UseDataKeyThroughS3'),
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ...(props.alertTopic ? ownerAlertStatements(props.alertTopic, props.alertTopicKey ?? this.key) : []),
      ...(props.ledger?.appendStatements() ?? []),
    ]);
    if (props.network) allowVpcAccess(gateRole, gateRole);
    acknowledgeNag(gateRole, [
      {
        id: 'AwsSolutions-IAM5',
        reason: `The gate step reads the evaluation.json a run wrote under ${prefixes.runs}<execution>/ and writes beside it and in ${prefixes.gateReports}; execution ids are not known in advance, so each wildcard is one prefix of this model`,
        appliesTo: [`${prefixes.runs}*`, `${prefixes.gateReports}*`].map((p) => `Resource::${nagResourceName(Stack.of(this), this.bucket.arnForObjects(p))}`),
      },
    ]);
    return this.fn('GateFunction', 'gates', 'checkGates', code, gateRole, logGroup, props, Duration.minutes(2), {
      ...(props.alertTopic ? { DW_ALERT_TOPIC_ARN: props.alertTopic.topicArn } : {}),
      ...(props.ledger ? { DW_LEDGER_TABLE: props.ledger.tableName } : {}),
    });
  }

  /** The trigger: applies the policy to a monitor event and starts the pipeline, recording the decision. */
  private trigger(props: RetrainTriggerProps, code: lambda.Code, logGroup: logs.ILogGroup): lambda.Function {
    const { env, model } = props;
    const prefixes = retrainingPrefixes(model.id);
    const triggerRole = new iam.Role(this, 'TriggerRole', {
      description: `Driftwatch ${env}: the retraining trigger of ${model.id}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    rolePolicy(triggerRole, `Driftwatch ${env}: the retraining trigger of ${model.id}`, [
      new iam.PolicyStatement({ sid: 'ReadWriteLedger', actions: ['s3:GetObject', 's3:PutObject'], resources: [this.bucket.arnForObjects(`${prefixes.ledger}*`)] }),
      this.s3KeyStatement('UseDataKeyThroughS3'),
      new iam.PolicyStatement({ sid: 'StartAndListExecutions', actions: ['sagemaker:StartPipelineExecution', 'sagemaker:ListPipelineExecutions'], resources: [this.pipeline.pipelineArn] }),
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ...sendToQueue(this.deadLetterQueue),
      ...(props.ledger?.appendStatements() ?? []),
    ]);
    if (props.network) allowVpcAccess(triggerRole, triggerRole);
    acknowledgeNag(triggerRole, [
      {
        id: 'AwsSolutions-IAM5',
        reason: `The trigger's ledger holds one decision per monitor event under ${prefixes.ledger}; their names come from the events, so the wildcard is this model's ledger prefix only`,
        appliesTo: [`Resource::${nagResourceName(Stack.of(this), this.bucket.arnForObjects(`${prefixes.ledger}*`))}`],
      },
    ]);
    return this.fn('TriggerFunction', 'trigger', 'handler', code, triggerRole, logGroup, props, Duration.minutes(1), {
      DW_PIPELINE_NAME: this.pipeline.pipelineName,
      ...(props.ledger ? { DW_LEDGER_TABLE: props.ledger.tableName } : {}),
    });
  }

  /** The EventBridge rule from the monitor's events to the trigger, undeliverable events to the dead-letter queue. */
  private ruleFor(props: RetrainTriggerProps): events.Rule {
    const { env, model } = props;
    const ruleName = `dw-${env}-${model.id}-retrain`;
    const rule = new events.Rule(this, 'Rule', {
      ruleName,
      description: `Driftwatch ${env}: the monitor's drift and performance events of ${model.id} → its retraining trigger`,
      eventBus: props.eventBus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...TRIGGER_DETAIL_TYPES], detail: { env: [env], modelId: [model.id] } },
      targets: [new targets.LambdaFunction(this.triggerFunction, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });
    // EventBridge writes undeliverable events to the encrypted queue itself, so the key must let it
    // (for this rule only); an IAM policy cannot grant a service principal that.
    if (!props.existingDeadLetterQueue) {
      allowEventBridgeDeadLetters(this, this.key, ruleArnOf(this, ruleName, props.eventBus), `EventBridgeDeadLetters${model.id}`, 'driftwatch:retraining:eventsKeyPolicy');
    }
    return rule;
  }

  /** Failed trigger runs (sum over one hour): above 0, look at the dead-letter queue. */
  metricTriggerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.triggerFunction.metricErrors({ statistic: 'Sum', period: Duration.hours(1), ...props });
  }

  /** Trigger events waiting in the dead-letter queue (maximum over 5 minutes). */
  metricDeadLetterMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5), ...props });
  }

  /** Lets `grantee` read the model's ledger (a `driftwatch history` role, an auditor). */
  grantReadLedger(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.bucket.arnForObjects(`${retrainingPrefixes(this.modelId).ledger}*`)] });
    this.key.grantDecrypt(grantee);
    return grant;
  }

  /** The pipeline's outcome function, sharing the trigger's queue and log key policy. */
  private outcomeOf(props: RetrainTriggerProps, ledger: IPromotionLedgerTable): PipelineOutcome {
    return new PipelineOutcome(this, 'Outcome', {
      env: props.env,
      model: props.model,
      pipeline: this.pipeline,
      ledger,
      key: this.key,
      alertTopic: props.alertTopic,
      alertTopicKey: props.alertTopicKey,
      ...(props.mlflowTrackingServerArn ? { mlflowTrackingServerArn: props.mlflowTrackingServerArn, bucket: this.bucket, codeVersion: props.codeVersion } : {}),
      deadLetterQueue: this.deadLetterQueue,
      // The trigger's own queue is under `key`, whose policy this construct may open; a team's queue is the team's.
      deadLetterKey: props.existingDeadLetterQueue ? undefined : this.key,
      // The trigger's statement covers /driftwatch/<env>/<model>/retrain-*.
      addLogsKeyPolicy: false,
      bundleDirectory: props.bundleDirectory,
      logRetention: props.logRetention,
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
    });
  }

  private queue({ env, model, key }: RetrainTriggerProps): sqs.Queue {
    return encryptedDeadLetterQueue(this, retrainingDeadLetterQueueName(env, model.id), key, "This queue is itself the dead-letter queue of the retraining trigger (Lambda's on-failure destination and the rule target's DLQ)");
  }

  private fn(
    id: string,
    which: 'trigger' | 'gates',
    entry: 'handler' | 'checkGates',
    code: lambda.Code,
    role: iam.IRole,
    logGroup: logs.ILogGroup,
    props: RetrainTriggerProps,
    timeout: Duration,
    extraEnv: Record<string, string> = {},
  ): lambda.Function {
    return handlerFunction(this, id, {
      functionName: retrainingFunctionName(props.env, props.model.id, which),
      description: which === 'trigger' ? `Driftwatch ${props.env}: decides and starts the retraining of ${props.model.id}` : `Driftwatch ${props.env}: the gate step of ${props.model.id}'s retraining`,
      code,
      entry,
      memorySize: 256,
      timeout,
      role,
      logGroup,
      environment: { DW_BUCKET: props.bucket.bucketName, POWERTOOLS_SERVICE_NAME: RETRAINING_SERVICE_NAME, POWERTOOLS_LOG_LEVEL: 'INFO', NODE_OPTIONS: '--enable-source-maps', ...extraEnv },
      ...(which === 'trigger' ? { asyncInvocation: { retryAttempts: 2, onFailure: new QueueDestination(this.deadLetterQueue) } } : {}),
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      calls: which === 'trigger' ? (props.ledger ? 'S3, DynamoDB and the SageMaker API' : 'S3 and the SageMaker API') : ['S3', ...(props.alertTopic ? ['SNS'] : []), ...(props.ledger ? ['DynamoDB'] : [])].join(', '),
      failures:
        which === 'trigger'
          ? 'A failed trigger run goes to the on-failure destination, this model\'s KMS-encrypted retraining queue, with the monitor event and the error (after 2 Lambda retries); undeliverable rule events go to the same queue'
          : 'The gate step is invoked synchronously by the SageMaker pipeline\'s Lambda step, never asynchronously: a failure fails the step and the pipeline execution, where it is kept; a DeadLetterConfig would never receive anything',
    });
  }
}
