/** A config with one model and the given retraining section (the retraining tests' fixture). */
import type { DriftwatchConfigInput } from '../../config';

export const DIGEST = `sha256:${'ab'.repeat(32)}`;
export const TRAIN_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train@${DIGEST}`;

export function configWith(env: string, retraining: unknown): DriftwatchConfigInput {
  return {
    env,
    models: [
      {
        id: 'fraud_detector',
        owner: { name: 'Risk ML', email: 'risk-ml@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' },
        task: 'binary_classification',
        features: [
          { name: 'amount', kind: 'numeric', importance: 0.4 },
          { name: 'merchant_category', kind: 'categorical', importance: 0.35 },
          { name: 'account_age_days', kind: 'numeric', importance: 0.25 },
        ],
        prediction: { type: 'score' },
        label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' },
        retraining,
      },
    ],
  } as DriftwatchConfigInput;
}

