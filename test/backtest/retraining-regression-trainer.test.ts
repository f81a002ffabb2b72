/**
 * The trainer command contract for a regression model: PREDICTIONS_CSV has a `prediction` column,
 * one number per row of ROWS_CSV; DW_TASK is `regression`. A tiny node trainer (least squares of y on
 * x2) drives the replay through `driftwatch backtest`; a predictions file with a value that is not a
 * number, or none, fails naming the command, the file and the data line.
 */
import { commandTrainer } from '../../lambda/backtest/retraining';
import { toCsv } from '../../lambda/backtest/retraining/csv-write';
import { sliceRows } from '../../lambda/core/dataset';
import type { Dataset } from '../../lambda/core/types';
import { run, tempDir } from '../cli/helpers';
import { CHANGE_WINDOW, regressionConfig, regressionHistory } from './retraining-regression-history';

const temp = tempDir('driftwatch-regression-trainer-');
afterAll(() => temp.cleanup());
const data = regressionHistory();
const spec = { task: 'regression' as const, features: regressionConfig().features.map((f) => ({ name: f.name, kind: f.kind })), label: 'y', classes: [] };
const only = (rows: Dataset, names: readonly string[]): Dataset => ({ rowCount: rows.rowCount, columns: rows.columns.filter((c) => names.includes(c.name)) });
const trainRows = () => only(sliceRows(data, { start: 5000, end: 5500 }), ['x1', 'x2', 'segment', 'y']);
const featureRows = (start: number, end: number) => only(sliceRows(data, { start, end }), ['x1', 'x2', 'segment']);

/** Least squares of the label on x2; it refuses to run for any task but regression. */
const TRAINER = `
const fs = require('fs');
const [mode, ...files] = process.argv.slice(2);
if (process.env.DW_TASK !== 'regression') { console.error('DW_TASK is ' + process.env.DW_TASK); process.exit(4); }
const read = (f) => fs.readFileSync(f, 'utf8').trim().split('\\n').map((l) => l.split(','));
if (mode === 'train') {
  const [header, ...rows] = read(files[0]);
  const x = rows.map((r) => Number(r[header.indexOf('x2')])), y = rows.map((r) => Number(r[header.indexOf(process.env.DW_LABEL)]));
  const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
  const slope = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
  fs.writeFileSync(files[1], JSON.stringify({ slope, intercept: my - slope * mx }));
} else {
  const { slope, intercept } = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  const [header, ...rows] = read(files[1]);
  const out = rows.map((r) => String(intercept + slope * Number(r[header.indexOf('x2')])));
  fs.writeFileSync(files[2], ['prediction', ...out].join('\\n') + '\\n');
}
`;

const trainer = (name: string) => commandTrainer({ command: ['node', name], cwd: temp.dir, timeoutSeconds: 60 });

/** A trainer whose predictions file is `text`, whatever the rows. */
function fixed(name: string, text: string): void {
  temp.write(name, `const fs = require('fs'); const [mode, ...f] = process.argv.slice(2);
if (mode === 'train') fs.writeFileSync(f[1], 'm'); else fs.writeFileSync(f[2], ${JSON.stringify(text)});`);
}

describe('the trainer command contract for a regression', () => {
  it('reads the numeric prediction column, one value per row, in order', async () => {
    temp.write('linear.js', TRAINER);
    const model = await trainer('linear.js').train(trainRows(), spec);
    const p = await model.predict(featureRows(5500, 6000));
    expect(p.labels).toEqual([]);
    expect(p.values).toHaveLength(500);
    const x2 = (featureRows(5500, 6000).columns.find((c) => c.name === 'x2') as { values: Float64Array }).values;
    const y = (sliceRows(data, { start: 5500, end: 6000 }).columns.find((c) => c.name === 'y') as { values: Float64Array }).values;
    // The new rule y ≈ 10 + 3·x2 (+ the segment's 2 and the noise): the fit tracks it row by row.
    const rmse = Math.sqrt(Array.from(y).reduce((s, v, i) => s + (v - (p.values as Float64Array)[i]) ** 2, 0) / 500);
    expect(rmse).toBeLessThan(1.6);
    expect((p.values as Float64Array)[0]).toBeCloseTo(10.67 + 3 * x2[0], 0);
  });

  it('a value that is not a number fails naming the command, the file and the data line', async () => {
    fixed('words.js', 'prediction\n1.5\nabout ten\n3\n');
    const model = await trainer('words.js').train(trainRows(), spec);
    await expect(model.predict(featureRows(0, 3))).rejects.toThrow(/^trainer command node words\.js predict \S+model \S+rows-1\.csv \S+predictions-1\.csv: \S+predictions-1\.csv has a prediction that is not a number on data line 2: "about ten" \(expected a CSV with a header "prediction" and one line per row\)$/);
  });

  it('a missing value and a missing column fail naming the data line and the columns', async () => {
    fixed('gap.js', 'prediction,note\n1.5,a\n,b\n');
    const gap = await trainer('gap.js').train(trainRows(), spec);
    await expect(gap.predict(featureRows(0, 2))).rejects.toThrow(/node gap\.js predict .*predictions-1\.csv has no prediction on data line 2/);
    fixed('classes.js', 'predicted\nyes\nno\n');
    const classes = await trainer('classes.js').train(trainRows(), spec);
    await expect(classes.predict(featureRows(0, 2))).rejects.toThrow(/node classes\.js predict .*predictions-1\.csv has no "prediction" column \(its columns: "predicted"\)/);
  });
});

it('driftwatch backtest replays a regression model with the command trainer (--format json)', async () => {
  temp.write('linear.js', TRAINER);
  temp.write('history.csv', toCsv(data.columns, data.rowCount));
  const json = { ...JSON.parse(JSON.stringify(regressionConfig())), keyMetric: 'rmse', retraining: { trainer: { command: ['node', 'linear.js'] }, shadow: { minLabelledRows: 200 }, training: { rows: 500 }, calendar: false } };
  temp.write('config.json', JSON.stringify(json));
  const out = await run(['backtest', '--data', 'history.csv', '--config', 'config.json', '--format', 'json', '-q'], temp.dir);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const replay = JSON.parse(out.stdout).retraining;
  expect(replay).toMatchObject({ trainer: 'command node linear.js', keyMetric: 'rmse', greaterIsBetter: false });
  expect(replay.policyArm.steps.find((s: { kind: string; outcome?: string }) => s.kind === 'trigger' && s.outcome === 'started').window).toBe(CHANGE_WINDOW);
  expect(replay.policyArm.promotions).toBeGreaterThanOrEqual(1);
  expect(replay.policyArm.mean).toBeLessThan(replay.none.mean);
});
