/**
 * Running the injected-drift benchmark (`npm run eval -- --injected`, see ./injected.ts for the design):
 * every method on every seed's stream of one dataset, the peers in one Python process per dataset, and
 * the results as text and as the injected section of test/eval/RESULTS.md. The streams, their ground
 * truth and the scoring are in ./injected.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadBacktestConfig, runBacktest, type BacktestConfig } from '../../lambda/backtest';
import { sliceRows } from '../../lambda/core/dataset';
import type { Column, Dataset } from '../../lambda/core/types';
import { featureImportances, trainDemoModel } from '../../lambda/demo';
import { datasetFile } from '../support/datasets';
import { runPeerCached } from './peers/python';
import { sageMakerDrift } from './peers/sagemaker';
import { featureData, type EvalDataset } from './evaluate';
import { encode } from './peers/real';
import {
  buildStream,
  chooseScenarios,
  KINDS,
  type MethodScore,
  permutation,
  type ScenarioChoice,
  scoreStream,
  specLabel,
  type Stream,
  type StreamPlan,
  summarize,
  type Summary,
  takeRows,
} from './injected';
/* ----------------------------------------------------------------------------------------------
 * Running the methods
 * -------------------------------------------------------------------------------------------- */

export const INJ_DW = 'Driftwatch (defaults, dataset signal)';
export const INJ_DW_PAGES = 'Driftwatch (defaults, every page)';
export const INJ_DWI = 'Driftwatch (importances configured, dataset signal)';
export const INJ_DWI_PAGES = 'Driftwatch (importances configured, every page)';
export const INJ_EVIDENTLY = 'Evidently DataDriftPreset (defaults)';
export const INJ_NANNYML = 'NannyML univariate drift (defaults, any column alert)';
export const INJ_SAGEMAKER = 'SageMaker Model Monitor (L∞ > 0.1)';
export const INJ_METHODS = [INJ_DW, INJ_DW_PAGES, INJ_DWI, INJ_DWI_PAGES, INJ_EVIDENTLY, INJ_NANNYML, INJ_SAGEMAKER] as const;

export interface InjectedPlan extends StreamPlan {
  readonly seeds: number;
}

/** Stationary windows per dataset: as many as the rows allow after the reference and the drift base, at most 40. */
export function planFor(rows: number, referenceRows: number, windowRows: number, seeds: number, maxStationary = 40): InjectedPlan {
  const stationaryWindows = Math.min(maxStationary, Math.floor((rows - referenceRows) / windowRows) - 2);
  return { referenceRows, windowRows, stationaryWindows, seeds };
}

interface PeerRun {
  readonly evidently: readonly { share: number; drift: boolean; drifted: string[] }[];
  readonly nannyml: readonly { alerts: string[] }[];
  readonly methods: Readonly<Record<string, string>>;
}
interface PeerAnswer {
  readonly versions: { evidently: string; nannyml: string };
  readonly runs: readonly PeerRun[];
  readonly checked: number;
  readonly seconds: Readonly<Record<string, number>>;
}

/** One process call for every seed of a dataset (a request file: the streams are tens of MB). */
async function runPeers(features: readonly { name: string; kind: Column['kind'] }[], streams: readonly Stream[], referenceRows: number, checks: readonly (readonly number[])[]): Promise<PeerAnswer> {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'driftwatch-injected-'));
  const file = path.join(dir, 'request.json');
  try {
    writeRequest(file, features, streams, referenceRows, checks);
    // The streams do not depend on Driftwatch's decision code: an identical request reuses the answer.
    return await runPeerCached<PeerAnswer>('injected_peers.py', file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeRequest(file: string, features: readonly { name: string; kind: Column['kind'] }[], streams: readonly Stream[], referenceRows: number, checks: readonly (readonly number[])[]): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, `{"features":${JSON.stringify(features)},"runs":[`);
  streams.forEach((stream, r) => {
    const columns: Record<string, unknown> = {};
    for (const c of stream.data.columns) columns[c.name] = encode(c);
    const run = { columns, reference: [0, referenceRows], windows: stream.windows.map((w) => [w.start, w.end]), check: checks[r] ?? [] };
    fs.writeSync(out, `${r ? ',' : ''}${JSON.stringify(run)}`);
  });
  fs.writeSync(out, ']}');
  fs.closeSync(out);
}

/** Importance shares by feature: the bank demo's configured ones, else the demo model's on the reference rows. */
async function importancesFor(dataset: EvalDataset, data: Dataset, referenceRows: Int32Array, features: readonly string[], configDir: string): Promise<Map<string, number>> {
  if (dataset.file === 'bank-additional-full.csv') {
    const demo = await loadBacktestConfig(path.join(configDir, 'bank-demo.json'));
    const raw = new Map(demo.features.map((f) => [f.name, f.importance ?? 0]));
    const total = features.reduce((s, n) => s + (raw.get(n) ?? 0), 0);
    return new Map(features.map((n) => [n, (raw.get(n) ?? 0) / total]));
  }
  const label = dataset.label ?? INSECTS_LABEL;
  const referenceData: Dataset = { rowCount: referenceRows.length, columns: data.columns.map((c) => takeRows(c, referenceRows)) };
  const model = trainDemoModel(referenceData, { label: label.column, positive: label.positive, features: [...features] });
  return new Map(featureImportances(model).map((f) => [f.name, f.importance]));
}

/** INSECTS has six balanced classes and no binary label: its first class against the rest. */
const INSECTS_LABEL = { column: 'class', positive: '2' };

export interface DatasetRun {
  readonly dataset: string;
  readonly plan: InjectedPlan;
  readonly scores: ReadonlyMap<string, MethodScore[]>;
  readonly choices: readonly ScenarioChoice[][];
  readonly code: ReadonlyMap<string, string>;
  readonly notes: string[];
  readonly seconds: Readonly<Record<string, number>>;
}

export interface InjectedOptions {
  readonly seeds?: number;
  readonly maxStationary?: number;
  /** Windows per seed whose Evidently result is checked against its full Report. @default seed 0: the first stationary and the first drift window */
  readonly reportChecks?: (seed: number, stream: Stream) => number[];
  readonly configDir: string;
  /** 'driftwatch': Driftwatch and the SageMaker emulation only (for iterating); 'peers': the Python peers only (fills their cache). @default 'all' */
  readonly methods?: 'all' | 'driftwatch' | 'peers';
}

/** Runs every method on every seed of one dataset. */
export async function runInjected(dataset: EvalDataset, options: InjectedOptions): Promise<DatasetRun> {
  const loaded = await loadBacktestConfig(path.join(options.configDir, dataset.config));
  // Measuring a setting before it is a default: DRIFTWATCH_EVAL_BANDS='{"lowerEffect":true}'.
  const bandsOverride = process.env.DRIFTWATCH_EVAL_BANDS;
  const config: BacktestConfig = bandsOverride ? { ...loaded, driftBands: { ...loaded.driftBands, ...JSON.parse(bandsOverride) } } : loaded;
  const referenceRows = (config.reference as { rows: number }).rows;
  const windowRows = (config.window as { rows: number }).rows;
  const all = await dataset.load(datasetFile(dataset.file));
  const data = featureData(all, config);
  const plan = planFor(data.rowCount, referenceRows, windowRows, options.seeds ?? 8, options.maxStationary);
  const features = config.features.map((f) => ({ name: f.name, kind: f.kind as Column['kind'] }));
  const seconds: Record<string, number> = { driftwatch: 0, sagemaker: 0 };

  const streams: Stream[] = [];
  const choices: ScenarioChoice[][] = [];
  const importances: Map<string, number>[] = [];
  for (let seed = 1; seed <= plan.seeds; seed++) {
    const order = permutation(data.rowCount, seed);
    const imp = await importancesFor(dataset, all, order.subarray(0, referenceRows), features.map((f) => f.name), options.configDir);
    const chosen = chooseScenarios(features, imp);
    importances.push(imp);
    choices.push(chosen);
    streams.push(buildStream(data, plan, chosen, seed, order));
  }
  const checks = streams.map((s, i) => (options.reportChecks ? options.reportChecks(i + 1, s) : i === 0 ? [0, s.windows.findIndex((w) => w.role === 'drift')] : []));
  // The peers' Python runs beside Driftwatch (2 cores).
  const methods = options.methods ?? 'all';
  const noPeers: PeerAnswer = { versions: { evidently: '-', nannyml: '-' }, runs: [], checked: 0, seconds: {} };
  const peersPromise = methods === 'driftwatch' ? Promise.resolve(noPeers) : runPeers(features, streams, referenceRows, checks);

  const scores = new Map<string, MethodScore[]>(INJ_METHODS.map((m) => [m, []]));
  for (const [i, stream] of (methods === 'peers' ? [] : streams).entries()) {
    const started = Date.now();
    for (const weighted of [false, true]) {
      const cfg: BacktestConfig = weighted ? { ...config, features: config.features.map((f) => ({ ...f, importance: importances[i].get(f.name) ?? 0 })) } : config;
      const result = await runBacktest({ data: stream.data, config: cfg, dataName: `${dataset.file} (seed ${i + 1})` });
      if (result.windows.length !== stream.windows.length || result.windows.some((w, k) => Number(w.start) !== stream.windows[k].start || Number(w.end) !== stream.windows[k].end)) {
        throw new Error(`${dataset.name}: the backtest's windows are not the stream's`);
      }
      const signal = result.windows.map((w) => w.drift.status === 'critical');
      const paged = new Set(result.alerts.filter((a) => a.kind === 'drift' && a.severity === 'critical' && a.feature !== undefined).map((a) => a.window));
      const pages = signal.map((s, k) => s || paged.has(k));
      (scores.get(weighted ? INJ_DWI : INJ_DW) as MethodScore[]).push(scoreStream(stream, signal));
      (scores.get(weighted ? INJ_DWI_PAGES : INJ_DW_PAGES) as MethodScore[]).push(scoreStream(stream, pages));
    }
    seconds.driftwatch += (Date.now() - started) / 1000;
    const t = Date.now();
    const reference = sliceRows(stream.data, { start: 0, end: referenceRows });
    const sm = stream.windows.map((w) => sageMakerDrift(reference, sliceRows(stream.data, { start: w.start, end: w.end })).drift);
    (scores.get(INJ_SAGEMAKER) as MethodScore[]).push(scoreStream(stream, sm));
    seconds.sagemaker += (Date.now() - t) / 1000;
  }
  const peers = await peersPromise;
  peers.runs.forEach((run, i) => {
    (scores.get(INJ_EVIDENTLY) as MethodScore[]).push(scoreStream(streams[i], run.evidently.map((w) => w.drift)));
    (scores.get(INJ_NANNYML) as MethodScore[]).push(scoreStream(streams[i], run.nannyml.map((w) => w.alerts.length > 0)));
  });
  for (const [k, v] of Object.entries(peers.seconds)) seconds[k] = v;

  const code = new Map<string, string>(INJ_METHODS.map((m) => [m, 'Driftwatch']));
  code.set(INJ_EVIDENTLY, `Evidently ${peers.versions.evidently}, run here (its stat tests without the report rendering; ${peers.checked} windows checked identical to its Report)`);
  code.set(INJ_NANNYML, `NannyML ${peers.versions.nannyml}, run here`);
  code.set(INJ_SAGEMAKER, 'emulation (test/eval/peers/sagemaker.ts)');

  const notes: string[] = [];
  const picked = new Map<string, number>();
  for (const cs of choices) for (const c of cs) picked.set(`${c.importanceClass} ${c.feature} (${specLabel(c.spec)})`, (picked.get(`${c.importanceClass} ${c.feature} (${specLabel(c.spec)})`) ?? 0) + 1);
  const byFeature = new Map<string, { cls: string; seeds: number; kinds: Set<string>; shares: number[] }>();
  choices.forEach((cs, i) => {
    for (const c of cs) {
      const key = `${c.importanceClass}:${c.feature}`;
      const e = byFeature.get(key) ?? { cls: c.importanceClass, seeds: 0, kinds: new Set<string>(), shares: [] };
      e.kinds.add(c.spec.kind);
      e.shares.push(importances[i].get(c.feature) ?? 0);
      byFeature.set(key, e);
    }
  });
  notes.push(
    `features injected: ${[...byFeature].map(([key, e]) => `${key.split(':')[1]} (${e.cls}, importance share ${Math.min(...e.shares).toFixed(3)}–${Math.max(...e.shares).toFixed(3)}; ${[...e.kinds].join(', ')})`).join('; ')}`,
  );
  const evMethods = new Set(peers.runs.flatMap((r) => Object.values(r.methods)));
  notes.push(`Evidently's tests here: ${[...evMethods].join(', ')}`);
  return { dataset: dataset.name, plan, scores, choices, code, notes, seconds };
}

/* ----------------------------------------------------------------------------------------------
 * Tables
 * -------------------------------------------------------------------------------------------- */

const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)} %`);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function powerCell(p: { scenarios: number; detected: number; delayWindows: number[] } | undefined): string {
  if (!p || p.scenarios === 0) return 'n/a';
  const delay = p.delayWindows.length ? `, ${(p.delayWindows.reduce((a, b) => a + b, 0) / p.delayWindows.length).toFixed(2)} w` : '';
  return `${p.detected}/${p.scenarios}${delay}`;
}

export function injectedHeaders(): string[] {
  return ['method', 'whose code', 'false-alarm rate (stationary windows)', 'unchanged drift base alarmed (seeds)', ...KINDS.map((k) => `${specLabel(k)}`), 'pages from negligible-importance drift'];
}

export function injectedRow(method: string, code: string, s: Summary): string[] {
  return [
    method,
    code,
    `${pct(s.falseAlarms, s.stationaryWindows)} (${s.falseAlarms}/${s.stationaryWindows})`,
    `${s.control.alarmed}/${s.control.seeds}`,
    ...KINDS.map((k) => powerCell(s.power.get(specLabel(k)))),
    s.negligible.scenarios ? `${s.negligible.alarmed}/${s.negligible.scenarios}` : 'n/a',
  ];
}

export { median };

/* ----------------------------------------------------------------------------------------------
 * RESULTS.md section and the command
 * -------------------------------------------------------------------------------------------- */

export const INJECTED_HEADING = '# Injected drift with exact ground truth';

/** RESULTS.md as the documented-change part and the injected section (from its heading on, or ''). */
export function splitResults(text: string): { documented: string; injected: string } {
  const at = text.indexOf(`\n${INJECTED_HEADING}\n`);
  const documented = at < 0 ? text : text.slice(0, at + 1);
  return { documented: documented.replace(/\n+$/, '\n'), injected: at < 0 ? '' : text.slice(at + 1) };
}

function pooled(runs: readonly DatasetRun[], method: string): Summary {
  return summarize(runs.flatMap((r) => r.scores.get(method) ?? []));
}

function mdTable(headers: readonly string[], rows: readonly string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function textTable(headers: readonly string[], rows: readonly string[][]): string {
  const all = [headers as string[], ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

/** Shorter "whose code" for the pooled table. */
function shortCode(code: string): string {
  return code.replace(/ \(its stat tests.*\)$/, ' (stat tests, checked against its Report)');
}

export function injectedMarkdown(runs: readonly DatasetRun[], command: string): string {
  const headers = injectedHeaders();
  const lines = [
    INJECTED_HEADING,
    '',
    `Generated by \`${command}\` (\`test/eval/injected.ts\`, \`test/eval/peers/injected_peers.py\`); do not edit by hand. Every figure`,
    'below was computed in the run that wrote this section.',
    '',
    "Each dataset of the table above is made stationary by shuffling its rows (a seeded Fisher–Yates permutation per seed); the",
    "first reference rows are the reference (the eval's sizes), the next windows the stationary stretch (every alarm there is",
    'false). The two windows after them are the drift base, judged once unchanged (the control column); each scenario appends',
    'them with one feature changed from a seeded change row in the first half of the first window to the end of the second,',
    'then an unchanged washout window (not scored) so that a page can resolve before the next scenario.',
    'Kinds: mean +0.1 / 0.25 / 0.5 / 1 reference σ and spread ×1.5 about the',
    'reference mean (numeric), +10 points of missing values (any kind), 20 % of rows moved to the most frequent reference',
    'category and 10 % of rows taking a new category (categorical). Each kind goes into the eligible feature of highest',
    'importance and into the one of lowest importance when its share is below 1 % ("negligible"). Importances: the bank',
    "demo's configured ones (`config/backtest/bank-demo.json`); elsewhere the |coefficient| × std shares of the demo's logistic",
    "regression trained on the seed's reference rows (INSECTS: class 2 against the rest). Driftwatch (defaults) runs",
    '`config/backtest/eval-*.json` as the table above (no importances); "importances configured" adds those shares to the',
    'features, nothing else. "every page" also counts a window in which a critical feature alert pages. Evidently: per column the',
    'test DataDriftPreset picks, called as its ValueDrift calculation calls it but without the plotting (the full',
    '`Report([DataDriftPreset()])` costs 35–140 s a dataset here); on the windows noted below the full Report ran too and gave the',
    'same tests, scores (exactly) and shares. NannyML: `UnivariateDriftCalculator` as above. SageMaker: the L∞ emulation.',
    '',
    'Cells: false-alarm rate = alarmed stationary windows / stationary windows. "unchanged drift base alarmed" = seeds whose',
    'two base windows, judged as they are, alarm: each scenario of such a seed alarms by chance, so power and negligible pages',
    'include them. Power = high-importance scenarios alarmed in either drift window / scenarios, then the mean delay in',
    'windows among the detected (1 = the window holding the change, between half and all of it injected). "pages from',
    'negligible-importance drift" = negligible scenarios alarmed in either drift window / scenarios. n/a: no feature of that',
    'kind (INSECTS and Elec2 have no categorical feature).',
    '',
    '## All datasets pooled',
    '',
    ...mdTable(headers, INJ_METHODS.map((m) => injectedRow(m, shortCode(runs[0].code.get(m) ?? ''), pooled(runs, m)))),
    '',
  ];
  for (const run of runs) {
    lines.push(
      `## ${run.dataset}`,
      '',
      `${run.plan.seeds} seeds; reference ${run.plan.referenceRows.toLocaleString('en-US')} rows, windows of ${run.plan.windowRows.toLocaleString('en-US')} rows, ${run.plan.stationaryWindows} stationary windows per seed, ${run.choices[0].length} scenarios per seed (seed 1).`,
      '',
      ...mdTable(headers, INJ_METHODS.map((m) => injectedRow(m, run.code.get(m) ?? '', summarize(run.scores.get(m) ?? [])))),
      '',
      ...run.notes.map((n) => `- ${n}`),
      `- time: ${Object.entries(run.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`,
      '',
    );
  }
  return lines.join('\n');
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `npm run eval -- --injected [--seeds N] [--only NAME] [--no-peers | --peers-only]`: prints the tables and writes the RESULTS.md section. */
export async function injectedMain(datasets: readonly EvalDataset[], configDir: string, resultsFile: string, args: readonly string[]): Promise<void> {
  const seeds = flag(args, '--seeds') ? Number(flag(args, '--seeds')) : undefined;
  const only = flag(args, '--only');
  const methods = args.includes('--no-peers') ? 'driftwatch' : args.includes('--peers-only') ? 'peers' : 'all';
  const runs: DatasetRun[] = [];
  for (const dataset of datasets.filter((d) => !only || d.name.toLowerCase().includes(only.toLowerCase()))) {
    const started = Date.now();
    process.stderr.write(`${dataset.name} (injected) ... `);
    // The census file has 277,677 rows; 5 seeds keep its part under a few minutes.
    const run = await runInjected(dataset, { configDir, seeds: seeds ?? (dataset.file.startsWith('us_census') ? 5 : 10), methods });
    runs.push(run);
    process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    console.log(`\n${run.dataset}\n${textTable(injectedHeaders(), INJ_METHODS.map((m) => injectedRow(m, m === INJ_EVIDENTLY ? 'Evidently' : run.code.get(m) ?? '', summarize(run.scores.get(m) ?? []))))}`);
    for (const n of run.notes) console.log(`  ${n}`);
    console.log(`  time: ${Object.entries(run.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
  }
  console.log(`\nAll pooled\n${textTable(injectedHeaders(), INJ_METHODS.map((m) => injectedRow(m, m === INJ_EVIDENTLY ? 'Evidently' : runs[0].code.get(m) ?? '', pooled(runs, m))))}`);
  if (only || seeds !== undefined || methods !== 'all') {
    console.log('\n(--only / --seeds / --no-peers / --peers-only: RESULTS.md not written)');
    return;
  }
  const current = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
  const { documented } = splitResults(current);
  fs.writeFileSync(resultsFile, `${documented}\n${injectedMarkdown(runs, 'npm run eval -- --injected')}`);
  console.log(`\nWrote the injected section of ${path.relative(process.cwd(), resultsFile)}`);
}
