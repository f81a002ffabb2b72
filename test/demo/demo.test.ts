import * as fs from 'fs';
import * as path from 'path';
import { readDataset } from '../../lambda/adapters/local';
import type { BacktestResult } from '../../lambda/backtest';
import { sliceRows } from '../../lambda/core/dataset';
import { BANK_2009_ROW, BANK_FEATURES, featureImportances, trainDemoModel } from '../../lambda/demo';
import { DEFAULT_DEMO_DATA, DEMO_CONFIG } from '../../lambda/demo/run-demo';
import { run, tempDir } from '../cli/helpers';

/** The demo runs once (about 10 s) on the real file; every test reads its outputs. */
const temp = tempDir('driftwatch-demo-');
let demo: { code: number; stdout: string; stderr: string };
let result: BacktestResult;

beforeAll(async () => {
  demo = await run(['demo', '--out', 'report.html', '--json', 'result.json', '--quiet'], temp.dir);
  result = JSON.parse(fs.readFileSync(path.join(temp.dir, 'result.json'), 'utf8'));
});
afterAll(() => temp.cleanup());

const boundaryWindow = () => result.windows.findIndex((w) => Number(w.start) <= BANK_2009_ROW && BANK_2009_ROW < Number(w.end));

describe('driftwatch demo on bank-additional-full.csv', () => {
  it('runs, prints the model and the timeline, and writes the HTML report', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Model: logistic regression');
    expect(demo.stdout).toContain('duration left out');
    expect(demo.stdout).toContain('Backtest of model bank-telemarketing-demo: 16 windows of 2,000 rows');
    expect(demo.stdout).toContain('Wrote the HTML report to report.html');
    const html = fs.readFileSync(path.join(temp.dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('euribor3m');
    expect(html).toContain('<svg');
  });

  it('windows of 2,000 rows follow the 10,000 reference rows; the 2008 → 2009 boundary is in window 8', () => {
    expect(result.reference.rows).toBe(10_000);
    expect(result.windows.map((w) => [w.start, w.end]).slice(0, 2)).toEqual([
      [10_000, 12_000],
      [12_000, 14_000],
    ]);
    expect(result.windows.at(-1)).toMatchObject({ end: 41_188, partial: true });
    expect(boundaryWindow()).toBe(8);
  });

  it('flags euribor3m and nr.employed in every window after the 2008 → 2009 boundary, with the dataset drifted', () => {
    const after = result.windows.slice(boundaryWindow());
    // Dataset status weighs features by the model's importances (the macro indicators carry little):
    // at least a warning everywhere after the boundary, critical in most windows.
    expect(after.filter((w) => w.drift.status === 'critical').length).toBeGreaterThan(after.length / 2);
    for (const w of after) {
      expect(w.drift.status).not.toBe('ok');
      for (const name of ['euribor3m', 'nr.employed']) {
        const feature = w.features.find((f) => f.name === name);
        expect(w.drift.drifted).toContain(name);
        expect(feature?.psi).toBeGreaterThan(0.25);
      }
    }
    // A critical dataset-drift alert names them before the boundary: the rates started falling in Q4 2008.
    const datasetAlert = result.alerts.find((a) => a.kind === 'drift' && a.severity === 'critical' && a.feature === undefined);
    expect(datasetAlert?.window).toBeLessThanOrEqual(boundaryWindow());
    expect(datasetAlert?.message).toContain('euribor3m');
    expect(datasetAlert?.message).toContain('nr.employed');
  });

  it('has performance metrics in every window, calibrated on the 4 baseline windows, and catches the collapse', () => {
    for (const w of result.windows) {
      expect(w.labelled).toBe(w.rows);
      for (const metric of ['accuracy', 'precision', 'f1', 'subscribers_found', 'calls_per_subscriber']) {
        expect(Number.isFinite(w.metrics[metric]?.value)).toBe(true);
      }
    }
    expect(result.baseline.windows).toBe(4);
    expect(result.calibration.accuracy).toMatchObject({ ok: true, windows: 4 });
    expect(result.windows.slice(0, 4).every((w) => w.metrics.accuracy.status === null)).toBe(true);
    // Out of its training range (euribor3m ~1 instead of ~4.9) the model calls every client: accuracy
    // falls to the positive rate, far below the calibrated critical threshold, in every 2009–2010 window.
    for (const w of result.windows.slice(boundaryWindow())) expect(w.metrics.accuracy.status).toBe('critical');
    expect(result.alerts.some((a) => a.kind === 'performance' && a.metric === 'accuracy' && a.severity === 'critical')).toBe(true);
  });

  it("config/backtest/bank-demo.json carries the model's importances (|coefficient| × std shares)", async () => {
    const bank = await readDataset(DEFAULT_DEMO_DATA, { delimiter: ';' });
    const model = trainDemoModel(sliceRows(bank, { start: 0, end: 10_000 }), { label: 'y', positive: 'yes', features: BANK_FEATURES });
    const config = JSON.parse(fs.readFileSync(DEMO_CONFIG, 'utf8')) as { features: { name: string; importance: number }[] };
    const configured = new Map(config.features.map((f) => [f.name, f.importance]));
    for (const { name, importance } of featureImportances(model)) expect(configured.get(name)).toBeCloseTo(importance, 4);
    expect(config.features.map((f) => f.name).sort()).toEqual([...BANK_FEATURES].sort());
  });
});

describe('driftwatch demo errors', () => {
  it('names the missing data file and the fix', async () => {
    const missing = await run(['demo', '--data', 'nowhere/bank.csv', '--quiet'], temp.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(path.join(temp.dir, 'nowhere/bank.csv'));
    expect(missing.stderr).toContain('pass --data PATH/TO/bank-additional-full.csv');
  });

  it('rejects an unknown option with usage help', async () => {
    const bad = await run(['demo', '--window', '5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Run 'driftwatch demo --help' for usage.");
  });
});
