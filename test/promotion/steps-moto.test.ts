/**
 * The promotion steps as the state machines call them, on real parts: SageMaker on moto_server (with
 * the fill-ins of moto-hosting.ts for UpdateEndpoint, shadow variants and the alarm rollback — what
 * moto 5.2.1 cannot do), the labelled shadow rows on DuckDB over Firehose-layout Parquet, the file
 * ledger. Each scenario is its own model, so their endpoints and ledgers do not mix.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { validateConfig } from '../../config';
import { glueDatabaseName, labelTableName, predictionTableName } from '../../lib/common/naming';
import { packageModelName, soloEndpointConfigName } from '../../lib/promotion/naming';
import { modelPackageGroupName } from '../../lib/retraining/naming';
import { SageMakerHosting } from '../../lambda/promotion/adapters/sagemaker-hosting';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import type { PromotionPorts } from '../../lambda/promotion/ports';
import { runPromotionStep } from '../../lambda/promotion/run-step';
import { promotionSettings, type PromotionSettings } from '../../lambda/promotion/settings';
import { promotionStepSchema } from '../../lambda/promotion/step-contract';
import { openDuckDb, tempDir, type LocalEngine } from '../support/duckdb';
import { startMoto, type MotoServer } from '../support/moto';
import { createChampionEndpoint, hostingClient, registerPackages, ROLE, type HostingGaps } from './moto-hosting';
import { writeShadowTraffic } from './shadow-data';

jest.setTimeout(120_000);

const ENV = 'test';
const owner = { name: 'Risk ML', email: 'risk@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' };
let moto: MotoServer;
let client: SageMakerClient;
let gaps: HostingGaps;
let engine: LocalEngine;
let tmp: ReturnType<typeof tempDir>;
let ledgerDir: string;
let now = new Date('2026-11-24T12:00:00Z');

beforeAll(async () => {
  moto = await startMoto();
  ({ client, gaps } = hostingClient(moto.endpoint));
  engine = await openDuckDb();
  tmp = tempDir('dw-promotion-steps-');
  ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-ledger-'));
});

afterAll(async () => {
  client?.destroy();
  engine?.close();
  tmp?.remove();
  if (ledgerDir) fs.rmSync(ledgerDir, { recursive: true, force: true });
  await moto?.stop();
});

interface Model {
  readonly settings: PromotionSettings;
  readonly ports: PromotionPorts;
  readonly arns: string[];
  run(step: Record<string, unknown>): Promise<Record<string, unknown>>;
  traffic(championAccuracy: number, candidateAccuracy: number, requests: number, seed: number): Promise<void>;
}

/** A model with `count` package versions (the `approved` ones Approved) whose endpoint serves version 1. */
async function model(id: string, count: number, approved: number[], autoApprove = false): Promise<Model> {
  const config = validateConfig({
    env: ENV,
    models: [{ id, owner, task: 'binary_classification', features: [{ name: 'amount', kind: 'numeric' }], prediction: { type: 'score' }, label: { classes: ['0', '1'], positiveClass: '1' },
      promotion: { endpointName: `${id}-prod`, executionRoleArn: ROLE, autoApprove, shadow: { metric: 'accuracy', minLabelledRows: 500 } } }],
  });
  const settings = promotionSettings(ENV, config.models[0]);
  const arns = await registerPackages(client, modelPackageGroupName(ENV, id), count, approved);
  await createChampionEndpoint(client, settings.endpointName, packageModelName(ENV, id, '1'), arns[0], soloEndpointConfigName(ENV, id, '1'));
  const ports: PromotionPorts = { hosting: new SageMakerHosting(client), query: engine, ledger: new FileLedger(ledgerDir), clock: { now: () => now } };
  const tables = { database: glueDatabaseName(ENV), predictions: predictionTableName(id), labels: labelTableName(id) };
  return {
    settings,
    ports,
    arns,
    run: async (step) => {
      now = new Date(now.getTime() + 10_000); // steps of a state machine happen one after another
      return (await runPromotionStep(ports, settings, promotionStepSchema.parse({ executionName: `exec-${id}`, ...step }))) as Record<string, unknown>;
    },
    traffic: async (championAccuracy, candidateAccuracy, requests, seed) => {
      await writeShadowTraffic(engine, tmp.dir, settings.spec, { requests, labelledShare: 0.8, championAccuracy, candidateAccuracy, championVersion: '1', candidateVersion: '2', seed, at: new Date('2026-11-24T11:00:00Z') }, tables);
    },
  };
}

const shadowStartedAt = '2026-11-24T10:30:00Z';
const served = async (m: Model) => (await m.ports.hosting.endpoint(m.settings.endpointName))!;
const ledger = async (m: Model) => (await m.ports.ledger.history(m.settings.modelId)).map((e) => `${e.kind}:${e.outcome}`);

describe('a registration event delivered twice starts one promotion', () => {
  it('the second execution finds the event claimed and changes nothing; a retry of the first goes on', async () => {
    const m = await model('twice', 2, [1]);
    const deploy = (executionName: string, eventId?: string) =>
      runPromotionStep(m.ports, m.settings, promotionStepSchema.parse({ action: 'deploy-shadow', executionName, modelPackageArn: m.arns[1], startedBy: eventId ? { eventId, modelPackageArn: m.arns[1] } : {} }));
    expect(await deploy('first', 'event-1')).toMatchObject({ duplicate: false, claimedBy: 'first', endpointConfigName: 'dw-test-twice-c1-s2' });
    const updates = gaps.updates.length;
    const again = await deploy('second', 'event-1');
    expect(again).toEqual({ duplicate: true, claimedBy: 'first', candidateVersion: '2', endpointConfigName: null, championVersion: null });
    expect(gaps.updates.length).toBe(updates);
    // Step Functions retrying the first execution's task: its own claim, the endpoint already moving.
    expect(await deploy('first', 'event-1')).toMatchObject({ duplicate: false, claimedBy: 'first' });
    const entries = await m.ports.ledger.history(m.settings.modelId);
    expect(entries.map((e) => [e.id, e.outcome, e.details?.executionName])).toEqual([
      ['shadow-claim:event-1', 'claimed', 'first'],
      ['shadow:2:first', 'started', 'first'],
    ]);
  });

  it('two deliveries at once: both look before either claims, and still only one holds the claim', async () => {
    const m = await model('race', 2, [1]);
    const deploy = (executionName: string) =>
      runPromotionStep(m.ports, m.settings, promotionStepSchema.parse({ action: 'deploy-shadow', executionName, modelPackageArn: m.arns[1], startedBy: { eventId: 'event-2' } })) as Promise<{ duplicate: boolean; claimedBy: string }>;
    const answers = await Promise.all([deploy('a'), deploy('b')]);
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true]);
    expect(new Set(answers.map((a) => a.claimedBy)).size).toBe(1);
  });
});

describe('a candidate better in shadow is approved, promoted by canary and recorded', () => {
  let m: Model;
  beforeAll(async () => {
    m = await model('fraud', 2, [1], true);
  });

  it('deploy-shadow puts the candidate beside the champion as variant shadow', async () => {
    expect(await m.run({ action: 'deploy-shadow', modelPackageArn: m.arns[1] })).toEqual({ duplicate: false, claimedBy: 'exec-fraud', endpointConfigName: 'dw-test-fraud-c1-s2', championVersion: '1', candidateVersion: '2' });
    const ep = await served(m);
    expect([ep.production.packageArn, ep.shadow?.packageArn, ep.shadow?.variantName]).toEqual([m.arns[0], m.arns[1], 'shadow']);
    expect(await m.run({ action: 'endpoint-status' })).toEqual({ status: 'InService', settled: true, rolledBack: false, failureReason: null });
  });

  it('too few labelled rows is insufficient and leaves no ledger entry; enough better rows is better', async () => {
    await m.traffic(0.8, 0.9, 300, 1);
    expect(await m.run({ action: 'compare-shadow', modelPackageArn: m.arns[1], shadowStartedAt })).toMatchObject({ verdict: 'insufficient' });
    expect(await ledger(m)).toEqual(['shadow:started']);
    await m.traffic(0.8, 0.9, 1500, 2);
    const r = await m.run({ action: 'compare-shadow', modelPackageArn: m.arns[1], shadowStartedAt });
    expect(r).toMatchObject({ verdict: 'better' });
    expect(r.labelledRows).toBeGreaterThan(1000);
  });

  it('autoApprove approves a better candidate in the Model Registry, as driftwatch/auto-approve', async () => {
    expect(await m.run({ action: 'approval-status', modelPackageArn: m.arns[1], comparison: 'better' })).toEqual({ status: 'Approved', approvedBy: 'driftwatch/auto-approve' });
    expect((await m.ports.hosting.modelPackage(m.arns[1])).approvalStatus).toBe('Approved');
  });

  it('promote starts a 10% canary with the three auto-rollback alarms; record-promotion keeps version 1 as last known good', async () => {
    await m.run({ action: 'promote', modelPackageArn: m.arns[1] });
    expect(gaps.updates.at(-1)).toMatchObject({
      configName: 'dw-test-fraud-v2',
      deployment: {
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } } },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'dw-test-fraud-canary-5xx' }, { AlarmName: 'dw-test-fraud-canary-latency' }, { AlarmName: 'dw-test-fraud-canary-performance' }] },
      },
    });
    expect(await m.run({ action: 'endpoint-status' })).toMatchObject({ settled: true, rolledBack: false });
    expect(await m.run({ action: 'record-promotion', modelPackageArn: m.arns[1] })).toEqual({ championVersion: '2', lastKnownGood: '1' });
    expect((await served(m)).production.packageArn).toBe(m.arns[1]);
  });

  it('every step is in the ledger, and repeating every action gives the same answer and no second entry', async () => {
    const steps = [
      { action: 'compare-shadow', modelPackageArn: m.arns[1], shadowStartedAt },
      { action: 'approval-status', modelPackageArn: m.arns[1], comparison: 'better' },
      { action: 'promote', modelPackageArn: m.arns[1] },
      { action: 'endpoint-status' },
      { action: 'record-promotion', modelPackageArn: m.arns[1] },
    ];
    const before = await ledger(m);
    expect(before).toEqual(['shadow:started', 'shadow-comparison:better', 'approval:approved', 'promotion:canary-started', 'promotion:promoted']);
    const updates = gaps.updates.length;
    const first = await Promise.all(steps.map((s) => m.run(s)));
    await m.traffic(0.8, 0.7, 500, 3); // more rows since: the recorded verdict stands
    const second = [];
    for (const s of steps) second.push(await m.run(s));
    expect(second).toEqual(first);
    expect(await ledger(m)).toEqual(before);
    expect(gaps.updates.length).toBe(updates);
  });

  it('rollback goes back to the last known good (version 1), recorded with who asked and why', async () => {
    now = new Date('2026-11-24T13:00:00Z');
    const step = { action: 'rollback', executionName: 'rb-1', requestedBy: 'arn:aws:iam::123456789012:user/alice', reason: 'complaints from the fraud desk' };
    expect(await m.run(step)).toEqual({ toVersion: '1', modelPackageArn: m.arns[0] });
    expect(gaps.updates.at(-1)).toMatchObject({ configName: 'dw-test-fraud-v1', deployment: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' } } } });
    expect(await m.run({ action: 'endpoint-status', executionName: 'rb-1' })).toMatchObject({ settled: true, rolledBack: false });
    expect(await m.run({ ...step, action: 'record-rollback', toVersion: '1' })).toEqual({ championVersion: '1' });
    expect(await m.run(step)).toEqual({ toVersion: '1', modelPackageArn: m.arns[0] });
    const last = (await m.ports.ledger.history('fraud')).at(-1)!;
    expect(last).toMatchObject({ kind: 'rollback', outcome: 'rolled-back', actor: { type: 'person', id: 'arn:aws:iam::123456789012:user/alice' }, reason: 'complaints from the fraud desk', subject: { version: '1', championVersion: '2' } });
    expect((await served(m)).production.packageArn).toBe(m.arns[0]);
  });
});

describe('a shadow that is worse ends the shadow, and the ledger says why', () => {
  it('compare-shadow is worse with the figures; end-shadow leaves the champion alone', async () => {
    const m = await model('churn', 2, [1]);
    await m.run({ action: 'deploy-shadow', modelPackageArn: m.arns[1] });
    await m.traffic(0.9, 0.8, 1500, 4);
    const r = await m.run({ action: 'compare-shadow', modelPackageArn: m.arns[1], shadowStartedAt });
    expect(r).toMatchObject({ verdict: 'worse' });
    expect(r.summary).toMatch(/^candidate accuracy 0\.\d+ vs champion 0\.\d+ on \d+ labelled rows \(mcnemar-exact, p = .*\): worse$/);
    await m.run({ action: 'end-shadow', modelPackageArn: m.arns[1], reason: 'the shadow comparison was worse' });
    const ep = await served(m);
    expect([ep.configName, ep.shadow]).toEqual(['dw-test-churn-v1', null]);
    const entries = await m.ports.ledger.history('churn');
    expect(entries.map((e) => `${e.kind}:${e.outcome}`)).toEqual(['shadow:started', 'shadow-comparison:worse', 'shadow:ended']);
    expect(entries[1].reason).toBe(r.summary);
    expect(entries[1].metrics).toMatchObject({ labelled_rows: r.labelledRows });
    expect(entries[2].reason).toMatch(/no longer shadows champion 1: the shadow comparison was worse$/);
  });
});

describe('a canary that rolls back', () => {
  it('endpoint-status reports rolledBack with SageMaker\'s reason, the endpoint keeps the champion, the ledger records it once', async () => {
    const m = await model('eta', 2, [1, 2]);
    gaps.rollBackNextCanary('Alarm dw-test-eta-canary-5xx went into ALARM; the update was rolled back');
    await m.run({ action: 'promote', modelPackageArn: m.arns[1] });
    const status = { status: 'InService', settled: true, rolledBack: true, failureReason: 'Alarm dw-test-eta-canary-5xx went into ALARM; the update was rolled back' };
    expect(await m.run({ action: 'endpoint-status' })).toEqual(status);
    expect(await m.run({ action: 'endpoint-status' })).toEqual(status);
    expect((await served(m)).production.packageArn).toBe(m.arns[0]);
    expect(await ledger(m)).toEqual(['promotion:canary-started', 'rollback:canary-rolled-back']);
    await expect(m.run({ action: 'record-promotion', modelPackageArn: m.arns[1] })).rejects.toThrow('record-promotion: endpoint eta-prod serves version 1, not 2 (status InService)');
  });
});

describe('rollback --to a version', () => {
  it('goes to the Approved version asked for, and refuses one that is not Approved, naming the approved ones', async () => {
    const m = await model('loans', 4, [1, 2, 4]);
    await m.run({ action: 'promote', modelPackageArn: m.arns[3] });
    await m.run({ action: 'record-promotion', modelPackageArn: m.arns[3] });
    await expect(m.run({ action: 'rollback', executionName: 'rb-3', toVersion: '3', requestedBy: 'bob', reason: 'test' })).rejects.toThrow(
      'rollback --to 3: version 3 is not Approved in the Model Package Group (approved: 1, 2, 4)',
    );
    expect(await m.run({ action: 'rollback', executionName: 'rb-2', toVersion: '2', requestedBy: 'bob', reason: 'v4 misprices' })).toEqual({ toVersion: '2', modelPackageArn: m.arns[1] });
    expect((await served(m)).production.packageArn).toBe(m.arns[1]);
  });

  it('promoting a package that is not Approved is refused, naming its status', async () => {
    const m = await model('ads', 2, [1]);
    await expect(m.run({ action: 'promote', modelPackageArn: m.arns[1] })).rejects.toThrow('promote: version 2 is PendingManualApproval in the Model Registry, not Approved');
  });
});
