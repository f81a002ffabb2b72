/**
 * A worked example with one model per task type. Copy it to `config/<env>.ts` and register the
 * file in `config/environments.ts`.
 */
import { defineConfig } from './define';

const riskTeam = {
  name: 'Risk ML',
  email: 'risk-ml@example.com',
  pagerDutySecretName: 'driftwatch/example/risk-ml/pagerduty-routing-key',
  slackWebhookSecretName: 'driftwatch/example/risk-ml/slack-webhook',
};

const growthTeam = {
  name: 'Growth ML',
  email: 'growth-ml@example.com',
  pagerDutySecretName: 'driftwatch/example/growth-ml/pagerduty-routing-key',
  slackWebhookSecretName: 'driftwatch/example/growth-ml/slack-webhook',
};

export default defineConfig({
  env: 'example',
  tags: { project: 'driftwatch', environment: 'example' },
  analytics: { bytesScannedCutoffPerQuery: 5 * 1024 ** 3, lookbackDays: 14 },
  models: [
    {
      id: 'fraud_detector',
      description: 'Card-not-present fraud score',
      owner: riskTeam,
      task: 'binary_classification',
      features: [
        { name: 'amount', kind: 'numeric', importance: 0.31, thresholds: { psiWarning: 0.15, psiCritical: 0.22 } },
        { name: 'merchant_category', kind: 'categorical', importance: 0.22, test: 'chi_squared' },
        { name: 'account_age_days', kind: 'numeric', importance: 0.12, test: 'ks' },
        { name: 'country', kind: 'categorical', importance: 0.08 },
        { name: 'hour_of_day', kind: 'numeric', importance: 0.05 },
        { name: 'device_type', kind: 'categorical', importance: 0.02 },
      ],
      prediction: { type: 'score', decisionThreshold: 0.7 },
      label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' },
      businessColumns: [
        { name: 'transaction_amount', type: 'double' },
        { name: 'segment', type: 'string' },
      ],
      schedules: { profile: 'rate(1 hour)', score: 'cron(0 6 * * ? *)' },
      baseline: { days: 28 },
      retention: { predictionDays: 730 },
    },
    {
      id: 'ticket_router',
      description: 'Routes support tickets to a queue',
      owner: growthTeam,
      task: 'multiclass_classification',
      features: [
        { name: 'text_length', kind: 'numeric', importance: 0.2 },
        { name: 'language', kind: 'categorical', importance: 0.4 },
        { name: 'product_area', kind: 'categorical', importance: 0.4, test: 'jensen_shannon' },
      ],
      prediction: { type: 'score' },
      label: { classes: ['billing', 'technical', 'account', 'other'] },
      businessColumns: [{ name: 'segment', type: 'string' }],
    },
    {
      id: 'delivery_eta',
      description: 'Minutes until delivery',
      owner: growthTeam,
      task: 'regression',
      features: [
        { name: 'distance_km', kind: 'numeric', importance: 0.5, test: 'wasserstein' },
        { name: 'courier_load', kind: 'numeric', importance: 0.3 },
        { name: 'city', kind: 'categorical', importance: 0.2 },
      ],
      prediction: { type: 'value' },
      businessColumns: [{ name: 'order_value', type: 'double' }],
    },
    {
      id: 'search_ranker',
      description: 'Product search re-ranker',
      owner: growthTeam,
      task: 'ranking',
      features: [
        { name: 'bm25', kind: 'numeric', importance: 0.4 },
        { name: 'price', kind: 'numeric', importance: 0.2 },
        { name: 'category', kind: 'categorical', importance: 0.2 },
        { name: 'position', kind: 'numeric', importance: 0.2 },
      ],
      prediction: { type: 'rank_score' },
      label: { k: 10 },
      businessColumns: [
        { name: 'query_id', type: 'string' },
        { name: 'revenue', type: 'double' },
      ],
    },
  ],
});
