/**
 * The promote and rollback state machines executed by moto_server's Step Functions interpreter
 * (LocalStack's ASL engine in moto 5.2.1, see moto-state-machines.ts), scenario by scenario beside
 * our walker (state-walker.ts, which promotion-paths.test.ts uses for the finer assertions): given the
 * same Lambda answers, moto must enter the same states, send the same payloads (each valid under the
 * step contract) and end with the same status, error and cause. Where they differ, moto is right.
 *
 * moto's stand-ins (moto-state-machines.ts): the promotion Lambda's answers come from moto's queue
 * (no Docker to run the function), in the order the walker asked for them; Wait states do not wait.
 * The step code itself runs against moto in test/promotion/steps-moto.test.ts and in the lifecycle test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PromotionAction } from '../../lambda/promotion/step-contract';
import { promotionStepSchema } from '../../lambda/promotion/step-contract';
import { removeTemporaryAssets } from '../../lib/monitor';
import { promoteStateMachineName, rollbackStateMachineName } from '../../lib/promotion';
import { startMotoStepFunctions, type MotoStepFunctions } from './moto-state-machines';
import { definitionOf, promotionStack, stubBundles, type StateMachineDefinition } from './promotion.test-fixture';
import { approval, comparison, endpoint, FIRST_DELIVERY, IN_SERVICE, lambda, PACKAGE, UPDATING } from './promotion-scripts';
import { walk } from './state-walker';

jest.setTimeout(180_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-moto-'));
const { template } = promotionStack(path.join(tmp, 'out'), stubBundles(path.join(tmp, 'bundles')));
const promote = definitionOf(template, promoteStateMachineName('team', 'fraud_detector'));
const rollback = definitionOf(template, rollbackStateMachineName('team', 'fraud_detector'));

let sfn: MotoStepFunctions;
beforeAll(async () => {
  sfn = await startMotoStepFunctions();
}, 60_000);
afterAll(async () => {
  await sfn?.stop();
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The times a state machine takes from its clock (the walker's is fixed, moto's is the wall clock). */
const TIME_KEYS = new Set(['shadowStartedAt', 'startedAt']);
const timeless = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null, (k, v) => (TIME_KEYS.has(k) ? '<time>' : v)));

interface Scenario {
  readonly name: string;
  readonly machine: StateMachineDefinition;
  readonly input: Record<string, unknown>;
  readonly script: Partial<Record<PromotionAction, unknown[]>>;
  /** The end the scenario is about (also checked against the walker). */
  readonly ends: { readonly status: 'SUCCEEDED' | 'FAILED'; readonly last: string };
}

const request = { requestedBy: 'alice@example.com', reason: 'p99 latency doubled after the promotion' };
const SCENARIOS: Scenario[] = [
  { name: 'a second delivery of the registration event', machine: promote, input: { modelPackageArn: PACKAGE, eventId: 'e-123' }, script: { 'deploy-shadow': [{ ...FIRST_DELIVERY, duplicate: true, claimedBy: 'first', endpointConfigName: null, championVersion: null }] }, ends: { status: 'SUCCEEDED', last: 'AlreadyPromoting' } },
  {
    name: 'a better shadow, approved after one wait, through the canary',
    machine: promote,
    input: { modelPackageArn: PACKAGE },
    script: { 'endpoint-status': [UPDATING, IN_SERVICE, UPDATING, IN_SERVICE], 'compare-shadow': [comparison('insufficient'), comparison('better')], 'approval-status': [approval('PendingManualApproval'), approval('Approved')] },
    ends: { status: 'SUCCEEDED', last: 'Promoted' },
  },
  { name: 'a worse shadow', machine: promote, input: { modelPackageArn: PACKAGE }, script: { 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('worse', 'f1 0.71 vs champion 0.78 on 4000 rows, p = 0.003')] }, ends: { status: 'FAILED', last: 'NotPromoted' } },
  { name: 'a rejected candidate', machine: promote, input: { modelPackageArn: PACKAGE }, script: { 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('better')], 'approval-status': [approval('PendingManualApproval'), approval('Rejected')] }, ends: { status: 'FAILED', last: 'NotPromoted' } },
  {
    name: 'a canary the alarms rolled back',
    machine: promote,
    input: { modelPackageArn: PACKAGE },
    script: { 'endpoint-status': [IN_SERVICE, UPDATING, endpoint('InService', true, true, 'Alarm dw-team-fraud_detector-canary-5xx fired')], 'compare-shadow': [comparison('better')], 'approval-status': [approval('Approved')] },
    ends: { status: 'FAILED', last: 'CanaryRolledBack' },
  },
  { name: 'too few labelled shadow rows for every comparison (the counter runs out)', machine: promote, input: { modelPackageArn: PACKAGE }, script: { 'endpoint-status': [IN_SERVICE], 'compare-shadow': [comparison('insufficient')] }, ends: { status: 'FAILED', last: 'NotPromoted' } },
  { name: 'a shadow deployment that fails', machine: promote, input: { modelPackageArn: PACKAGE }, script: { 'endpoint-status': [endpoint('Failed', true, false, 'ResourceLimitExceeded')] }, ends: { status: 'FAILED', last: 'ShadowDeployFailed' } },
  { name: 'a rollback to the last known good', machine: rollback, input: request, script: { rollback: [{ toVersion: '6', modelPackageArn: PACKAGE.replace(/7$/, '6') }], 'endpoint-status': [UPDATING, IN_SERVICE] }, ends: { status: 'SUCCEEDED', last: 'RolledBack' } },
  { name: 'a rollback to a given version', machine: rollback, input: { ...request, toVersion: '4' }, script: { rollback: [{ toVersion: '4', modelPackageArn: PACKAGE.replace(/7$/, '4') }], 'endpoint-status': [IN_SERVICE] }, ends: { status: 'SUCCEEDED', last: 'RolledBack' } },
  { name: 'a rollback whose endpoint update fails', machine: rollback, input: request, script: { rollback: [{ toVersion: '6', modelPackageArn: PACKAGE }], 'endpoint-status': [endpoint('Failed', true, false, 'model container did not start')] }, ends: { status: 'FAILED', last: 'RollbackFailed' } },
];

describe.each(SCENARIOS.map((s, i) => [s.name, s, `scenario-${i + 1}`] as const))('%s', (_name, scenario, executionName) => {
  it('moto enters the states the walker does, sends the same payloads and ends the same way', async () => {
    const script = lambda(scenario.script);
    const walked = walk(scenario.machine, scenario.input, { executionName, invoke: script });
    const ran = await sfn.execute(scenario.machine, scenario.input, { executionName, answers: script.given });

    expect([ran.status, ran.path.at(-1)]).toEqual([scenario.ends.status, scenario.ends.last]);
    expect(ran.path).toEqual(walked.path);
    expect(ran.invocations).toHaveLength(script.given.length); // every queued answer was asked for, none more
    for (const payload of ran.invocations) promotionStepSchema.parse(payload);
    expect(timeless(ran.invocations)).toEqual(timeless(walked.invocations));
    expect([ran.error, ran.cause]).toEqual([walked.error, walked.cause]);
    if (ran.status === 'SUCCEEDED') expect(timeless(ran.output)).toEqual(timeless(walked.output));
  });
});
