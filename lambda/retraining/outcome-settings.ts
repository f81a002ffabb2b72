/**
 * What the pipeline-outcome Lambda builds once per container: the model file beside the bundle, the
 * ledger table, the owner's topic and the SageMaker client.
 *
 * Environment: `AWS_REGION`, `DW_PIPELINE_NAME`, `DW_LEDGER_TABLE` (the promotion ledger table),
 * optional `DW_ALERT_TOPIC_ARN` (the owner's warning topic: a failed execution is alerted there),
 * `DW_MODEL_FILE` (default `model.json` beside the bundle), `AWS_ENDPOINT_URL[_SAGEMAKER|_DYNAMODB|_SNS]`
 * (tests point them at moto_server).
 */
import * as path from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { endpointOverride } from '../adapters/aws/endpoint';
import { SnsAlertSink } from '../adapters/aws/sns-alert-sink';
import { DynamoDbLedger, dynamoDbClient } from '../promotion/adapters/dynamodb-ledger';
import { SageMakerExecutionInspector } from './adapters/sagemaker-pipelines';
import type { OutcomePorts, OutcomeSettings } from './record-outcome';
import { loadRetrainingModel, required } from './settings';

export interface OutcomeContext {
  readonly settings: OutcomeSettings;
  readonly ports: OutcomePorts;
}

/** @throws Error naming each missing variable, or the model file's problems */
export function pipelineOutcomeContext(env: NodeJS.ProcessEnv): OutcomeContext {
  const region = required(env, 'AWS_REGION');
  const pipelineName = required(env, 'DW_PIPELINE_NAME');
  const tableName = required(env, 'DW_LEDGER_TABLE');
  const alertTopicArn = env.DW_ALERT_TOPIC_ARN?.trim();
  const { env: envName, model } = loadRetrainingModel(env.DW_MODEL_FILE?.trim() || path.join(__dirname, 'model.json'));
  return {
    settings: { env: envName, modelId: model.id, pipelineName },
    ports: {
      executions: new SageMakerExecutionInspector(new SageMakerClient({ region, ...endpointOverride(env, 'SAGEMAKER') })),
      ledger: new DynamoDbLedger(dynamoDbClient(env, region), { tableName }),
      ...(alertTopicArn ? { alerts: new SnsAlertSink(new SNSClient({ region, ...endpointOverride(env, 'SNS') }), alertTopicArn) } : {}),
    },
  };
}
