/**
 * `driftwatch rollback` against Step Functions on moto_server: the rollback state machine is found by
 * the name the construct gives it (rollbackStateMachineName), the execution carries the request the
 * Lambda's rollback step reads, a repeated request starts one execution, and --wait follows it to the
 * end. moto runs the test's own small state machines (execute_state_machine, set through moto's
 * config API for the --wait tests), not the real rollback definition: that needs the promotion Lambda.
 */
import * as http from 'node:http';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { rollbackStateMachineName } from '../../lib/promotion/naming';
import { rollbackCommand, rollbackExecutionName } from '../../lambda/cli/commands/rollback';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { run } from './helpers';

jest.setTimeout(60_000);

const ENV = 'clitest';
const ROLE = 'arn:aws:iam::123456789012:role/dw-clitest-rollback';
let moto: MotoServer;
let sfn: SFNClient;
const saved = { ...process.env };

async function machine(model: string, states: Record<string, unknown>): Promise<string> {
  const out = await sfn.send(new CreateStateMachineCommand({ name: rollbackStateMachineName(ENV, model), roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Only', States: { Only: states } }) }));
  return String(out.stateMachineArn);
}

function executeStateMachines(endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}/moto-api/config`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(JSON.stringify({ stepfunctions: { execute_state_machine: true } }));
  });
}

beforeAll(async () => {
  moto = await startMoto();
  sfn = new SFNClient(motoClientConfig(moto.endpoint));
  Object.assign(process.env, { AWS_ENDPOINT_URL_SFN: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});

afterAll(async () => {
  process.env = { ...saved };
  sfn?.destroy();
  await moto?.stop();
});

describe('driftwatch rollback', () => {
  it('starts the rollback state machine with who asked, why and the version, and prints the execution ARN', async () => {
    const arn = await machine('fraud', { Type: 'Pass', End: true });
    const out = await run(['rollback', '--env', ENV, '--model', 'fraud', '--to', '3', '--requested-by', 'arn:aws:iam::123456789012:user/alice', '--reason', 'v4 misprices']);
    expect(out.code).toBe(0);
    const executionArn = out.stdout.trimEnd().split('\n').at(-1) as string;
    expect(out.stdout).toMatch(/^Started rollback of fraud \(clitest\) to version 3:\narn:aws:states:us-east-1:\d{12}:execution:dw-clitest-fraud-rollback:rollback-v3-\d{10}-[0-9a-f]{20}\n$/);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect([d.stateMachineArn, JSON.parse(String(d.input))]).toEqual([arn, { toVersion: '3', requestedBy: 'arn:aws:iam::123456789012:user/alice', reason: 'v4 misprices' }]);
  });

  it('the same request run twice starts one execution', async () => {
    const arn = await machine('churn', { Type: 'Pass', End: true });
    // Run as the CLI runs it, with the clock set: the two runs fall in one UTC hour on any machine.
    const runAt = async (iso: string) => {
      let stdout = '';
      const code = await rollbackCommand(['--env', ENV, '--model', 'churn', '--requested-by', 'bob'], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } }, () => new Date(iso));
      return { code, stdout };
    };
    const first = await runAt('2026-11-24T10:01:00Z');
    const second = await runAt('2026-11-24T10:59:00Z');
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stdout.split('\n')[1]).toBe(first.stdout.split('\n')[1]);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions).toHaveLength(1);
  });

  it('the execution name is the same for the same request in one UTC hour, and another for another reason or hour', () => {
    const r = { env: 'prod', model: 'fraud', requestedBy: 'bob', reason: 'x' };
    const at = new Date('2026-11-24T10:05:00Z');
    expect(rollbackExecutionName(r, new Date('2026-11-24T10:55:00Z'))).toBe(rollbackExecutionName(r, at));
    expect(rollbackExecutionName({ ...r, reason: 'y' }, at)).not.toBe(rollbackExecutionName(r, at));
    expect(rollbackExecutionName(r, new Date('2026-11-24T11:00:00Z'))).not.toBe(rollbackExecutionName(r, at));
    expect(rollbackExecutionName(r, at).length).toBeLessThanOrEqual(80);
  });

  it('without --requested-by it refuses, saying what to give', async () => {
    const out = await run(['rollback', '--env', ENV, '--model', 'fraud']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/missing --requested-by \(your IAM ARN or user name: it goes into the ledger\)/);
  });

  it('a model without a rollback state machine is an error naming the machine', async () => {
    const out = await run(['rollback', '--env', ENV, '--model', 'nothing_here', '--requested-by', 'bob']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/no state machine dw-clitest-nothing_here-rollback in this account and region/);
  });

  it('--wait follows an execution that does not succeed to its end: exit 1 and how it ended', async () => {
    // moto 5.2.1 answers the execution of a Fail state with a server error, so the run that does not
    // succeed is one stopped by hand (ABORTED) while --wait follows it; moto does not run it meanwhile.
    const arn = await machine('loans', { Type: 'Pass', End: true });
    const following = run(['rollback', '--env', ENV, '--model', 'loans', '--requested-by', 'bob', '--wait', '--poll-seconds', '1']);
    let executions: { executionArn?: string }[] = [];
    while (executions.length === 0) executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions ?? [];
    await sfn.send(new StopExecutionCommand({ executionArn: executions[0].executionArn }));
    const stopped = await following;
    expect([stopped.code, stopped.stdout.trimEnd().split('\n').at(-1)]).toEqual([1, 'Rollback ABORTED']);
  });

  it('--wait follows an execution that succeeds: exit 0', async () => {
    await executeStateMachines(moto.endpoint);
    await machine('eta', { Type: 'Pass', End: true });
    const ok = await run(['rollback', '--env', ENV, '--model', 'eta', '--requested-by', 'bob', '--wait', '--poll-seconds', '1']);
    expect([ok.code, ok.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, 'Rollback SUCCEEDED']);
  });
});
