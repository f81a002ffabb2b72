/** The `retraining` section of a model's config: defaults, the digest rule outside dev, gates that read. */
import { checkConfig, validateConfig, type ConfigCheck } from '../../config';
import { gatesFromConfig, retrainPolicyFromConfig } from '../../lambda/retraining/policy';
import { configWith, DIGEST, TRAIN_IMAGE } from './config.test-fixture';

/** The problems of a failed check ([] when it passed). */
const problemsOf = (check: ConfigCheck): readonly string[] => (check.ok ? [] : check.problems);

const minimal = { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } };

test('a minimal retraining section gets the documented defaults', () => {
  const r = validateConfig(configWith('prod', minimal)).models[0].retraining!;
  expect(retrainPolicyFromConfig(r)).toEqual({
    enabled: true,
    drift: { enabled: true, minImportanceShare: 0.25 },
    performanceMetrics: [],
    businessMetrics: [],
    businessSeverity: 'critical',
    requireBusinessConfirmation: false,
    cooldownHours: 72,
    maxPerMonth: 4,
  });
  expect(r.pipeline).toMatchObject({ instanceType: 'ml.m5.xlarge', instanceCount: 1, volumeSizeGb: 30, maxRuntimeHours: 24, processingInstanceType: 'ml.m5.large', freshDays: 28, hyperparameters: {} });
  expect(gatesFromConfig(r.gates)).toEqual([]);
});

test('a model without a retraining section stays valid and is never retrained', () => {
  expect(validateConfig(configWith('prod', undefined)).models[0].retraining).toBeUndefined();
});

test.each(['prod', 'staging'])('a tag without a digest is refused in env %s, naming the field', (env) => {
  const check = checkConfig(configWith(env, { ...minimal, pipeline: { ...minimal.pipeline, image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train:v3', inferenceImage: 'serve:latest' } }));
  expect(check.ok).toBe(false);
  const problems = problemsOf(check);
  expect(problems).toHaveLength(2);
  expect(problems[0]).toMatch(/^models\[0\]\.retraining\.pipeline\.image: "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/fraud-train:v3" is not pinned by digest: outside env "dev" the image must be <repository>@sha256:<64 hex digits>/);
  expect(problems[1]).toMatch(/^models\[0\]\.retraining\.pipeline\.inferenceImage: "serve:latest" is not pinned by digest/);
});

test('a tag without a digest is allowed in dev; a tag with a digest anywhere', () => {
  expect(checkConfig(configWith('dev', { ...minimal, pipeline: { ...minimal.pipeline, image: 'fraud-train:latest' } })).ok).toBe(true);
  expect(checkConfig(configWith('prod', { ...minimal, pipeline: { ...minimal.pipeline, image: `fraud-train:v3@${DIGEST}` } })).ok).toBe(true);
  const bad = checkConfig(configWith('dev', { ...minimal, pipeline: { ...minimal.pipeline, image: 'Fraud Train' } }));
  expect(problemsOf(bad)).toEqual(['models[0].retraining.pipeline.image: "Fraud Train" is not an image reference; expected <registry>/<repository>@sha256:<64 hex digits> (a tag before the @ may stay)']);
});

test('gates: assertions that do not read, unknown directions and unknown trigger metrics are refused with their paths', () => {
  const check = checkConfig(
    configWith('prod', {
      ...minimal,
      triggers: { performance: { metrics: ['f1', 'auc'] } },
      gates: {
        metrics: [{ metric: 'fraud_dollars_caught', threshold: 1000 }, { metric: 'recall_score' }],
        assertions: ['recall_score on segment high_risk >= 0.90', 'recall is good'],
        noRegression: { metrics: ['precision_score', 'lift'] },
      },
    }),
  );
  expect(problemsOf(check)).toEqual([
    'models[0].retraining.gates.assertions[1]: cannot read the assertion "recall is good": expected "<metric> [on segment <segment>] >=|<=|>|< <number>", e.g. "recall_score on segment high_risk >= 0.90"',
    'models[0].retraining.gates.metrics[0].greaterIsBetter: "fraud_dollars_caught" is not one of MLflow\'s default metric names, so which way is better is not known: say greaterIsBetter',
    'models[0].retraining.gates.metrics[1]: a metric gate needs threshold, minAbsoluteChange or minRelativeChange',
    'models[0].retraining.gates.noRegression.metrics[1]: "lift" is not one of MLflow\'s default metric names, so which way is better is not known: say greaterIsBetter ({ metric: "lift", greaterIsBetter: true | false })',
    'models[0].retraining.triggers.performance.metrics[1]: "auc" is not a metric the monitor computes for a binary_classification (accuracy, precision, recall, f1, macro_f1)',
  ]);
});

test('gates resolve to the engine\'s gates in order, directions filled in', () => {
  const r = validateConfig(
    configWith('prod', {
      ...minimal,
      gates: {
        metrics: [{ metric: 'roc_auc', threshold: 0.9, minRelativeChange: 0.01 }, { metric: 'fraud_dollars_caught', threshold: 1000, greaterIsBetter: true }],
        assertions: ['recall_score on segment high_risk >= 0.90'],
        edgeCases: { minPassRate: 0.95 },
        noRegression: { metrics: ['log_loss', { metric: 'lift', greaterIsBetter: true }], tolerance: 0.01 },
      },
    }),
  ).models[0].retraining!;
  expect(gatesFromConfig(r.gates)).toEqual([
    { kind: 'metric', metric: 'roc_auc', greaterIsBetter: true, threshold: 0.9, minRelativeChange: 0.01 },
    { kind: 'metric', metric: 'fraud_dollars_caught', greaterIsBetter: true, threshold: 1000 },
    { kind: 'assertion', metric: 'recall_score', segment: 'high_risk', comparison: '>=', value: 0.9 },
    { kind: 'edge_cases', minPassRate: 0.95, required: [], minCases: 1 },
    { kind: 'no_regression', tolerance: 0.01, metrics: [{ metric: 'log_loss', greaterIsBetter: false }, { metric: 'lift', greaterIsBetter: true }] },
  ]);
});
