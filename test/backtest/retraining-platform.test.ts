/** A platform model's own retraining section as the replay's policy (`--config config/<env>.ts --model ID --trainer ...`). */
import { validateConfig } from '../../config';
import { replayPolicyOfModel } from '../../lambda/backtest/retraining/platform';
import { configWith, TRAIN_IMAGE } from '../retraining/config.test-fixture';

const pipeline = { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } };

it("replays the model's triggers, limits and gates, leaving out what its holdout cannot judge, with a notice each", () => {
  const model = validateConfig(
    configWith('prod', {
      pipeline,
      triggers: { drift: { minImportanceShare: 0.4 }, performance: { metrics: ['f1'] } },
      cooldownHours: 24,
      maxPerMonth: 2,
      gates: { metrics: [{ metric: 'roc_auc', threshold: 0.8 }], assertions: ['recall_score >= 0.5', 'recall_score on segment high_risk >= 0.9'], edgeCases: { minPassRate: 1 }, noRegression: { metrics: ['precision_score'], tolerance: 0.01 } },
    }),
  ).models[0];
  const replay = replayPolicyOfModel(model);
  expect(replay?.retraining.policy).toMatchObject({
    triggers: { drift: { minImportanceShare: 0.4 }, performance: { metrics: ['f1'] } },
    cooldownHours: 24,
    maxPerMonth: 2,
    gates: { metrics: [{ metric: 'roc_auc', threshold: 0.8 }], assertions: ['recall_score >= 0.5'], noRegression: { metrics: ['precision_score'], tolerance: 0.01 } },
  });
  expect(replay?.retraining.policy.gates?.edgeCases).toBeUndefined();
  expect(replay?.notices).toEqual([
    'models.fraud_detector.retraining.gates.assertions: "recall_score on segment high_risk >= 0.9" is left out of the replay (its holdout has no segments)',
    'models.fraud_detector.retraining.gates.edgeCases is left out of the replay (it has no edge-case set)',
  ]);
});

it('a model without a retraining section has no policy of its own to replay', () => {
  expect(replayPolicyOfModel(validateConfig(configWith('prod', undefined)).models[0])).toBeNull();
});
