/**
 * The shadow comparison's paired rows: the champion's and the shadow's predictions of the SAME
 * requests, joined on prediction_id (both variants log the request's id — SageMaker's InferenceId —
 * with their own `variant`), joined to the ground truth. Only rows both variants answered and that
 * have a label count, so the two metrics are on the same rows. The rows are the label join's
 * (`labelJoinCtes` of `performance-query.ts`, written once): earliest prediction per (id, variant),
 * latest label.
 *
 * Classification: one row per (label, champion_label, candidate_label) with n — at most k³ rows, the
 * cells the paired bootstrap and McNemar read. Regression: one row of n and, per loss (|e|, e², |e|/|y|
 * over y ≠ 0), the two sums and Σ(loss_champion − loss_candidate)², what the paired t-test needs.
 */
import { quoteIdentifier } from '../core/schema/identifier';
import { isClassification, type ModelRecordSpec } from '../core/schema/record-schema';
import type { PairedCell } from '../core/promotion/paired-bootstrap';
import type { PairedLossSums } from '../core/promotion/compare-shadow';
import { sqlInteger, sqlString } from './literal';
import { DEFAULT_LABEL_LOOKBACK_DAYS, labelJoinCtes } from './performance-query';
import type { TableRef } from './table';
import type { ResultRow } from './parse-profile';

export interface ShadowQueryInput {
  readonly spec: ModelRecordSpec;
  readonly predictionTable: TableRef;
  readonly labelTable: TableRef;
  /** Predictions whose partition hour is in [start, end): from the shadow's start to now. */
  readonly window: { readonly start: Date; readonly end: Date };
  /** The candidate's model_version: shadow rows of an earlier candidate are left out. */
  readonly candidateVersion: string;
  /** @default 14 */
  readonly labelLookbackDays?: number;
}

const q = quoteIdentifier;

export function shadowPairsQuery(input: ShadowQueryInput): string {
  const classification = isClassification(input.spec.task);
  const lookback = input.labelLookbackDays ?? DEFAULT_LABEL_LOOKBACK_DAYS;
  const value = classification ? q('predicted_label') : q('prediction');
  const columns = [q('prediction_id'), q('variant'), q('model_version'), `${value} AS v`];
  const losses = [
    ['abs', 'ABS(c.v - c.label)', 'ABS(s.v - c.label)', 'TRUE'],
    ['squared', '(c.v - c.label) * (c.v - c.label)', '(s.v - c.label) * (s.v - c.label)', 'TRUE'],
    ['pct', 'ABS(c.v - c.label) / ABS(c.label)', 'ABS(s.v - c.label) / ABS(c.label)', 'c.label <> 0'],
  ];
  const select = classification
    ? `SELECT c.label AS label, c.v AS champion_label, s.v AS candidate_label, COUNT(*) AS n`
    : `SELECT COUNT(*) AS n, ${losses
        .flatMap(([name, ch, ca, where]) => [
          `SUM(CASE WHEN ${where} THEN 1 ELSE 0 END) AS ${name}_n`,
          `SUM(CASE WHEN ${where} THEN ${ch} END) AS ${name}_champion`,
          `SUM(CASE WHEN ${where} THEN ${ca} END) AS ${name}_candidate`,
          `SUM(CASE WHEN ${where} THEN (${ch} - ${ca}) * (${ch} - ${ca}) END) AS ${name}_diff_sq`,
        ])
        .join(',\n  ')}`;
  // The label join's rows (one per prediction_id and variant, with its latest label), paired by id.
  return `-- driftwatch shadow pairs: model ${input.spec.modelId}, candidate version ${input.candidateVersion}, predictions [${input.window.start.toISOString()}, ${input.window.end.toISOString()})
${labelJoinCtes(input, columns, lookback)}
${select}
FROM joined c
JOIN joined s ON s.${q('prediction_id')} = c.${q('prediction_id')} AND s.${q('variant')} = ${sqlString('shadow')} AND s.${q('model_version')} = ${sqlString(input.candidateVersion)}
WHERE c.${q('variant')} = ${sqlString('champion')} AND c.labelled = ${sqlInteger(1)} AND c.v IS NOT NULL AND s.v IS NOT NULL
${classification ? 'GROUP BY c.label, c.v, s.v' : ''}`;
}

const num = (v: unknown): number => (v === null || v === undefined || v === '' ? 0 : Number(v));

/** Classification rows → the paired cells. */
export function parseShadowCells(rows: readonly ResultRow[]): PairedCell[] {
  return rows.map((r) => ({ label: String(r.label), champion: String(r.champion_label), candidate: String(r.candidate_label), count: num(r.n) }));
}

/** Regression row → the loss sums of one metric (mae: |e|, rmse: e², mape: |e|/|y| over y ≠ 0). */
export function parseShadowLossSums(rows: readonly ResultRow[], metric: 'mae' | 'rmse' | 'mape'): PairedLossSums {
  const r = rows[0] ?? {};
  const name = metric === 'mae' ? 'abs' : metric === 'rmse' ? 'squared' : 'pct';
  return { count: num(r[`${name}_n`]), championLoss: num(r[`${name}_champion`]), candidateLoss: num(r[`${name}_candidate`]), sumSquaredDiff: num(r[`${name}_diff_sq`]) };
}
