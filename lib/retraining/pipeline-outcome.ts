/**
 * PipelineOutcome: the end of each execution of one model's retraining pipeline, into the promotion
 * ledger and to the owner. An EventBridge rule on SageMaker's "SageMaker Model Building Pipeline
 * Execution Status Change" events of this pipeline only (its ARN), for the three end statuses,
 * invokes the outcome function (`lambda/handlers/pipeline-outcome.ts`), which appends an `execution`
 * entry (and a `registered` one for a registered candidate) and alerts the owner's topic of a failure.
 * Events the function could not handle after Lambda's retries, and deliveries EventBridge could not
 * make, land in an encrypted dead-letter queue with their error.
 *
 * Permissions: ListPipelineExecutionSteps and DescribePipelineExecution on this pipeline's executions;
 * the ledger table's PutItem and Query (a redelivered event is recognised by its entry) with its key
 * through DynamoDB; Publish on the owner's topic with its key through SNS; its own log group; the
 * queue. With `mlflowTrackingServerArn` (the environment's `mlflow`), the function logs each
 * execution's run in MLflow (`lambda/retraining/outcome-tracking.ts`) and also gets
 * ListPipelineParametersForExecution on the executions, DescribeTrainingJob on the pipeline's jobs,
 * GetObject on the model's runs and gate reports with the key through S3, and the tracking actions on
 * the server (`grantMlflowTracking`). `RetrainTrigger` makes one beside the pipeline when it has a ledger:
 *
 * ```ts
 * new PipelineOutcome(this, 'FraudOutcome', { env: 'prod', model, pipeline, key, ledger, alertTopic });
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
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { EXECUTION_OUTCOMES, PIPELINE_EVENT_SOURCE, PIPELINE_EXECUTION_DETAIL_TYPE } from '../../lambda/retraining/outcome-event';
import { GATE_REPORT_ARTIFACT } from '../../lambda/retraining/outcome-tracking';
import { ownerAlertStatements } from '../alerting/owner-alert-publishing';
import { allowEventBridgeDeadLetters, ruleArnOf } from '../common/event-dead-letters';
import { handlerCode, handlerFunction } from '../common/handler-function';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { rolePolicy } from '../compliance/managed-policy';
import { allowVpcAccess, type FunctionNetwork } from '../compliance/network';
import { HANDLER_DIST_DIR } from '../monitor/bundle';
import { encryptedDeadLetterQueue } from '../monitor/dead-letter-queue';
import { allowLogGroupEncryptionOrWarn } from '../monitor/log-encryption';
import { QueueDestination, sendToQueue } from '../monitor/permissions';
import type { IPromotionLedgerTable } from '../promotion/ledger-table';
import { PolicyGrantee } from '../promotion/permissions';
import { grantMlflowTracking, MLFLOW_ARTIFACTS_PREFIX } from './mlflow-server';
import { RETRAINING_SERVICE_NAME, retrainingFunctionName, retrainingPrefixes } from './naming';

/** The pipeline-outcome bundle (`lambda/handlers/pipeline-outcome.ts`). */
export const PIPELINE_OUTCOME_HANDLER = 'pipeline-outcome';

export interface PipelineOutcomeProps {
  /** Environment name (`prod`). */
  readonly env: string;
  /** The validated model config (shipped beside the bundle as `model.json`); it must have a `retraining` section. */
  readonly model: ModelConfig;
  /** The model's retraining pipeline (`RetrainingPipeline`): its events only reach the function. */
  readonly pipeline: { readonly pipelineName: string; readonly pipelineArn: string };
  /** The environment's promotion ledger (`DW_LEDGER_TABLE`). */
  readonly ledger: IPromotionLedgerTable;
  /** The key of the log group and of the construct's own queue. */
  readonly key: kms.IKey;
  /** The owner's warning topic a failed execution is alerted on (`DW_ALERT_TOPIC_ARN`). @default - failures are in the ledger only */
  readonly alertTopic?: sns.ITopic;
  /** The key the alert topic is encrypted with. @default - `key` */
  readonly alertTopicKey?: kms.IKey;
  /** Where failed events go. @default - a queue of its own, `dw-<env>-<model>-outcome-dlq` */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * The key whose policy is opened to EventBridge for this rule's undeliverable events.
   * @default - `key` for the construct's own queue; none for a given `deadLetterQueue` (its owner's to open)
   */
  readonly deadLetterKey?: kms.IKey;
  /** Add the key-policy statement letting CloudWatch Logs use `key` for the log group (false when the caller's covers it). @default true */
  readonly addLogsKeyPolicy?: boolean;
  /** Directory of prebuilt handler bundles (`<dir>/pipeline-outcome/index.js`). @default dist/handlers, bundled from the sources when missing or stale */
  readonly bundleDirectory?: string;
  /** How long the function's logs are kept. @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** Run the function in a VPC (with the SageMaker API, DynamoDB and SNS endpoints). @default - outside a VPC */
  readonly network?: FunctionNetwork;
  /** Concurrent executions reserved for the function. @default - none reserved */
  readonly reservedConcurrency?: number;
  /**
   * The environment's SageMaker managed MLflow tracking server (`mlflowServerArn(scope, env)`): each
   * execution's run is logged there (`DW_MLFLOW_TRACKING_SERVER_ARN`). Needs `bucket`.
   * @default - no run is logged, and the function has no MLflow, S3 or training job permissions
   */
  readonly mlflowTrackingServerArn?: string;
  /** The data bucket the pipeline writes its runs to (`DW_BUCKET`), read with `mlflowTrackingServerArn`. */
  readonly bucket?: s3.IBucket;
  /** The git commit deployed, the pipeline's `CodeVersion` default (`DW_CODE_VERSION`, the run's code version). @default 'unknown' */
  readonly codeVersion?: string;
}

export class PipelineOutcome extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: PipelineOutcomeProps) {
    super(scope, id);
    const { env, model, key, pipeline } = props;
    if (!model.retraining) throw new Error(`PipelineOutcome: model ${model.id} has no retraining section (props.model.retraining)`);
    const stack = Stack.of(this);
    this.deadLetterQueue =
      props.deadLetterQueue ??
      encryptedDeadLetterQueue(this, `dw-${env}-${model.id}-outcome-dlq`, key, "This queue is itself the dead-letter queue of the pipeline-outcome function (Lambda's on-failure destination and the rule target's DLQ)");
    const deadLetterKey = props.deadLetterKey ?? (props.deadLetterQueue ? undefined : key);

    const logGroupName = `/driftwatch/${env}/${model.id}/retrain-outcome`;
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    if (props.addLogsKeyPolicy ?? true) allowLogGroupEncryptionOrWarn(this, key, [`${logGroupName}*`], 'driftwatch:retraining:outcomeLogsKeyPolicy');

    // Execution ids are SageMaker's, not known in advance: the wildcard is this pipeline's executions.
    const executions = `${pipeline.pipelineArn}/execution/*`;
    const tracking = trackingOf(props);
    const role = new iam.Role(this, 'Role', { description: `Driftwatch ${env}: records the outcome of ${model.id}'s retraining executions`, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const policy = rolePolicy(role, `Driftwatch ${env}: the pipeline outcome of ${model.id}`, [
      new iam.PolicyStatement({ sid: 'ReadExecutionSteps', actions: ['sagemaker:ListPipelineExecutionSteps', 'sagemaker:DescribePipelineExecution'], resources: [executions] }),
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ...sendToQueue(this.deadLetterQueue),
      ...props.ledger.appendStatements(),
      ...props.ledger.readStatements(),
      ...(props.alertTopic ? ownerAlertStatements(props.alertTopic, props.alertTopicKey ?? key) : []),
      ...(tracking ? trackingStatements(executions, tracking) : []),
    ]);
    if (props.network) allowVpcAccess(role, role);
    // Into the role's managed policy (the compliance packs refuse the inline default policy).
    if (tracking) grantMlflowTracking(new PolicyGrantee(role, policy), tracking.serverArn);
    acknowledgeNag(role, [
      {
        id: 'AwsSolutions-IAM5',
        reason: `The function reads the steps of the execution an event names; SageMaker gives execution ids when they start, so the wildcard is this pipeline's executions (${pipeline.pipelineName}/execution/*) only`,
        appliesTo: [`Resource::${nagResourceName(stack, executions)}`],
      },
      ...(tracking ? trackingNag(stack, tracking) : []),
    ]);

    this.function = handlerFunction(this, 'Function', {
      functionName: retrainingFunctionName(env, model.id, 'outcome'),
      description: `Driftwatch ${env}: records the outcome of ${model.id}'s retraining executions and alerts a failure`,
      code: handlerCode(this, PIPELINE_OUTCOME_HANDLER, { env, model }, props.bundleDirectory ?? HANDLER_DIST_DIR),
      memorySize: 256,
      // MLflow's calls retry for up to a minute each (mlflow-rest.ts): room for a slow server.
      timeout: Duration.minutes(tracking ? 3 : 1),
      role,
      logGroup,
      environment: {
        DW_PIPELINE_NAME: pipeline.pipelineName,
        DW_LEDGER_TABLE: props.ledger.tableName,
        ...(props.alertTopic ? { DW_ALERT_TOPIC_ARN: props.alertTopic.topicArn } : {}),
        ...(tracking ? { DW_MLFLOW_TRACKING_SERVER_ARN: tracking.serverArn, DW_BUCKET: tracking.bucket.bucketName, DW_CODE_VERSION: props.codeVersion ?? 'unknown' } : {}),
        POWERTOOLS_SERVICE_NAME: RETRAINING_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      asyncInvocation: { retryAttempts: 2, onFailure: new QueueDestination(this.deadLetterQueue) },
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      calls: ['the SageMaker API', 'DynamoDB', ...(props.alertTopic ? ['SNS'] : []), ...(tracking ? ['S3', 'SageMaker managed MLflow'] : [])].join(', '),
      failures: "A failed run goes to the on-failure destination, the model's KMS-encrypted retraining queue, with SageMaker's event and the error (after 2 Lambda retries); undeliverable rule events go to the same queue",
    });

    const ruleName = `dw-${env}-${model.id}-retrain-outcome`;
    this.rule = new events.Rule(this, 'Rule', {
      ruleName,
      description: `Driftwatch ${env}: the end of each execution of ${model.id}'s retraining pipeline → the ledger and the owner`,
      eventPattern: {
        source: [PIPELINE_EVENT_SOURCE],
        detailType: [PIPELINE_EXECUTION_DETAIL_TYPE],
        detail: { pipelineArn: [pipeline.pipelineArn], currentPipelineExecutionStatus: Object.keys(EXECUTION_OUTCOMES) },
      },
      targets: [new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });
    if (deadLetterKey) allowEventBridgeDeadLetters(this, deadLetterKey, ruleArnOf(this, ruleName), `EventBridgeOutcomeDeadLetters${model.id}`, 'driftwatch:retraining:outcomeEventsKeyPolicy');
  }
}

/** What the MLflow tracking of the runs needs, or undefined without a tracking server. */
interface RunTracking {
  readonly serverArn: string;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly modelId: string;
  /** The objects the function reads: the runs (manifest.json, evaluation.json) and the gate reports. */
  readonly objects: readonly string[];
  /** The jobs SageMaker Pipelines starts (`pipelines-<execution>-<step>`). */
  readonly trainingJobs: string;
  /** Where the function puts each run's gate report among its MLflow artifacts (the managed server's store in the data bucket). */
  readonly gateReportArtifacts: string;
}

function trackingOf(props: PipelineOutcomeProps): RunTracking | undefined {
  if (!props.mlflowTrackingServerArn) return undefined;
  if (!props.bucket) throw new Error(`PipelineOutcome of ${props.model.id}: mlflowTrackingServerArn needs the data bucket (props.bucket), where the runs' manifest.json and evaluation.json are`);
  const prefixes = retrainingPrefixes(props.model.id);
  return {
    serverArn: props.mlflowTrackingServerArn,
    bucket: props.bucket,
    key: props.key,
    modelId: props.model.id,
    objects: [props.bucket.arnForObjects(`${prefixes.runs}*`), props.bucket.arnForObjects(`${prefixes.gateReports}*`)],
    trainingJobs: Stack.of(props.bucket).formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: 'pipelines-*' }),
    gateReportArtifacts: props.bucket.arnForObjects(`${MLFLOW_ARTIFACTS_PREFIX}*/artifacts/${GATE_REPORT_ARTIFACT}`),
  };
}

function trackingStatements(executions: string, t: RunTracking): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'ReadExecutionParameters', actions: ['sagemaker:ListPipelineParametersForExecution'], resources: [executions] }),
    new iam.PolicyStatement({ sid: 'DescribeTrainingJobs', actions: ['sagemaker:DescribeTrainingJob'], resources: [t.trainingJobs] }),
    new iam.PolicyStatement({ sid: 'ReadRunsAndGateReports', actions: ['s3:GetObject'], resources: [...t.objects] }),
    new iam.PolicyStatement({ sid: 'WriteGateReportArtifacts', actions: ['s3:PutObject'], resources: [t.gateReportArtifacts] }),
    new iam.PolicyStatement({
      sid: 'DecryptThroughS3',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [t.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }),
  ];
}

function trackingNag(stack: Stack, t: RunTracking) {
  return [
    {
      id: 'AwsSolutions-IAM5',
      reason: `The run logged to MLflow is read from what the execution wrote under ${retrainingPrefixes(t.modelId).runs}<execution>/ and the gate report under ${retrainingPrefixes(t.modelId).gateReports}; execution ids are SageMaker's, so each wildcard is one prefix of this model`,
      appliesTo: t.objects.map((o) => `Resource::${nagResourceName(stack, o)}`),
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'SageMaker Pipelines names the training jobs it starts pipelines-<execution>-<step>-<suffix>, not known in advance: the wildcard is the pipelines-* job prefix, DescribeTrainingJob only',
      appliesTo: [`Resource::${nagResourceName(stack, t.trainingJobs)}`],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: `MLflow names a run's artifact folder by its experiment and run ids (${MLFLOW_ARTIFACTS_PREFIX}<experiment>/<run>/artifacts/), given when the run is made: the function writes only ${GATE_REPORT_ARTIFACT} in it`,
      appliesTo: [`Resource::${nagResourceName(stack, t.gateReportArtifacts)}`],
    },
  ];
}
