/**
 * The notifier when things go wrong, on the same real parts (moto_server SNS, S3, Secrets Manager;
 * the local receiver answering as PagerDuty and Slack do when they fail): retries where they can
 * help, none where they cannot, one channel's failure never blocking the other, and every failure
 * reported with its reason so Lambda's on-failure destination (the notifier's DLQ) keeps it.
 */
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SecretReader, secretsManagerClient } from '../../lambda/adapters/aws/secrets';
import { sentKey } from '../../lambda/alerting/links';
import { metricAlarm } from '../alerting/fixtures';
import { PD_PATH, PD_SECRET, SLACK_PATH, SLACK_SECRET, startWorld, type Invocation, type World } from './notifier-world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
beforeEach(() => {
  world.receiver.reset();
  world.setEnv({ DW_PAGERDUTY_SECRET: PD_SECRET, DW_SLACK_SECRET: SLACK_SECRET });
});

let minute = 0;
/** A new state change each time (delivery records persist between tests). */
const alarmAt = () => metricAlarm({ time: `2026-12-02T10:${String((minute += 1)).padStart(2, '0')}:00.000+0000` });

async function errorOf(invocation: Invocation): Promise<string> {
  const outcome = await invocation.result;
  if (outcome.ok) throw new Error(`expected the invocation to fail, it returned ${JSON.stringify(outcome.value)}`);
  return outcome.error.message;
}

it('a 429 with Retry-After: 1, then 202, pages once', async () => {
  world.receiver.script(PD_PATH, [{ status: 429, headers: { 'retry-after': '1' }, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly' } }]);
  const invocation = await world.publish(alarmAt());
  expect(await invocation.result).toMatchObject({ ok: true });
  const attempts = world.receiver.to(PD_PATH);
  expect(attempts).toHaveLength(2);
  expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
  expect(attempts[1].body).toBe(attempts[0].body);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
});

it('500 three times: retried, then failed with the reason; Slack still posted; a Lambda retry pages only what failed', async () => {
  world.receiver.script(PD_PATH, [500, 500, 500].map((status) => ({ status, body: { status: 'error' } })));
  const alarm = alarmAt();
  const invocation = await world.publish(alarm);
  expect(await errorOf(invocation)).toBe(
    `notifier: 1 undelivered: pagerduty for ${alarm.AlarmName} ALARM (test/bank_marketing/6h/drift:dataset): ` +
      'PagerDuty Events API: failed 3 times, retried with backoff; last: answered 500 Internal Server Error: {"status":"error"}',
  );
  expect(world.receiver.to(PD_PATH)).toHaveLength(3);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
  const key = sentKey('bank_marketing', alarm.AlarmArn, alarm.AlarmName, new Date(alarm.StateChangeTime.replace('+0000', 'Z')).toISOString(), 'ALARM', 'pagerduty');
  expect((await world.store.getJson(key))?.value).toMatchObject({ status: 'failed', reason: expect.stringContaining('answered 500') });

  const retry = await world.invoke(invocation.event).result; // Lambda's asynchronous retry of the same event
  expect(retry.ok && retry.value.delivered[0].channels.map((c: { status: string }) => c.status)).toEqual(['sent', 'already sent']);
  expect(world.receiver.to(PD_PATH)).toHaveLength(4);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
});

it('400 is not retried and fails with PagerDuty\'s answer', async () => {
  world.receiver.script(PD_PATH, [{ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"] } }]);
  const message = await errorOf(await world.publish(alarmAt()));
  expect(message).toMatch(/pagerduty for .*: PagerDuty Events API: answered 400 Bad Request: \{"status":"invalid event".*\(not retried: a 400 means the request itself is refused\)/);
  expect(world.receiver.to(PD_PATH)).toHaveLength(1);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
});

it('a missing secret fails its channel naming the secret; the other channel is delivered', async () => {
  world.setEnv({ DW_PAGERDUTY_SECRET: 'driftwatch/test/nobody/pagerduty-routing-key' });
  const message = await errorOf(await world.publish(alarmAt()));
  expect(message).toMatch(/pagerduty for .*: secret driftwatch\/test\/nobody\/pagerduty-routing-key: not found in Secrets Manager/);
  expect(world.receiver.to(PD_PATH)).toHaveLength(0);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
});

it('an empty secret fails its channel naming the secret; the page still goes out', async () => {
  await world.secrets.send(new CreateSecretCommand({ Name: 'driftwatch/test/risk-ml/slack-webhook-empty', SecretString: ' ' }));
  world.setEnv({ DW_SLACK_SECRET: 'driftwatch/test/risk-ml/slack-webhook-empty' });
  const message = await errorOf(await world.publish(alarmAt()));
  expect(message).toMatch(/slack for .*: secret driftwatch\/test\/risk-ml\/slack-webhook-empty: is empty/);
  expect(world.receiver.to(PD_PATH)).toHaveLength(1);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(0);
});

it('Slack down while PagerDuty is up: the page goes out, the Slack failure is reported', async () => {
  world.receiver.script(SLACK_PATH, [503, 503, 503].map((status) => ({ status, body: 'service_unavailable' })));
  const message = await errorOf(await world.publish(alarmAt()));
  expect(message).toMatch(/^notifier: 1 undelivered: slack for .*: Slack webhook: failed 3 times, retried with backoff; last: answered 503 Service Unavailable: service_unavailable$/);
  expect(message).not.toContain(SLACK_PATH); // the webhook URL is a secret
  expect(world.receiver.to(PD_PATH)).toHaveLength(1);
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(3);
});

it('a message that is not an alarm notification fails, naming what is wrong', async () => {
  const bad = { ...alarmAt(), NewStateValue: 'ALARMED' };
  expect(await errorOf(await world.publish(bad))).toMatch(/not a CloudWatch alarm notification: NewStateValue: expected "ALARM" \| "OK" \| "INSUFFICIENT_DATA", got "ALARMED"/);
  expect(world.receiver.requests).toHaveLength(0);
});

it('SQS records: the undeliverable one is returned as a batch item failure, the other delivered', async () => {
  const good = alarmAt();
  const envelope = (id: string, alarm: unknown) => ({ Type: 'Notification', MessageId: id, TopicArn: world.topicArn, Message: JSON.stringify(alarm) });
  const event = {
    Records: [
      { eventSource: 'aws:sqs', messageId: 'sqs-1', body: JSON.stringify(envelope('sns-1', good)) },
      { eventSource: 'aws:sqs', messageId: 'sqs-2', body: JSON.stringify(envelope('sns-2', { AlarmName: 'x' })) },
    ],
  };
  const outcome = await world.invoke(event).result;
  expect(outcome).toEqual({ ok: true, value: { batchItemFailures: [{ itemIdentifier: 'sqs-2' }] } });
  expect(world.receiver.to(PD_PATH)).toHaveLength(1);
});

it('reads a secret once per 5 minutes: a rotated value is picked up after the cache expires', async () => {
  let now = 0;
  const reader = new SecretReader(secretsManagerClient(process.env, 'us-east-1'), { now: () => now });
  await world.secrets.send(new CreateSecretCommand({ Name: 'driftwatch/test/rotating', SecretString: 'first' }));
  expect(await reader.get('driftwatch/test/rotating')).toBe('first');
  await world.secrets.send(new PutSecretValueCommand({ SecretId: 'driftwatch/test/rotating', SecretString: 'second' }));
  now = 299_000;
  expect(await reader.get('driftwatch/test/rotating')).toBe('first');
  now = 300_001;
  expect(await reader.get('driftwatch/test/rotating')).toBe('second');
});
