/**
 * The retraining replay on a history with injected changes (test/backtest/retraining-history.ts):
 * the trigger's decisions (the Lambda's decideTrigger on the monitor's events), the cooldown and the
 * monthly maximum, the gates stopping a promotion, a worse shadow kept out, a canary rolled back.
 */
import { BacktestConfigError, runBacktest, type BacktestResult } from '../../lambda/backtest';
import { backtestMonitor, builtinTrainer, replayRetraining, type Predictions, type RetrainingReplay, type Trainer } from '../../lambda/backtest/retraining';
import type { Dataset } from '../../lambda/core/types';
import { CHANGE_WINDOW, REFERENCE_ROWS, SECOND_CHANGE_WINDOW, WINDOW_ROWS, WINDOWS, retrainingConfig, retrainingHistory } from './retraining-history';

const data = retrainingHistory();
let baseline: BacktestResult;
let defaults: RetrainingReplay;

beforeAll(async () => {
  baseline = await runBacktest({ data, config: retrainingConfig() });
  defaults = await replay({});
});

function replay(retraining: Record<string, unknown>, trainer: Trainer = builtinTrainer()): Promise<RetrainingReplay> {
  return replayRetraining({ data, config: retrainingConfig(retraining), baseline, trainer, monitor: backtestMonitor('history') });
}

const starts = (r: RetrainingReplay) => r.policyArm.steps.filter((s) => s.kind === 'trigger' && s.outcome === 'started').map((s) => s.window);
const column = (name: string) => data.columns.find((c) => c.name === name) as Extract<Dataset['columns'][number], { kind: 'categorical' }>;

/** A trainer whose model answers by a rule of the test's (the port, without fitting anything). */
function ruleTrainer(rule: (x2: number, call: number) => boolean): Trainer {
  return {
    name: 'rule',
    async train() {
      let calls = 0;
      return {
        description: 'a rule on x2',
        async predict(rows: Dataset): Promise<Predictions> {
          const call = ++calls;
          const x2 = rows.columns.find((c) => c.name === 'x2') as { values: Float64Array };
          return { labels: Array.from(x2.values, (v) => (rule(v, call) ? 'yes' : 'no')), scores: null };
        },
      };
    },
  };
}

describe('the retraining replay', () => {
  it('starts a retrain in the window of the injected drift and not before, and the promoted model serves from two windows later', () => {
    expect(starts(defaults)[0]).toBe(CHANGE_WINDOW);
    expect(defaults.policyArm.steps.filter((s) => s.window < CHANGE_WINDOW)).toEqual([]);
    const promotion = defaults.policyArm.steps.find((s) => s.kind === 'promotion' && s.outcome === 'promoted');
    expect(promotion).toMatchObject({ window: CHANGE_WINDOW + 2, version: 'v2' });
    const served = defaults.policyArm.windows.map((w) => w.version);
    expect(served.slice(0, CHANGE_WINDOW + 2).every((v) => v === 'v1')).toBe(true);
    expect(served[CHANGE_WINDOW + 2]).toBe('v2');
  });

  it("reports no retraining's accuracy as the logged model's over every window row, and the policy beats it", () => {
    const label = column('label');
    const predicted = column('predicted');
    let right = 0;
    for (let r = REFERENCE_ROWS; r < data.rowCount; r++) right += label.dictionary[label.codes[r]] === predicted.dictionary[predicted.codes[r]] ? 1 : 0;
    expect(defaults.none.mean).toBeCloseTo(right / (data.rowCount - REFERENCE_ROWS), 12);
    expect(defaults.none.windows).toHaveLength(WINDOWS);
    expect(defaults.policyArm.mean as number).toBeGreaterThan((defaults.none.mean as number) + 0.03);
  });

  it('a calendar retrains as often, evenly spaced', () => {
    const calendar = defaults.calendar as RetrainingReplay['calendar'] & object;
    expect(calendar.retrains).toBe(defaults.policyArm.retrains);
    const windows = calendar.steps.filter((s) => s.kind === 'retrain').map((s) => s.window);
    expect(windows).toEqual([Math.round(WINDOWS / 3) - 1, Math.round((2 * WINDOWS) / 3) - 1]);
  });

  it('respects the cooldown: a second drift inside it is skipped, outside it starts', async () => {
    expect(starts(defaults)).toEqual([CHANGE_WINDOW, SECOND_CHANGE_WINDOW]); // 4 days apart, the default cooldown is 72 h
    const long = await replay({ policy: { cooldownHours: 24 * 6 } });
    expect(starts(long)).toEqual([CHANGE_WINDOW]);
    const skipped = long.policyArm.steps.find((s) => s.kind === 'trigger' && s.window === SECOND_CHANGE_WINDOW);
    expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'cooldown' });
    expect(skipped && 'message' in skipped && skipped.message).toContain('144 h cooldown');
  });

  it('respects the monthly maximum (row windows are days of January 2000)', async () => {
    const capped = await replay({ policy: { cooldownHours: 0, maxPerMonth: 1 } });
    expect(starts(capped)).toEqual([CHANGE_WINDOW]);
    expect(capped.policyArm.steps.find((s) => s.kind === 'trigger' && s.window === SECOND_CHANGE_WINDOW)).toMatchObject({ outcome: 'skipped', reason: 'monthly-max' });
  });

  it('a failing gate stops the promotion: no shadow, the champion keeps serving', async () => {
    const strict = await replay({ policy: { gates: { metrics: [{ metric: 'accuracy_score', threshold: 0.999 }] } } });
    const steps = strict.policyArm.steps;
    expect(strict.policyArm.retrains).toBeGreaterThan(0);
    expect(steps.filter((s) => s.kind === 'gates').every((s) => s.kind === 'gates' && s.verdict === 'fail')).toBe(true);
    expect(steps.filter((s) => s.kind === 'shadow')).toEqual([]);
    const promotions = steps.filter((s) => s.kind === 'promotion');
    expect(promotions.length).toBe(strict.policyArm.retrains);
    for (const p of promotions) expect(p).toMatchObject({ outcome: 'not-promoted', reason: expect.stringContaining('accuracy_score is') });
    expect(strict.policyArm.windows.every((w) => w.version === 'v1')).toBe(true);
    expect(strict.policyArm.mean).toBe(strict.none.mean);
  });

  it('a worse shadow is not promoted', async () => {
    const worse = await replay({ policy: { gates: {} }, calendar: false }, ruleTrainer((x2) => x2 < 0));
    const shadow = worse.policyArm.steps.find((s) => s.kind === 'shadow');
    expect(shadow).toMatchObject({ window: CHANGE_WINDOW + 1, verdict: 'worse' });
    expect(worse.policyArm.steps.find((s) => s.kind === 'promotion')).toMatchObject({ outcome: 'not-promoted', reason: expect.stringContaining('worse') });
    expect(worse.policyArm.promotions).toBe(0);
    expect(worse.policyArm.windows.every((w) => w.version === 'v1')).toBe(true);
    expect(worse.calendar).toBeNull();
  });

  it('a promoted model worse than the champion it replaced in its first window rolls back to it', async () => {
    // Right on the holdout and the shadow (predict calls 1 and 2), wrong once it serves.
    const r = await replay({ policy: { gates: {}, cooldownHours: 24 * 30 }, calendar: false }, ruleTrainer((x2, call) => (call <= 2 ? x2 > 0 : x2 < 0)));
    const rollback = r.policyArm.steps.find((s) => s.kind === 'rollback');
    expect(rollback).toMatchObject({ window: CHANGE_WINDOW + 2, from: 'v2', to: 'v1' });
    expect(r.policyArm.rollbacks).toBe(1);
    expect(r.policyArm.windows.map((w) => w.version).slice(CHANGE_WINDOW + 1, CHANGE_WINDOW + 4)).toEqual(['v1', 'v2', 'v1']);
  });
});

it('replays time windows as it replays row windows: daily windows of the same rows decide and serve the same', async () => {
  const ts = Array.from({ length: data.rowCount }, (_, i) => new Date(Date.UTC(2024, 0, 1) + Math.floor(i / WINDOW_ROWS) * 86_400_000 + (i % WINDOW_ROWS) * 1000).toISOString());
  const days = [...new Set(ts)];
  const timed: Dataset = { ...data, columns: [...data.columns, { kind: 'categorical', name: 'ts', dictionary: days, codes: Int32Array.from(ts, (t) => days.indexOf(t)) }] };
  const config = { ...retrainingConfig(), window: { column: 'ts', every: '1d' } };
  const r = await replayRetraining({ data: timed, config, baseline: await runBacktest({ data: timed, config }), trainer: builtinTrainer(), monitor: backtestMonitor('history') });
  expect(starts(r)).toEqual(starts(defaults));
  expect(r.policyArm.windows.map((w) => w.version)).toEqual(defaults.policyArm.windows.map((w) => w.version));
  expect(r.policyArm.mean).toBeCloseTo(defaults.policyArm.mean as number, 12);
  expect(r.calendar?.mean).toBeCloseTo(defaults.calendar?.mean as number, 12);
});

describe('the retraining config', () => {
  const problems = (retraining: unknown) => {
    try {
      retrainingConfig(retraining as Record<string, unknown>);
    } catch (error) {
      expect(error).toBeInstanceOf(BacktestConfigError);
      return (error as BacktestConfigError).problems.join('\n');
    }
    throw new Error('the config was accepted');
  };

  it('names the field and the value', () => {
    expect(problems({ policy: { cooldownHours: 'soon' } })).toMatch(/^retraining\.policy\.cooldownHours: .*"soon"/m);
    expect(problems({ trainer: { builtin: 'logistic', command: ['python3', 'train.py'] } })).toMatch(/^retraining\.trainer: expected exactly one of/m);
    expect(problems({ training: { holdoutShare: 0.9 } })).toMatch(/^retraining\.training\.holdoutShare: /m);
    expect(problems({ policy: { triggers: { drift: { minImportanceShare: 2 } } } })).toMatch(/^retraining\.policy\.triggers\.drift\.minImportanceShare: /m);
  });

  it('fills the defaults of a model retraining section and the shadow', () => {
    const rc = retrainingConfig({ shadow: {}, training: {} }).retraining;
    expect(rc).toMatchObject({ policy: { cooldownHours: 72, maxPerMonth: 4, triggers: { drift: { minImportanceShare: 0.25 } } }, shadow: { minLabelledRows: 1000, alpha: 0.05 }, trainer: { timeoutSeconds: 600 }, training: { holdoutShare: 0.2 }, calendar: true });
  });

  it('refuses a replay of a model without a predicted class column, naming it', async () => {
    const config = { ...retrainingConfig(), predictedLabel: undefined };
    await expect(replayRetraining({ data, config, baseline, trainer: builtinTrainer(), monitor: backtestMonitor('history') })).rejects.toThrow(/predictedLabel/);
  });
});

it('the history has the windows the tests count on', () => {
  expect(data.rowCount).toBe(REFERENCE_ROWS + WINDOWS * WINDOW_ROWS);
});
