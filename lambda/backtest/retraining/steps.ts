/**
 * The replay's retraining steps, pure: the gate step's `evaluation.json` from the candidate's and the
 * champion's answers on the holdout, judged by the gate engine (`lambda/core/gates`, as
 * `lambda/retraining/check-gates.ts` runs it); the shadow comparison on the next window's labelled
 * rows (`lambda/core/promotion/compare-shadow.ts`, as the promotion Lambda runs it); and the
 * promotion rule of the approval step (`autoApproves`). A regression's pieces are in
 * `regression-steps.ts`.
 */
import { EVALUATION_FORMAT, evaluateGates, parseEvaluation, type Gate, type GateReport } from '../../core/gates';
import { classificationMetrics } from '../../core/metrics/classification';
import { compareShadow, type ShadowComparison, type ShadowPolicy } from '../../core/promotion/compare-shadow';
import type { PairedCell } from '../../core/promotion/paired-bootstrap';
import { rocAuc } from '../../demo/model';
import { pairedLossSums, regressionHoldoutMetrics } from './regression-steps';
import type { Predictions } from './trainer';

/** Labelled rows' classes, null where the label is missing. */
export type Labels = readonly (string | null)[];

/** The ground truth of some rows: a classifier's classes, or a regression's targets (NaN where missing). */
export type Truth = { readonly kind: 'classification'; readonly labels: Labels } | { readonly kind: 'regression'; readonly targets: Float64Array };

/** A regression model's values. @throws Error when the model gave none */
function valuesOf(p: Predictions, who: string): Float64Array {
  if (!p.values) throw new Error(`the ${who} gave no predicted values: a regression model's answers are numbers`);
  return p.values;
}

/** The labelled rows' indexes. */
function labelled(labels: Labels): number[] {
  const out: number[] = [];
  labels.forEach((l, i) => {
    if (l !== null) out.push(i);
  });
  return out;
}

/**
 * A model's metrics on labelled rows, named as MLflow names them (`accuracy_score`, `precision_score`,
 * `recall_score`, `f1_score` of the positive class, or weighted over the classes without one;
 * `roc_auc` when the model gives scores); a regression's as `regressionHoldoutMetrics` names them.
 */
export function holdoutMetrics(truth: Truth, p: Predictions, positive: string | undefined, who = 'model'): Record<string, number> {
  if (truth.kind === 'regression') return regressionHoldoutMetrics(truth.targets, valuesOf(p, who));
  const labels = truth.labels;
  const rows = labelled(labels);
  if (rows.length === 0) return {};
  const m = classificationMetrics(rows.map((i) => labels[i] as string), rows.map((i) => p.labels[i]));
  const cls = positive === undefined ? undefined : m.perClass.find((c) => c.class === positive);
  const avg = cls ?? m.weighted;
  const out: Record<string, number> = { accuracy_score: m.accuracy ?? 0, precision_score: avg.precision, recall_score: avg.recall, f1_score: avg.f1 };
  if (p.scores && positive !== undefined) {
    const auc = rocAuc(rows.map((i) => (p.scores as Float64Array)[i]), rows.map((i) => (labels[i] === positive ? 1 : 0)));
    if (Number.isFinite(auc)) out.roc_auc = auc;
  }
  return out;
}

export interface GateStepInput {
  readonly truth: Truth;
  readonly candidate: Predictions;
  readonly champion: Predictions;
  readonly championVersion: string;
  readonly positive?: string;
  readonly gates: readonly Gate[];
}

/** The gate step: `evaluation.json` (driftwatch.evaluation/v1) for the holdout, and the gate engine's report on it. */
export function gateStep(input: GateStepInput): { readonly report: GateReport; readonly metrics: Record<string, number>; readonly champion: Record<string, number> } {
  const metrics = holdoutMetrics(input.truth, input.candidate, input.positive, 'candidate');
  const champion = holdoutMetrics(input.truth, input.champion, input.positive, `champion ${input.championVersion}`);
  const rows = input.truth.kind === 'regression' ? input.truth.targets.filter(Number.isFinite).length : labelled(input.truth.labels).length;
  const evaluation = parseEvaluation(
    { format: EVALUATION_FORMAT, holdout: { rows }, metrics, champion: { version: input.championVersion, metrics: champion } },
    'the backtest holdout',
  );
  return { report: evaluateGates(evaluation, input.gates), metrics, champion };
}

/** Labelled rows both models answered, counted by (label, champion's class, candidate's class). */
export function pairedCells(labels: Labels, champion: Predictions, candidate: Predictions): PairedCell[] {
  const counts = new Map<string, PairedCell>();
  for (const i of labelled(labels)) {
    const cell = { label: labels[i] as string, champion: champion.labels[i], candidate: candidate.labels[i] };
    const key = JSON.stringify([cell.label, cell.champion, cell.candidate]);
    const seen = counts.get(key);
    counts.set(key, { ...cell, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}

/** The shadow comparison: the candidate against the champion on the same labelled rows (a regression: the paired t-test on their losses). */
export function shadowStep(truth: Truth, champion: Predictions, candidate: Predictions, policy: ShadowPolicy, classes: readonly string[], positive?: string): ShadowComparison {
  if (truth.kind === 'regression') {
    return compareShadow({ kind: 'regression', sums: pairedLossSums(truth.targets, valuesOf(champion, 'champion'), valuesOf(candidate, 'candidate'), policy.metric) }, policy);
  }
  return compareShadow({ kind: 'classification', cells: pairedCells(truth.labels, champion, candidate), classes, ...(positive !== undefined ? { positiveClass: positive } : {}) }, policy);
}
