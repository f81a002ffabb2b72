/** The page and the Slack message an alarm becomes, enriched from the window's latest report (or not, when it is missing). */
import { parseAlarmNotification } from '../../lambda/alerting/alarm';
import { buildIncident, type ReportLookup } from '../../lambda/alerting/incident';
import { pagerDutyEvent } from '../../lambda/alerting/pagerduty';
import { parseReportView } from '../../lambda/alerting/report-details';
import { slackMessage } from '../../lambda/alerting/slack';
import { alarmAction, alarmCause, alarmSubject } from '../../lambda/alerting/subject';
import { routingCheckIncident } from '../../lambda/alerting/test-page';
import { expectPagerDutyEvent, expectSlackMessage } from './formats';
import { compositeAlarm, DATASET_MESSAGE, dims, driftedReport, metricAlarm } from './fixtures';

const BUCKET = 'driftwatch-test-data-123456789012-eu-west-1';
const KEY = 'monitor/bank_marketing/reports/6h/latest.json';
const found: ReportLookup = { status: 'found', key: KEY, report: parseReportView(driftedReport(), KEY) };

function incidentOf(raw: Record<string, unknown>, lookup: ReportLookup = found) {
  const alarm = parseAlarmNotification(JSON.stringify(raw));
  const action = alarmAction(alarm);
  if (action === null) throw new Error('no action');
  return buildIncident(alarm, alarmSubject(alarm, 'test'), action, lookup, { bucket: BUCKET, region: 'eu-west-1' }, alarmCause(alarm));
}

describe('pagerDutyEvent', () => {
  it('triggers with the dedup key, the monitor message, and the report and alarm console links', () => {
    const event = pagerDutyEvent(incidentOf(metricAlarm()), 'R'.repeat(32));
    expectPagerDutyEvent(event);
    expect(event).toMatchObject({
      routing_key: 'R'.repeat(32),
      event_action: 'trigger',
      dedup_key: 'test/bank_marketing/6h/drift:dataset',
      client: 'Driftwatch',
      client_url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/dw-test-bank_marketing-drift-Critical',
      payload: {
        summary: `[CRITICAL] test/bank_marketing 6h: ${DATASET_MESSAGE.replace('model bank_marketing: ', '')}`,
        source: 'driftwatch/test/bank_marketing',
        severity: 'critical',
        timestamp: '2026-11-25T12:20:03.123Z',
        component: 'bank_marketing',
        group: 'test',
        class: 'drift:dataset',
      },
    });
    expect(event.event_action === 'trigger' && event.links).toEqual([
      {
        href: `https://eu-west-1.console.aws.amazon.com/s3/object/${BUCKET}?prefix=${encodeURIComponent('monitor/bank_marketing/reports/6h/2026-11-25T060000Z.html')}`,
        text: 'Window report (HTML), 6h window 5',
      },
      { href: `https://eu-west-1.console.aws.amazon.com/s3/object/${BUCKET}?prefix=${encodeURIComponent(KEY)}`, text: 'Latest window report (JSON)' },
      { href: event.event_action === 'trigger' ? event.client_url : '', text: 'CloudWatch alarm dw-test-bank_marketing-drift-Critical' },
    ]);
  });

  it('carries the top features by impact with PSI, threshold and since, the value and the window', () => {
    const event = pagerDutyEvent(incidentOf(metricAlarm()), 'k');
    const details = event.event_action === 'trigger' ? event.payload.custom_details : {};
    expect(details.window).toEqual({ name: '6h', index: 5, start: '2026-11-25T06:00:00.000Z', end: '2026-11-25T12:00:00.000Z', rows: 1800, status: 'critical' });
    expect(details.metric).toEqual({ name: 'drifted importance', value: 0.7647058823529412, threshold: 0.5, baseline: null });
    expect((details.top_features as unknown[]).slice(0, 2)).toEqual([
      { name: 'emp_var_rate', status: 'critical', psi: 17.750997354946655, threshold: 0.25, since: '2026-11-25T06:00:00.000Z', impact: 0.9342630186814028 },
      { name: 'nr_employed', status: 'critical', psi: 17.750997354946655, threshold: 0.25, since: '2026-11-25T06:00:00.000Z', impact: 0.9342630186814028 },
    ]);
    expect((details.top_features as { name: string; threshold: number | null }[])[3]).toMatchObject({ name: 'campaign', threshold: 0.2 }); // its own (warning) level
    expect(details.report).toBe(`s3://${BUCKET}/${KEY}`);
    expect(details.alarm).toMatchObject({ name: 'dw-test-bank_marketing-drift-Critical', state: 'ALARM', previous_state: 'OK', metric: 'DriftStatus', threshold: 2 });
  });

  it('gives a performance page its value, calibrated threshold and baseline', () => {
    const event = pagerDutyEvent(incidentOf(metricAlarm({ name: 'dw-test-bank_marketing-f1-Warning', metric: 'MetricRatio', dimensions: dims({ Metric: 'f1' }), threshold: 0.9 })), 'k');
    if (event.event_action !== 'trigger') throw new Error('expected a trigger');
    expect(event.payload.severity).toBe('warning');
    expect(event.payload.custom_details.metric).toEqual({ name: 'f1', value: 0.47, threshold: 0.496, baseline: 0.62, ratio: 0.7580645161290323 });
  });

  it('resolves with exactly routing_key, event_action and the same dedup_key', () => {
    const event = pagerDutyEvent(incidentOf(metricAlarm({ state: 'OK' })), 'k');
    expectPagerDutyEvent(event);
    expect(event).toEqual({ routing_key: 'k', event_action: 'resolve', dedup_key: 'test/bank_marketing/6h/drift:dataset' });
  });

  it('still pages when the report is missing, with what the alarm says and where the report was looked for', () => {
    const event = pagerDutyEvent(incidentOf(metricAlarm(), { status: 'missing', key: KEY }), 'k');
    expectPagerDutyEvent(event);
    if (event.event_action !== 'trigger') throw new Error('expected a trigger');
    expect(event.payload.summary).toBe(
      `[CRITICAL] test/bank_marketing 6h: dataset drift critical: ${metricAlarm().NewStateReason} (report not found at s3://${BUCKET}/${KEY})`,
    );
    expect(event.payload.custom_details.report).toBe(`report not found at s3://${BUCKET}/${KEY}`);
    expect(event.links.map((l) => l.text)).toEqual(['CloudWatch alarm dw-test-bank_marketing-drift-Critical']);
  });

  it('keeps the summary within 1,024 characters', () => {
    const raw = metricAlarm();
    raw.NewStateReason = 'x'.repeat(3000);
    const event = pagerDutyEvent(incidentOf(raw, { status: 'unreadable', key: KEY, reason: 'not JSON' }), 'k');
    expect(event.event_action === 'trigger' && event.payload.summary.length).toBe(1024);
  });

  it('pages the composite model alarm on its own dedup key, with what its triggering child says', () => {
    const event = pagerDutyEvent(incidentOf(compositeAlarm()), 'k');
    if (event.event_action !== 'trigger') throw new Error('expected a trigger');
    expect(event.dedup_key).toBe('test/bank_marketing/all/model:status');
    expect(event.payload.summary).toBe(
      `[CRITICAL] test/bank_marketing: model status critical, set off by dw-test-bank_marketing-drift-6h-Critical (6h window): ${DATASET_MESSAGE.replace('model bank_marketing: ', '')}`,
    );
    expect(event.payload.custom_details.alarm).toMatchObject({ triggered_by: ['dw-test-bank_marketing-drift-6h-Critical'] });
    expect(event.payload.custom_details.metric).toMatchObject({ name: 'drifted importance', value: 0.7647058823529412 });
  });
});

describe('slackMessage', () => {
  it('posts text plus header, summary, fields, features, context and link buttons', () => {
    const message = slackMessage(incidentOf(metricAlarm()));
    expectSlackMessage(message);
    expect(message.text).toBe(`:red_circle: [CRITICAL] test/bank_marketing 6h: ${DATASET_MESSAGE.replace('model bank_marketing: ', '')}`);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context', 'actions']);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Critical: bank_marketing: dataset drift (test)', emoji: true } });
    const fields = (message.blocks[2] as unknown as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Model*\n`bank_marketing`',
      '*Environment*\ntest',
      '*Window*\n6h #5: 2026-11-25T06:00:00.000Z – 2026-11-25T12:00:00.000Z (1,800 rows)',
      '*Signal*\n`drift:dataset`',
      '*Drifted importance*\n0.765',
      '*Threshold*\n0.5',
    ]);
    expect((message.blocks[3] as { text: { text: string } }).text.text.split('\n')[1]).toBe(
      '• `emp_var_rate` critical · PSI 17.8 (threshold 0.25) · since 2026-11-25T06:00:00.000Z · impact 0.934',
    );
    const buttons = (message.blocks[5] as unknown as { elements: { text: { text: string }; url: string }[] }).elements;
    expect(buttons.map((b) => b.text.text)).toEqual(['Open the report (HTML), 6h window 5', 'Open the latest report (JSON)', 'Open the alarm']);
  });

  it('posts a short resolve message', () => {
    const message = slackMessage(incidentOf(metricAlarm({ state: 'OK' })));
    expectSlackMessage(message);
    expect(message.text).toMatch(/^:white_check_mark: \[RESOLVED\] test\/bank_marketing 6h: dataset drift back to OK/);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
  });

  it('escapes &, < and > as Slack asks', () => {
    const raw = metricAlarm();
    raw.NewStateReason = 'a <b> & c';
    expect(slackMessage(incidentOf(raw, { status: 'missing', key: KEY })).text).toContain('a &lt;b&gt; &amp; c');
  });
});

describe('routingCheckIncident', () => {
  it('is clearly marked as a test in both channels', () => {
    const check = { env: 'dev', modelId: 'fraud_detector', ownerName: 'Risk ML', now: new Date('2026-12-01T10:00:00Z') };
    const trigger = pagerDutyEvent(routingCheckIncident(check, 'trigger'), 'k', 'info');
    expectPagerDutyEvent(trigger);
    expect(trigger.event_action === 'trigger' && trigger.payload.summary).toMatch(/^\[TEST\] Driftwatch routing check for model fraud_detector \(dev\)/);
    expect(trigger.dedup_key).toBe('dev/fraud_detector/test/routing-check');
    const slack = slackMessage(routingCheckIncident(check, 'trigger'));
    expectSlackMessage(slack);
    expect(slack.text).toMatch(/^:test_tube: \[TEST\] Driftwatch routing check/);
  });
});
