/**
 * The data pull's SQL: the labelled rows of the window (the monitor's label join, `labelJoinCtes`
 * of `lambda/sql/performance-query.ts`: each prediction once, its latest label) with every column a
 * model trains on, each row given a `split` of `train` or `holdout`. The same text runs on Athena
 * (inside `UNLOAD`) and on DuckDB (inside `COPY`, and in the tests).
 *
 * The split is a hash of the prediction id, not a random draw, so a rerun over the same rows puts
 * every row on the same side: `crc32(to_utf8(prediction_id)) % 100 < holdoutPercent` is the holdout.
 * `crc32` and `to_utf8` are Trino's; the DuckDB adapter defines them as macros with the same results.
 * Shadow copies (a candidate's answers to requests the champion served) are left out: the request
 * is already there as the champion's row.
 */
import { quoteIdentifier } from '../../core/schema/identifier';
import { predictionColumns, SHADOW_VARIANT, type ModelRecordSpec } from '../../core/schema/record-schema';
import { sqlInteger, sqlString } from '../../sql/literal';
import { labelJoinCtes } from '../../sql/performance-query';
import type { ResultRow } from '../../sql/parse-profile';
import type { TableRef } from '../../sql/table';
import type { PullWindow } from './window';
import { PullInputError } from './window';

/** The column that names each row's side; the unload writes one folder per value (`split=train/`). */
export const SPLIT_COLUMN = 'split';
export const SPLITS = ['train', 'holdout'] as const;
export type Split = (typeof SPLITS)[number];

const q = quoteIdentifier;

export interface PullQueryInput {
  readonly spec: ModelRecordSpec;
  readonly predictionTable: TableRef;
  readonly labelTable: TableRef;
  readonly window: PullWindow;
  /** Labels are read up to the window's end + this many days. */
  readonly labelLookbackDays: number;
  /** Percent of the rows (by id hash) in the holdout, 1-99. */
  readonly holdoutPercent: number;
}

/**
 * The predicate that puts a row in the holdout: its id's CRC-32 modulo 100 below the share.
 * @example holdoutPredicate(20) // crc32(to_utf8("prediction_id")) % 100 < 20
 * @throws PullInputError when the share is not an integer from 1 to 99
 */
export function holdoutPredicate(holdoutPercent: number): string {
  if (!Number.isInteger(holdoutPercent) || holdoutPercent < 1 || holdoutPercent > 99) {
    throw new PullInputError(`retraining.pipeline.dataPull.holdoutPercent must be an integer from 1 to 99, got ${JSON.stringify(holdoutPercent)}`);
  }
  return `crc32(to_utf8(${q('prediction_id')})) % ${sqlInteger(100)} < ${sqlInteger(holdoutPercent)}`;
}

/** The training columns, in the prediction table's order, then the label; model_id is the same on every row. */
export function pullColumns(spec: ModelRecordSpec): string[] {
  return [...predictionColumns(spec).map((c) => c.name).filter((n) => n !== 'model_id'), 'label'];
}

/** The SELECT both engines unload: labelled rows, the training columns, `split` last (the unload's partition column). */
export function pullSelect(input: PullQueryInput): string {
  const { spec, window } = input;
  const carried = predictionColumns(spec).map((c) => q(c.name));
  const columns = pullColumns(spec).map((n) => (n === 'label' ? `label AS ${q('label')}` : q(n)));
  return `-- driftwatch retraining pull: model ${spec.modelId}, labelled predictions [${window.start.toISOString()}, ${window.end.toISOString()}), labels ${input.labelLookbackDays} days beyond, ${input.holdoutPercent}% holdout by id hash
${labelJoinCtes(input, carried, input.labelLookbackDays)}
SELECT ${columns.join(', ')},
  CASE WHEN ${holdoutPredicate(input.holdoutPercent)} THEN ${sqlString('holdout')} ELSE ${sqlString('train')} END AS ${q(SPLIT_COLUMN)}
FROM joined
WHERE labelled = ${sqlInteger(1)} AND label IS NOT NULL AND ${q('variant')} <> ${sqlString(SHADOW_VARIANT)}
ORDER BY ${q('prediction_id')}`;
}

/** Rows per side of the same SELECT, before anything is written (the engine reads only the columns it needs). */
export function pullCountQuery(select: string): string {
  return `SELECT ${q(SPLIT_COLUMN)}, COUNT(*) AS n FROM (${select}\n) AS pulled GROUP BY ${q(SPLIT_COLUMN)}`;
}

/** The count query's rows → rows per side (0 for a side without rows). */
export function parseSplitCounts(rows: readonly ResultRow[]): Record<Split, number> {
  const counts: Record<Split, number> = { train: 0, holdout: 0 };
  for (const row of rows) {
    const side = String(row[SPLIT_COLUMN]) as Split;
    if (!SPLITS.includes(side)) throw new Error(`the pull's count query returned split ${JSON.stringify(row[SPLIT_COLUMN])}, expected train or holdout`);
    counts[side] = Number(row.n);
  }
  return counts;
}
