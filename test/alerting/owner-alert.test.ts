/** Driftwatch's own alerts for a model's owner: read strictly, rendered for the notifier and for email. */
import { OWNER_ALERT_FORMAT, isOwnerAlert, ownerAlertEmail, ownerAlertIncident, ownerAlertSnsMessage, parseOwnerAlert, type OwnerAlert } from '../../lambda/alerting/owner-alert';
import { notifierInput } from '../../lambda/notifier/records';

const alert: OwnerAlert = {
  format: OWNER_ALERT_FORMAT,
  id: 'gates:exec-7',
  env: 'prod',
  modelId: 'fraud',
  signal: 'retraining:gates',
  severity: 'warning',
  title: 'fraud: retraining candidate failed its gates',
  summary: 'recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)',
  at: '2026-11-26T03:00:00.000Z',
  links: [{ href: 'https://eu-west-1.console.aws.amazon.com/s3/object/b?prefix=r', text: 'Gate report (S3 console)' }],
  facts: { 'assertion:recall_score@high_risk': 'recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)' },
};

it('a bad alert is refused, naming each bad field and its value', () => {
  expect(() => parseOwnerAlert({ ...alert, env: 'Prod', severity: 'info' })).toThrow(/not a Driftwatch owner alert: .*env.*"Prod".*severity.*"info"/s);
  expect(() => parseOwnerAlert('{nope')).toThrow(/not a Driftwatch owner alert: the message is not JSON/);
});

it('is told apart from a CloudWatch alarm, as a string or an object, and read from a direct invocation', () => {
  expect(isOwnerAlert(JSON.stringify(alert))).toBe(true);
  expect(isOwnerAlert(alert)).toBe(true);
  expect(isOwnerAlert(JSON.stringify({ AlarmName: 'dw-prod-fraud-drift-Critical' }))).toBe(false);
  expect(notifierInput(alert).deliveries[0].message).toEqual(alert);
});

it('becomes an incident under a dedup key of the monitor’s shape, with the facts as its note', () => {
  const incident = ownerAlertIncident(parseOwnerAlert(JSON.stringify(alert)));
  expect(incident.subject).toEqual({ env: 'prod', modelId: 'fraud', window: null, signal: 'retraining:gates', severity: 'warning', dedupKey: 'prod/fraud/all/retraining:gates' });
  expect(incident.report.note).toBe('assertion:recall_score@high_risk: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)');
});

it('is published with a JSON body for subscribers and plain text for email', () => {
  const sns = ownerAlertSnsMessage(alert);
  expect(sns.MessageStructure).toBe('json');
  expect(sns.Subject).toBe('Driftwatch warning: fraud: retraining candidate failed its gates');
  const bodies = JSON.parse(sns.Message) as { default: string; email: string };
  expect(JSON.parse(bodies.default)).toEqual(alert);
  expect(bodies.email).toBe(ownerAlertEmail(alert));
  expect(bodies.email).toContain('Gate report (S3 console): https://eu-west-1.console.aws.amazon.com/s3/object/b?prefix=r');
});
