import { checkConfig, validateConfig } from '../../config';

const owner = { name: 'Risk ML', email: 'risk@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' };

function config(promotion: unknown, task = 'binary_classification') {
  const classification = task !== 'regression' && task !== 'ranking';
  return {
    env: 'test',
    models: [
      {
        id: 'fraud',
        owner,
        task,
        features: [{ name: 'amount', kind: 'numeric' }],
        prediction: { type: classification ? 'score' : task === 'ranking' ? 'rank_score' : 'value' },
        ...(task === 'binary_classification' ? { label: { classes: ['0', '1'], positiveClass: '1' } } : {}),
        promotion,
      },
    ],
  };
}

function problems(input: unknown): readonly string[] {
  const r = checkConfig(input);
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.problems;
}

describe('promotion config', () => {
  it('an endpoint name alone gets the documented defaults: manual approval, 1000 labelled rows, a 10% canary', () => {
    const p = validateConfig(config({ endpointName: 'fraud-prod' })).models[0].promotion;
    expect(p).toEqual({
      endpointName: 'fraud-prod',
      autoApprove: false,
      instanceType: 'ml.m5.large',
      instanceCount: 1,
      shadow: { minLabelledRows: 1000, alpha: 0.05, maxChecks: 48, checkIntervalMinutes: 60, bootstrapResamples: 2000 },
      canary: { sizePercent: 10, waitMinutes: 30, terminationWaitMinutes: 10, alarms: { errors5xx: 5, latencyP99Ms: 1000, performanceRatio: 0.8 } },
      capture: { samplingPercent: 100, champion: true },
    });
  });

  it('a model without a promotion section is never promoted', () => {
    expect(validateConfig(config(undefined)).models[0].promotion).toBeUndefined();
  });

  it('a shadow metric the monitor does not compute for the task is refused, naming the metric and the allowed ones', () => {
    expect(problems(config({ endpointName: 'fraud-prod', shadow: { metric: 'roc_auc' } }))).toEqual([
      'models[0].promotion.shadow.metric: "roc_auc" is not a metric the monitor computes for a binary_classification (accuracy, precision, recall, f1, macro_f1)',
    ]);
    expect(validateConfig(config({ endpointName: 'p', shadow: { metric: 'rmse' } }, 'regression')).models[0].promotion?.shadow.metric).toBe('rmse');
  });

  it('a ranking model cannot be promoted', () => {
    expect(problems(config({ endpointName: 'rank-prod' }, 'ranking')).join('\n')).toMatch(/models\[0\]\.promotion: a ranking model cannot be promoted/);
  });

  it('a bad endpoint name, a canary bake over SageMaker\'s 60 minutes and a non-role ARN are each named', () => {
    const text = problems(config({ endpointName: 'fraud_prod', executionRoleArn: 'arn:aws:iam::123456789012:user/me', canary: { waitMinutes: 90 } })).join('\n');
    expect(text).toMatch(/promotion\.endpointName: expected a SageMaker endpoint name/);
    expect(text).toMatch(/promotion\.executionRoleArn: expected an IAM role ARN/);
    expect(text).toMatch(/promotion\.canary\.waitMinutes/);
  });
});
