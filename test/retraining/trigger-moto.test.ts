/**
 * The retraining trigger against moto_server (S3 for the ledger, SageMaker for the pipeline, DynamoDB
 * for the promotion ledger's copy of each decision): the
 * pipeline the builder emits is registered with CreatePipeline, and monitor events made by the
 * monitor's own code go through the handler and through runTrigger with a set clock.
 *
 * What moto 5.2.1 supports, and where this file fills in (each in-process fake covers ONE call):
 * - CreatePipeline, DescribePipeline, StartPipelineExecution, ListPipelineExecutions,
 *   ListPipelineParametersForExecution: yes, through moto.
 * - Execution status: every execution moto starts is `Succeeded` at once, so "a running execution
 *   blocks a second" answers ListPipelineExecutions from an in-process fake (an `Executing` one).
 * - ClientRequestToken idempotency: moto accepts the token and ignores it (two starts with one token
 *   make two executions; the last test shows it). The trigger does not rely on it for redeliveries
 *   (the ledger catches them first); for a retry after a failed start it passes the same token, as
 *   the resumption test checks, and SageMaker itself then returns the same execution.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  ListPipelineExecutionsCommand,
  ListPipelineParametersForExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { validateConfig } from '../../config';
import { S3ObjectStore } from '../../lambda/adapters/aws/s3-object-store';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { SageMakerPipelineRunner } from '../../lambda/retraining/adapters/sagemaker-pipelines';
import { ledgerKeys, type DecisionEntry } from '../../lambda/retraining/ledger';
import { retrainingPipelineDefinition } from '../../lambda/retraining/pipeline';
import { retrainPolicyFromConfig } from '../../lambda/retraining/policy';
import { runTrigger, type TriggerSettings } from '../../lambda/retraining/run-trigger';
import type { TriggerState } from '../../lambda/retraining/state';
import { parseTriggerEvent } from '../../lambda/retraining/trigger-event';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createLedgerTable } from '../promotion/ledger-table-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';
import { monitorEvent } from './events';
import { SPEC } from './pipeline-spec';

jest.setTimeout(120_000);

const BUCKET = 'driftwatch-test-data-123456789012-us-east-1';
const LEDGER_TABLE = 'dw-test-promotion-ledger';
let moto: MotoServer;
let s3: S3Client;
let sm: SageMakerClient;
let ddb: DynamoDBClient;
let store: S3ObjectStore;
let ledger: DynamoDbLedger;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-retrain-trigger-'));
const savedEnv = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  sm = new SageMakerClient(motoClientConfig(moto.endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  store = new S3ObjectStore(s3, { bucket: BUCKET });
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await createLedgerTable(ddb, LEDGER_TABLE);
  ledger = new DynamoDbLedger(ddb, { tableName: LEDGER_TABLE });
});

afterAll(async () => {
  process.env = { ...savedEnv };
  s3?.destroy();
  sm?.destroy();
  ddb?.destroy();
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Registers the builder's pipeline under a name of its own (one per test: executions do not mix). */
async function createPipeline(name: string): Promise<string> {
  const definition = JSON.stringify(retrainingPipelineDefinition({ ...SPEC, bucket: BUCKET }));
  await sm.send(new CreatePipelineCommand({ PipelineName: name, PipelineDefinition: definition, RoleArn: SPEC.roleArn, ClientRequestToken: `create-${name}`.padEnd(32, '0') }));
  return definition;
}

async function executions(name: string) {
  return (await sm.send(new ListPipelineExecutionsCommand({ PipelineName: name }))).PipelineExecutionSummaries ?? [];
}

function model(retraining: Record<string, unknown> = {}) {
  return validateConfig(configWith('test', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } }, ...retraining })).models[0];
}

function settings(pipelineName: string, modelId: string, retraining: Record<string, unknown> = {}): TriggerSettings {
  return { env: 'test', modelId, pipelineName, policy: retrainPolicyFromConfig(model(retraining).retraining!) };
}

const clockAt = (iso: string) => {
  const clock = { t: new Date(iso), now: () => clock.t, set: (x: string) => (clock.t = new Date(x)) };
  return clock;
};

async function decisions(modelId: string, events: Record<string, unknown>[]): Promise<DecisionEntry[]> {
  const out: DecisionEntry[] = [];
  for (const e of events) {
    const stored = await store.getJson(ledgerKeys(modelId).decision(parseTriggerEvent(e)));
    out.push(stored!.value as DecisionEntry);
  }
  return out;
}

test("moto registers the builder's definition with CreatePipeline and returns it unchanged", async () => {
  const definition = await createPipeline('dw-test-registered-retrain');
  const described = await sm.send(new DescribePipelineCommand({ PipelineName: 'dw-test-registered-retrain' }));
  expect(JSON.parse(described.PipelineDefinition!)).toEqual(JSON.parse(definition));
});

describe('through the handler', () => {
  const pipeline = 'dw-test-fraud_detector-retrain';
  const drift = monitorEvent({ end: '2026-11-25T12:00:00.000Z', value: 0.76, id: 'eb-1' });
  let handler: (event: unknown) => Promise<{ outcome: string; reason: string; executionArn: string | null; ledgerKey: string }>;

  beforeAll(async () => {
    await createPipeline(pipeline);
    const file = path.join(tmp, 'model.json');
    fs.writeFileSync(file, JSON.stringify({ env: 'test', model: model() }));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DW_BUCKET: BUCKET,
      DW_PIPELINE_NAME: pipeline,
      DW_MODEL_FILE: file,
      DW_LEDGER_TABLE: LEDGER_TABLE,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    handler = (await import('../../lambda/handlers/retrain-trigger')).handler;
  });

  test('a critical drift event starts one execution, with the trigger as its parameters, recorded in the ledger', async () => {
    const out = await handler(drift);
    expect(out).toMatchObject({ outcome: 'started', reason: 'policy-met' });
    const list = await executions(pipeline);
    expect(list.map((x) => x.PipelineExecutionArn)).toEqual([out.executionArn]);
    const params = await sm.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: out.executionArn! }));
    expect(Object.fromEntries((params.PipelineParameters ?? []).map((p) => [p.Name, p.Value]))).toEqual({
      TriggerEventKey: parseTriggerEvent(drift).key,
      TriggerDedupKey: 'test/fraud_detector/1d/drift:dataset',
      TriggerSignal: 'drift:dataset',
      WindowEnd: '2026-11-25T12:00:00.000Z',
    });
    const [entry] = await decisions('fraud_detector', [drift]);
    expect(entry).toMatchObject({
      format: 'driftwatch.retrain-decision/v1',
      outcome: 'started',
      reason: 'policy-met',
      message: 'critical dataset drift carrying 76% of the importance (policy: at least 25%)',
      execution: { pipelineName: pipeline, executionArn: out.executionArn },
      deliveries: 1,
    });
    expect(entry.execution!.clientRequestToken).toMatch(/^dw-[0-9a-f]{64}$/);
    const state = (await store.getJson(ledgerKeys('fraud_detector').state))!.value as TriggerState;
    expect(state.starts.map((s) => s.executionArn)).toEqual([out.executionArn]);
  });

  test('a redelivery (same id) and an outbox resend (new id) start nothing, and are counted', async () => {
    expect(await handler(drift)).toMatchObject({ outcome: 'duplicate' });
    expect(await handler({ ...drift, id: 'eb-2' })).toMatchObject({ outcome: 'duplicate' });
    expect(await executions(pipeline)).toHaveLength(1);
    const [entry] = await decisions('fraud_detector', [drift]);
    expect(entry.deliveries).toBe(3);
  });

  test('the decision lands once in the DynamoDB promotion ledger, whatever the redeliveries', async () => {
    const history = await ledger.history('fraud_detector');
    expect(history).toHaveLength(1);
    const [s3Decision] = await decisions('fraud_detector', [drift]);
    expect(history[0]).toMatchObject({
      format: 'driftwatch.ledger-entry/v1',
      env: 'test',
      id: parseTriggerEvent(drift).key,
      at: s3Decision.decidedAt,
      kind: 'trigger',
      actor: { type: 'system', id: 'retrain-trigger' },
      outcome: 'started',
      reason: 'critical dataset drift carrying 76% of the importance (policy: at least 25%)',
      subject: { pipelineExecutionArn: s3Decision.execution!.executionArn },
      metrics: { 'drift:dataset': 0.76 },
      details: { reasonCode: 'policy-met', execution: s3Decision.execution, policy: s3Decision.policy },
    });
  });
});

test('cooldown and the monthly maximum skip, with their reasons in the ledger', async () => {
  const pipeline = 'dw-test-limits-retrain';
  await createPipeline(pipeline);
  const clock = clockAt('2026-11-02T12:20:00Z');
  const ports = { store, pipelines: new SageMakerPipelineRunner(sm, clock.now), clock, ledger };
  const s = settings(pipeline, 'limits', { cooldownHours: 48, maxPerMonth: 2 });
  const days = ['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-08'];
  const events = days.map((d) => monitorEvent({ end: `${d}T12:00:00.000Z`, value: 0.76, modelId: 'limits' }));
  const outcomes = [];
  for (const [i, e] of events.entries()) {
    clock.set(`${days[i]}T12:20:00Z`);
    outcomes.push((await runTrigger(ports, s, e)).outcome);
  }
  expect(outcomes).toEqual(['started', 'skipped', 'started', 'skipped']);
  expect(await executions(pipeline)).toHaveLength(2);
  const decided = await decisions('limits', events);
  expect(decided.map((d) => d.reason)).toEqual(['policy-met', 'cooldown', 'policy-met', 'monthly-max']);
  expect(decided[1].message).toBe('critical dataset drift carrying 76% of the importance (policy: at least 25%); the last start was at 2026-11-02T12:20:00.000Z (48 h cooldown, until 2026-11-04T12:20:00.000Z)');
  expect(decided[3].message).toMatch(/; 2 starts already this month \(2026-11\), the policy allows 2$/);
  expect(decided[3].policy).toEqual({ cooldownHours: 48, maxPerMonth: 2, requireBusinessConfirmation: false, startsThisMonth: 2, lastStart: '2026-11-05T12:20:00.000Z' });
  expect(decided[3].execution).toBeNull();
  const history = await ledger.history('limits');
  expect(history.map((e) => [e.outcome, e.details?.reasonCode])).toEqual([['started', 'policy-met'], ['skipped', 'cooldown'], ['started', 'policy-met'], ['skipped', 'monthly-max']]);
  expect(history[1].reason).toBe(decided[1].message);
  expect(history[3].subject).toEqual({});
});

test('a running execution blocks a second (ListPipelineExecutions from an in-process fake: moto has no running executions)', async () => {
  const pipeline = 'dw-test-running-retrain';
  await createPipeline(pipeline);
  const faked = new SageMakerClient(motoClientConfig(moto.endpoint));
  const running = `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipeline}/execution/stillrunning`;
  faked.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'ListPipelineExecutionsCommand') return next(args);
      return { output: { $metadata: {}, PipelineExecutionSummaries: [{ PipelineExecutionArn: running, PipelineExecutionStatus: 'Executing', StartTime: new Date('2026-11-25T09:00:00Z') }] }, response: {} } as never;
    },
    { step: 'initialize', name: 'fakeListPipelineExecutions' },
  );
  const clock = clockAt('2026-11-25T12:20:00Z');
  const e = monitorEvent({ end: '2026-11-25T12:00:00.000Z', value: 0.76, modelId: 'running' });
  const out = await runTrigger({ store, pipelines: new SageMakerPipelineRunner(faked, clock.now), clock }, settings(pipeline, 'running'), e);
  faked.destroy();
  expect([out.outcome, out.entry.reason]).toEqual(['skipped', 'execution-running']);
  expect(out.entry.message).toBe(`critical dataset drift carrying 76% of the importance (policy: at least 25%); an execution is running: ${running} (Executing)`);
  expect(await executions(pipeline)).toHaveLength(0);
});

test('a start that failed is resumed by the retry with the same ClientRequestToken, and starts once', async () => {
  const pipeline = 'dw-test-resume-retrain';
  await createPipeline(pipeline);
  const flaky = new SageMakerClient(motoClientConfig(moto.endpoint));
  const tokens: string[] = [];
  let failures = 1;
  flaky.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'StartPipelineExecutionCommand') {
        tokens.push((args.input as { ClientRequestToken: string }).ClientRequestToken);
        if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failFirstStart' },
  );
  const clock = clockAt('2026-11-25T12:20:00Z');
  const ports = { store, pipelines: new SageMakerPipelineRunner(flaky, clock.now), clock };
  const e = monitorEvent({ end: '2026-11-25T12:00:00.000Z', value: 0.76, modelId: 'resume' });
  await expect(runTrigger(ports, settings(pipeline, 'resume'), e)).rejects.toThrow('Rate exceeded');
  expect(await store.getJson(ledgerKeys('resume').decision(parseTriggerEvent(e)))).toBeNull();
  clock.set('2026-11-25T12:21:00Z');
  const out = await runTrigger(ports, settings(pipeline, 'resume'), e);
  flaky.destroy();
  expect([out.outcome, out.entry.reason]).toEqual(['started', 'resumed']);
  expect(tokens).toHaveLength(2);
  expect(tokens[1]).toBe(tokens[0]);
  expect(await executions(pipeline)).toHaveLength(1);
});

test('moto does not deduplicate StartPipelineExecution by ClientRequestToken (so the ledger must catch redeliveries)', async () => {
  const pipeline = 'dw-test-token-retrain';
  await createPipeline(pipeline);
  const start = () => sm.send(new StartPipelineExecutionCommand({ PipelineName: pipeline, ClientRequestToken: `dw-${'0'.repeat(64)}` }));
  const [a, b] = [await start(), await start()];
  expect(a.PipelineExecutionArn).not.toBe(b.PipelineExecutionArn);
  expect(await executions(pipeline)).toHaveLength(2);
});
