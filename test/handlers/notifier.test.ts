/**
 * The notifier end to end on real parts: an alarm notification in AWS's format published to a
 * moto_server SNS topic reaches the handler through an HTTP subscription, which reads the report
 * from moto's S3 and the secrets from moto's Secrets Manager and sends to the local receiver
 * standing in for PagerDuty and Slack. The payloads are checked field by field.
 */
import { sentKey } from '../../lambda/alerting/links';
import { expectPagerDutyEvent, expectSlackMessage } from '../alerting/formats';
import { compositeAlarm, metricAlarm } from '../alerting/fixtures';
import { BUCKET, PD_PATH, ROUTING_KEY, SLACK_PATH, startWorld, type World } from './notifier-world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
beforeEach(() => world.receiver.reset());

const DEDUP = 'test/bank_marketing/6h/drift:dataset';

describe('an alarm through SNS', () => {
  it('arrives as the exact PagerDuty trigger and Slack message, and its OK as the resolve', async () => {
    const alarm = metricAlarm();
    const fired = await world.publish(alarm);
    expect(await fired.result).toMatchObject({ ok: true });

    const [page] = world.receiver.to(PD_PATH);
    expect(world.receiver.to(PD_PATH)).toHaveLength(1);
    expect(page.method).toBe('POST');
    expect(page.headers['content-type']).toBe('application/json');
    const event = page.json();
    expectPagerDutyEvent(event);
    expect(event.routing_key).toBe(ROUTING_KEY);
    expect(event.event_action).toBe('trigger');
    expect(event.dedup_key).toBe(DEDUP);
    expect(event.payload.summary).toMatch(/^\[CRITICAL\] test\/bank_marketing 6h: dataset drift critical in window 5 \(2026-11-25T06h – 2026-11-25T12h\): 15 of 19 features drifted/);
    expect(event.payload).toMatchObject({ source: 'driftwatch/test/bank_marketing', severity: 'critical', timestamp: '2026-11-25T12:20:03.123Z', component: 'bank_marketing', group: 'test', class: 'drift:dataset' });
    expect(event.payload.custom_details.top_features[0]).toEqual({ name: 'emp_var_rate', status: 'critical', psi: 17.750997354946655, threshold: 0.25, since: '2026-11-25T06:00:00.000Z', impact: 0.9342630186814028 });
    expect(event.payload.custom_details.window).toMatchObject({ name: '6h', index: 5, rows: 1800 });
    expect(event.payload.custom_details.report).toBe(`s3://${BUCKET}/monitor/bank_marketing/reports/6h/latest.json`);
    expect(event.links[0].href).toBe(`https://eu-west-1.console.aws.amazon.com/s3/object/${BUCKET}?prefix=monitor%2Fbank_marketing%2Freports%2F6h%2F2026-11-25T060000Z.html`);

    const [post] = world.receiver.to(SLACK_PATH);
    expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
    const message = post.json();
    expectSlackMessage(message);
    expect(message.text).toMatch(/^:red_circle: \[CRITICAL\] test\/bank_marketing 6h: dataset drift critical in window 5/);
    expect(message.blocks[0].text.text).toBe('Critical: bank_marketing: dataset drift (test)');

    world.receiver.reset();
    await world.publish(metricAlarm({ state: 'OK' }));
    expect(world.receiver.to(PD_PATH).map((r) => r.json())).toEqual([{ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: DEDUP }]);
    const resolve = world.receiver.to(SLACK_PATH).map((r) => r.json());
    expect(resolve).toHaveLength(1);
    expectSlackMessage(resolve[0]);
    expect(resolve[0].text).toMatch(/^:white_check_mark: \[RESOLVED\] test\/bank_marketing 6h: dataset drift back to OK/);
  });

  it('records each delivery in the data bucket, marked sent', async () => {
    const alarm = metricAlarm({ time: '2026-11-26T00:20:00.000+0000' });
    await world.publish(alarm);
    const key = sentKey('bank_marketing', alarm.AlarmArn, alarm.AlarmName, '2026-11-26T00:20:00.000Z', 'ALARM', 'pagerduty');
    expect(key).toMatch(/^alerting\/bank_marketing\/sent\/dw-test-bank_marketing-drift-Critical-[0-9a-f]{8}\/2026-11-26T002000\.000Z-ALARM-pagerduty\.json$/);
    expect((await world.store.getJson(key))?.value).toMatchObject({ format: 'driftwatch.alert-delivery/v1', status: 'sent', channel: 'pagerduty', dedupKey: DEDUP });
  });

  it('an SNS redelivery pages once', async () => {
    const first = await world.publish(metricAlarm({ time: '2026-11-26T06:20:00.000+0000' }));
    expect(world.receiver.to(PD_PATH)).toHaveLength(1);
    const again = world.invoke(first.event);
    const outcome = await again.result;
    expect(outcome.ok && outcome.value.delivered[0].channels.map((c: { status: string }) => c.status)).toEqual(['already sent', 'already sent']);
    expect(world.receiver.to(PD_PATH)).toHaveLength(1);
    expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
  });

  it('the same state change notified again (a new SNS message) pages once', async () => {
    const alarm = metricAlarm({ time: '2026-11-26T12:20:00.000+0000' });
    await world.publish(alarm);
    await world.publish(alarm);
    expect(world.receiver.to(PD_PATH)).toHaveLength(1);
    expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
  });

  it('a Warning alarm posts to Slack and does not page', async () => {
    await world.publish(metricAlarm({ name: 'dw-test-bank_marketing-drift-Warning', time: '2026-11-27T00:20:00.000+0000' }));
    expect(world.receiver.to(PD_PATH)).toHaveLength(0);
    expect(world.receiver.to(SLACK_PATH).map((r) => r.json().text)).toEqual([expect.stringMatching(/^:large_orange_circle: \[WARNING\]/)]);
  });

  it('pages without the report when there is none, and says so', async () => {
    const dims = [{ name: 'Env', value: 'test' }, { name: 'Model', value: 'bank_marketing' }, { name: 'Window', value: '7d' }];
    await world.publish(metricAlarm({ dimensions: dims, time: '2026-11-27T06:20:00.000+0000' }));
    const event = world.receiver.to(PD_PATH)[0].json();
    expectPagerDutyEvent(event);
    expect(event.payload.summary).toContain(`(report not found at s3://${BUCKET}/monitor/bank_marketing/reports/7d/latest.json)`);
    expect(event.dedup_key).toBe('test/bank_marketing/7d/drift:dataset');
    expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
  });

  it('the composite model alarm pages on its own key, enriched from its triggering child\'s window', async () => {
    await world.publish(compositeAlarm());
    const event = world.receiver.to(PD_PATH)[0].json();
    expectPagerDutyEvent(event);
    expect(event.dedup_key).toBe('test/bank_marketing/all/model:status');
    expect(event.payload.summary).toMatch(/^\[CRITICAL\] test\/bank_marketing: model status critical, set off by dw-test-bank_marketing-drift-6h-Critical \(6h window\): dataset drift critical in window 5/);
    expect(event.payload.custom_details.window).toMatchObject({ name: '6h', index: 5 });
  });

  it('a topic routed to Slack only (DW_ROUTES) never pages, even a Critical alarm', async () => {
    world.setEnv({ DW_ROUTES: JSON.stringify({ [world.topicArn]: ['slack'] }) });
    try {
      await world.publish(metricAlarm({ time: '2026-11-27T12:20:00.000+0000' }));
    } finally {
      world.setEnv({ DW_ROUTES: undefined });
    }
    expect(world.receiver.to(PD_PATH)).toHaveLength(0);
    expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
  });
});
