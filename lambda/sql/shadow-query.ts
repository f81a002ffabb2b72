/**
 * The shadow comparison's paired rows: the champion's and the shadow's predictions of the SAME
 * requests, joined on prediction_id (both variants log the request's id — SageMaker's InferenceId —
 * with their own `variant`), joined to the ground truth. Only rows both variants answered and that
 * have a label count, so the two metrics are on the same rows. Each side is de-duplicated as the
 * label-join query does (`performance-query.ts`): earliest prediction per (id, variant), latest label.
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
import { dayRangeFilter, hourRangeFilter } from './partition';
import { DEFAULT_LABEL_LOOKBACK_DAYS } from './performance-query';
import { qualifiedTable, type TableRef } from './table';
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
  const labelEnd = new Date(input.window.end.getTime() + lookback * 86_400_000);
  const value = classification ? q('predicted_label') : q('prediction');
  const side = (variant: 'champion' | 'shadow', extra: string) => `
  SELECT ${q('prediction_id')}, ${value} AS v,
    ROW_NUMBER() OVER (PARTITION BY ${q('prediction_id')} ORDER BY ${q('event_time')}) AS copy_number
  FROM ${qualifiedTable(input.predictionTable)}
  WHERE ${hourRangeFilter(input.window.start, input.window.end)} AND ${q('variant')} = ${sqlString(variant)}${extra}`;
  const losses = [
    ['abs', 'ABS(c.v - l.label)', 'ABS(s.v - l.label)', 'TRUE'],
    ['squared', '(c.v - l.label) * (c.v - l.label)', '(s.v - l.label) * (s.v - l.label)', 'TRUE'],
    ['pct', 'ABS(c.v - l.label) / ABS(l.label)', 'ABS(s.v - l.label) / ABS(l.label)', 'l.label <> 0'],
  ];
  const select = classification
    ? `SELECT l.label AS label, c.v AS champion_label, s.v AS candidate_label, COUNT(*) AS n`
    : `SELECT COUNT(*) AS n, ${losses
        .flatMap(([name, ch, ca, where]) => [
          `SUM(CASE WHEN ${where} THEN 1 ELSE 0 END) AS ${name}_n`,
          `SUM(CASE WHEN ${where} THEN ${ch} END) AS ${name}_champion`,
          `SUM(CASE WHEN ${where} THEN ${ca} END) AS ${name}_candidate`,
          `SUM(CASE WHEN ${where} THEN (${ch} - ${ca}) * (${ch} - ${ca}) END) AS ${name}_diff_sq`,
        ])
        .join(',\n  ')}`;
  return `-- driftwatch shadow pairs: model ${input.spec.modelId}, candidate version ${input.candidateVersion}, predictions [${input.window.start.toISOString()}, ${input.window.end.toISOString()})
WITH champion AS (${side('champion', '')}
),
shadow AS (${side('shadow', ` AND ${q('model_version')} = ${sqlString(input.candidateVersion)}`)}
),
labels AS (
  SELECT ${q('prediction_id')}, ${q('label')},
    ROW_NUMBER() OVER (PARTITION BY ${q('prediction_id')} ORDER BY ${q('label_time')} DESC, ${q('label')} DESC) AS label_rank
  FROM ${qualifiedTable(input.labelTable)}
  WHERE ${dayRangeFilter(input.window.start, labelEnd)}
)
${select}
FROM champion c
JOIN shadow s ON s.${q('prediction_id')} = c.${q('prediction_id')} AND s.copy_number = ${sqlInteger(1)}
JOIN labels l ON l.${q('prediction_id')} = c.${q('prediction_id')} AND l.label_rank = ${sqlInteger(1)}
WHERE c.copy_number = ${sqlInteger(1)} AND c.v IS NOT NULL AND s.v IS NOT NULL
${classification ? 'GROUP BY l.label, c.v, s.v' : ''}`;
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
