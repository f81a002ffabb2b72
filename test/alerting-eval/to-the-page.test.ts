/**
 * Issue 10's "done when", end to end: one model through a day and a half in production with drift
 * injected from hour 30 and ended at hour 48 (`production-run.ts`), to the exact page.
 *
 * Real parts: the monitor's engine (DuckDB over Firehose-layout Parquet) writing its state and
 * reports to moto_server's S3; the synthesized template's alarms, topics and the owner's notifier
 * (its environment taken from the template, references resolved to the moto resources); moto SNS
 * delivering each notification over HTTP to the notifier handler; the secrets in moto's Secrets
 * Manager; a local receiver standing in for PagerDuty and Slack.
 * Stand-ins, because moto does not evaluate alarms or notify: the CloudWatch evaluator
 * (`cloudwatch-evaluator.ts`) run every 5 minutes on what the monitor published so far, and the
 * notification CloudWatch would publish to each alarm's actions (`notifications.ts`).
 */
import * as fs from 'node:fs';
import { validateConfig } from '../../config';
import { monitorKeys } from '../../lambda/monitor/layout';
import type { MonitorReport } from '../../lambda/monitor/report';
import { removeTemporaryAssets } from '../../lib/monitor';
import { expectPagerDutyEvent, expectSlackMessage } from '../alerting/formats';
import { BUCKET, PD_PATH, ROUTING_KEY, SLACK_PATH, startWorld, type Invocation, type World } from '../handlers/notifier-world';
import { config, ENV, MODEL_ID, START } from '../monitor/production';
import { AlarmEvaluator, metricAlarmFromTemplate, seriesKey, type Datapoint, type Transition } from './cloudwatch-evaluator';
import { actionsFor, alarmNotification, type NotificationContext } from './notifications';
import { afterHour, HOUR_MS, RECOVERED_FROM_HOUR, runProduction } from './production-run';
import { render, resourcesOf, teamStack, type TeamStack } from './stack';

/** The fixture's model as deployed: its 6-hour window scored every 6 hours. */
const deployed = validateConfig({ env: ENV, models: [{ ...config, schedules: { profile: 'rate(1 hour)', score: 'rate(6 hours)' } }] });
const OWNER = deployed.models[0].owner;
const ACCOUNT = '123456789012';
const TICK_MS = 5 * 60_000;

type Props = Record<string, any>;

interface Sent {
  readonly transition: Transition;
  readonly topic: string;
  readonly invocation: Invocation;
}

let team: TeamStack;
let world: World;
const sent: Sent[] = [];
/** Window 5 (hours 30-35) is scored at 36:25: the drift's first window. */
const drifted = afterHour(35);
/** Window 8 (hours 48-53), the first without drift, is scored at 54:25. */
const recovered = afterHour(RECOVERED_FROM_HOUR + 5);

/** `${LogicalId}` and `${LogicalId.Arn}` of the template, as the deployed stack on moto has them. */
function resolver(template: Props, topicArns: Record<string, string>): (value: unknown) => string {
  const names = new Map<string, string>();
  for (const [id, r] of Object.entries(template.Resources as Record<string, Props>)) {
    if (r.Type === 'AWS::SNS::Topic') names.set(`\${${id}}`, topicArns[r.Properties.TopicName] ?? `arn:aws:sns:us-east-1:${ACCOUNT}:${r.Properties.TopicName}`);
    if (r.Type === 'AWS::S3::Bucket') names.set(`\${${id}}`, BUCKET);
    if (r.Type === 'AWS::Lambda::Function') names.set(`\${${id}}`, r.Properties.FunctionName);
    if (r.Type === 'AWS::SQS::Queue') names.set(`\${${id}.QueueName}`, r.Properties.QueueName);
    if (r.Type === 'AWS::KMS::Key') names.set(`\${${id}.Arn}`, `arn:aws:kms:us-east-1:${ACCOUNT}:key/0f6c2d1e-4b9a-4f7e-9a51-6b3c1c2d9e0f`);
  }
  return (value) => render(value).replace(/\$\{[A-Za-z0-9.]+\}/g, (token) => {
    const known = names.get(token);
    if (known === undefined) throw new Error(`the test cannot resolve ${token}`);
    return known;
  });
}

beforeAll(async () => {
  team = teamStack(deployed);
  const template = team.template.toJSON() as Props;
  const routes = team.topics.routesOf(OWNER).map((r) => template.Resources[team.stack.getLogicalId(r.topic.node.defaultChild as never)].Properties.TopicName as string);
  world = await startWorld({ topics: routes, secretNames: { pagerDuty: OWNER.pagerDutySecretName, slack: OWNER.slackWebhookSecretName }, seedReport: false });
  const resolve = resolver(template, world.topicArns);

  // The notifier runs with the environment the template gives it (the test adds only moto's endpoint and PagerDuty's stand-in URL).
  const fn = template.Resources[team.stack.getLogicalId(team.notifiers.get(OWNER.name)!.function.node.defaultChild as never)].Properties;
  world.setEnv(Object.fromEntries(Object.entries(fn.Environment.Variables as Props).map(([k, v]) => [k, resolve(v)])));

  const metricAlarms = Object.values(resourcesOf(team.template, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties as Props);
  const composites = Object.values(resourcesOf(team.template, 'AWS::CloudWatch::CompositeAlarm')).map((r) => r.Properties as Props);
  const byName = new Map([...metricAlarms.map((a) => [a.AlarmName, a] as const), ...composites.map((c) => [c.AlarmName, c] as const)]);
  const data = new Map<string, Datapoint[]>();
  const evaluator = new AlarmEvaluator(
    // The health alarms watch the functions and the queue, which publish nothing here: they stay OK.
    metricAlarms.map(metricAlarmFromTemplate),
    composites.map((c) => ({ name: c.AlarmName as string, rule: c.AlarmRule as string })),
    data,
  );
  const ctx: NotificationContext = { account: ACCOUNT, region: 'us-east-1', regionName: 'US East (N. Virginia)', resolve, state: (a) => evaluator.state(a) };
  let seen = 0;
  let tick = START;
  await runProduction({
    store: world.store,
    afterRuns: async (t, emitted) => {
      for (const d of emitted.slice(seen)) {
        const key = seriesKey(d.namespace, d.name, d.dimensions);
        data.set(key, [...(data.get(key) ?? []), { timestamp: d.timestamp.getTime(), value: d.value, visibleAt: d.emittedAt }]);
      }
      seen = emitted.length;
      for (; tick <= t; tick += TICK_MS) {
        for (const transition of evaluator.step(tick)) {
          const alarm = byName.get(transition.alarm)!;
          // Only the owner's two topics have the notifier subscribed; the notifier-failure topic emails (nothing to deliver here).
          for (const topic of actionsFor(alarm, transition.to, ctx).filter((arn) => Object.values(world.topicArns).includes(arn))) {
            sent.push({ transition, topic, invocation: await world.publish(alarmNotification(alarm, transition, ctx), topic) });
          }
        }
      }
    },
  });
}, 900_000);

afterAll(async () => {
  await world?.stop();
  removeTemporaryAssets();
  if (team) fs.rmSync(team.app.outdir, { recursive: true, force: true });
});

const short = (alarm: string) => alarm.replace(`dw-${ENV}-${MODEL_ID}-`, '');
const clock = (t: number) => `${Math.floor((t - START) / HOUR_MS)}:${String(((t - START) % HOUR_MS) / 60_000).padStart(2, '0')}`;
const DEDUP = `${ENV}/${MODEL_ID}/all/model:status`;

describe('a day with drift, to the page', () => {
  it('every notification SNS carried was delivered (nothing dead-lettered)', async () => {
    expect(sent.length).toBeGreaterThan(0);
    const outcomes = await Promise.all(sent.map((s) => s.invocation.result));
    expect(outcomes.filter((o) => !o.ok).map((o) => (o as { error: Error }).error.message)).toEqual([]);
  });

  it('PagerDuty gets one trigger when the drifted window is scored and its resolve when the drift ends, on one dedup key', () => {
    const events = world.receiver.to(PD_PATH).map((r) => r.json());
    for (const e of events) expectPagerDutyEvent(e);
    // The composite's first OK (INSUFFICIENT_DATA → OK at the first evaluation) sends a resolve PagerDuty ignores: no incident has that key yet.
    expect(events.map((e) => [e.event_action, e.dedup_key])).toEqual([['resolve', DEDUP], ['trigger', DEDUP], ['resolve', DEDUP]]);
    const pageTimes = sent.filter((s) => s.topic === world.topicArns[`dw-${ENV}-growth-ml-critical`]).map((s) => [short(s.transition.alarm), s.transition.to, clock(s.transition.at)]);
    expect(pageTimes).toEqual([['model-Critical', 'OK', '0:00'], ['model-Critical', 'ALARM', clock(drifted)], ['model-Critical', 'OK', clock(recovered)]]);
  });

  it("the page says what drifted, by how much and since when, from the drifted window's own report", async () => {
    const trigger = world.receiver.to(PD_PATH).map((r) => r.json()).find((e) => e.event_action === 'trigger');
    expect(trigger.routing_key).toBe(ROUTING_KEY);
    expect(trigger.payload).toMatchObject({ severity: 'critical', source: `driftwatch/${ENV}/${MODEL_ID}`, component: MODEL_ID, group: ENV, class: 'model:status', timestamp: new Date(drifted).toISOString() });
    expect(trigger.payload.summary).toMatch(new RegExp(`^\\[CRITICAL\\] ${ENV}/${MODEL_ID}: model status critical, set off by dw-${ENV}-${MODEL_ID}-drift-6h-Critical \\(6h window\\): dataset drift critical in window 5 `));
    const windowStart = new Date(START + 30 * HOUR_MS);
    const report = (await world.store.getJson(monitorKeys.report(MODEL_ID, '6h', windowStart, 'json')))!.value as MonitorReport;
    expect(report.judged.index).toBe(5);
    const byImpact = report.judged.features.filter((f) => f.status !== 'ok').sort((a, b) => b.impact - a.impact);
    const top = trigger.payload.custom_details.top_features as Props[];
    expect(top.length).toBeGreaterThan(0);
    expect(top.map((f) => f.name)).toEqual(byImpact.slice(0, top.length).map((f) => f.name));
    expect(top[0]).toMatchObject({ status: byImpact[0].status, psi: byImpact[0].psi, impact: byImpact[0].impact, since: windowStart.toISOString() });
    expect(trigger.payload.custom_details.window).toMatchObject({ name: '6h', index: 5, rows: report.judged.rows });
    expect(trigger.links[0].href).toBe(`https://us-east-1.console.aws.amazon.com/s3/object/${BUCKET}?prefix=${encodeURIComponent(monitorKeys.report(MODEL_ID, '6h', windowStart, 'html'))}`);
  });

  it('Slack gets each Warning alarm of the drift and each one\'s resolve, and the no-traffic warnings; never a Critical', () => {
    const messages = world.receiver.to(SLACK_PATH).map((r) => r.json());
    for (const m of messages) expectSlackMessage(m);
    const posted = sent
      .filter((s) => s.topic === world.topicArns[`dw-${ENV}-growth-ml-warning`] && !(s.transition.from === 'INSUFFICIENT_DATA' && s.transition.to === 'OK'))
      .map((s) => [short(s.transition.alarm), s.transition.to, clock(s.transition.at)]);
    const warnings = ['drift-6h-Warning', 'feature-age-6h-Warning', 'feature-campaign-6h-Warning', 'feature-pdays-6h-Warning', 'feature-emp_var_rate-6h-Warning'];
    expect(posted).toEqual([
      // Deployed before the first profile run: no traffic until it publishes (missing data breaching).
      ['no-traffic-Warning', 'ALARM', '0:00'], ['no-traffic-Warning', 'OK', '1:25'],
      ...warnings.map((w) => [w, 'ALARM', clock(drifted)]),
      ...warnings.map((w) => [w, 'OK', clock(recovered)]),
      ['no-traffic-Warning', 'ALARM', clock(afterHour(RECOVERED_FROM_HOUR + 14))],
    ]);
    expect(messages).toHaveLength(posted.length);
    expect(messages.map((m) => m.text.split(']')[0])).toEqual(posted.map(([, to]) => (to === 'ALARM' ? ':large_orange_circle: [WARNING' : ':white_check_mark: [RESOLVED')));
    expect(messages.find((m) => /dataset drift/.test(m.text))!.text).toMatch(new RegExp(`^:large_orange_circle: \\[WARNING\\] ${ENV}/${MODEL_ID} 6h: dataset drift`));
  });

  it('each delivery is recorded under the model\'s alerting prefix, so a redelivery pages once', async () => {
    const page = sent.find((s) => s.transition.to === 'ALARM' && short(s.transition.alarm) === 'model-Critical')!;
    const again = await world.invoke(page.invocation.event).result;
    expect(again.ok && again.value.delivered[0].channels.map((c: { status: string }) => c.status)).toEqual(['already sent']);
    expect(world.receiver.to(PD_PATH).filter((r) => r.json().event_action === 'trigger')).toHaveLength(1);
  });
});
