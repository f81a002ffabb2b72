/**
 * The replay's retraining steps, pure: the gate step's `evaluation.json` from the candidate's and the
 * champion's answers on the holdout, judged by the gate engine (`lambda/core/gates`, as
 * `lambda/retraining/check-gates.ts` runs it); the shadow comparison on the next window's labelled
 * rows (`lambda/core/promotion/compare-shadow.ts`, as the promotion Lambda runs it); and the
 * promotion rule of the approval step (`autoApproves`).
 */
import { EVALUATION_FORMAT, evaluateGates, parseEvaluation, type Gate, type GateReport } from '../../core/gates';
import { classificationMetrics } from '../../core/metrics/classification';
import { compareShadow, type ShadowComparison, type ShadowPolicy } from '../../core/promotion/compare-shadow';
import type { PairedCell } from '../../core/promotion/paired-bootstrap';
import { rocAuc } from '../../demo/model';
import type { Predictions } from './trainer';

/** Labelled rows' classes, null where the label is missing. */
export type Labels = readonly (string | null)[];

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
 * `roc_auc` when the model gives scores).
 */
export function holdoutMetrics(labels: Labels, p: Predictions, positive: string | undefined): Record<string, number> {
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
  readonly labels: Labels;
  readonly candidate: Predictions;
  readonly champion: Predictions;
  readonly championVersion: string;
  readonly positive?: string;
  readonly gates: readonly Gate[];
}

/** The gate step: `evaluation.json` (driftwatch.evaluation/v1) for the holdout, and the gate engine's report on it. */
export function gateStep(input: GateStepInput): { readonly report: GateReport; readonly metrics: Record<string, number>; readonly champion: Record<string, number> } {
  const metrics = holdoutMetrics(input.labels, input.candidate, input.positive);
  const champion = holdoutMetrics(input.labels, input.champion, input.positive);
  const evaluation = parseEvaluation(
    { format: EVALUATION_FORMAT, holdout: { rows: labelled(input.labels).length }, metrics, champion: { version: input.championVersion, metrics: champion } },
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

/** The shadow comparison: the candidate against the champion on the same labelled rows. */
export function shadowStep(labels: Labels, champion: Predictions, candidate: Predictions, policy: ShadowPolicy, classes: readonly string[], positive?: string): ShadowComparison {
  return compareShadow({ kind: 'classification', cells: pairedCells(labels, champion, candidate), classes, ...(positive !== undefined ? { positiveClass: positive } : {}) }, policy);
}
