/** `driftwatch backtest` in-process: formats, progress, exit codes 0/1/2 and path-named errors. */
import * as fs from 'fs';
import * as path from 'path';
import { csvText, run, tempDir } from '../cli/helpers';
import { syntheticConfig, syntheticHistory } from './synthetic';
import type { BacktestResult } from '../../lambda/backtest';

const tmp = tempDir('driftwatch-backtest-cli-');
let dataFile: string;
let configFile: string;

beforeAll(() => {
  const data = syntheticHistory();
  const header = data.columns.map((c) => c.name);
  const rows = Array.from({ length: data.rowCount }, (_, i) =>
    data.columns.map((c) => (c.kind === 'numeric' ? c.values[i] : c.dictionary[c.codes[i]])),
  );
  dataFile = tmp.write('history.csv', csvText(header, rows));
  configFile = tmp.write('backtest.json', JSON.stringify(syntheticConfig));
});
afterAll(() => tmp.cleanup());

describe('driftwatch backtest', () => {
  it('prints the timeline, the alerts and a summary; progress goes to stderr; exit 0', async () => {
    const r = await run(['backtest', '--data', 'history.csv', '--config', 'backtest.json'], tmp.dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Backtest of model synthetic on history.csv: 12 windows of 500 rows, reference the first 2,000 rows.');
    expect(lines.find((l) => /^ +5 +4,500–5,000 +500 +✓ ok/.test(l))).toBeDefined();
    expect(lines.find((l) => /^ +6 +5,000–5,500 +500 +✖ critical +x1 1\.\d+! .*✖dataset ✖x1/.test(l))).toBeDefined();
    expect(r.stdout).toMatch(/\[window 6\] CRITICAL drift: model synthetic: feature "x1" drift critical/);
    expect(r.stdout).toMatch(/Summary: critical\. 12 windows, 6 with drift; \d+ critical and \d+ warning alerts; first critical drift alert in window 6\./);
    expect(r.stderr).toContain('driftwatch backtest: profiling 12 windows (288 hourly batches) in one query…');
    expect(r.stderr).toContain('driftwatch backtest: window 12/12');
  }, 60_000);

  it('writes JSON and HTML reports with --out, and is quiet with -q', async () => {
    const json = await run(['backtest', '--data', dataFile, '--config', configFile, '--format', 'json', '--out', 'r.json', '-q'], tmp.dir);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(json.stdout).toMatch(/^Wrote the json report to r\.json\. Summary: critical\./);
    const parsed = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'r.json'), 'utf8'));
    expect(parsed.windows[6]).toMatchObject({ index: 6, start: 5000, end: 5500, rows: 500, status: 'critical' });
    expect(parsed.alerts[0]).toMatchObject({ window: 6, severity: 'critical', kind: 'drift' });

    const html = await run(['backtest', '--data', dataFile, '--config', configFile, '--format', 'html', '-q'], tmp.dir);
    expect(html.code).toBe(0);
    expect(fs.readFileSync(path.join(tmp.dir, 'driftwatch-backtest.html'), 'utf8')).toMatch(/^<!doctype html>.*<svg /s);
  }, 60_000);

  it('exits 1 with --fail-on critical when a critical alert would have fired', async () => {
    const r = await run(['backtest', '--data', dataFile, '--config', configFile, '--fail-on', 'critical', '-q'], tmp.dir);
    expect(r.code).toBe(1);
  }, 60_000);

  it('exits 2 with path-named config errors', async () => {
    tmp.write('bad.json', JSON.stringify({ ...syntheticConfig, window: { rows: -5 } }));
    const r = await run(['backtest', '--data', dataFile, '--config', 'bad.json'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.json is not a valid backtest config:\n  window.rows: expected a positive integer, got -5');
  });

  it('exits 2 naming the data file and column when a configured column is missing', async () => {
    tmp.write('missing.json', JSON.stringify({ ...syntheticConfig, features: [{ name: 'income', kind: 'numeric' }] }));
    const r = await run(['backtest', '--data', 'history.csv', '--config', 'missing.json', '-q'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^driftwatch backtest: error: history\.csv: the feature column "income" is not in the data \(columns: "x1"/);
  });

  it('exits 2 on usage errors: missing options, a platform config without --model, bad numbers', async () => {
    expect((await run(['backtest', '--data', dataFile])).stderr).toContain('missing --config FILE');
    const example = path.join(__dirname, '../../config/example.ts');
    const noModel = await run(['backtest', '--data', dataFile, '--config', example]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/is a platform config \(it lists models\): choose one with --model ID/);
    const bad = await run(['backtest', '--data', dataFile, '--config', example, '--model', 'fraud_detector', '--window-rows=-3']);
    expect(bad.stderr).toContain('--window-rows: expected a positive integer, got "-3"');
  });

  it('backtests a model of the platform config with --model', async () => {
    const example = path.join(__dirname, '../../config/example.ts');
    const rows = Array.from({ length: 600 }, (_, i) => [((i * 37) % 100) + (i >= 400 ? 80 : 0), ['de', 'fr'][i % 2]]);
    tmp.write('ticket.csv', csvText(['text_length', 'language', 'product_area'], rows.map((r, i) => [...r, ['a', 'b'][i % 2]])));
    const r = await run(['backtest', '--data', 'ticket.csv', '--config', example, '--model', 'ticket_router', '--reference-rows', '200', '--window-rows', '100', '-q'], tmp.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Backtest of model ticket_router on ticket\.csv: 4 windows of 100 rows/);
    expect(r.stdout).toMatch(/\[window 2\] CRITICAL drift: model ticket_router: feature "text_length" drift critical/);
  }, 60_000);

  it('backtests a platform model in time windows, reading the window column as timestamps and the features with their kinds', async () => {
    const example = path.join(__dirname, '../../config/example.ts');
    // product_area is categorical in the config although its values look like numbers.
    const rows = Array.from({ length: 480 }, (_, i) => [
      ((i * 37) % 100) + (i >= 360 ? 80 : 0),
      ['de', 'fr'][i % 2],
      String(i % 3),
      new Date(Date.UTC(2024, 4, 1) + i * 3_600_000).toISOString(),
    ]);
    tmp.write('timed.csv', csvText(['text_length', 'language', 'product_area', 'event_time'], rows));
    const args = ['backtest', '--data', 'timed.csv', '--config', example, '--model', 'ticket_router', '--reference-rows', '120', '--every', '1d', '--format', 'json', '-q'];
    const r = await run(args, tmp.dir);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout) as BacktestResult;
    expect(result.window).toEqual({ column: 'event_time', every: '1d' });
    expect(result.windows.map((w) => w.rows)).toEqual(Array(15).fill(24));
    expect(result.windows[0].start).toBe('2024-05-06T00:00:00.000Z');
    expect(result.windows[0].features.find((f) => f.name === 'product_area')?.kind).toBe('categorical');
    // Days of 24 rows are below the model's monitor.minRows (100): measured, not judged.
    const last = result.windows.at(-1);
    expect(last?.sample?.reason).toBe('too few rows: 24 < 100, drift not judged');
    expect(last?.features.find((f) => f.name === 'text_length')?.psi).toBeGreaterThan(1);
    expect(last?.status).toBe('ok');
  }, 60_000);

  it('prints its help', async () => {
    const r = await run(['backtest', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: driftwatch backtest --data FILE --config FILE/);
    expect((await run(['--help'])).stdout).toContain('backtest   Replay history window by window');
  });
});
