/**
 * `npm run eval`: detection quality on real data with a documented change, for Driftwatch's
 * defaults and two peers' default rules on exactly the same windows.
 *
 * For each dataset: the backtest runs with `config/backtest/eval-<name>.json` (features with their
 * kinds only — no importances, no thresholds: every default, drift bands included), and Driftwatch "alarms" in a window
 * when its dataset-level drift status is critical. The peers (test/eval/peers/) see the same
 * reference rows and the same windows (start/end taken from the backtest result) as raw arrays:
 * - Evidently: its default per-column test selection, dataset drift when ≥ 50% of columns drift;
 * - SageMaker Model Monitor: L∞ distance per feature > 0.1 → violation, alarm on any violation.
 *
 * Measured per method: detection delay (the first alarmed window that holds rows after the change:
 * rows from the change to that window's end, and windows counted from the one containing the
 * change = 1), false alarms (alarmed windows that end at or before the change) and, for context,
 * how many windows after the change alarm.
 *
 * Writes the table to stdout and as markdown to test/eval/RESULTS.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseCsv, readDataset, readFileBytes } from '../../lambda/adapters/local';
import { loadBacktestConfig, runBacktest, type BacktestConfig, type BacktestResult } from '../../lambda/backtest';
import { sliceRows } from '../../lambda/core/dataset';
import type { Dataset } from '../../lambda/core/types';
import { featureImportances, trainDemoModel } from '../../lambda/demo';
import { datasetFile, type DatasetName } from '../support/datasets';
import { evidentlyDrift } from './peers/evidently';
import { sageMakerDrift } from './peers/sagemaker';

const ROOT = path.join(__dirname, '../..');
export const CONFIG_DIR = path.join(ROOT, 'config/backtest');
const RESULTS = path.join(__dirname, 'RESULTS.md');

export interface EvalDataset {
  readonly name: string;
  /** The dataset's original file name; `datasetFile` gives the shipped copy (test/datasets/README.md). */
  readonly file: DatasetName;
  readonly config: string;
  /** First row after the documented change. */
  readonly change: number;
  readonly changeNote: string;
  readonly load: (file: string) => Promise<Dataset>;
  /** Why this reference and window size. */
  readonly sizing: string;
  /** A binary label: adds a row with importances from the demo model trained on the reference rows. */
  readonly label?: { readonly column: string; readonly positive: string };
}

export const DATASETS: readonly EvalDataset[] = [
  {
    name: 'INSECTS gradual',
    file: 'INSECTS-gradual_balanced_24150.csv',
    config: 'eval-insects.json',
    change: 14_028,
    changeNote: 'temperature-driven drift, documented change point',
    // No header row: name the 33 features f0..f32 and the class column.
    load: async (file) => {
      const header = `${Array.from({ length: 33 }, (_, i) => `f${i}`).join(',')},class\n`;
      return parseCsv(Buffer.concat([Buffer.from(header), await readFileBytes(file)]), { fileName: file, kinds: { class: 'categorical' } });
    },
    sizing: 'reference 2,000 rows, windows of 1,000 rows (12 full windows before the change)',
  },
  {
    name: 'Elec2',
    file: 'elec2_electricity.csv',
    config: 'eval-elec2.json',
    change: 17_424,
    changeNote: 'vicprice, vicdemand, transfer start varying',
    load: (file) => readDataset(file),
    label: { column: 'class', positive: 'UP' },
    sizing: 'reference 4,032 rows (12 weeks of half-hours), windows of 336 rows (1 week); `date` (the normalised time axis, which only grows) is not a feature for any method',
  },
  {
    name: 'Bank marketing',
    file: 'bank-additional-full.csv',
    config: 'eval-bank.json',
    change: 27_690,
    changeNote: 'first row of 2009 (2008 → 2009)',
    load: (file) => readDataset(file, { delimiter: ';' }),
    label: { column: 'y', positive: 'yes' },
    sizing: 'reference 10,000 rows (as the demo), windows of 2,000 rows',
  },
];

const IMPORTANCE_METHOD = 'Driftwatch (model importances)';
const PAGES_METHOD = 'Driftwatch (defaults, feature pages too)';
const FIXED_METHOD = 'Driftwatch (drift bands off)';
const METHODS = ['Driftwatch (defaults)', 'Evidently (default tests)', 'SageMaker Model Monitor (L∞ > 0.1)'] as const;

interface Window {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export interface Outcome {
  readonly dataset: string;
  readonly method: string;
  readonly delayRows: number | null;
  readonly delayWindows: number | null;
  readonly falseAlarms: number;
  readonly windowsBefore: number;
  readonly alarmedAfter: number;
  readonly windowsAfter: number;
}

/** Scores one method's alarms (one boolean per window) against the change row. */
export function score(dataset: string, method: string, windows: readonly Window[], alarms: readonly boolean[], change: number): Outcome {
  const before = windows.filter((w) => w.end <= change);
  const after = windows.filter((w) => w.end > change);
  const changeWindow = after[0];
  const first = after.find((w) => alarms[w.index]);
  return {
    dataset,
    method,
    delayRows: first ? first.end - change : null,
    delayWindows: first && changeWindow ? first.index - changeWindow.index + 1 : null,
    falseAlarms: before.filter((w) => alarms[w.index]).length,
    windowsBefore: before.length,
    alarmedAfter: after.filter((w) => alarms[w.index]).length,
    windowsAfter: after.length,
  };
}

function featureData(data: Dataset, config: BacktestConfig): Dataset {
  const byName = new Map(data.columns.map((c) => [c.name, c]));
  return {
    rowCount: data.rowCount,
    columns: config.features.map((f) => {
      const column = byName.get(f.name);
      if (!column) throw new Error(`feature ${JSON.stringify(f.name)} is not a column of the data`);
      return column;
    }),
  };
}

/** Runs every method on one dataset. `config` overrides parts of the dataset's backtest config (tests use it). */
export async function evaluate(
  dataset: EvalDataset,
  override: Partial<BacktestConfig> = {},
  options: { readonly withImportances?: boolean; readonly ablation?: boolean } = {},
): Promise<{ outcomes: Outcome[]; notes: string[] }> {
  const file = datasetFile(dataset.file);
  const config = { ...(await loadBacktestConfig(path.join(CONFIG_DIR, dataset.config))), ...override };
  const data = await dataset.load(file);
  const result: BacktestResult = await runBacktest({ data, config, dataName: dataset.file });
  const windows: Window[] = result.windows.map((w) => ({ index: w.index, start: Number(w.start), end: Number(w.end) }));

  const features = featureData(data, config);
  const referenceRows = result.reference.rows;
  const reference = sliceRows(features, { start: 0, end: referenceRows });
  const evidently: boolean[] = [];
  const sagemaker: boolean[] = [];
  for (const w of windows) {
    const current = sliceRows(features, { start: w.start, end: w.end });
    evidently.push(evidentlyDrift(reference, current).drift);
    sagemaker.push(sageMakerDrift(reference, current).drift);
  }
  const driftwatch = result.windows.map((w) => w.drift.status === 'critical');
  const alarms = [driftwatch, evidently, sagemaker];
  const outcomes = METHODS.map((method, m) => score(dataset.name, method, windows, alarms[m], dataset.change));
  if (dataset.label && options.withImportances !== false) {
    // Not a default: the importances a user would configure, |coefficient| × std shares of a logistic
    // regression trained on the reference rows (the demo's model), everything else unchanged.
    const model = trainDemoModel(sliceRows(data, { start: 0, end: referenceRows }), {
      label: dataset.label.column,
      positive: dataset.label.positive,
      features: config.features.map((f) => f.name),
    });
    const importance = new Map(featureImportances(model).map((f) => [f.name, f.importance]));
    const weighted = { ...config, features: config.features.map((f) => ({ ...f, importance: importance.get(f.name) ?? 0 })) };
    const withImportances = await runBacktest({ data, config: weighted, dataName: dataset.file });
    outcomes.splice(
      1,
      0,
      score(dataset.name, IMPORTANCE_METHOD, windows, withImportances.windows.map((w) => w.drift.status === 'critical'), dataset.change),
    );
  }

  if (options.ablation !== false) {
    // What drift bands add: the same run with fixed thresholds.
    const fixed = await runBacktest({ data, config: { ...config, driftBands: { enabled: false } }, dataName: dataset.file });
    outcomes.splice(1, 0, score(dataset.name, FIXED_METHOD, windows, fixed.windows.map((w) => w.drift.status === 'critical'), dataset.change));
  }

  // What made Driftwatch alarm first before the change, to explain false alarms.
  const notes: string[] = [];
  const firstFalse = result.windows.find((w) => Number(w.end) <= dataset.change && w.drift.status === 'critical');
  if (firstFalse) {
    const critical = firstFalse.features.filter((f) => f.status === 'critical').map((f) => `${f.name} (PSI ${f.psi?.toFixed(2)})`);
    notes.push(`first Driftwatch alarm before the change: window ${firstFalse.index} (rows ${firstFalse.start}–${firstFalse.end}), critical: ${critical.join(', ') || `drifted importance ${firstFalse.drift.driftedImportance.toFixed(2)}`}`);
  }
  // The dataset alarm is Driftwatch's model-level signal; a critical feature also pages on its own.
  // This row counts a window as alarmed when either happens, so the table shows every page.
  const featurePages = result.alerts.filter((a) => a.kind === 'drift' && a.severity === 'critical' && a.feature !== undefined);
  const pagedWindows = new Set(featurePages.map((a) => a.window));
  outcomes.splice(1, 0, score(dataset.name, PAGES_METHOD, windows, result.windows.map((w) => driftwatch[w.index] || pagedWindows.has(w.index)), dataset.change));

  // Which features paged before the change (the "feature pages too" row counts their windows).
  const endOf = new Map(result.windows.map((w) => [w.index, Number(w.end)]));
  const pages = featurePages.filter((a) => (endOf.get(a.window) ?? Infinity) <= dataset.change);
  const byFeature = new Map<string, number>();
  for (const a of pages) byFeature.set(a.feature as string, (byFeature.get(a.feature as string) ?? 0) + 1);
  const listed = [...byFeature].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ×${n}`);
  notes.push(
    `Driftwatch feature pages before the change (critical feature alerts): ${pages.length}${listed.length ? ` (${listed.slice(0, 8).join(', ')}${listed.length > 8 ? `, +${listed.length - 8} more` : ''})` : ''}`,
  );
  return { outcomes, notes };
}

function delay(o: Outcome): string {
  return o.delayRows === null ? 'missed' : `${o.delayRows.toLocaleString('en-US')} rows / ${o.delayWindows} window${o.delayWindows === 1 ? '' : 's'}`;
}

const HEADERS = ['dataset', 'method', 'detection delay', 'false alarms before the change', 'windows before the change', 'alarmed windows after the change'];

function cells(o: Outcome): string[] {
  return [o.dataset, o.method, delay(o), String(o.falseAlarms), String(o.windowsBefore), `${o.alarmedAfter} of ${o.windowsAfter}`];
}

function textTable(outcomes: readonly Outcome[]): string {
  const rows = [HEADERS, ...outcomes.map(cells)];
  const widths = HEADERS.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

function markdown(outcomes: readonly Outcome[], notes: readonly string[]): string {
  const lines = [
    '# Detection quality on real data with a documented change',
    '',
    'Generated by `npm run eval` (`tsx test/eval/evaluate.ts`) from the datasets shipped in `test/datasets/` and `lambda/demo/data/`; do not edit by hand.',
    '',
    'Every method sees the same reference rows and the same row windows. Driftwatch runs `driftwatch backtest` with',
    'its defaults and no importances (`config/backtest/eval-*.json`): thresholds raised to the reference\'s own',
    'window-to-window variation (drift bands) when the reference holds at least 6 windows, re-encodings of one fact',
    'counted once; it alarms when a window\'s dataset drift status is critical. Evidently: its default test per column (KS / chi-squared / Z at p 0.05 for a reference of',
    'at most 1,000 rows, else normalised Wasserstein / Jensen–Shannon at 0.1), dataset drift when at least 50% of the',
    'columns drift. SageMaker Model Monitor: L∞ distance per feature above 0.1 is a violation; any violation alarms.',
    'Detection delay counts rows from the change to the end of the first alarmed window holding rows after it, and',
    'windows from the one containing the change (1 = that window). False alarms are alarmed windows that end at or',
    'before the change. "Driftwatch (model importances)" is not a default: the same run with the importances a user',
    'would configure, |coefficient| × std shares of a logistic regression trained on the reference rows (binary',
    'labels only: Elec2 `class`, bank `y`). "Driftwatch (drift bands off)" is the defaults with fixed thresholds',
    '(`"driftBands": {"enabled": false}`), to show what the bands change. "Driftwatch (defaults, feature pages too)"',
    'also counts a window as alarmed when a critical feature alert pages in it (a feature pages on its own when',
    'it turns critical), so it counts every window in which Driftwatch would page.',
    '',
    '| dataset | change at row | reference and windows |',
    '|---|---|---|',
    ...DATASETS.map((d) => `| ${d.name} | ${d.change.toLocaleString('en-US')} (${d.changeNote}) | ${d.sizing} |`),
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...outcomes.map((o) => `| ${cells(o).join(' | ')} |`),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const outcomes: Outcome[] = [];
  const notes: string[] = [];
  for (const dataset of DATASETS) {
    const started = Date.now();
    process.stderr.write(`${dataset.name} ... `);
    const result = await evaluate(dataset);
    outcomes.push(...result.outcomes);
    notes.push(...result.notes.map((n) => `${dataset.name}: ${n}`));
    process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log(`\n${textTable(outcomes)}\n`);
  for (const note of notes) console.log(note);
  fs.writeFileSync(RESULTS, markdown(outcomes, notes));
  console.log(`\nWrote ${path.relative(process.cwd(), RESULTS)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
