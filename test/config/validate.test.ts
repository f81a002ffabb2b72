import {
  ConfigValidationError,
  UnknownEnvironmentError,
  checkConfig,
  environmentNames,
  loadEnvironment,
  modelRecordSpec,
  validateConfig,
  type DriftwatchConfigInput,
} from '../../config';
import example from '../../config/example';
import { predictionColumns } from '../../lambda/core/schema/record-schema';

const owner = {
  name: 'Risk ML',
  email: 'risk@example.com',
  pagerDutySecretName: 'dw/pd',
  slackWebhookSecretName: 'dw/slack',
};

function model(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    owner,
    task: 'regression',
    features: [
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'categorical' },
    ],
    prediction: { type: 'value' },
    ...extra,
  };
}

function problems(input: unknown): readonly string[] {
  const r = checkConfig(input);
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.problems;
}

describe('registered environments', () => {
  it('dev, prod and example all validate, and the example has several models', () => {
    expect(environmentNames()).toEqual(['dev', 'example', 'prod']);
    for (const name of environmentNames()) expect(loadEnvironment(name).env).toBe(name);
    expect(loadEnvironment('example').models.length).toBeGreaterThanOrEqual(3);
  });

  it('prod pins account and region; dev is environment-agnostic', () => {
    expect(loadEnvironment('prod')).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
    expect(loadEnvironment('dev').account).toBeUndefined();
  });

  it('an unknown environment names the available ones', () => {
    expect(() => loadEnvironment('staging')).toThrow(UnknownEnvironmentError);
    expect(() => loadEnvironment('staging')).toThrow('Unknown environment "staging": available environments are dev, example, prod');
    expect(() => loadEnvironment(undefined)).toThrow('-c env=<name> (available: dev, example, prod)');
  });

  it('fills defaults a config leaves out (schedules, baseline, retention, Athena limits)', () => {
    const c = validateConfig({ env: 'test', models: [model('m')] });
    expect(c.modelsPerStack).toBe(20);
    expect(c.analytics).toEqual({ bytesScannedCutoffPerQuery: 10 * 1024 ** 3, lookbackDays: 14, resultRetentionDays: 30 });
    expect(c.retention).toEqual({ predictionDays: 400, labelDays: 400, errorDays: 90 });
    expect(c.models[0]).toMatchObject({ schedules: { profile: 'rate(1 hour)', score: 'rate(1 day)' }, baseline: { days: 21 }, businessColumns: [] });
  });

  it('maps a model to the record contract the tables are built from', () => {
    const fraud = loadEnvironment('example').models[0];
    const names = predictionColumns(modelRecordSpec(fraud)).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['prediction_id', 'amount', 'merchant_category', 'prediction', 'predicted_label', 'transaction_amount', 'segment']));
  });
});

describe('invalid configs', () => {
  it('lists every problem at once, each with its path', () => {
    const input = {
      env: 'dev',
      models: [
        model('ok_one'),
        model('ok_two'),
        model('third', {
          features: [
            { name: 'a', kind: 'numeric' },
            { name: 'b', kind: 'numeric' },
            { name: 'c', kind: 'numeric' },
            { name: 'd', kind: 'numeric' },
            { name: 'e', kind: 'numeric' },
            { name: 'f', kind: 'numerc' },
          ],
          owner: { ...owner, email: 'not-an-email' },
        }),
      ],
    };
    expect(problems(input)).toEqual([
      'models[2].features[5].kind: expected "numeric" | "categorical", got "numerc"',
      'models[2].owner.email: expected an email address, got "not-an-email"',
    ]);
  });

  it('rejects names that could inject SQL with the identifier rule', () => {
    const input = { env: 'dev', models: [model('m', { features: [{ name: 'x"; DROP TABLE t; --', kind: 'numeric' }] })] };
    const [problem] = problems(input);
    expect(problem).toMatch(/^models\[0\]\.features\[0\]\.name: "x\\"; DROP TABLE t; --" is not a valid identifier/);
    expect(problems({ env: 'dev', models: [model('Fraud-Model')] })[0]).toMatch(/^models\[0\]\.id: "Fraud-Model" is not a valid identifier/);
    expect(problems({ env: 'dev', models: [model('m', { businessColumns: [{ name: 'amount)', type: 'double' }] })] })[0]).toMatch(
      /^models\[0\]\.businessColumns\[0\]\.name: "amount\)" is not a valid identifier/,
    );
  });

  it('rejects duplicate model ids and feature names, pointing at both places', () => {
    const input = {
      env: 'dev',
      models: [model('fraud'), model('fraud', { features: [{ name: 'a', kind: 'numeric' }, { name: 'a', kind: 'categorical' }] })],
    };
    expect(problems(input)).toEqual([
      'models[1].features[1].name: duplicate feature name "a" (first defined at models[1].features[0].name)',
      'models[1].id: duplicate model id "fraud" (first defined at models[0].id)',
    ]);
  });

  it('rejects feature names that collide with the record envelope or partitions', () => {
    const input = { env: 'dev', models: [model('m', { features: [{ name: 'prediction', kind: 'numeric' }, { name: 'dt', kind: 'categorical' }] })] };
    expect(problems(input)).toEqual([
      'models[0].features[0].name: "prediction" is a reserved column name of the record contract; rename the feature',
      'models[0].features[1].name: "dt" is a reserved column name of the record contract; rename the feature',
    ]);
  });

  it('checks tests against feature kinds, threshold order and task-specific fields', () => {
    const input = {
      env: 'dev',
      models: [
        model('m', {
          task: 'binary_classification',
          prediction: { type: 'value' },
          label: { classes: ['no', 'yes'], positiveClass: 'maybe' },
          features: [
            { name: 'a', kind: 'categorical', test: 'ks' },
            { name: 'b', kind: 'numeric', thresholds: { psiWarning: 0.3, psiCritical: 0.25 } },
          ],
        }),
      ],
    };
    expect(problems(input)).toEqual([
      'models[0].features[0].test: "ks" applies to numeric features only, got a categorical feature',
      'models[0].features[1].thresholds.psiCritical: psiCritical (0.25) must be >= psiWarning (0.3); critical is the more severe level',
      'models[0].label.positiveClass: expected one of "no" | "yes", got "maybe"',
      'models[0].prediction.type: expected "score" for task "binary_classification", got "value"',
    ]);
  });

  it('rejects unknown keys (a typo is not silently ignored) and a model id too long for stream names', () => {
    const input = { env: 'dev', modelsPerStak: 3, models: [model('a_model_id_that_is_much_too_long_for_firehose')] };
    expect(problems(input)).toEqual([
      'models[0].id: "a_model_id_that_is_much_too_long_for_firehose" is 45 characters long; the limit is 32',
      'modelsPerStak: unknown key (check the spelling)',
    ]);
  });

  it('throws a ConfigValidationError naming the source and every problem', () => {
    const input: DriftwatchConfigInput = { ...example, env: 'Example!' } as DriftwatchConfigInput;
    try {
      validateConfig(input, 'config/example.ts');
      throw new Error('not rejected');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      expect((e as Error).message).toContain('Invalid config config/example.ts (1 problem):');
      expect((e as ConfigValidationError).problems).toEqual(['env: expected 1-10 lower-case letters or digits, starting with a letter, got "Example!"']);
    }
  });
});
