/**
 * The pipeline-outcome tests' world on moto_server (outcome-moto.test.ts, outcome-mlflow.test.ts):
 * SageMaker with the builder's pipeline (CreatePipeline) and the model's Model Package Group, the
 * data bucket on S3, the promotion ledger on DynamoDB (the real adapter, a table made from the
 * construct's keys), the model file the handler reads, the handler's environment, and the handler
 * itself, loaded after the environment is set.
 *
 * What moto 5.2.1 cannot do, and the one fill-in for it: it has no ListPipelineExecutionSteps, and
 * its executions never run their steps (each is `Succeeded` at once), so no step can fail or
 * register. That one call is answered in-process (`answerExecutionStepsInProcess`) with the steps
 * each test puts in `stepsOf`; SageMaker's status change event, which moto does not send, is written
 * in the documented shape (`statusChange`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  CreateTrainingJobCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  type PipelineExecutionStep,
  type StepStatus,
} from '@aws-sdk/client-sagemaker';
import { validateConfig } from '../../config';
import { S3ObjectStore } from '../../lambda/adapters/aws/s3-object-store';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { retrainingPipelineDefinition } from '../../lambda/retraining/pipeline';
import { triggerParameters } from '../../lambda/retraining/pipeline/parameters';
import { runArtifactKeys } from '../../lambda/retraining/run-record';
import { modelPackageGroupName } from '../../lib/retraining/naming';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createLedgerTable } from '../promotion/ledger-table-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';
import { answerExecutionStepsInProcess } from './execution-steps.test-fixture';
import { SPEC } from './pipeline-spec';

export const ENV = 'test';
export const MODEL = 'fraud_detector';
export const PIPELINE = 'dw-test-fraud-detector-retrain';
export const GROUP = modelPackageGroupName(ENV, MODEL);
export const LEDGER_TABLE = 'dw-test-promotion-ledger';

export interface OutcomeWorldOptions {
  /** The model's retraining section (configWith's). */
  readonly retraining: unknown;
  /** The handler's environment beyond the moto endpoint, the pipeline, the ledger table and the model file. */
  readonly env?: Readonly<Record<string, string>>;
  /** A moto_server the caller started (the notifier's world); it is left running. @default - one of the world's own */
  readonly moto?: MotoServer;
  /** The data bucket (made when missing). @default SPEC.bucket */
  readonly bucket?: string;
}

export interface OutcomeWorld {
  readonly moto: MotoServer;
  readonly sm: SageMakerClient;
  readonly s3: S3Client;
  readonly ddb: DynamoDBClient;
  readonly bucket: string;
  readonly store: S3ObjectStore;
  readonly ledger: DynamoDbLedger;
  /** The steps ListPipelineExecutionSteps answers, by execution ARN (the one call moto lacks). */
  readonly stepsOf: Map<string, PipelineExecutionStep[]>;
  /** The model as validated from the config. */
  readonly model: ReturnType<typeof validateConfig>['models'][number];
  handler(event: unknown): Promise<Record<string, unknown>>;
  /** An execution of the pipeline in moto, started as the trigger starts one (its four parameters). */
  startExecution(name: string): Promise<{ arn: string; id: string }>;
  /** The Train step's job in moto, as SageMaker Pipelines names and configures it. */
  trainingJob(executionId: string): Promise<string>;
  /** A model package in the group, PendingManualApproval, as the RegisterModel step makes it. */
  registerPackage(): Promise<string>;
  stop(): Promise<void>;
}

export const step = (name: string, status: StepStatus, startTime: string, extra: Partial<PipelineExecutionStep> = {}): PipelineExecutionStep => ({ StepName: name, StepStatus: status, StartTime: new Date(startTime), ...extra });

async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
  }
}

export async function startOutcomeWorld(options: OutcomeWorldOptions): Promise<OutcomeWorld> {
  const savedEnv = { ...process.env };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-outcome-'));
  const moto = options.moto ?? (await startMoto());
  const bucket = options.bucket ?? SPEC.bucket;
  const sm = new SageMakerClient(motoClientConfig(moto.endpoint));
  const s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  const ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await createBucket(s3, bucket);
  await createLedgerTable(ddb, LEDGER_TABLE);
  const definition = JSON.stringify(retrainingPipelineDefinition({ ...SPEC, modelPackageGroupName: GROUP }));
  await sm.send(new CreatePipelineCommand({ PipelineName: PIPELINE, PipelineDefinition: definition, RoleArn: SPEC.roleArn, ClientRequestToken: 'create-outcome-pipeline'.padEnd(32, '0') }));
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));
  const stepsOf = answerExecutionStepsInProcess();

  const model = validateConfig(configWith(ENV, options.retraining)).models[0];
  const file = path.join(tmp, 'model.json');
  fs.writeFileSync(file, JSON.stringify({ env: ENV, model }));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    DW_PIPELINE_NAME: PIPELINE,
    DW_LEDGER_TABLE: LEDGER_TABLE,
    DW_MODEL_FILE: file,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...options.env,
  });
  const handler = (await import('../../lambda/handlers/pipeline-outcome')).handler as OutcomeWorld['handler'];

  const startExecution = async (name: string) => {
    const parameters = triggerParameters({ eventKey: `evt-${name}`, dedupKey: 'test/fraud_detector/1d/drift:dataset', signal: 'drift:dataset', windowEnd: '2026-11-25T00:00:00.000Z' });
    const res = await sm.send(
      new StartPipelineExecutionCommand({ PipelineName: PIPELINE, PipelineExecutionDisplayName: name, ClientRequestToken: `start-${name}`.padEnd(32, '0'), PipelineParameters: Object.entries(parameters).map(([Name, Value]) => ({ Name, Value })) }),
    );
    const arn = res.PipelineExecutionArn!;
    return { arn, id: arn.split('/').pop()! };
  };
  const trainingJob = async (executionId: string) => {
    const res = await sm.send(
      new CreateTrainingJobCommand({
        TrainingJobName: `pipelines-${executionId}-Train-x1y2z3`,
        AlgorithmSpecification: { TrainingImage: TRAIN_IMAGE, TrainingInputMode: 'File' },
        RoleArn: SPEC.roleArn,
        HyperParameters: { max_depth: '6', eta: '0.3' },
        OutputDataConfig: { S3OutputPath: `s3://${bucket}/${runArtifactKeys(MODEL, executionId).model}` },
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      }),
    );
    return res.TrainingJobArn!;
  };
  const registerPackage = async () => {
    const res = await sm.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: GROUP,
        ModelApprovalStatus: 'PendingManualApproval',
        InferenceSpecification: { Containers: [{ Image: SPEC.inferenceImage, ModelDataUrl: 's3://models/fraud/1/model.tar.gz' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
      }),
    );
    return res.ModelPackageArn!;
  };
  const stop = async () => {
    jest.restoreAllMocks();
    process.env = { ...savedEnv };
    for (const c of [sm, s3, ddb]) c.destroy();
    if (!options.moto) await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const store = new S3ObjectStore(s3, { bucket });
  const ledger = new DynamoDbLedger(ddb, { tableName: LEDGER_TABLE });
  return { moto, sm, s3, ddb, bucket, store, ledger, stepsOf, model, handler, startExecution, trainingJob, registerPackage, stop };
}
