/**
 * The external trainer's file contract, with real scripts written into a temp dir and run by node:
 * `<command> train TRAIN_CSV MODEL_FILE`, `<command> predict MODEL_FILE ROWS_CSV PREDICTIONS_CSV`;
 * and a trainer that exits non-zero or writes garbage fails with the command and the file named.
 */
import * as fs from 'fs';
import * as path from 'path';
import { commandTrainer } from '../../lambda/backtest/retraining';
import { toCsv } from '../../lambda/backtest/retraining/csv-write';
import { sliceRows } from '../../lambda/core/dataset';
import { run, tempDir } from '../cli/helpers';
import { CHANGE_WINDOW, retrainingConfig, retrainingHistory } from './retraining-history';

const temp = tempDir('driftwatch-trainer-');
afterAll(() => temp.cleanup());
const data = retrainingHistory();
const config = retrainingConfig();
const spec = { task: 'classification' as const, features: config.features.map((f) => ({ name: f.name, kind: f.kind })), label: 'label', positiveLabel: 'yes', classes: ['no', 'yes'] };
const features = (rows: typeof data) => ({ rowCount: rows.rowCount, columns: rows.columns.filter((c) => ['x1', 'x2', 'segment'].includes(c.name)) });
const trainRows = () => ({ ...sliceRows(data, { start: 5000, end: 5500 }), columns: sliceRows(data, { start: 5000, end: 5500 }).columns.filter((c) => ['x1', 'x2', 'segment', 'label'].includes(c.name)) });

/** A trainer that learns a threshold on x2 (the midpoint of its mean among yes and among no) and logs its calls. */
const TRAINER = `
const fs = require('fs');
const [mode, ...files] = process.argv.slice(2);
const read = (f) => fs.readFileSync(f, 'utf8').trim().split('\\n').map((l) => l.split(','));
if (mode === 'train') {
  const [header, ...rows] = read(files[0]);
  fs.appendFileSync('calls.log', JSON.stringify({ mode, header, rows: rows.length, label: process.env.DW_LABEL }) + '\\n');
  const x2 = header.indexOf('x2'), y = header.indexOf(process.env.DW_LABEL);
  const mean = (v) => { const r = rows.filter((row) => row[y] === v); return r.reduce((s, row) => s + Number(row[x2]), 0) / r.length; };
  fs.writeFileSync(files[1], JSON.stringify({ threshold: (mean(process.env.DW_POSITIVE_LABEL) + mean('no')) / 2 }));
} else {
  const { threshold } = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  const [header, ...rows] = read(files[1]);
  fs.appendFileSync('calls.log', JSON.stringify({ mode, header, rows: rows.length }) + '\\n');
  const x2 = header.indexOf('x2');
  const out = rows.map((row) => { const v = Number(row[x2]) - threshold; return (v > 0 ? 'yes' : 'no') + ',' + 1 / (1 + Math.exp(-4 * v)); });
  fs.writeFileSync(files[2], ['predicted,score', ...out].join('\\n') + '\\n');
}
`;

function script(name: string, text: string): void {
  temp.write(name, text);
}

const trainer = (name: string) => commandTrainer({ command: ['node', name], cwd: temp.dir, timeoutSeconds: 60 });

describe('the trainer command contract', () => {
  it('trains from TRAIN_CSV (features then label) and predicts ROWS_CSV (features only) into PREDICTIONS_CSV', async () => {
    script('trainer.js', TRAINER);
    fs.rmSync(path.join(temp.dir, 'calls.log'), { force: true });
    const model = await trainer('trainer.js').train(trainRows(), spec);
    const rows = sliceRows(data, { start: 5500, end: 6000 });
    const p = await model.predict(features(rows));
    const calls = fs.readFileSync(path.join(temp.dir, 'calls.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(calls).toEqual([
      { mode: 'train', header: ['x1', 'x2', 'segment', 'label'], rows: 500, label: 'label' },
      { mode: 'predict', header: ['x1', 'x2', 'segment'], rows: 500 },
    ]);
    expect(p.labels).toHaveLength(500);
    expect(p.scores).toHaveLength(500);
    const label = rows.columns.find((c) => c.name === 'label') as { codes: Int32Array; dictionary: readonly string[] };
    const right = p.labels.filter((l, i) => l === label.dictionary[label.codes[i]]).length;
    expect(right / 500).toBeGreaterThan(0.8); // after the change the label follows x2
  });

  it('a trainer that exits non-zero fails with the command, its exit code and its stderr', async () => {
    script('bad.js', "console.error('boom: no GPU here'); process.exit(3);");
    await expect(trainer('bad.js').train(trainRows(), spec)).rejects.toThrow(/^trainer command node bad\.js train \S+train\.csv \S+model exited with code 3; its stderr ends: boom: no GPU here$/);
  });

  it('a trainer that writes no model fails naming the model file', async () => {
    script('lazy.js', '');
    await expect(trainer('lazy.js').train(trainRows(), spec)).rejects.toThrow(/^trainer command node lazy\.js train .*: it exited 0 but wrote no model to \S+model/);
  });

  it('garbage predictions fail naming the command and the predictions file', async () => {
    script('garbage.js', `const fs = require('fs'); const [mode, ...f] = process.argv.slice(2);
if (mode === 'train') fs.writeFileSync(f[1], 'm'); else fs.writeFileSync(f[2], Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));`);
    const model = await trainer('garbage.js').train(trainRows(), spec);
    await expect(model.predict(features(sliceRows(data, { start: 0, end: 10 })))).rejects.toThrow(/^trainer command node garbage\.js predict \S+model \S+rows-1\.csv \S+predictions-1\.csv: \S+predictions-1\.csv (cannot be read|has no "predicted" column)/);
  });

  it('predictions for the wrong number of rows fail, saying how many', async () => {
    script('short.js', `const fs = require('fs'); const [mode, ...f] = process.argv.slice(2);
if (mode === 'train') fs.writeFileSync(f[1], 'm'); else fs.writeFileSync(f[2], 'predicted\\nyes\\n');`);
    const model = await trainer('short.js').train(trainRows(), spec);
    await expect(model.predict(features(sliceRows(data, { start: 0, end: 10 })))).rejects.toThrow(/predictions-1\.csv has 1 predictions for 10 rows/);
  });

  it('a command that cannot start says so', async () => {
    const missing = commandTrainer({ command: ['no-such-trainer-program'], cwd: temp.dir, timeoutSeconds: 60 });
    await expect(missing.train(trainRows(), spec)).rejects.toThrow(/^trainer command no-such-trainer-program train .* could not start \(ENOENT/);
  });
});

describe('driftwatch backtest with a trainer command', () => {
  const write = (name: string, trainerFile: string) => {
    const json = { ...JSON.parse(JSON.stringify(retrainingConfig())), retraining: { trainer: { command: ['node', trainerFile] }, shadow: { minLabelledRows: 200 }, training: { rows: 500 }, calendar: false } };
    temp.write(name, JSON.stringify(json));
  };

  beforeAll(() => {
    script('trainer.js', TRAINER);
    temp.write('history.csv', toCsv(data.columns, data.rowCount));
  });

  it('replays the policy with it: the drift starts a retrain, its candidate is promoted (--format json)', async () => {
    write('config.json', 'trainer.js');
    const out = await run(['backtest', '--data', 'history.csv', '--config', 'config.json', '--format', 'json', '-q'], temp.dir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const replay = JSON.parse(out.stdout).retraining;
    expect(replay.trainer).toBe('command node trainer.js');
    const started = replay.policyArm.steps.filter((s: { kind: string; outcome?: string }) => s.kind === 'trigger' && s.outcome === 'started');
    expect(started[0].window).toBe(CHANGE_WINDOW);
    expect(replay.policyArm.promotions).toBeGreaterThanOrEqual(1);
    expect(replay.policyArm.mean).toBeGreaterThan(replay.none.mean);
    expect(replay.calendar).toBeNull();
  });

  it('--trainer builtin replays the default policy on a config without a retraining section', async () => {
    const json = JSON.parse(JSON.stringify(retrainingConfig()));
    delete json.retraining;
    temp.write('plain.json', JSON.stringify(json));
    const out = await run(['backtest', '--data', 'history.csv', '--config', 'plain.json', '--trainer', 'builtin', '-q'], temp.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Retraining replay (trainer: builtin logistic regression)');
    expect(out.stdout).toMatch(/window {2}6 {2}trigger {4}started \(policy-met\): critical dataset drift/);
    expect(out.stdout).toMatch(/accuracy over the whole history: no retraining [\d.]+, policy [\d.]+ \(\d+ retrains?, \d+ promoted, \d+ rolled back\), calendar /);
  });

  it('a failing trainer exits 2 naming the command', async () => {
    script('bad.js', "console.error('boom'); process.exit(3);");
    write('bad.json', 'bad.js');
    const out = await run(['backtest', '--data', 'history.csv', '--config', 'bad.json', '-q'], temp.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/trainer command node bad\.js train \S+ \S+ exited with code 3; its stderr ends: boom/);
  });
});
