/** CloudWatch's alarm notification parsed as AWS sends it, and what an alarm is about (dimensions first, the name as fallback). */
import { parseAlarmNotification, stateChangeIso, AlarmNotificationError } from '../../lambda/alerting/alarm';
import { alarmAction, alarmCause, alarmSubject, parseAlarmName } from '../../lambda/alerting/subject';
import { channelsFor, parseRoutes, skipReason } from '../../lambda/alerting/routes';
import { compositeAlarm, dims, metricAlarm, TOPIC } from './fixtures';

describe('parseAlarmNotification', () => {
  it('reads a metric alarm from the SNS Message string, offsets written +0000', () => {
    const alarm = parseAlarmNotification(JSON.stringify(metricAlarm()));
    expect(alarm.NewStateValue).toBe('ALARM');
    expect(alarm.Trigger?.Dimensions).toEqual(dims());
    expect(stateChangeIso(alarm)).toBe('2026-11-25T12:20:03.123Z');
  });

  it('reads a composite alarm (AlarmRule and TriggeringChildren instead of Trigger)', () => {
    const alarm = parseAlarmNotification(compositeAlarm());
    expect(alarm.Trigger).toBeUndefined();
    expect(alarm.AlarmRule).toContain('ALARM(');
  });

  it('accepts a null AlarmDescription and Unit, as AWS sends them', () => {
    const raw = metricAlarm();
    raw.AlarmDescription = null;
    expect(parseAlarmNotification(raw).AlarmDescription).toBeNull();
  });

  it('names the field and the value that are wrong', () => {
    const raw = metricAlarm();
    raw.NewStateValue = 'ALARMED';
    delete raw.StateChangeTime;
    expect(() => parseAlarmNotification(raw)).toThrow(AlarmNotificationError);
    expect(() => parseAlarmNotification(raw)).toThrow(/NewStateValue: expected "ALARM" \| "OK" \| "INSUFFICIENT_DATA", got "ALARMED"/);
    expect(() => parseAlarmNotification(raw)).toThrow(/StateChangeTime: expected string, got nothing/);
  });

  it('says when neither Trigger nor AlarmRule is there', () => {
    const raw = metricAlarm();
    delete raw.Trigger;
    expect(() => parseAlarmNotification(raw)).toThrow(/Trigger: missing/);
  });

  it('says when the message is not JSON at all', () => {
    expect(() => parseAlarmNotification('Verification')).toThrow(/not JSON/);
  });
});

describe('alarmSubject', () => {
  const subject = (raw: Record<string, unknown>) => alarmSubject(parseAlarmNotification(raw), 'test');

  it('takes model, window and signal from the dimensions, with the monitor events dedupKey', () => {
    expect(subject(metricAlarm())).toEqual({ env: 'test', modelId: 'bank_marketing', window: '6h', signal: 'drift:dataset', severity: 'critical', dedupKey: 'test/bank_marketing/6h/drift:dataset' });
  });

  it('prefers the dimensions over a misleading name', () => {
    const s = subject(metricAlarm({ name: 'dw-test-other_model-drift-Warning', metric: 'FeatureDriftStatus', dimensions: dims({ Feature: 'euribor3m' }) }));
    expect([s.modelId, s.signal, s.severity]).toEqual(['bank_marketing', 'drift:euribor3m', 'warning']);
  });

  it.each([
    ['MetricRatio', { Metric: 'f1' }, 'performance:f1'],
    ['ConceptDrift', { Proxy: 'positive_rate' }, 'concept:positive_rate'],
    ['WindowRows', {}, 'traffic:dataset'],
    ['LabelCoverage', {}, 'coverage:labels'],
  ])('maps %s (%o) to the signal %s', (metric, extra, signal) => {
    expect(subject(metricAlarm({ metric, dimensions: dims(extra) })).signal).toBe(signal);
  });

  it('falls back to the name when the metric has no Driftwatch dimensions (monitor health on AWS/Lambda)', () => {
    const s = subject(metricAlarm({ name: 'dw-test-bank_marketing-monitor-health-Critical', metric: 'Errors', namespace: 'AWS/Lambda', dimensions: [{ name: 'FunctionName', value: 'dw-test-bank_marketing-score' }] }));
    expect(s.dedupKey).toBe('test/bank_marketing/all/monitor:health');
  });

  it('reads a feature and a window from the name alone', () => {
    expect(parseAlarmName('dw-prod-fraud-feature-amount-1d-Critical')).toEqual({ env: 'prod', modelId: 'fraud', signalPart: 'feature-amount', window: '1d', severity: 'critical' });
    const s = subject(metricAlarm({ name: 'dw-prod-fraud-feature-amount-Critical', metric: 'Custom', dimensions: [] }));
    expect(s.dedupKey).toBe('prod/fraud/all/drift:amount');
  });

  it('gives a composite alarm the model:status signal, and its triggering child as the cause', () => {
    expect(subject(compositeAlarm()).dedupKey).toBe('test/bank_marketing/all/model:status');
    expect(alarmCause(parseAlarmNotification(compositeAlarm()))).toEqual({ alarmName: 'dw-test-bank_marketing-drift-6h-Critical', signal: 'drift:dataset', window: '6h' });
    expect(alarmCause(parseAlarmNotification(metricAlarm()))).toBeNull();
  });

  it.each([
    ['dw-prod-fraud-drift-1d-Critical', 'prod/fraud/1d/drift:dataset'],
    ['dw-prod-fraud-feature-amount-7d-Warning', 'prod/fraud/7d/drift:amount'],
    ['dw-prod-fraud-f1-1d-Critical', 'prod/fraud/1d/performance:f1'],
    ['dw-prod-fraud-label-coverage-1d-Warning', 'prod/fraud/1d/coverage:labels'],
    ['dw-prod-fraud-no-traffic-Critical', 'prod/fraud/all/traffic:dataset'],
  ])('reads %s by name alone as %s', (name, dedupKey) => {
    expect(subject(metricAlarm({ name, metric: 'Custom', namespace: 'Driftwatch', dimensions: [] })).dedupKey).toBe(dedupKey);
  });

  it('refuses an alarm that names no model', () => {
    expect(() => subject(metricAlarm({ name: 'CPU-high', metric: 'CPUUtilization', namespace: 'AWS/EC2', dimensions: [] }))).toThrow(/alarm CPU-high: names no model/);
  });

  it('triggers on ALARM, resolves on OK, does nothing on INSUFFICIENT_DATA', () => {
    const action = (state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA') => alarmAction(parseAlarmNotification(metricAlarm({ state })));
    expect([action('ALARM'), action('OK'), action('INSUFFICIENT_DATA')]).toEqual(['trigger', 'resolve', null]);
  });
});

describe('routes', () => {
  it('pages on Critical and posts to Slack; Warning posts only', () => {
    expect(channelsFor('critical', TOPIC, {})).toEqual(['pagerduty', 'slack']);
    expect(channelsFor('warning', TOPIC, {})).toEqual(['slack']);
  });

  it('lets a topic override the severity (a notify-only feature)', () => {
    expect(channelsFor('critical', TOPIC, parseRoutes(JSON.stringify({ [TOPIC]: ['slack'] })))).toEqual(['slack']);
    expect(() => parseRoutes('{"t": ["email"]}')).toThrow(/DW_ROUTES: t\[0\]: expected "pagerduty" \| "slack", got "email"/);
  });

  it('posts no Slack resolve for a new alarm going INSUFFICIENT_DATA → OK', () => {
    const fresh = parseAlarmNotification(metricAlarm({ state: 'OK', old: 'INSUFFICIENT_DATA' }));
    expect(skipReason('slack', 'resolve', fresh)).toMatch(/nothing was open/);
    expect(skipReason('pagerduty', 'resolve', fresh)).toBeNull();
  });
});
