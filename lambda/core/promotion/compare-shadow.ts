/**
 * The shadow comparison: the candidate against the champion on the SAME labelled rows (every request
 * the champion answered was also sent to the shadow variant; rows are paired by prediction_id), so the
 * test is a paired one and the traffic both saw cancels out.
 *
 * The test, by metric:
 * - `accuracy` (right or wrong per row): McNemar's exact test on the discordant rows (`mcnemar.ts`).
 * - `precision`, `recall`, `f1` (of the positive class), `macro_f1`: not per-row, so a paired bootstrap
 *   of candidate − champion with a fixed seed and the percentile interval (`paired-bootstrap.ts`).
 * - `mae`, `rmse`, `mape`: the paired t-test on per-row losses (|e|, e², |e|/|y|; `paired-t.ts`).
 *
 * Verdict: `insufficient` below `minLabelledRows` paired labelled rows; `better` / `worse` when the
 * test rejects "no difference" at `alpha` (bootstrap: the 1 − alpha interval excludes 0) in that
 * direction; `equivalent` otherwise — meaning "no difference shown", not an equivalence test, so a
 * policy that wants a proven gain auto-approves only on `better`.
 *
 * @example
 * compareShadow({ kind: 'classification', cells }, { metric: 'accuracy', minLabelledRows: 1000, alpha: 0.05 }).verdict
 */
import type { ClassificationMetrics } from '../metrics/classification';
import { mcnemarExact } from './mcnemar';
import { pairedBootstrap, type PairedCell } from './paired-bootstrap';
import { pairedTFromSums } from './paired-t';

export type ShadowVerdict = 'better' | 'equivalent' | 'worse' | 'insufficient';

/** Regression: over paired labelled rows, the two variants' summed losses and Σ(loss_champion − loss_candidate)². */
export interface PairedLossSums {
  readonly count: number;
  readonly championLoss: number;
  readonly candidateLoss: number;
  readonly sumSquaredDiff: number;
}

export type ShadowEvidence =
  | { readonly kind: 'classification'; readonly cells: readonly PairedCell[]; readonly classes?: readonly string[]; readonly positiveClass?: string }
  | { readonly kind: 'regression'; readonly sums: PairedLossSums };

export interface ShadowPolicy {
  readonly metric: string;
  readonly minLabelledRows: number;
  readonly alpha: number;
  /** @default 2000 */
  readonly resamples?: number;
  /** @default SHADOW_BOOTSTRAP_SEED */
  readonly seed?: number;
}

export const SHADOW_BOOTSTRAP_SEED = 20_261_201;
export const CLASSIFICATION_SHADOW_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'macro_f1'] as const;
export const REGRESSION_SHADOW_METRICS = ['mae', 'rmse', 'mape'] as const;

export interface ShadowComparison {
  readonly verdict: ShadowVerdict;
  readonly metric: string;
  readonly labelledRows: number;
  readonly champion: number | null;
  readonly candidate: number | null;
  readonly test: 'mcnemar-exact' | 'paired-bootstrap' | 'paired-t';
  /** McNemar and t: the two-sided p-value; bootstrap: null (the interval decides). */
  readonly pValue: number | null;
  /** Bootstrap: the 1 − alpha interval of candidate − champion. */
  readonly interval: readonly [number, number] | null;
  /** One sentence for the owner and the ledger. */
  readonly summary: string;
}

const fmt = (v: number | null) => (v === null ? 'n/a' : Number(v.toPrecision(4)).toString());

function classificationMetricOf(metric: string, positiveClass: string | undefined): (m: ClassificationMetrics) => number {
  if (metric === 'accuracy') return (m) => m.accuracy ?? 0;
  if (metric === 'macro_f1') return (m) => m.macro.f1;
  if (metric === 'precision' || metric === 'recall' || metric === 'f1') {
    if (positiveClass === undefined) throw new Error(`shadow metric ${JSON.stringify(metric)} needs the positive class (label.positiveClass)`);
    return (m) => m.perClass.find((c) => c.class === positiveClass)?.[metric] ?? 0;
  }
  throw new Error(`shadow metric ${JSON.stringify(metric)} is not one a classification shadow compares (${CLASSIFICATION_SHADOW_METRICS.join(', ')})`);
}

function decided(better: boolean, worse: boolean): ShadowVerdict {
  return better ? 'better' : worse ? 'worse' : 'equivalent';
}

function classification(e: Extract<ShadowEvidence, { kind: 'classification' }>, policy: ShadowPolicy, rows: number): Omit<ShadowComparison, 'summary' | 'labelledRows' | 'metric'> {
  const read = classificationMetricOf(policy.metric, e.positiveClass);
  if (policy.metric === 'accuracy') {
    const championOnly = e.cells.filter((c) => c.champion === c.label && c.candidate !== c.label).reduce((s, c) => s + c.count, 0);
    const candidateOnly = e.cells.filter((c) => c.candidate === c.label && c.champion !== c.label).reduce((s, c) => s + c.count, 0);
    const right = (side: 'champion' | 'candidate') => e.cells.filter((c) => c[side] === c.label).reduce((s, c) => s + c.count, 0) / rows;
    const { pValue } = mcnemarExact(championOnly, candidateOnly);
    const significant = pValue < policy.alpha;
    return { verdict: decided(significant && candidateOnly > championOnly, significant && candidateOnly < championOnly), champion: right('champion'), candidate: right('candidate'), test: 'mcnemar-exact', pValue, interval: null };
  }
  const r = pairedBootstrap(e.cells, read, { resamples: policy.resamples ?? 2000, seed: policy.seed ?? SHADOW_BOOTSTRAP_SEED, alpha: policy.alpha }, e.classes);
  return { verdict: decided(r.low > 0, r.high < 0), champion: r.champion, candidate: r.candidate, test: 'paired-bootstrap', pValue: null, interval: [r.low, r.high] };
}

function regression(s: PairedLossSums, policy: ShadowPolicy): Omit<ShadowComparison, 'summary' | 'labelledRows' | 'metric'> {
  if (!(REGRESSION_SHADOW_METRICS as readonly string[]).includes(policy.metric)) {
    throw new Error(`shadow metric ${JSON.stringify(policy.metric)} is not one a regression shadow compares (${REGRESSION_SHADOW_METRICS.join(', ')})`);
  }
  const t = pairedTFromSums({ count: s.count, sumDiff: s.championLoss - s.candidateLoss, sumSquaredDiff: s.sumSquaredDiff });
  const value = (loss: number) => (policy.metric === 'rmse' ? Math.sqrt(loss / s.count) : loss / s.count);
  const significant = t.pValue < policy.alpha;
  // d = champion's loss − candidate's: positive means the candidate errs less.
  return { verdict: decided(significant && t.meanDifference > 0, significant && t.meanDifference < 0), champion: value(s.championLoss), candidate: value(s.candidateLoss), test: 'paired-t', pValue: t.pValue, interval: null };
}

/** @throws Error naming a metric the evidence's kind cannot compare, or a missing positive class */
export function compareShadow(evidence: ShadowEvidence, policy: ShadowPolicy): ShadowComparison {
  const rows = evidence.kind === 'classification' ? evidence.cells.reduce((s, c) => s + c.count, 0) : evidence.sums.count;
  const base = { metric: policy.metric, labelledRows: rows };
  if (rows < policy.minLabelledRows || rows < 2) {
    return { ...base, verdict: 'insufficient', champion: null, candidate: null, test: evidence.kind === 'regression' ? 'paired-t' : policy.metric === 'accuracy' ? 'mcnemar-exact' : 'paired-bootstrap', pValue: null, interval: null, summary: `${rows} labelled shadow rows < ${policy.minLabelledRows}: not judged yet` };
  }
  const r = evidence.kind === 'classification' ? classification(evidence, policy, rows) : regression(evidence.sums, policy);
  const evidenceText = r.interval ? `${Math.round((1 - policy.alpha) * 100)}% interval of the difference [${fmt(r.interval[0])}, ${fmt(r.interval[1])}]` : `p = ${fmt(r.pValue)}`;
  const summary = `candidate ${policy.metric} ${fmt(r.candidate)} vs champion ${fmt(r.champion)} on ${rows} labelled rows (${r.test}, ${evidenceText}, alpha ${policy.alpha}): ${r.verdict}`;
  return { ...base, ...r, summary };
}

/**
 * Whether a shadow verdict lets a policy with auto-approval promote the candidate without a person:
 * only `better` (`equivalent` is "no difference shown", a person's call).
 */
export function autoApproves(verdict: ShadowVerdict): boolean {
  return verdict === 'better';
}
