/**
 * The `alerting` section of a model's config: its defaults (existing configs stay valid) and the
 * rules that name the path of each problem (a routed feature must exist and have per-feature
 * metrics, an owner route needs its owner, one owner name is one owner with one set of channels).
 */
import { checkConfig, loadEnvironment, ownerSlug, validateConfig } from '../../config';

const owner = { name: 'Risk ML', email: 'risk@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' };
const payments = { name: 'Payments', email: 'payments@example.com', pagerDutySecretName: 'dw/pay-pd', slackWebhookSecretName: 'dw/pay-slack' };

function model(id: string, alerting?: unknown, extra: Record<string, unknown> = {}) {
  return {
    id,
    owner,
    task: 'regression',
    features: [
      { name: 'amount', kind: 'numeric', importance: 0.6 },
      { name: 'country', kind: 'categorical', importance: 0.3 },
      { name: 'device', kind: 'categorical', importance: 0.1 },
    ],
    prediction: { type: 'value' },
    ...(alerting !== undefined && { alerting }),
    ...extra,
  };
}

function problems(...models: unknown[]): readonly string[] {
  const r = checkConfig({ env: 'test', models });
  return r.ok ? [] : r.problems;
}

test('a config without an alerting section gets the defaults: 3 hours of no traffic, a 0.5 label floor, critical pages, warning posts to Slack, both email', () => {
  const c = validateConfig({ env: 'test', models: [model('m')] });
  expect(c.models[0].alerting).toEqual({
    noTrafficHours: 3,
    labelCoverageFloor: 0.5,
    features: {},
    channels: { critical: ['pagerduty', 'email'], warning: ['slack', 'email'] },
  });
  for (const env of ['dev', 'example', 'prod']) expect(loadEnvironment(env).models.every((m) => m.alerting.noTrafficHours === 3)).toBe(true);
});

test('a feature may page, only notify, or route to another owner', () => {
  const c = validateConfig({
    env: 'test',
    models: [model('m', { features: { amount: { route: 'page' }, country: { route: 'notify' }, device: { route: 'owner', owner: payments } }, channels: { warning: ['slack'] } })],
  });
  expect(c.models[0].alerting.features.device).toEqual({ route: 'owner', owner: payments });
  expect(c.models[0].alerting.channels).toEqual({ critical: ['pagerduty', 'email'], warning: ['slack'] });
});

test('a routed feature must exist in the model and be among its top-K (the only features with per-feature metrics)', () => {
  expect(problems(model('m', { features: { amout: { route: 'notify' } } }))).toEqual([
    'models[0].alerting.features.amout: no feature named "amout" in this model (features: amount, country, device)',
  ]);
  expect(problems(model('m', { features: { device: { route: 'notify' } } }, { monitor: { topK: 2 } }))).toEqual([
    'models[0].alerting.features.device: "device" is not among the model\'s top 2 features by importance (monitor.topK), so it has no per-feature metric to alarm on; raise its importance or monitor.topK',
  ]);
});

test('route "owner" needs an owner, and an owner needs route "owner"', () => {
  expect(problems(model('m', { features: { amount: { route: 'owner' }, country: { route: 'page', owner: payments } } }))).toEqual([
    'models[0].alerting.features.amount.owner: route "owner" needs the owner to route to ({ name, email, pagerDutySecretName, slackWebhookSecretName })',
    'models[0].alerting.features.country.owner: an owner applies only with route "owner", got route "page"',
  ]);
});

test('shape problems name their path: an unknown route, channel or span', () => {
  expect(problems(model('m', { noTrafficHours: 0, features: { amount: { route: 'pager' } }, channels: { critical: ['sms'] } }))).toEqual([
    'models[0].alerting.channels.critical[0]: expected "pagerduty" | "slack" | "email", got "sms"',
    'models[0].alerting.features.amount.route: expected "page" | "notify" | "owner", got "pager"',
    'models[0].alerting.noTrafficHours: expected >= 1, got 0',
  ]);
  expect(problems(model('m', { channels: { warning: ['slack', 'slack'] } }))).toEqual(['models[0].alerting.channels.warning[1]: duplicate channel "slack"']);
});

test('one owner name is one owner: the same email and secrets, and one set of channels for its topics', () => {
  const other = { ...owner, email: 'someone-else@example.com' };
  expect(problems(model('a'), { ...model('b'), owner: other })).toEqual([
    'models[1].owner: owner "Risk ML" differs from the one at models[0].owner: one owner (by name) has one email and one pair of secrets',
  ]);
  expect(problems(model('a'), model('b', { channels: { critical: ['pagerduty'] } }))).toEqual([
    'models[1].alerting.channels: owner "Risk ML" has other channels at models[0].owner: the models of one owner share its topics, so they share channels',
  ]);
  // Spelling out the defaults is the same as leaving them out.
  expect(problems(model('a'), model('b', { channels: { critical: ['pagerduty', 'email'], warning: ['slack', 'email'] } }))).toEqual([]);
  expect(problems(model('a', { features: { amount: { route: 'owner', owner: { ...payments, email: 'x@example.com' } } } }), { ...model('b'), owner: payments })).toEqual([
    'models[1].owner: owner "Payments" differs from the one at models[0].alerting.features.amount.owner: one owner (by name) has one email and one pair of secrets',
  ]);
});

test('an owner slug names its topics; a name without a letter or digit is refused', () => {
  expect(ownerSlug('Risk ML')).toBe('risk-ml');
  expect(ownerSlug('  Growth & Ads / EU ')).toBe('growth-ads-eu');
  expect(problems({ ...model('m'), owner: { ...owner, name: '—' } })).toEqual([
    'models[0].owner.name: "—" needs a letter or digit: the owner\'s name names its SNS topics',
  ]);
});
