/**
 * The retraining replay of a regression model (test/backtest/retraining-regression-history.ts): the
 * drift that changes the target's rule starts a retrain, the builtin ridge linear regression learns
 * the new rule, the no-regression gate on root_mean_squared_error (lower is better) passes with its
 * numbers, the shadow's paired t-test finds it better, and the served RMSE drops below no
 * retraining's; a worse candidate is refused by the gate; the config errors name their field.
 */
import { BacktestConfigError, runBacktest, type BacktestResult } from '../../lambda/backtest';
import { backtestMonitor, builtinTrainer, replayRetraining, runRetrainingBacktest, trainerFromFlag, trainerOf, type Predictions, type RetrainingReplay, type Trainer } from '../../lambda/backtest/retraining';
import type { BacktestConfig } from '../../lambda/backtest';
import type { Dataset } from '../../lambda/core/types';
import { retrainingSection } from '../../lambda/report/retraining-html';
import { renderRetrainingText, retrainingStory } from '../../lambda/report/retraining-text';
import { retrainingConfig, retrainingHistory } from './retraining-history';
import { CHANGE_WINDOW, NOISE, regressionConfig, regressionHistory } from './retraining-regression-history';

const data = regressionHistory();
const rmseConfig = (retraining: Record<string, unknown> = {}) => regressionConfig(retraining, { keyMetric: 'rmse' });
let baseline: BacktestResult;
let replay: RetrainingReplay;

function run(config: BacktestConfig, trainer: Trainer = builtinTrainer('linear'), base: BacktestResult = baseline): Promise<RetrainingReplay> {
  return replayRetraining({ data, config, baseline: base, trainer, monitor: backtestMonitor('history') });
}

beforeAll(async () => {
  baseline = await runBacktest({ data, config: rmseConfig() });
  replay = await run(rmseConfig());
});

const steps = (r: RetrainingReplay, kind: string) => r.policyArm.steps.filter((s) => s.kind === kind);

describe('the retraining replay of a regression model', () => {
  it('starts a retrain at the drift, trains the builtin linear regression and promotes it two windows later', () => {
    const started = steps(replay, 'trigger').filter((s) => s.kind === 'trigger' && s.outcome === 'started');
    expect(started[0]).toMatchObject({ window: CHANGE_WINDOW });
    expect(steps(replay, 'retrain')[0]).toMatchObject({ window: CHANGE_WINDOW, version: 'v2', description: expect.stringContaining('builtin linear regression (ridge') });
    expect(replay.trainer).toBe('builtin linear regression');
    expect(replay.policyArm.steps.find((s) => s.kind === 'promotion' && s.outcome === 'promoted')).toMatchObject({ window: CHANGE_WINDOW + 2, version: 'v2' });
    expect(replay.policyArm.windows[CHANGE_WINDOW + 2].version).toBe('v2');
  });

  it('gates on root_mean_squared_error, lower is better: the candidate passes at <= the champion, delta below 0', () => {
    const gates = steps(replay, 'gates')[0];
    expect(gates).toMatchObject({ verdict: 'pass', version: 'v2' });
    const check = gates.kind === 'gates' ? gates.checks[0] : undefined;
    expect(check).toMatchObject({ id: 'no_regression:root_mean_squared_error', status: 'pass' });
    const { value, threshold, delta } = check as { value: number; threshold: number; delta: number };
    expect(value).toBeLessThan(1.5 * NOISE); // the new rule learnt: about the noise
    expect(threshold).toBeGreaterThan(3); // the logged model follows the old rule
    expect(delta).toBeCloseTo(value - threshold, 12);
    expect(delta).toBeLessThan(0);
    expect(replay.policy.gates).toEqual(['no regression against the champion on root_mean_squared_error (tolerance 0)']);
  });

  it('the shadow comparison is the paired t-test on the rmse losses, and the candidate is better', () => {
    const shadow = steps(replay, 'shadow')[0];
    expect(shadow).toMatchObject({ window: CHANGE_WINDOW + 1, verdict: 'better' });
    expect(shadow.kind === 'shadow' && shadow.summary).toMatch(/^candidate rmse [\d.]+ vs champion [\d.]+ on 500 labelled rows \(paired-t, p = [\d.e-]+, alpha 0\.05\): better$/);
    if (shadow.kind === 'shadow') expect(shadow.candidate as number).toBeLessThan(shadow.champion as number);
  });

  it('the served RMSE after the retrain is lower than without retraining, and the report says lower is better', () => {
    expect(replay.greaterIsBetter).toBe(false);
    const after = (r: RetrainingReplay['none']) => r.windows.filter((w) => w.index >= CHANGE_WINDOW + 2);
    for (const [i, w] of after(replay.policyArm).entries()) expect(w.value as number).toBeLessThan(after(replay.none)[i].value as number);
    expect(replay.policyArm.mean as number).toBeLessThan(replay.none.mean as number);
    expect(replay.none.windows[CHANGE_WINDOW].value as number).toBeGreaterThan(3);
    const text = renderRetrainingText(replay);
    expect(text).toContain('rmse (lower is better) of the served model per window');
    expect(text).toMatch(/rmse \(lower is better\) over the whole history: no retraining [\d.]+, policy [\d.]+/);
    expect(retrainingSection(replay)).toContain('<caption>rmse (lower is better) of the served model per window');
    expect(retrainingStory(replay)).toMatch(/rmse \(lower is better\) over the history: [\d.]+ without retraining, [\d.]+ with the policy \(-[\d.]+\)/);
  });

  it('by default the key metric is mae: the shadow compares mae, the gate is on mean_absolute_error', async () => {
    const config = regressionConfig({ calendar: false });
    const r = await run(config, builtinTrainer('linear'), await runBacktest({ data, config }));
    expect(r.keyMetric).toBe('mae');
    expect(r.policy.shadow).toMatch(/^mae, /);
    expect(steps(r, 'gates')[0]).toMatchObject({ verdict: 'pass', checks: [{ id: 'no_regression:mean_absolute_error', status: 'pass' }] });
    expect(r.policyArm.mean as number).toBeLessThan(r.none.mean as number);
  });
});

/** A regression trainer whose model answers a constant: worse than the logged model even after the change. */
const constantTrainer: Trainer = {
  name: 'constant',
  async train() {
    return { description: 'the constant 0', predict: async (rows: Dataset): Promise<Predictions> => ({ labels: [], scores: null, values: new Float64Array(rows.rowCount) }) };
  },
};

it('a worse candidate is refused by the no-regression gate: not shadowed, not promoted', async () => {
  const r = await run(rmseConfig({ calendar: false }), constantTrainer);
  const gates = steps(r, 'gates');
  expect(gates.length).toBe(r.policyArm.retrains);
  for (const g of gates) {
    expect(g).toMatchObject({ verdict: 'fail', checks: [{ id: 'no_regression:root_mean_squared_error', status: 'fail' }] });
    const check = g.kind === 'gates' ? g.checks[0] : undefined;
    expect((check?.value as number) > (check?.threshold as number) && (check?.delta as number) > 0).toBe(true);
  }
  expect(steps(r, 'shadow')).toEqual([]);
  expect(steps(r, 'promotion').every((p) => p.kind === 'promotion' && p.outcome === 'not-promoted' && /root_mean_squared_error is [\d.]+, needs <= /.test(p.reason))).toBe(true);
  expect(r.policyArm.windows.every((w) => w.version === 'v1')).toBe(true);
});

describe('the regression replay config', () => {
  const problemsOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BacktestConfigError);
    return (error as BacktestConfigError).problems.join('\n');
  };

  it('builtin linear on a classifier names retraining.trainer.builtin and the value', async () => {
    const classifier = retrainingConfig({ trainer: { builtin: 'linear' } });
    const history = retrainingHistory();
    const base = await runBacktest({ data: history, config: classifier });
    expect(await problemsOf(runRetrainingBacktest({ data: history, config: classifier, baseline: base }))).toMatch(/^retraining\.trainer\.builtin: "linear" fits a regression, the model is a binary classification/m);
  });

  it('builtin logistic on a regression names retraining.trainer.builtin, --trainer names the flag', async () => {
    expect(await problemsOf(runRetrainingBacktest({ data, config: rmseConfig({ trainer: { builtin: 'logistic' } }), baseline }))).toMatch(/^retraining\.trainer\.builtin: "logistic" fits a binary classifier, the model is a regression: use "linear"/m);
    expect(() => trainerOf({ builtin: 'logistic', timeoutSeconds: 600 }, '.', 'regression', '--trainer')).toThrow(BacktestConfigError);
    expect(trainerOf({ timeoutSeconds: 600 }, '.', 'regression').name).toBe('builtin linear regression');
    expect(trainerOf({ timeoutSeconds: 600 }, '.', 'binary_classification').name).toBe('builtin logistic regression');
    expect([trainerFromFlag('builtin'), trainerFromFlag('linear'), trainerFromFlag('logistic')].map((t) => t.builtin)).toEqual([undefined, 'linear', 'logistic']);
  });

  it('a shadow metric a regression cannot compare names retraining.shadow.metric', async () => {
    expect(await problemsOf(run(rmseConfig({ shadow: { metric: 'accuracy', minLabelledRows: 200 } })))).toMatch(/^retraining\.shadow\.metric: "accuracy" is not a metric the shadow comparison of a regression tests \(mae, rmse, mape\)/m);
  });

  it('an unknown builtin model names the field and the value', () => {
    let problems = '';
    try {
      rmseConfig({ trainer: { builtin: 'forest' } });
    } catch (error) {
      problems = (error as BacktestConfigError).problems.join('\n');
    }
    expect(problems).toMatch(/^retraining\.trainer\.builtin: .*"forest"/m);
  });
});
