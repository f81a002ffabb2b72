/** Production: pinned account and region, long retention, the models that are live. */
import { defineConfig } from './define';

export default defineConfig({
  env: 'prod',
  account: '123456789012',
  region: 'eu-west-1',
  tags: { project: 'driftwatch', environment: 'prod' },
  // Deleting a production stack takes turning this off first (the buckets and key are retained anyway).
  compliance: { profile: 'standard', terminationProtection: true },
  retention: { predictionDays: 400, labelDays: 400, errorDays: 90 },
  analytics: { bytesScannedCutoffPerQuery: 20 * 1024 ** 3, lookbackDays: 14, resultRetentionDays: 30 },
  models: [
    {
      id: 'fraud_detector',
      owner: {
        name: 'Risk ML',
        email: 'risk-ml@example.com',
        pagerDutySecretName: 'driftwatch/prod/risk-ml/pagerduty-routing-key',
        slackWebhookSecretName: 'driftwatch/prod/risk-ml/slack-webhook',
      },
      task: 'binary_classification',
      features: [
        { name: 'amount', kind: 'numeric', importance: 0.4, thresholds: { psiWarning: 0.15, psiCritical: 0.22 } },
        { name: 'merchant_category', kind: 'categorical', importance: 0.35 },
        { name: 'account_age_days', kind: 'numeric', importance: 0.25 },
      ],
      prediction: { type: 'score', decisionThreshold: 0.5 },
      label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' },
      businessColumns: [
        { name: 'transaction_amount', type: 'double' },
        { name: 'segment', type: 'string' },
      ],
      baseline: { days: 28 },
    },
  ],
});
