/**
 * `npm run eval`: detection quality on real data with a documented change, for Driftwatch's defaults and the
 * real peers on exactly the same windows, each run by its own code in this run.
 *
 * For each dataset: the backtest runs with `config/backtest/eval-<name>.json` (features with their kinds
 * only — no importances, no thresholds: every default, drift bands included), and Driftwatch "alarms" in a
 * window when its dataset-level drift status is critical. The peers see the same reference rows and the
 * same windows (start/end taken from the backtest result):
 * - Evidently 0.7.23, run by Evidently (test/eval/peers/eval_peers.py): Report([DataDriftPreset()]) with its
 *   defaults, alarm when its share of drifted columns is at least 0.5;
 * - NannyML 0.13.1, run by NannyML: UnivariateDriftCalculator with its default methods and thresholds fitted
 *   on the reference, alarm when any column alerts; and CBPE's estimated ROC AUC (alarm on its alert) beside
 *   the realised ROC AUC where a label and a model's scores exist;
 * - SageMaker Model Monitor, emulated (test/eval/peers/sagemaker.ts; the service cannot run here): L∞ per
 *   feature > 0.1 is a violation, alarm on any violation.
 *
 * Measured per method: detection delay (the first alarmed window that holds rows after the change:
 * rows from the change to that window's end, and windows counted from the one containing the
 * change = 1), false alarms (alarmed windows that end at or before the change) and, for context,
 * how many windows after the change alarm.
 *
 * Writes the table to stdout and as markdown to test/eval/RESULTS.md (keeping its injected-drift section).
 *
 * `npm run eval -- --injected [--seeds N] [--only NAME]` runs the injected-drift benchmark instead
 * (test/eval/injected.ts) and rewrites only that section (not with --seeds or --only).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseCsv, readDataset, readFileBytes } from '../../lambda/adapters/local';
import { loadBacktestConfig, runBacktest, type BacktestConfig, type BacktestResult } from '../../lambda/backtest';
import { sliceRows } from '../../lambda/core/dataset';
import type { Dataset } from '../../lambda/core/types';
import { featureImportances, scoreDataset, trainDemoModel, type DemoModel } from '../../lambda/demo';
import { datasetFile, type DatasetName } from '../support/datasets';
import { loadCensus } from './census';
import { runRealPeers, type PerformanceColumns, type RealPeers } from './peers/real';
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
  /**
   * The model scores CBPE reads: the dataset's own columns (P(positive), the 0/1 prediction), or, by default
   * when there is a label, the demo model trained on the reference rows (predicted positive at its threshold).
   */
  readonly scores?: { readonly proba: string; readonly pred: string };
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
  },  {
    name: 'US census employment (MA)',
    file: 'us_census_ma_employment_MA_reference.pq',
    config: 'eval-census.json',
    // Analysis row 133,619 (2017 row 64,493): the block of group-quarters persons at the end of the 2017 rows
    // and the start of the 2018 rows, where NannyML's quickstart shows the performance drop.
    change: 202_404,
    changeNote: 'group-quarters block (end of 2017, start of 2018), where NannyML\'s quickstart shows the drop',
    load: () => loadCensus(),
    label: { column: 'employed', positive: '1' },
    scores: { proba: 'predicted_probability', pred: 'prediction' },
    sizing: 'reference the 68,785 rows of 2015 (NannyML\'s reference file), windows of 5,000 rows over 2016–2018 (NannyML\'s analysis file, targets joined on id)',
  },
];

const IMPORTANCE_METHOD = 'Driftwatch (model importances)';
const PAGES_METHOD = 'Driftwatch (defaults, feature pages too)';
const FIXED_METHOD = 'Driftwatch (drift bands off)';
export const DRIFTWATCH = 'Driftwatch (defaults)';
export const EVIDENTLY = 'Evidently DataDriftPreset (defaults)';
export const NANNYML = 'NannyML univariate drift (defaults, any column alert)';
export const CBPE = 'NannyML CBPE (estimated ROC AUC alert)';
export const REALISED = 'NannyML realised ROC AUC alert (labels)';
export const SAGEMAKER = 'SageMaker Model Monitor (L∞ > 0.1)';

interface Window {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export interface Outcome {
  readonly dataset: string;
  readonly method: string;
  /** Whose code produced the row. */
  readonly code: string;
  readonly delayRows: number | null;
  readonly delayWindows: number | null;
  readonly falseAlarms: number;
  readonly windowsBefore: number;
  readonly alarmedAfter: number;
  readonly windowsAfter: number;
}

/** Scores one method's alarms (one boolean per window) against the change row. */
export function score(dataset: string, method: string, windows: readonly Window[], alarms: readonly boolean[], change: number, code = 'Driftwatch'): Outcome {
  const before = windows.filter((w) => w.end <= change);
  const after = windows.filter((w) => w.end > change);
  const changeWindow = after[0];
  const first = after.find((w) => alarms[w.index]);
  return {
    dataset,
    method,
    code,
    delayRows: first ? first.end - change : null,
    delayWindows: first && changeWindow ? first.index - changeWindow.index + 1 : null,
    falseAlarms: before.filter((w) => alarms[w.index]).length,
    windowsBefore: before.length,
    alarmedAfter: after.filter((w) => alarms[w.index]).length,
    windowsAfter: after.length,
  };
}

/** The config's features, as columns of `data` in the config's order. */
export function featureData(data: Dataset, config: BacktestConfig): Dataset {
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

/** The scores CBPE reads: the dataset's own, or the demo model's trained on the reference rows. */
function performanceColumns(dataset: EvalDataset, data: Dataset, model: DemoModel | undefined): PerformanceColumns | undefined {
  if (!dataset.label) return undefined;
  const byName = new Map(data.columns.map((c) => [c.name, c]));
  const label = byName.get(dataset.label.column);
  if (!label) throw new Error(`${dataset.name}: no label column ${JSON.stringify(dataset.label.column)}`);
  const positive = dataset.label.positive;
  const isPositive =
    label.kind === 'numeric' ? (i: number) => String(label.values[i]) === positive : (i: number) => label.dictionary[label.codes[i]] === positive;
  const labels = Float64Array.from({ length: data.rowCount }, (_, i) => (isPositive(i) ? 1 : 0));
  if (dataset.scores) {
    const numeric = (name: string) => {
      const c = byName.get(name);
      if (!c || c.kind !== 'numeric') throw new Error(`${dataset.name}: no numeric column ${JSON.stringify(name)}`);
      return c.values;
    };
    return { proba: numeric(dataset.scores.proba), pred: numeric(dataset.scores.pred), label: labels };
  }
  if (!model) return undefined;
  const proba = scoreDataset(model, data);
  return { proba, pred: Float64Array.from(proba, (p) => (p >= model.threshold ? 1 : 0)), label: labels };
}

export interface EvalOptions {
  /** Adds the "model importances" row (binary labels only). @default true */
  readonly withImportances?: boolean;
  /** Adds the "drift bands off" row. @default true */
  readonly ablation?: boolean;
  /** Runs the real peers (Evidently, NannyML; a few minutes per dataset, mostly Evidently's Report). @default true */
  readonly peers?: boolean;
}

export interface Evaluation {
  readonly outcomes: Outcome[];
  readonly notes: string[];
  /** What the real peers returned, window by window (null with `peers: false`). */
  readonly peers: RealPeers | null;
}

/** Runs every method on one dataset. `override` replaces parts of the dataset's backtest config (tests use it). */
export async function evaluate(dataset: EvalDataset, override: Partial<BacktestConfig> = {}, options: EvalOptions = {}): Promise<Evaluation> {
  const file = datasetFile(dataset.file);
  const loaded = await loadBacktestConfig(path.join(CONFIG_DIR, dataset.config));
  // Measuring a drift-band setting before it is a default: DRIFTWATCH_EVAL_BANDS='{"lowerEffect":false}'.
  const bands = process.env.DRIFTWATCH_EVAL_BANDS;
  const config = { ...loaded, ...(bands ? { driftBands: { ...loaded.driftBands, ...JSON.parse(bands) } } : {}), ...override };
  const data = await dataset.load(file);
  const result: BacktestResult = await runBacktest({ data, config, dataName: dataset.file });
  const windows: Window[] = result.windows.map((w) => ({ index: w.index, start: Number(w.start), end: Number(w.end) }));
  const referenceRows = result.reference.rows;

  // The model a user would train on the reference rows (binary labels): its importances for one
  // Driftwatch row, its scores for CBPE where the data has none of its own.
  const model = dataset.label
    ? trainDemoModel(sliceRows(data, { start: 0, end: referenceRows }), {
        label: dataset.label.column,
        positive: dataset.label.positive,
        features: config.features.map((f) => f.name),
      })
    : undefined;

  const features = featureData(data, config);
  const reference = sliceRows(features, { start: 0, end: referenceRows });
  const sagemaker = windows.map((w) => sageMakerDrift(reference, sliceRows(features, { start: w.start, end: w.end })).drift);
  const peers =
    options.peers === false
      ? null
      : await runRealPeers(data, config.features.map((f) => ({ name: f.name, kind: f.kind })), referenceRows, windows, performanceColumns(dataset, data, model));

  const driftwatch = result.windows.map((w) => w.drift.status === 'critical');
  const outcomes: Outcome[] = [score(dataset.name, DRIFTWATCH, windows, driftwatch, dataset.change)];

  // A critical feature also pages on its own: this row counts a window as alarmed when either happens,
  // so the table shows every page.
  const featurePages = result.alerts.filter((a) => a.kind === 'drift' && a.severity === 'critical' && a.feature !== undefined);
  const pagedWindows = new Set(featurePages.map((a) => a.window));
  outcomes.push(score(dataset.name, PAGES_METHOD, windows, result.windows.map((w) => driftwatch[w.index] || pagedWindows.has(w.index)), dataset.change));

  if (options.ablation !== false) {
    // What drift bands add: the same run with fixed thresholds.
    const fixed = await runBacktest({ data, config: { ...config, driftBands: { enabled: false } }, dataName: dataset.file });
    outcomes.push(score(dataset.name, FIXED_METHOD, windows, fixed.windows.map((w) => w.drift.status === 'critical'), dataset.change));
  }
  if (model && options.withImportances !== false) {
    // Not a default: the importances a user would configure, |coefficient| × std shares of a logistic
    // regression trained on the reference rows (the demo's model), everything else unchanged.
    const importance = new Map(featureImportances(model).map((f) => [f.name, f.importance]));
    const weighted = { ...config, features: config.features.map((f) => ({ ...f, importance: importance.get(f.name) ?? 0 })) };
    const withImportances = await runBacktest({ data, config: weighted, dataName: dataset.file });
    outcomes.push(score(dataset.name, IMPORTANCE_METHOD, windows, withImportances.windows.map((w) => w.drift.status === 'critical'), dataset.change));
  }

  if (peers) {
    const evidentlyCode = `Evidently ${peers.versions.evidently}, run here`;
    const nannymlCode = `NannyML ${peers.versions.nannyml}, run here`;
    outcomes.push(score(dataset.name, EVIDENTLY, windows, peers.evidently.map((w) => w.drift), dataset.change, evidentlyCode));
    outcomes.push(score(dataset.name, NANNYML, windows, peers.nannyml.map((w) => w.alerts.length > 0), dataset.change, nannymlCode));
    if (peers.cbpe) {
      outcomes.push(score(dataset.name, CBPE, windows, peers.cbpe.map((w) => w.estimatedAlert), dataset.change, nannymlCode));
      outcomes.push(score(dataset.name, REALISED, windows, peers.cbpe.map((w) => w.realisedAlert), dataset.change, nannymlCode));
    }
  }
  outcomes.push(score(dataset.name, SAGEMAKER, windows, sagemaker, dataset.change, 'emulation (test/eval/peers/sagemaker.ts)'));

  // What made Driftwatch alarm first before the change, to explain false alarms.
  const notes: string[] = [];
  const firstFalse = result.windows.find((w) => Number(w.end) <= dataset.change && w.drift.status === 'critical');
  if (firstFalse) {
    const critical = firstFalse.features.filter((f) => f.status === 'critical').map((f) => `${f.name} (PSI ${f.psi?.toFixed(2)})`);
    notes.push(`first Driftwatch alarm before the change: window ${firstFalse.index} (rows ${firstFalse.start}–${firstFalse.end}), critical: ${critical.join(', ') || `drifted importance ${firstFalse.drift.driftedImportance.toFixed(2)}`}`);
  }
  // Which features paged before the change (the "feature pages too" row counts their windows).
  const endOf = new Map(result.windows.map((w) => [w.index, Number(w.end)]));
  const before = (index: number) => (endOf.get(index) ?? Infinity) <= dataset.change;
  notes.push(`Driftwatch feature pages before the change (critical feature alerts): ${countList(featurePages.filter((a) => before(a.window)).map((a) => a.feature as string))}`);
  if (peers) notes.push(...peerNotes(dataset, peers, windows, before));
  return { outcomes, notes, peers };
}

/** Which columns the peers' per-column rules flagged before the change, CBPE against the realised, the peers' time. */
function peerNotes(dataset: EvalDataset, peers: RealPeers, windows: readonly Window[], before: (index: number) => boolean): string[] {
  const notes: string[] = [];
  const evidentlyColumns = peers.evidently.flatMap((w, i) => (before(windows[i].index) ? w.columns.filter((c) => c.drifted).map((c) => c.name) : []));
  notes.push(`Evidently's drifted columns before the change (${[...new Set(peers.evidently.flatMap((w) => w.columns.map((c) => c.method)))].join(', ')}): ${countList(evidentlyColumns)}`);
  const nannymlColumns = peers.nannyml.flatMap((w, i) => (before(windows[i].index) ? w.alerts : []));
  notes.push(`NannyML's column alerts before the change (Jensen–Shannon above mean + 3σ of the reference chunks): ${countList(nannymlColumns)}`);
  if (peers.cbpe) {
    const errors = peers.cbpe.map((w) => Math.abs(w.estimated - w.realised)).filter(Number.isFinite);
    const source = dataset.scores ? `the dataset's own ${dataset.scores.proba}` : "the scores of a logistic regression trained on the reference rows (in-sample there)";
    notes.push(
      `NannyML CBPE on ${source}: estimated ROC AUC within ${mean(errors).toFixed(3)} of the realised on average (largest gap ${Math.max(...errors).toFixed(3)}); estimated alerts in ${peers.cbpe.filter((w) => w.estimatedAlert).length} windows, realised in ${peers.cbpe.filter((w) => w.realisedAlert).length}`,
    );
  }
  const seconds = Object.entries(peers.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
  notes.push(`peers' own time: ${seconds}`);
  return notes;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** "12 (f10 ×2, f16 ×2, ...)": how many, then the most frequent names. */
function countList(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const listed = [...counts].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ×${n}`);
  return `${names.length}${listed.length ? ` (${listed.slice(0, 8).join(', ')}${listed.length > 8 ? `, +${listed.length - 8} more` : ''})` : ''}`;
}

function delay(o: Outcome): string {
  return o.delayRows === null ? 'missed' : `${o.delayRows.toLocaleString('en-US')} rows / ${o.delayWindows} window${o.delayWindows === 1 ? '' : 's'}`;
}

const HEADERS = ['dataset', 'method', 'whose code', 'detection delay', 'false alarms before the change', 'windows before the change', 'alarmed windows after the change'];

function cells(o: Outcome): string[] {
  return [o.dataset, o.method, o.code, delay(o), String(o.falseAlarms), String(o.windowsBefore), `${o.alarmedAfter} of ${o.windowsAfter}`];
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
    'Generated by `npm run eval` (`tsx test/eval/evaluate.ts`) from the datasets shipped in `test/datasets/` and `lambda/demo/data/`, with the peers of `test/support/requirements-peers.txt`; do not edit by hand.',
    '',
    'Every method sees the same reference rows and the same row windows, and every figure below was computed in the run that',
    'wrote this file; the "whose code" column says by whose code. Driftwatch runs `driftwatch backtest` with its defaults and no',
    "importances (`config/backtest/eval-*.json`): thresholds raised to the reference's own window-to-window variation (drift",
    'bands) when the reference holds at least 6 windows, re-encodings of one fact counted once; it alarms when a window\'s',
    'dataset drift status is critical.',
    '',
    '- Evidently (run by Evidently, `test/eval/peers/eval_peers.py`): `Report([DataDriftPreset()])` with its defaults, one run',
    '  per window against the reference rows, the column kinds of the Driftwatch config given as its `DataDefinition`. Evidently',
    '  picks the test per column (KS / chi-squared / Z at p 0.05 for a reference of at most 1,000 rows, else normalised',
    '  Wasserstein / Jensen–Shannon in nats at 0.1) and the window alarms when its share of drifted columns is at least 0.5.',
    '- NannyML (run by NannyML): `UnivariateDriftCalculator` with its default method (Jensen–Shannon for both kinds) and',
    '  threshold (mean + 3σ of the values on the reference chunks), fitted on the reference cut into chunks of the window',
    '  size (`chunk_size`, so its analysis chunks are exactly these windows); the window alarms when any column alerts (NannyML',
    '  has no dataset-level rule for univariate drift).',
    '- NannyML CBPE (run by NannyML), where there is a binary label: the estimated ROC AUC per window without labels, alarmed',
    "  when it leaves CBPE's default band (mean ± 3σ of the reference chunks); beside it the realised ROC AUC from the labels",
    "  (`PerformanceCalculator`, same band). Census: the model scores NannyML ships; Elec2 and bank: a logistic regression",
    '  trained on the reference rows (the demo model), so the reference scores are in-sample and CBPE is calibrated on them.',
    '- SageMaker Model Monitor (an emulation: the service cannot run here, `test/eval/peers/sagemaker.ts`): L∞ distance per',
    '  feature above 0.1 is a violation; any violation alarms.',
    '',
    'Detection delay counts rows from the change to the end of the first alarmed window holding rows after it, and',
    'windows from the one containing the change (1 = that window). False alarms are alarmed windows that end at or',
    'before the change. "Driftwatch (model importances)" is not a default: the same run with the importances a user',
    'would configure, |coefficient| × std shares of a logistic regression trained on the reference rows (binary',
    'labels only). "Driftwatch (drift bands off)" is the defaults with fixed thresholds',
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
  if (process.argv.includes('--injected')) {
    const { injectedMain } = await import('./injected-run');
    return injectedMain(DATASETS, CONFIG_DIR, RESULTS, process.argv.slice(2));
  }
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
  // The injected-drift section (npm run eval -- --injected) is kept as it is.
  const { splitResults } = await import('./injected-run');
  const { injected } = splitResults(fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : '');
  fs.writeFileSync(RESULTS, injected ? `${markdown(outcomes, notes)}\n${injected}` : markdown(outcomes, notes));
  console.log(`\nWrote ${path.relative(process.cwd(), RESULTS)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
