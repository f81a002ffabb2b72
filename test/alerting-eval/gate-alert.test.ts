/**
 * A failed retraining gate reaches the owner (issue 11): the gate step, on real parts, reads the
 * evaluation from moto_server's S3, keeps its report, and publishes the owner alert through the SNS
 * adapter to the owner's warning topic on moto_server; SNS delivers it over HTTP to the notifier
 * handler, which sends it to the local receiver standing in for Slack. What the owner reads is the
 * failed assertion with its value, threshold and delta.
 */
import { sentRoot } from '../../lambda/alerting/links';
import { SnsAlertSink } from '../../lambda/adapters/aws/sns-alert-sink';
import { parseAssertion } from '../../lambda/core/gates';
import { runGateStep } from '../../lambda/retraining/check-gates';
import { expectSlackMessage } from '../alerting/formats';
import { BUCKET, PD_PATH, SLACK_PATH, startWorld, type World } from '../handlers/notifier-world';

const WARNING_TOPIC = 'dw-test-risk_ml-warning';
const clock = { now: () => new Date('2026-11-26T03:00:00Z') };
const settings = { env: 'test', region: 'us-east-1', modelId: 'bank_marketing', task: 'binary_classification', bucket: BUCKET, gates: [parseAssertion('recall_score on segment high_risk >= 0.90'), parseAssertion('roc_auc_score >= 0.7')] };
const prefix = 'retraining/bank_marketing/runs/exec-7/evaluation';

let world: World;
beforeAll(async () => {
  world = await startWorld({ topics: [WARNING_TOPIC], seedReport: false });
  await world.store.putJson(`${prefix}/evaluation.json`, {
    format: 'driftwatch.evaluation/v1',
    metrics: { recall_score: 0.91, roc_auc_score: 0.93 },
    segments: { high_risk: { metrics: { recall_score: 0.87 } } },
    champion: { version: '7', metrics: { recall_score: 0.89, roc_auc_score: 0.92 } },
  });
});
afterAll(() => world?.stop());

async function gateStepDelivered(): Promise<void> {
  const before = world.invocations.length;
  const alerts = new SnsAlertSink(world.sns, world.topicArns[WARNING_TOPIC]);
  const out = await runGateStep({ store: world.store, clock, alerts }, settings, { evaluationUri: `s3://${BUCKET}/${prefix}`, executionId: 'exec-7' });
  expect(out.verdict).toBe('fail');
  for (let i = 0; world.invocations.length === before && i < 200; i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(world.invocations.length).toBe(before + 1);
  expect(await world.invocations[before].result).toMatchObject({ ok: true });
}

it("posts the failed assertion, its value, threshold and delta to the owner's Slack, and never pages", async () => {
  await gateStepDelivered();
  const messages = world.receiver.to(SLACK_PATH).map((r) => r.json());
  expect(messages).toHaveLength(1);
  expectSlackMessage(messages[0]);
  const text = JSON.stringify(messages[0]);
  expect(messages[0].blocks[0].text.text).toContain('bank_marketing: retraining candidate failed its gates');
  expect(text).toContain('recall_score on segment high_risk is 0.87, needs &gt;= 0.9 (delta -0.03)'); // Slack's escaping of >
  expect(text).toContain('champion: 7');
  expect(text).not.toContain('roc_auc_score is'); // the passing check is not in the alert
  expect(world.receiver.to(PD_PATH)).toHaveLength(0);
});

it('a repeated gate step (a retried Lambda step) posts nothing more: delivered once per execution', async () => {
  await gateStepDelivered();
  expect(world.receiver.to(SLACK_PATH)).toHaveLength(1);
  const record = await world.store.getJson(`${sentRoot('bank_marketing')}owner-alerts/gates_exec-7-slack.json`);
  expect(record?.value).toMatchObject({ status: 'sent', alarm: 'owner-alert gates:exec-7', channel: 'slack', dedupKey: 'test/bank_marketing/all/retraining:gates' });
});
