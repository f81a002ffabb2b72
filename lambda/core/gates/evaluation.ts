/**
 * `evaluation.json`, what a model's evaluation step writes (format `driftwatch.evaluation/v1`): the
 * candidate's metrics on the holdout, overall and per segment, the result of each edge case, and the
 * champion's metrics on the same holdout. The gate engine (`evaluateGates`) reads nothing else.
 *
 * ```json
 * { "format": "driftwatch.evaluation/v1",
 *   "holdout": { "rows": 12000, "uri": "s3://bucket/retraining/fraud/holdout/" },
 *   "metrics": { "recall_score": 0.91, "precision_score": 0.62, "roc_auc": 0.94 },
 *   "segments": { "high_risk": { "rows": 800, "metrics": { "recall_score": 0.93 } } },
 *   "edgeCases": [{ "id": "zero-amount", "passed": true, "expected": "fraud", "actual": "fraud" }],
 *   "champion": { "modelPackageArn": "arn:aws:sagemaker:...:model-package/fraud/7",
 *                 "metrics": { "recall_score": 0.89, "precision_score": 0.60, "roc_auc": 0.93 },
 *                 "segments": { "high_risk": { "metrics": { "recall_score": 0.90 } } } } }
 * ```
 *
 * Metric names follow MLflow's (`recall_score`, `root_mean_squared_error`; letters, digits and
 * `_ - . / ` space), so an `mlflow.evaluate` result can be written out as it is. `champion` is null
 * (or left out) when the model has no champion yet: the gates that compare with it then say so.
 * `EVALUATION_JSON_SCHEMA` is the same contract as JSON Schema (draft 2020-12), for teams writing the
 * file from Python.
 */
import * as z from 'zod';
import { formatZodIssues } from '../schema/format-issues';

export const EVALUATION_FORMAT = 'driftwatch.evaluation/v1';

/** A metric or segment name as MLflow allows its keys: letters, digits, `_ - . /` and spaces, 1-250 characters. */
export const METRIC_NAME_PATTERN = /^[A-Za-z0-9_.\-/ ]{1,250}$/;

const name = (what: string) =>
  z.string().regex(METRIC_NAME_PATTERN, { message: `expected a ${what} name of letters, digits, '_', '-', '.', '/' or spaces (1-250 characters)` });

/** Metric name → finite value. */
export const metricsSchema = z.record(name('metric'), z.number().refine(Number.isFinite, { message: 'expected a finite number' })).describe('metric name (MLflow style) → value');

export const segmentSchema = z.strictObject({
  /** Holdout rows in the segment. */
  rows: z.number().int().min(0).optional().describe('holdout rows in the segment'),
  metrics: metricsSchema,
});

export const edgeCaseSchema = z.strictObject({
  /** Stable id of the case, as the gates name it (`required`). */
  id: z.string().min(1).max(256).describe('stable id of the case'),
  passed: z.boolean(),
  description: z.string().max(2000).optional(),
  /** What the model should answer and what it answered (free text or a number; for the report). */
  expected: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  actual: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});

export const championSchema = z.strictObject({
  /** The champion's model package (or another name for it), for the lineage. */
  modelPackageArn: z.string().min(1).max(2048).optional(),
  version: z.string().min(1).max(256).optional(),
  metrics: metricsSchema,
  segments: z.record(name('segment'), segmentSchema).default({}),
});

export const evaluationSchema = z.strictObject({
  format: z.literal(EVALUATION_FORMAT),
  /** The holdout the metrics were computed on. */
  holdout: z.strictObject({ rows: z.number().int().min(0), uri: z.string().max(2048).optional() }).optional(),
  /** The candidate's metrics on the whole holdout. */
  metrics: metricsSchema,
  /** The candidate's metrics per segment (segment name → metrics). */
  segments: z.record(name('segment'), segmentSchema).default({}),
  /** Every edge case with whether the candidate passed it. */
  edgeCases: z.array(edgeCaseSchema).default([]),
  /** The champion's metrics on the same holdout; null when there is no champion yet. */
  champion: championSchema.nullable().default(null),
});

/** A parsed `evaluation.json` (defaults filled in). */
export type Evaluation = z.output<typeof evaluationSchema>;
/** What a team writes (segments, edge cases and champion may be left out). */
export type EvaluationInput = z.input<typeof evaluationSchema>;
export type EdgeCase = z.output<typeof edgeCaseSchema>;

/** A malformed `evaluation.json`: names the source and every problem by path. */
export class InvalidEvaluation extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid ${EVALUATION_FORMAT}: ${problems.join('; ')}`);
    this.name = 'InvalidEvaluation';
  }
}

/**
 * Parses an `evaluation.json` value.
 *
 * @param source names the file in the error (an S3 URI, a path)
 * @throws InvalidEvaluation naming each field that is wrong, e.g.
 *   `segments.high_risk.metrics.recall_score: expected number, got "0.9"`
 * @example
 * parseEvaluation({ format: 'driftwatch.evaluation/v1', metrics: { f1_score: 0.8 } }).champion // null
 */
export function parseEvaluation(value: unknown, source = 'evaluation.json'): Evaluation {
  const parsed = evaluationSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new InvalidEvaluation(source, formatZodIssues(parsed.error.issues));
  const seen = new Set<string>();
  const repeated = parsed.data.edgeCases.map((c, i) => (seen.has(c.id) ? `edgeCases[${i}].id: duplicate edge case ${JSON.stringify(c.id)}` : (seen.add(c.id), null)));
  const problems = repeated.filter((p): p is string => p !== null);
  if (problems.length > 0) throw new InvalidEvaluation(source, problems);
  return parsed.data;
}

/**
 * The JSON Schema (draft 2020-12) of `evaluation.json`, generated from the zod schema (one source,
 * so the two cannot disagree), with its `$id` and title.
 */
export const EVALUATION_JSON_SCHEMA: Readonly<Record<string, unknown>> = {
  ...(z.toJSONSchema(evaluationSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>),
  $id: 'https://driftwatch.dev/schemas/evaluation.json',
  title: 'Driftwatch evaluation.json (driftwatch.evaluation/v1)',
};
