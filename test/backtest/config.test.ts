import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateConfig } from '../../config/validate';
import {
  BacktestConfigError,
  backtestConfigFromPlatform,
  loadBacktestConfig,
  loadPlatformBacktestConfig,
  parseBacktestConfig,
} from '../../lambda/backtest';

const valid = { features: [{ name: 'age', kind: 'numeric' }], reference: { rows: 1000 }, window: { rows: 500 } };

function problems(json: unknown): readonly string[] {
  try {
    parseBacktestConfig(json, 'backtest.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BacktestConfigError);
    expect((error as Error).message).toMatch(/^backtest\.json is not a valid backtest config:/);
    return (error as BacktestConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseBacktestConfig', () => {
  it('names the path and the value of each problem', () => {
    expect(problems({ ...valid, window: { rows: -5 } })).toEqual(['window.rows: expected a positive integer, got -5']);
    expect(problems({ ...valid, reference: { rows: 1.5 }, features: [{ name: 'age', kind: 'numerc' }], extra: true })).toEqual([
      'extra: unknown key (check the spelling)',
      'features[0].kind: expected "numeric" | "categorical", got "numerc"',
      'reference.rows: expected a positive integer, got 1.5',
    ]);
    expect(problems({ ...valid, window: { column: 'ts', every: '1x' } })).toEqual([
      'window.every: expected a span such as "1h", "6h", "1d", "7d" or "2w", got "1x"',
    ]);
    expect(problems({ ...valid, window: { every: '1d' } })).toEqual(['window.column: expected the timestamp column that "every" windows are cut on']);
    expect(problems({ ...valid, reference: {} })).toEqual([
      'reference: expected exactly one of {"rows": N} (the first N rows) or {"file": "reference.csv"}',
    ]);
  });

  it('checks thresholds, duplicate features, roles and business metrics', () => {
    expect(
      problems({
        features: [
          { name: 'age', kind: 'numeric', thresholds: { psiWarning: 0.3 } },
          { name: 'age', kind: 'numeric' },
          { name: 'y', kind: 'categorical' },
        ],
        reference: { rows: 10 },
        window: { rows: 10 },
        label: 'y',
        positiveLabel: 'yes',
        metrics: [{ name: 'Caught', kind: 'count', direction: 'higher_is_better' }],
      }),
    ).toEqual([
      'features[0].thresholds.psiWarning: psiCritical (0.25) must be >= psiWarning (0.3); critical is the more severe level',
      'features[1].name: "age" is already features[0]',
      'label: column "y" is also features[2]; a model output or label cannot be a monitored input',
      expect.stringMatching(/^metrics\[0\]: business metric "Caught": invalid name/),
      'predictedLabel: a binary_classification with a label needs predictedLabel (the column of predicted classes)',
    ]);
  });

  it('refuses a pinned test that does not fit the feature kind, and an unknown test', () => {
    expect(
      problems({
        features: [
          { name: 'city', kind: 'categorical', test: 'ks' },
          { name: 'age', kind: 'numeric', test: 'chi_squared' },
        ],
        reference: { rows: 10 },
        window: { rows: 10 },
      }),
    ).toEqual([
      'features[0].test: "ks" applies to numeric features only, got a categorical feature',
      'features[1].test: "chi_squared" applies to categorical features only, got a numeric feature',
    ]);
    // Every problem at once: an unknown test does not hide another feature's misfit.
    expect(
      problems({
        features: [
          { name: 'income', kind: 'numeric', test: 'anderson' },
          { name: 'city', kind: 'categorical', test: 'wasserstein' },
        ],
        reference: { rows: 10 },
        window: { rows: 10 },
      }),
    ).toEqual([
      expect.stringMatching(/^features\[0\]\.test: .*"anderson"/),
      'features[1].test: "wasserstein" applies to numeric features only, got a categorical feature',
    ]);
  });

  it('accepts a full config and infers the task', () => {
    const config = parseBacktestConfig({
      ...valid,
      prediction: 'score',
      predictedLabel: 'predicted',
      label: 'y',
      positiveLabel: 'yes',
      metrics: [{ name: 'yes_rate', kind: 'rate', numerator: { label: 'yes' }, direction: 'higher_is_better' }],
      baseline: { windows: 5, minSamples: 200 },
      delimiter: ';',
    });
    expect(config.metrics?.[0].name).toBe('yes_rate');
    expect(config.baseline).toEqual({ windows: 5, minSamples: 200 });
  });
});

describe('loadBacktestConfig', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-backtest-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads JSON and a .ts module exporting the config as default', async () => {
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(valid));
    fs.writeFileSync(path.join(dir, 'b.ts'), `export default ${JSON.stringify({ ...valid, window: { column: 'ts', every: '1d' } })};\n`);
    expect(await loadBacktestConfig(path.join(dir, 'a.json'))).toEqual(valid);
    expect((await loadBacktestConfig(path.join(dir, 'b.ts'))).window).toEqual({ column: 'ts', every: '1d' });
  });

  it('names the file for bad JSON, a missing file and invalid content', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"features": [');
    await expect(loadBacktestConfig(path.join(dir, 'bad.json'))).rejects.toThrow(/bad\.json is not a valid backtest config:\n {2}not valid JSON/);
    await expect(loadBacktestConfig(path.join(dir, 'none.json'))).rejects.toThrow(/none\.json is not a valid backtest config:\n {2}file not found/);
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ ...valid, window: { rows: 0 } }));
    await expect(loadBacktestConfig(path.join(dir, 'c.json'))).rejects.toThrow(/c\.json is not a valid backtest config:\n {2}window\.rows: expected a positive integer, got 0/);
  });
});

describe('platform config (config/example.ts) → backtest config', () => {
  const example = path.join(__dirname, '../../config/example.ts');

  it("maps a model's features, importance, thresholds, task and roles", async () => {
    const config = await loadPlatformBacktestConfig(example, {
      modelId: 'fraud_detector',
      referenceRows: 1000,
      windowRows: 200,
      columns: ['amount', 'prediction', 'predicted_label', 'label'],
    });
    expect(config).toMatchObject({
      modelId: 'fraud_detector',
      task: 'binary_classification',
      reference: { rows: 1000 },
      window: { rows: 200 },
      prediction: 'prediction',
      predictedLabel: 'predicted_label',
      label: 'label',
      positiveLabel: 'fraud',
    });
    expect(config.features[0]).toEqual({ name: 'amount', kind: 'numeric', importance: 0.31, thresholds: { psiWarning: 0.15, psiCritical: 0.22 } });
    expect(config.features.map((f) => f.name)).toEqual(['amount', 'merchant_category', 'account_age_days', 'country', 'hour_of_day', 'device_type']);
    // A pinned test reaches the backtest (config/example.ts pins merchant_category to chi_squared).
    expect(config.features[1]).toMatchObject({ name: 'merchant_category', test: 'chi_squared' });
  });

  it('leaves out roles whose column is not in the data, and defaults reference and windows from the row count', async () => {
    const config = await loadPlatformBacktestConfig(example, { modelId: 'delivery_eta', dataRows: 10_000, columns: ['distance_km'] });
    expect(config).toMatchObject({ task: 'regression', reference: { rows: 2500 }, window: { rows: 375 } });
    expect(config.prediction).toBeUndefined();
    expect(config.label).toBeUndefined();
  });

  it('names an unknown model and refuses ranking models', async () => {
    await expect(loadPlatformBacktestConfig(example, { modelId: 'nope', referenceRows: 1, windowRows: 1 })).rejects.toThrow(
      /--model "nope": no such model \(models: fraud_detector, ticket_router, delivery_eta, search_ranker\)/,
    );
    await expect(loadPlatformBacktestConfig(example, { modelId: 'search_ranker', referenceRows: 1, windowRows: 1 })).rejects.toThrow(
      /models\[3\]\.task: ranking models cannot be backtested yet/,
    );
  });

  it("carries a model's drift-band settings, validated with path-named errors like the rest of the config", async () => {
    const raw = (await import('../../config/example')).default;
    const withBands = { ...raw, models: raw.models.map((m, i) => (i === 2 ? { ...m, driftBands: { multiplier: 4, minWindows: 8 } } : m)) };
    const config = backtestConfigFromPlatform(validateConfig(withBands), { modelId: 'delivery_eta', referenceRows: 100, windowRows: 10 });
    expect(config.driftBands).toEqual({ multiplier: 4, minWindows: 8 });
    const bad = { ...raw, models: raw.models.map((m, i) => (i === 2 ? { ...m, driftBands: { multiplier: 1 } } : m)) };
    expect(() => validateConfig(bad)).toThrow('models[2].driftBands.warningMultiplier: must not exceed multiplier (1): critical is the more severe level, got 2');
  });

  it('is a pure mapping over a validated config', () => {
    expect(() =>
      backtestConfigFromPlatform({ models: [] } as never, { modelId: 'x', referenceRows: 1, windowRows: 1 }),
    ).toThrow(/no such model/);
  });
});
