/**
 * `driftwatch alert test` against real parts: the owner's secrets (config/dev.ts, model
 * fraud_detector) in moto_server's Secrets Manager, PagerDuty and Slack as the local receiver.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runCli } from '../../lambda/cli';
import { expectPagerDutyEvent, expectSlackMessage } from './formats';
import { startReceiver, type Receiver } from '../support/http-receiver';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';

const PD_SECRET = 'driftwatch/dev/risk-ml/pagerduty-routing-key';
const SLACK_SECRET = 'driftwatch/dev/risk-ml/slack-webhook';
const KEY = '0123456789abcdef0123456789abcdef';
const SLACK_PATH = '/services/T0/B0/dev-webhook';

let moto: MotoServer;
let receiver: Receiver;
let secrets: SecretsManagerClient;
const savedEnv = { ...process.env };

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['alert', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  [moto, receiver] = await Promise.all([startMoto(), startReceiver({ '/v2/enqueue': { status: 202, body: { status: 'success' } }, [SLACK_PATH]: { status: 200, body: 'ok' } })]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DW_PAGERDUTY_URL: `${receiver.url}/v2/enqueue`,
  });
  secrets = new SecretsManagerClient(motoClientConfig(moto.endpoint));
  await secrets.send(new CreateSecretCommand({ Name: PD_SECRET, SecretString: KEY }));
  await secrets.send(new CreateSecretCommand({ Name: SLACK_SECRET, SecretString: `${receiver.url}${SLACK_PATH}` }));
});
afterAll(async () => {
  process.env = { ...savedEnv };
  secrets?.destroy();
  await receiver?.stop();
  await moto?.stop();
});
beforeEach(() => receiver.reset());

it('sends a marked test trigger, its resolve and a Slack message, and says what went where', async () => {
  const { code, stdout, stderr } = await cli('test', '--env', 'dev', '--model', 'fraud_detector');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const [trigger, resolve] = receiver.to('/v2/enqueue').map((r) => r.json());
  expectPagerDutyEvent(trigger);
  expect(trigger).toMatchObject({ routing_key: KEY, event_action: 'trigger', dedup_key: 'dev/fraud_detector/test/routing-check', payload: { severity: 'info', component: 'fraud_detector', group: 'dev' } });
  expect(trigger.payload.summary).toMatch(/^\[TEST\] Driftwatch routing check for model fraud_detector \(dev\), owner Risk ML: no action needed/);
  expect(resolve).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: 'dev/fraud_detector/test/routing-check' });
  const [message] = receiver.to(SLACK_PATH).map((r) => r.json());
  expectSlackMessage(message);
  expect(message.text).toMatch(/^:test_tube: \[TEST\] Driftwatch routing check for model fraud_detector/);
  expect(stdout).toContain(`PagerDuty: sent a [TEST] info trigger (answered 202) and its resolve (answered 202) to ${receiver.url}/v2/enqueue, dedup_key dev/fraud_detector/test/routing-check, routing key from secret ${PD_SECRET}`);
  expect(stdout).toContain(`Slack: posted a [TEST] message (answered 200) to the webhook in secret ${SLACK_SECRET}`);
  expect(stdout).not.toContain(KEY);
  expect(stdout).not.toContain(SLACK_PATH);
});

it('--dry-run prints the payloads and sends nothing', async () => {
  const { code, stdout } = await cli('test', '--env', 'dev', '--model', 'fraud_detector', '--dry-run', '--severity', 'critical');
  expect(code).toBe(0);
  expect(receiver.requests).toHaveLength(0);
  expect(stdout).toContain(`"routing_key": "<the value of secret ${PD_SECRET}>"`);
  expect(stdout).toContain('"severity": "critical"');
  expect(stdout).toContain('"event_action": "resolve"');
  expect(stdout).toContain(`Slack message (POST to the webhook URL in secret ${SLACK_SECRET}):`);
  expect(stdout).toMatch(/Dry run: nothing was sent\.\n$/);
});

it('a channel that fails exits 2 naming why; the other channel is still sent', async () => {
  receiver.script('/v2/enqueue', [{ status: 400, body: { status: 'invalid event' } }]);
  const { code, stderr } = await cli('test', '--env', 'dev', '--model', 'fraud_detector');
  expect(code).toBe(2);
  expect(stderr).toMatch(/^PagerDuty: FAILED: PagerDuty Events API: answered 400 Bad Request/);
  expect(receiver.to(SLACK_PATH)).toHaveLength(1);
});

it('names an unknown model and lists the known ones', async () => {
  const { code, stderr } = await cli('test', '--env', 'dev', '--model', 'nope');
  expect(code).toBe(2);
  expect(stderr).toMatch(/--model "nope": no such model in config\/dev\.ts \(models: fraud_detector/);
});

it('is in driftwatch --help, with its own --help', async () => {
  let main = '';
  await runCli(['--help'], { stdout: { write: (t: string) => (main += t) }, stderr: { write: () => undefined } });
  expect(main).toMatch(/^ {2}alert {6}alert test --env ENV --model ID: send a \[TEST\] page/m);
  const { code, stdout } = await cli('test', '--help');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^Usage: driftwatch alert test --env ENV --model ID/);
});
