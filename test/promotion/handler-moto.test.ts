/**
 * The promotion Lambda's handler as Step Functions invokes it, with the environment the ModelPromotion
 * construct sets, against moto_server: SageMaker (with the fill-ins of moto-hosting.ts, put on the
 * handler's own client at its first send — the one way in without changing the handler) and the
 * DynamoDB ledger. Athena is not reached: these actions read no shadow rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { handler, resetPromotion } from '../../lambda/handlers/promotion-step';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createLedgerTable } from './ledger-table-fixture';
import { createChampionEndpoint, hostingClient, installHostingGaps, registerPackages, ROLE } from './moto-hosting';

jest.setTimeout(60_000);

let moto: MotoServer;
let setup: SageMakerClient;
let ddb: DynamoDBClient;
let arns: string[];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-handler-'));
const saved = { ...process.env };
const owner = { name: 'Risk ML', email: 'risk@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' };

beforeAll(async () => {
  moto = await startMoto();
  setup = hostingClient(moto.endpoint).client;
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await createLedgerTable(ddb, 'dw-test-promotion-ledger');
  arns = await registerPackages(setup, 'dw-test-fraud', 2, [1]);
  await createChampionEndpoint(setup, 'fraud-prod', 'dw-test-fraud-v1', arns[0], 'dw-test-fraud-v1');
  const model = { id: 'fraud', owner, task: 'binary_classification', features: [{ name: 'amount', kind: 'numeric' }], prediction: { type: 'score' }, label: { classes: ['0', '1'], positiveClass: '1' }, promotion: { endpointName: 'fraud-prod' } };
  fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify({ env: 'test', model }));
  // The handler's own SageMaker client gets the same fill-ins (UpdateEndpoint, shadow variants) on its first call.
  const realSend = SageMakerClient.prototype.send;
  const filled = new WeakSet<SageMakerClient>([setup]);
  jest.spyOn(SageMakerClient.prototype, 'send').mockImplementation(function (this: SageMakerClient, ...args: unknown[]) {
    if (!filled.has(this)) {
      installHostingGaps(this, moto.endpoint);
      filled.add(this);
    }
    return (realSend as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } as never);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: moto.endpoint,
    DW_MODEL_FILE: path.join(tmp, 'model.json'), DW_LEDGER_TABLE: 'dw-test-promotion-ledger', DW_DATABASE: 'driftwatch_test', DW_WORKGROUP: 'dw-test',
    DW_EXECUTION_ROLE_ARN: ROLE, DW_CANARY_ALARMS: JSON.stringify(['dw-test-fraud-canary-5xx']),
  });
  resetPromotion();
});

afterAll(async () => {
  jest.restoreAllMocks();
  process.env = { ...saved };
  setup?.destroy();
  ddb?.destroy();
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the promotion-step handler', () => {
  it('deploy-shadow and endpoint-status answer what the state machine branches on, with the step in the DynamoDB ledger', async () => {
    expect(await handler({ action: 'deploy-shadow', executionName: 'p-1', modelPackageArn: arns[1] })).toEqual({ duplicate: false, claimedBy: 'p-1', endpointConfigName: 'dw-test-fraud-c1-s2', championVersion: '1', candidateVersion: '2' });
    expect(await handler({ action: 'endpoint-status', executionName: 'p-1' })).toEqual({ status: 'InService', settled: true, rolledBack: false, failureReason: null });
    const entries = await new DynamoDbLedger(ddb, { tableName: 'dw-test-promotion-ledger' }).history('fraud');
    expect(entries.map((e) => [e.id, e.kind, e.outcome, e.actor.id])).toEqual([['shadow:2:p-1', 'shadow', 'started', 'promotion/deploy-shadow']]);
  });

  it('a bad event fails naming the field', async () => {
    await expect(handler({ action: 'promote', executionName: 'p-1', modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/dw-test-fraud' })).rejects.toThrow(/promotion-step: bad event: modelPackageArn/);
    await expect(handler({ action: 'launch', executionName: 'p-1' })).rejects.toThrow(/promotion-step: bad event: action/);
  });
});
