/** Development: environment-agnostic stacks (deploy to whatever account/region the CLI targets). */
import { defineConfig } from './define';

export default defineConfig({
  env: 'dev',
  tags: { project: 'driftwatch', environment: 'dev' },
  retention: { predictionDays: 30, labelDays: 30, errorDays: 14 },
  analytics: { bytesScannedCutoffPerQuery: 1024 ** 3, lookbackDays: 14, resultRetentionDays: 7 },
  models: [
    {
      id: 'fraud_detector',
      owner: {
        name: 'Risk ML',
        email: 'risk-ml@example.com',
        pagerDutySecretName: 'driftwatch/dev/risk-ml/pagerduty-routing-key',
        slackWebhookSecretName: 'driftwatch/dev/risk-ml/slack-webhook',
      },
      task: 'binary_classification',
      features: [
        { name: 'amount', kind: 'numeric', importance: 0.4 },
        { name: 'merchant_category', kind: 'categorical', importance: 0.35 },
        { name: 'account_age_days', kind: 'numeric', importance: 0.25 },
      ],
      prediction: { type: 'score', decisionThreshold: 0.5 },
      label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' },
      businessColumns: [
        { name: 'transaction_amount', type: 'double' },
        { name: 'segment', type: 'string' },
      ],
    },
  ],
});
