/**
 * Realised performance from labelled predictions: predictions of a window joined to their ground truth
 * on prediction_id, labels read over a lookback (labels arrive late), aggregated so that metrics
 * (precision/recall/F1, MAE/RMSE/MAPE, business metrics) and label coverage come from a few sums.
 *
 * Firehose delivers at least once, so both sides are de-duplicated by prediction_id first: one
 * prediction per id (earliest event_time) and its latest label (latest label_time).
 */
import { quoteIdentifier } from '../core/schema/identifier';
import { isClassification, ModelRecordSpec, SHADOW_VARIANT } from '../core/schema/record-schema';
import { sqlInteger } from './literal';
import { dayRangeFilter, hourRangeFilter } from './partition';
import { qualifiedTable, TableRef } from './table';
import type { ResultRow } from './parse-profile';

export const DEFAULT_LABEL_LOOKBACK_DAYS = 14;

export interface PerformanceQueryInput {
  readonly spec: ModelRecordSpec;
  readonly predictionTable: TableRef;
  readonly labelTable: TableRef;
  /** Predictions whose partition hour is in [start, end) (UTC, truncated to the hour). */
  readonly window: { readonly start: Date; readonly end: Date };
  /** Labels are read from the window's first day to `end` + this many days. @default 14 */
  readonly labelLookbackDays?: number;
  /**
   * Aggregate each partition of the range separately in the same scan — 'hour': rows start with dt,
   * hour; 'day': with dt — so a replay of history judges every window from one query
   * (`parseGroupedPerformanceRows`) instead of one per window. Predictions and labels are
   * de-duplicated over the whole range. Left out: one window, no group columns.
   */
  readonly groupBy?: 'hour' | 'day';
}

const q = quoteIdentifier;

/**
 * The label-join query. Classification: one row per (variant, predicted_label, label, labelled) with
 * n and the business columns' sums — a confusion matrix per variant, unlabelled predictions as label
 * NULL. Regression and ranking: one row per (variant, labelled) with n, Σe, Σ|e|, Σe², Σ|e|/|y| over
 * y ≠ 0, #(y = 0), Σ|y| (e = prediction − label) and business sums.
 * Business sums are columns business_0, business_1, ... in the order of spec.businessColumns (doubles).
 */
export function performanceQuery(input: PerformanceQueryInput): string {
  const { spec } = input;
  const lookback = input.labelLookbackDays ?? DEFAULT_LABEL_LOOKBACK_DAYS;
  if (!Number.isInteger(lookback) || lookback < 0) throw new Error(`labelLookbackDays must be an integer >= 0 (got ${lookback})`);
  const classification = isClassification(spec.task);
  const business = (spec.businessColumns ?? []).filter((b) => b.type === 'double').map((b) => b.name);
  const predictionColumns = [
    'prediction_id', 'variant', 'event_time', 'prediction', ...(classification ? ['predicted_label'] : []), ...business,
  ].map(q);
  const businessSums = business.map((b, i) => `SUM(${q(b)}) AS ${q(`business_${i}`)}`);
  const error = 'prediction - label';
  const aggregates = classification
    ? ['COUNT(*) AS n', ...businessSums]
    : [
        'COUNT(*) AS n',
        `SUM(${error}) AS sum_error`,
        `SUM(ABS(${error})) AS sum_abs_error`,
        `SUM((${error}) * (${error})) AS sum_squared_error`,
        `SUM(CASE WHEN label <> 0 THEN ABS(${error}) / ABS(label) END) AS sum_abs_pct_error`,
        'SUM(CASE WHEN label = 0 THEN 1 ELSE 0 END) AS zero_label_count',
        'SUM(ABS(label)) AS sum_abs_label',
        ...businessSums,
      ];
  const partition = input.groupBy === 'hour' ? ['dt', 'hour'] : input.groupBy === 'day' ? ['dt'] : [];
  if (input.groupBy !== undefined && partition.length === 0) throw new Error(`performanceQuery: groupBy must be 'hour' or 'day', got ${JSON.stringify(input.groupBy)}`);
  const groups = [...partition, ...(classification ? ['variant', 'predicted_label', 'label', 'labelled'] : ['variant', 'labelled'])];
  return `-- driftwatch performance: model ${spec.modelId}, predictions [${input.window.start.toISOString()}, ${input.window.end.toISOString()}), labels ${lookback} days beyond${partition.length > 0 ? `, per ${input.groupBy}` : ''}
${labelJoinCtes(input, [...partition.map(q), ...predictionColumns], lookback)}
SELECT ${groups.join(', ')}, ${aggregates.join(', ')}
FROM joined
GROUP BY ${groups.join(', ')}
`;
}

/**
 * The label join itself, as CTEs ending in `joined`: each prediction of the window once (earliest
 * copy per prediction_id and variant) with its latest label (`label`, NULL without one) and
 * `labelled` (1 or 0). `columns` are the prediction columns carried through, already quoted. The
 * performance query aggregates `joined`; the retraining data pull unloads its labelled rows.
 */
export function labelJoinCtes(input: Pick<PerformanceQueryInput, 'predictionTable' | 'labelTable' | 'window'>, columns: readonly string[], lookbackDays: number): string {
  const labelEnd = new Date(input.window.end.getTime() + lookbackDays * 86_400_000);
  return `WITH window_predictions AS (
  SELECT ${columns.join(', ')},
    ROW_NUMBER() OVER (PARTITION BY ${q('prediction_id')}, ${q('variant')} ORDER BY ${q('event_time')}) AS copy_number
  FROM ${qualifiedTable(input.predictionTable)}
  WHERE ${hourRangeFilter(input.window.start, input.window.end)}
),
window_labels AS (
  SELECT ${q('prediction_id')}, ${q('label')},
    ROW_NUMBER() OVER (PARTITION BY ${q('prediction_id')} ORDER BY ${q('label_time')} DESC, ${q('label')} DESC) AS label_rank
  FROM ${qualifiedTable(input.labelTable)}
  WHERE ${dayRangeFilter(input.window.start, labelEnd)}
),
joined AS (
  SELECT p.*, l.${q('label')} AS label, CASE WHEN l.${q('prediction_id')} IS NULL THEN 0 ELSE 1 END AS labelled
  FROM window_predictions p
  LEFT JOIN window_labels l ON l.${q('prediction_id')} = p.${q('prediction_id')} AND l.label_rank = ${sqlInteger(1)}
  WHERE p.copy_number = ${sqlInteger(1)}
)`;
}

export interface ConfusionCell {
  readonly predicted: string | null;
  readonly actual: string;
  readonly count: number;
  /** Sums of the business columns over these predictions. */
  readonly business: Readonly<Record<string, number>>;
}

export interface ErrorSums {
  readonly count: number;
  readonly sumError: number;
  readonly sumAbsError: number;
  readonly sumSquaredError: number;
  /** Σ|e|/|y| over labelled rows with y ≠ 0 (MAPE = this / (count − zeroLabelCount)). */
  readonly sumAbsPercentError: number;
  readonly zeroLabelCount: number;
  readonly sumAbsLabel: number;
}

export interface VariantPerformance {
  readonly predictions: number;
  readonly labelled: number;
  /** labelled / predictions; null without predictions. */
  readonly coverage: number | null;
  /** Classification: confusion cells of labelled predictions. */
  readonly confusion: readonly ConfusionCell[] | null;
  /** Regression/ranking: error sums over labelled predictions. */
  readonly errors: ErrorSums | null;
  /** Business sums over labelled predictions. */
  readonly business: Readonly<Record<string, number>>;
}

export interface PerformanceAggregates extends VariantPerformance {
  readonly byVariant: Readonly<Record<string, VariantPerformance>>;
}

const toNumber = (v: unknown): number => (v === null || v === undefined || v === '' ? 0 : Number(v));

/**
 * Parses the rows of a grouped `performanceQuery` (`groupBy`) into one aggregate per target (a
 * window): `targetOf` names the target of a partition (hour null with day grain); every target gets
 * one, empty when no prediction fell in it.
 */
export function parseGroupedPerformanceRows(
  rows: readonly ResultRow[],
  spec: ModelRecordSpec,
  targets: number,
  targetOf: (dt: string, hour: string | null) => number,
): PerformanceAggregates[] {
  const byTarget: ResultRow[][] = Array.from({ length: targets }, () => []);
  for (const row of rows) {
    const target = targetOf(String(row.dt), row.hour === undefined || row.hour === null ? null : String(row.hour));
    if (!(target >= 0 && target < targets)) throw new Error(`performance rows: partition ${String(row.dt)} ${String(row.hour ?? '')} is in no target`);
    byTarget[target].push(row);
  }
  return byTarget.map((r) => parsePerformanceRows(r, spec));
}

/** Parses the rows of `performanceQuery` into totals and per-variant aggregates. */
export function parsePerformanceRows(rows: readonly ResultRow[], spec: ModelRecordSpec): PerformanceAggregates {
  const classification = isClassification(spec.task);
  const business = (spec.businessColumns ?? []).filter((b) => b.type === 'double').map((b) => b.name);
  type Acc = { predictions: number; labelled: number; cells: ConfusionCell[]; errors: Record<keyof ErrorSums, number>; business: Record<string, number> };
  const fresh = (): Acc => ({
    predictions: 0,
    labelled: 0,
    cells: [],
    errors: { count: 0, sumError: 0, sumAbsError: 0, sumSquaredError: 0, sumAbsPercentError: 0, zeroLabelCount: 0, sumAbsLabel: 0 },
    business: Object.fromEntries(business.map((b) => [b, 0])),
  });
  const total = fresh();
  const variants = new Map<string, Acc>();
  for (const row of rows) {
    const variant = String(row.variant);
    const acc = variants.get(variant) ?? fresh();
    variants.set(variant, acc);
    const n = toNumber(row.n);
    const labelled = toNumber(row.labelled) === 1;
    const sums = Object.fromEntries(business.map((b, i) => [b, toNumber(row[`business_${i}`])]));
    // A shadow copy has its own figures (byVariant) but is not part of what the model served.
    for (const target of variant === SHADOW_VARIANT ? [acc] : [acc, total]) {
      target.predictions += n;
      if (!labelled) continue;
      target.labelled += n;
      for (const b of business) target.business[b] += sums[b];
      if (classification) {
        const predicted = row.predicted_label === null || row.predicted_label === undefined ? null : String(row.predicted_label);
        const actual = String(row.label);
        const cell = target.cells.find((c) => c.predicted === predicted && c.actual === actual);
        if (cell) {
          (cell as { count: number }).count += n;
          for (const b of business) (cell.business as Record<string, number>)[b] += sums[b];
        } else {
          target.cells.push({ predicted, actual, count: n, business: { ...sums } });
        }
      } else {
        const e = target.errors;
        e.count += n;
        e.sumError += toNumber(row.sum_error);
        e.sumAbsError += toNumber(row.sum_abs_error);
        e.sumSquaredError += toNumber(row.sum_squared_error);
        e.sumAbsPercentError += toNumber(row.sum_abs_pct_error);
        e.zeroLabelCount += toNumber(row.zero_label_count);
        e.sumAbsLabel += toNumber(row.sum_abs_label);
      }
    }
  }
  const finish = (acc: Acc): VariantPerformance => ({
    predictions: acc.predictions,
    labelled: acc.labelled,
    coverage: acc.predictions > 0 ? acc.labelled / acc.predictions : null,
    confusion: classification
      ? [...acc.cells].sort((a, b) => `${a.predicted}\u0000${a.actual}`.localeCompare(`${b.predicted}\u0000${b.actual}`))
      : null,
    errors: classification ? null : { ...acc.errors },
    business: acc.business,
  });
  const byVariant: Record<string, VariantPerformance> = {};
  for (const variant of [...variants.keys()].sort()) byVariant[variant] = finish(variants.get(variant) as Acc);
  return { ...finish(total), byVariant };
}
