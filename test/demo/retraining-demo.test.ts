/**
 * `npm run demo`'s retraining story on the bank-marketing history: the drift starts a retrain, the
 * gates and the shadow decide, a candidate is promoted, and the accuracy the business would have had
 * with the policy, without retraining and on a calendar — each figure recomputed here from the data
 * and the models the replay says served.
 */
import { readDataset } from '../../lambda/adapters/local';
import type { ReplayArm } from '../../lambda/backtest/retraining';
import { sliceRows } from '../../lambda/core/dataset';
import type { CategoricalColumn, Dataset } from '../../lambda/core/types';
import { BANK_DATA_FILE, BANK_DELIMITER, BANK_FEATURES, BANK_LABEL, BANK_POSITIVE, BANK_REFERENCE_ROWS, predictLabels, scoreDataset, trainDemoModel } from '../../lambda/demo';
import { runDemo, withModelColumns, type DemoOutput } from '../../lambda/demo/run-demo';
import { renderBacktestHtml } from '../../lambda/report/backtest-html';
import { stat } from '../../lambda/report/backtest-text';
import { renderRetrainingText } from '../../lambda/report/retraining-text';

const WINDOW = 2000;
let demo: DemoOutput;
let data: Dataset;

beforeAll(async () => {
  demo = await runDemo();
  data = await readDataset(BANK_DATA_FILE, { delimiter: BANK_DELIMITER });
}, 120_000);

const replay = () => {
  if (!demo.retraining) throw new Error('the demo ran no retraining replay');
  return demo.retraining;
};
const models = new Map<string, ReturnType<typeof trainDemoModel>>();
function train(start: number, end: number) {
  const key = `${start}:${end}`;
  if (!models.has(key)) models.set(key, trainDemoModel(sliceRows(data, { start, end }), { label: BANK_LABEL, positive: BANK_POSITIVE, features: BANK_FEATURES }));
  return models.get(key) as ReturnType<typeof trainDemoModel>;
}

/** The answers of every version an arm served, recomputed: v1 is the demo's model, vN is trained again on the rows its retrain step names. */
function answers(arm: ReplayArm, version: string, rows: Dataset): string[] {
  if (version === 'v1') return predictLabels(train(0, BANK_REFERENCE_ROWS), scoreDataset(train(0, BANK_REFERENCE_ROWS), rows), 'no');
  const step = arm.steps.find((s) => s.kind === 'retrain' && s.version === version);
  if (!step || step.kind !== 'retrain') throw new Error(`no retrain step for ${version}`);
  const model = train(step.trainedOn.start, step.trainedOn.end - step.holdoutRows);
  return predictLabels(model, scoreDataset(model, rows), 'no');
}

/** Accuracy over every window row, each window answered by the version the arm says served it. */
function recomputedAccuracy(arm: ReplayArm): number {
  const label = data.columns.find((c) => c.name === BANK_LABEL) as CategoricalColumn;
  let right = 0;
  for (const w of arm.windows) {
    const start = BANK_REFERENCE_ROWS + w.index * WINDOW;
    const rows = sliceRows(data, { start, end: Math.min(data.rowCount, start + WINDOW) });
    answers(arm, w.version, rows).forEach((a, i) => (right += a === label.dictionary[label.codes[start + i]] ? 1 : 0));
  }
  return right / (data.rowCount - BANK_REFERENCE_ROWS);
}

describe('the demo retraining story', () => {
  it('the first critical dataset drift starts the first retrain; gates and a shadow comparison decide; a candidate is promoted', () => {
    const steps = replay().policyArm.steps;
    const first = steps.find((s) => s.kind === 'trigger' && s.outcome === 'started');
    // Feature pages before it (window 2: day_of_week and marital) carry too little of the importance to retrain on.
    const firstDatasetCritical = demo.result.alerts.find((a) => a.key === 'drift:dataset' && a.severity === 'critical');
    expect(firstDatasetCritical?.window).toBeGreaterThan(demo.result.summary.firstCriticalWindow ?? Infinity);
    expect(first).toMatchObject({ window: firstDatasetCritical?.window, reason: 'policy-met', message: expect.stringContaining('critical dataset drift') });
    expect(steps.filter((s) => s.kind === 'trigger' && s.outcome === 'started' && s.window < (first?.window ?? 0))).toEqual([]);
    expect(steps.some((s) => s.kind === 'gates')).toBe(true);
    const promoted = steps.find((s) => s.kind === 'promotion' && s.outcome === 'promoted');
    const shadow = steps.find((s) => s.kind === 'shadow' && s.verdict === 'better');
    expect(shadow && promoted && promoted.window).toBe((shadow?.window ?? NaN) + 1);
  });

  it("no retraining's accuracy is the demo model's over every window row", () => {
    const model = train(0, BANK_REFERENCE_ROWS);
    const scored = withModelColumns(data, model);
    const predicted = scored.columns.find((c) => c.name === 'predicted') as CategoricalColumn;
    const label = data.columns.find((c) => c.name === BANK_LABEL) as CategoricalColumn;
    let right = 0;
    for (let r = BANK_REFERENCE_ROWS; r < data.rowCount; r++) right += predicted.dictionary[predicted.codes[r]] === label.dictionary[label.codes[r]] ? 1 : 0;
    expect(replay().none.mean).toBeCloseTo(right / (data.rowCount - BANK_REFERENCE_ROWS), 10);
  });

  it('retraining on the policy beats no retraining, by the accuracy of the models that served, recomputed', () => {
    const r = replay();
    const policy = recomputedAccuracy(r.policyArm);
    expect(r.policyArm.mean).toBeCloseTo(policy, 10);
    expect(policy).toBeGreaterThan((r.none.mean as number) + 0.1);
  });

  it('the calendar retrains as often, and its accuracy is that of the models it served', () => {
    const r = replay();
    const calendar = r.calendar as ReplayArm;
    expect(calendar.retrains).toBe(r.policyArm.retrains);
    expect(calendar.mean).toBeCloseTo(recomputedAccuracy(calendar), 10);
  });

  it('the text and HTML reports show the three accuracies', () => {
    const r = replay();
    const text = renderRetrainingText(r);
    expect(text).toContain(`accuracy over the whole history: no retraining ${stat(r.none.mean)}, policy ${stat(r.policyArm.mean)}`);
    expect(text).toContain(`calendar ${stat(r.calendar?.mean)}`);
    const html = renderBacktestHtml(demo.result, { retraining: r });
    expect(html).toContain('<table id="retraining">');
    expect(html).toContain('<h2>Retraining</h2>');
  });
});
