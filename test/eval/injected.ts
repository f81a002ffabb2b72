/**
 * `npm run eval -- --injected [--seeds N] [--only NAME] [--no-peers | --peers-only]`: drift of known kind, size, feature and row injected
 * into real data made stationary, so that every alarm is either true or false by construction.
 *
 * Per dataset of the documented-change eval (test/eval/evaluate.ts) and per seed:
 * 1. Stationary: the dataset's rows in the order of a seeded Fisher–Yates permutation (test/support/random.ts's
 *    mulberry32). The first `reference` rows are the reference, the next `stationary` windows of the eval's
 *    window size are the stationary stretch: the rows are exchangeable, so every alarm there is false.
 * 2. Drift: the next two windows' rows are the drift base, first judged unchanged (two control windows: a seed
 *    whose base alarms as it is alarms in every scenario by chance). Each scenario (one kind and size into one feature)
 *    appends the base with that one feature changed from a change row inside the first window (in its first
 *    half, seeded) to the end of the second, then the second base window unchanged (a washout, not scored, so
 *    that a page raised by one scenario can resolve before the next begins). The ground truth records the
 *    kind, the size, the feature, its importance, the change row and every row whose value was changed.
 * 3. Every method judges the same stream in the same windows: Driftwatch's backtest (its defaults; and the same
 *    with the model's importances configured), Evidently and NannyML by their own code
 *    (test/eval/peers/injected_peers.py), the SageMaker L∞ emulation.
 *
 * Kinds: mean shifts of 0.1, 0.25, 0.5 and 1 reference σ and the spread ×1.5 about the reference mean
 * (numeric features); a missing-rate jump of +10 points (any feature); 20 % of rows moved to the reference's
 * most frequent category and 10 % of rows taking a category never seen (categorical features). Each kind goes
 * into the eligible feature of highest importance and, where one exists, the eligible feature of negligible
 * importance (a share below 1 % of the total). Importances: the bank demo's configured ones
 * (config/backtest/bank-demo.json); elsewhere |coefficient| × std shares of the demo's logistic regression
 * trained on the seed's reference rows (INSECTS: its first class against the rest).
 *
 * Scored per method: false-alarm rate (alarmed stationary windows / stationary windows), power (high-importance
 * scenarios alarmed in either drift window), delay (windows from the one holding the change, 1 = that window;
 * rows from the change to the end of the alarmed window), and pages caused by drift in negligible-importance
 * features (negligible scenarios alarmed in either drift window: with no drift the stationary rate would give
 * 1 − (1 − rate)² of them).
 */
import type { Column, Dataset } from '../../lambda/core/types';
import { prng } from '../support/random';

/* ----------------------------------------------------------------------------------------------
 * Injection with exact ground truth
 * -------------------------------------------------------------------------------------------- */

export type DriftKind = 'mean' | 'variance' | 'missing' | 'reweight' | 'new-category';

export interface DriftSpec {
  readonly kind: DriftKind;
  /** mean: shift in reference σ; variance: spread factor; missing, reweight, new-category: share of the rows. */
  readonly size: number;
}

export const KINDS: readonly DriftSpec[] = [
  { kind: 'mean', size: 0.1 },
  { kind: 'mean', size: 0.25 },
  { kind: 'mean', size: 0.5 },
  { kind: 'mean', size: 1 },
  { kind: 'variance', size: 1.5 },
  { kind: 'missing', size: 0.1 },
  { kind: 'reweight', size: 0.2 },
  { kind: 'new-category', size: 0.1 },
];

export const NEW_CATEGORY = '__injected_new_category__';
/** A feature is of negligible importance below this share of the total. */
export const NEGLIGIBLE_SHARE = 0.01;

export function specLabel(spec: DriftSpec): string {
  switch (spec.kind) {
    case 'mean':
      return `mean +${spec.size} σ`;
    case 'variance':
      return `spread ×${spec.size}`;
    case 'missing':
      return `missing +${spec.size * 100} pts`;
    case 'reweight':
      return `${spec.size * 100} % to top category`;
    default:
      return `${spec.size * 100} % new category`;
  }
}

export function eligible(spec: DriftSpec, kind: Column['kind']): boolean {
  if (spec.kind === 'mean' || spec.kind === 'variance') return kind === 'numeric';
  if (spec.kind === 'reweight' || spec.kind === 'new-category') return kind === 'categorical';
  return true;
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const random = prng(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** The rows `rows` of `column`, in that order (a copy). */
export function takeRows(column: Column, rows: ArrayLike<number>): Column {
  if (column.kind === 'numeric') return { ...column, values: Float64Array.from({ length: rows.length }, (_, i) => column.values[rows[i]]) };
  return { ...column, codes: Int32Array.from({ length: rows.length }, (_, i) => column.codes[rows[i]]) };
}

/** Reference statistics an injection needs: mean and population σ of the non-missing values, the most frequent category. */
export interface ReferenceStats {
  readonly mean: number;
  readonly std: number;
  readonly topCode: number;
}

export function referenceStats(column: Column): ReferenceStats {
  if (column.kind === 'numeric') {
    let n = 0;
    let sum = 0;
    for (const v of column.values) if (Number.isFinite(v)) (n++, (sum += v));
    const mean = sum / n;
    let ss = 0;
    for (const v of column.values) if (Number.isFinite(v)) ss += (v - mean) ** 2;
    return { mean, std: Math.sqrt(ss / n), topCode: -1 };
  }
  const counts = new Float64Array(column.dictionary.length);
  for (const c of column.codes) if (c >= 0) counts[c]++;
  let topCode = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > counts[topCode]) topCode = c;
  return { mean: NaN, std: NaN, topCode };
}

export interface Injected {
  /** The changed column (a copy; the input is not modified). */
  readonly column: Column;
  /** Offsets (into the column) of every value that differs from the input. */
  readonly changed: number[];
}

/**
 * Injects `spec` into `column` from offset `from` to its end. Mean and spread change every non-missing value;
 * missing, reweight and new-category pick each row with probability `size` (seeded) and change it when it
 * would differ (a missing value stays missing, a row already in the top category stays). Returns only rows
 * whose value actually changed.
 */
export function inject(column: Column, from: number, spec: DriftSpec, stats: ReferenceStats, random: () => number): Injected {
  const changed: number[] = [];
  if (!eligible(spec, column.kind)) throw new Error(`${spec.kind} cannot go into the ${column.kind} feature ${JSON.stringify(column.name)}`);
  if (column.kind === 'numeric') {
    const values = Float64Array.from(column.values);
    for (let i = from; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      let next = v;
      if (spec.kind === 'mean') next = v + spec.size * stats.std;
      else if (spec.kind === 'variance') next = stats.mean + spec.size * (v - stats.mean);
      else if (random() < spec.size) next = NaN;
      if (!Object.is(next, v)) {
        values[i] = next;
        changed.push(i);
      }
    }
    return { column: { ...column, values }, changed };
  }
  const codes = Int32Array.from(column.codes);
  let dictionary = column.dictionary;
  let newCode = -1;
  if (spec.kind === 'new-category') {
    if (dictionary.includes(NEW_CATEGORY)) throw new Error(`${column.name} already holds ${NEW_CATEGORY}`);
    newCode = dictionary.length;
    dictionary = [...dictionary, NEW_CATEGORY];
  }
  for (let i = from; i < codes.length; i++) {
    if (!(random() < spec.size)) continue;
    const c = codes[i];
    const next = spec.kind === 'missing' ? -1 : spec.kind === 'reweight' ? stats.topCode : newCode;
    if (next !== c) {
      codes[i] = next;
      changed.push(i);
    }
  }
  return { column: { ...column, codes, dictionary }, changed };
}

/* ----------------------------------------------------------------------------------------------
 * The stream: reference, stationary stretch, then per scenario two drift windows and a washout
 * -------------------------------------------------------------------------------------------- */

/** control: the drift base unchanged, once per seed before the scenarios (how often it alarms as it is). */
export type WindowRole = 'stationary' | 'control' | 'drift' | 'washout';

export interface StreamWindow {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly role: WindowRole;
  /** Scenario index for drift and washout windows. */
  readonly scenario?: number;
}

export interface ScenarioChoice {
  readonly spec: DriftSpec;
  readonly feature: string;
  readonly importance: number;
  readonly importanceClass: 'high' | 'negligible';
}

export interface Scenario extends ScenarioChoice {
  /** First changed row of the stream (the change point). */
  readonly changeRow: number;
  /** Every stream row whose `feature` value differs from the drift base. */
  readonly changedRows: readonly number[];
  /** The stream windows holding drifted rows (the change's window first). */
  readonly windows: readonly number[];
}

export interface StreamPlan {
  readonly referenceRows: number;
  readonly windowRows: number;
  readonly stationaryWindows: number;
}

export interface Stream {
  readonly data: Dataset;
  /** Stream row → row of the input dataset (the permutation, with drift base and washout rows repeated). */
  readonly sourceRow: Int32Array;
  readonly windows: readonly StreamWindow[];
  readonly scenarios: readonly Scenario[];
}


/**
 * For each kind, the eligible feature of highest importance and the eligible one of lowest importance when its
 * share is below NEGLIGIBLE_SHARE. `importances` are shares (summing to 1) by feature name.
 */
export function chooseScenarios(features: readonly { name: string; kind: Column['kind'] }[], importances: ReadonlyMap<string, number>, kinds = KINDS): ScenarioChoice[] {
  const out: ScenarioChoice[] = [];
  for (const spec of kinds) {
    const candidates = features.filter((f) => eligible(spec, f.kind)).map((f) => ({ name: f.name, importance: importances.get(f.name) ?? 0 }));
    if (candidates.length === 0) continue;
    // Ties broken by name, so the choice never depends on the config's order.
    const sorted = [...candidates].sort((a, b) => b.importance - a.importance || (a.name < b.name ? -1 : 1));
    const high = sorted[0];
    out.push({ spec, feature: high.name, importance: high.importance, importanceClass: 'high' });
    const low = sorted[sorted.length - 1];
    if (low.name !== high.name && low.importance < NEGLIGIBLE_SHARE) out.push({ spec, feature: low.name, importance: low.importance, importanceClass: 'negligible' });
  }
  return out;
}

/**
 * Builds one seed's stream from `data` (feature columns only). The permutation comes from `seed`; the change
 * rows and the rows a missing/reweight/new-category injection picks from seeded generators derived from it.
 */
export function buildStream(data: Dataset, plan: StreamPlan, choices: readonly ScenarioChoice[], seed: number, order = permutation(data.rowCount, seed)): Stream {
  const { referenceRows: R, windowRows: W, stationaryWindows: S } = plan;
  const needed = R + (S + 2) * W;
  if (needed > data.rowCount) throw new Error(`the plan needs ${needed} rows, the data has ${data.rowCount}`);
  const baseStart = R + S * W;
  const baseRows = order.subarray(baseStart, baseStart + 2 * W);
  const washoutRows = order.subarray(baseStart + W, baseStart + 2 * W);
  const source: number[] = Array.from(order.subarray(0, baseStart));
  const windows: StreamWindow[] = [];
  for (let k = 0; k < S; k++) windows.push({ index: k, start: R + k * W, end: R + (k + 1) * W, role: 'stationary' });
  source.push(...baseRows);
  windows.push({ index: S, start: baseStart, end: baseStart + W, role: 'control' }, { index: S + 1, start: baseStart + W, end: baseStart + 2 * W, role: 'control' });
  const random = prng(seed * 7919 + 17);
  const byName = new Map(data.columns.map((c) => [c.name, c]));
  const reference = Array.from(order.subarray(0, R));
  const statsOf = new Map<string, ReferenceStats>();
  const statsFor = (name: string) => {
    if (!statsOf.has(name)) statsOf.set(name, referenceStats(takeRows(byName.get(name) as Column, reference)));
    return statsOf.get(name) as ReferenceStats;
  };
  const segments: { feature: string; column: Column; at: number }[] = [];
  const scenarios: Scenario[] = [];
  for (const [s, choice] of choices.entries()) {
    const at = source.length;
    const column = byName.get(choice.feature);
    if (!column) throw new Error(`no feature ${JSON.stringify(choice.feature)}`);
    const from = Math.floor(random() * (W / 2));
    const injected = inject(takeRows(column, baseRows), from, choice.spec, statsFor(choice.feature), random);
    source.push(...baseRows, ...washoutRows);
    segments.push({ feature: choice.feature, column: injected.column, at });
    const first = windows.length;
    windows.push({ index: first, start: at, end: at + W, role: 'drift', scenario: s });
    windows.push({ index: first + 1, start: at + W, end: at + 2 * W, role: 'drift', scenario: s });
    windows.push({ index: first + 2, start: at + 2 * W, end: at + 3 * W, role: 'washout', scenario: s });
    scenarios.push({ ...choice, changeRow: at + from, changedRows: injected.changed.map((i) => at + i), windows: [first, first + 1] });
  }
  const sourceRow = Int32Array.from(source);
  const columns = data.columns.map((column): Column => {
    const base = takeRows(column, sourceRow);
    const mine = segments.filter((seg) => seg.feature === column.name);
    if (mine.length === 0) return base;
    if (base.kind === 'numeric') {
      const values = base.values;
      for (const seg of mine) values.set((seg.column as typeof base).values, seg.at);
      return base;
    }
    // Categorical: one dictionary for the stream (the new category, when injected, appended once).
    let dictionary = base.dictionary;
    const codes = base.codes;
    for (const seg of mine) {
      const segment = seg.column as typeof base;
      if (segment.dictionary.length > dictionary.length) dictionary = segment.dictionary;
      codes.set(segment.codes, seg.at);
    }
    return { ...base, codes, dictionary };
  });
  return { data: { rowCount: sourceRow.length, columns }, sourceRow, windows, scenarios };
}

/* ----------------------------------------------------------------------------------------------
 * Scoring
 * -------------------------------------------------------------------------------------------- */

export interface ScenarioScore {
  readonly scenario: Scenario;
  readonly detected: boolean;
  /** 1 = the window holding the change. */
  readonly delayWindows: number | null;
  readonly delayRows: number | null;
}

export interface MethodScore {
  readonly stationaryWindows: number;
  readonly falseAlarms: number;
  /** Whether either control window (the drift base unchanged) alarmed; null without control windows. */
  readonly control: boolean | null;
  readonly scenarios: readonly ScenarioScore[];
}

/** Scores one method's alarms (one boolean per stream window) against the stream's ground truth. */
export function scoreStream(stream: Pick<Stream, 'windows' | 'scenarios'>, alarms: readonly boolean[]): MethodScore {
  if (alarms.length !== stream.windows.length) throw new Error(`${alarms.length} alarms for ${stream.windows.length} windows`);
  const stationary = stream.windows.filter((w) => w.role === 'stationary');
  const control = stream.windows.filter((w) => w.role === 'control');
  return {
    stationaryWindows: stationary.length,
    falseAlarms: stationary.filter((w) => alarms[w.index]).length,
    control: control.length ? control.some((w) => alarms[w.index]) : null,
    scenarios: stream.scenarios.map((scenario) => {
      const k = scenario.windows.findIndex((i) => alarms[i]);
      const w = k < 0 ? null : stream.windows[scenario.windows[k]];
      return { scenario, detected: w !== null, delayWindows: w ? k + 1 : null, delayRows: w ? w.end - scenario.changeRow : null };
    }),
  };
}

export interface Summary {
  readonly stationaryWindows: number;
  readonly falseAlarms: number;
  /** By specLabel: high-importance scenarios, how many detected, delays of the detected. */
  readonly power: ReadonlyMap<string, { scenarios: number; detected: number; delayWindows: number[]; delayRows: number[] }>;
  readonly negligible: { scenarios: number; alarmed: number };
  /** Seeds whose unchanged drift base alarmed (in either window): every scenario of such a seed alarms by chance. */
  readonly control: { seeds: number; alarmed: number };
}

export function summarize(scores: readonly MethodScore[]): Summary {
  const power = new Map<string, { scenarios: number; detected: number; delayWindows: number[]; delayRows: number[] }>();
  for (const spec of KINDS) power.set(specLabel(spec), { scenarios: 0, detected: 0, delayWindows: [], delayRows: [] });
  const negligible = { scenarios: 0, alarmed: 0 };
  let stationaryWindows = 0;
  let falseAlarms = 0;
  const control = { seeds: 0, alarmed: 0 };
  for (const s of scores) {
    stationaryWindows += s.stationaryWindows;
    falseAlarms += s.falseAlarms;
    if (s.control !== null) {
      control.seeds++;
      if (s.control) control.alarmed++;
    }
    for (const x of s.scenarios) {
      if (x.scenario.importanceClass === 'negligible') {
        negligible.scenarios++;
        if (x.detected) negligible.alarmed++;
        continue;
      }
      const p = power.get(specLabel(x.scenario.spec)) as { scenarios: number; detected: number; delayWindows: number[]; delayRows: number[] };
      p.scenarios++;
      if (x.detected) {
        p.detected++;
        p.delayWindows.push(x.delayWindows as number);
        p.delayRows.push(x.delayRows as number);
      }
    }
  }
  return { stationaryWindows, falseAlarms, power, negligible, control };
}
