/**
 * Ranking metrics: NDCG@k per query and averaged, click-through rate, conversion lift.
 *
 * NDCG@k conventions (chosen, not accidental):
 * - input per query: the graded relevances (numbers ≥ 0) of the items IN THE ORDER THE MODEL
 *   RANKED THEM; the ideal order is the same relevances sorted descending (so items the model did
 *   not rank are not known to the metric, like scikit-learn's `ndcg_score` on the candidates given);
 * - DCG@k = Σ_{i=1..k} gain(relᵢ) / log2(i + 1);
 * - gain: 'exponential' 2^rel − 1 (default; Burges et al. 2005, LightGBM/XGBoost `ndcg`: a highly
 *   relevant item counts much more than a marginal one), or 'linear' rel (scikit-learn's
 *   `ndcg_score`, which also averages over tied scores; we take the given order). With 0/1
 *   relevance the two agree;
 * - a query with no relevant item (ideal DCG = 0) has no NDCG: it is null per query, left out of
 *   the mean, and counted in `withoutRelevant`. scikit-learn scores such queries 0, which would
 *   punish the model for queries no ranking could answer; leaving them out keeps the mean about
 *   ranking quality, and the count keeps them visible.
 */

export type NdcgGain = 'exponential' | 'linear';

export interface NdcgOptions {
  /** @default 'exponential' (2^rel − 1) */
  readonly gain?: NdcgGain;
}

export interface NdcgSummary {
  /** Mean NDCG@k over queries with at least one relevant item; null when there are none. */
  readonly mean: number | null;
  /** NDCG@k per query, in input order; null for a query with no relevant item. */
  readonly perQuery: readonly (number | null)[];
  /** Queries included in the mean. */
  readonly evaluated: number;
  /** Queries left out because no item was relevant. */
  readonly withoutRelevant: number;
}

function gainOf(rel: number, gain: NdcgGain): number {
  return gain === 'exponential' ? 2 ** rel - 1 : rel;
}

/** DCG@k of relevances in ranked order. */
export function dcgAtK(ranked: readonly number[], k: number, options: NdcgOptions = {}): number {
  const gain = options.gain ?? 'exponential';
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) dcg += gainOf(ranked[i], gain) / Math.log2(i + 2);
  return dcg;
}

function validateQuery(ranked: readonly number[], k: number, where: string): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`NDCG k must be a positive integer, got ${k}`);
  ranked.forEach((r, i) => {
    if (!Number.isFinite(r) || r < 0) throw new Error(`${where}relevance[${i}] must be a finite number >= 0, got ${r}`);
  });
}

/**
 * NDCG@k of one query; null when no item is relevant.
 * @example ndcgAtK([0, 1], 2) // 0.6309...: the relevant item is second instead of first
 */
export function ndcgAtK(ranked: readonly number[], k: number, options: NdcgOptions = {}): number | null {
  validateQuery(ranked, k, '');
  const ideal = dcgAtK([...ranked].sort((a, b) => b - a), k, options);
  if (ideal === 0) return null;
  return dcgAtK(ranked, k, options) / ideal;
}

/** NDCG@k for each query and the mean over queries that have a relevant item. */
export function meanNdcgAtK(queries: readonly (readonly number[])[], k: number, options: NdcgOptions = {}): NdcgSummary {
  const perQuery = queries.map((q, i) => {
    validateQuery(q, k, `query ${i}: `);
    return ndcgAtK(q, k, options);
  });
  const scored = perQuery.filter((v): v is number => v !== null);
  return {
    mean: scored.length === 0 ? null : scored.reduce((a, b) => a + b, 0) / scored.length,
    perQuery,
    evaluated: scored.length,
    withoutRelevant: perQuery.length - scored.length,
  };
}

/**
 * Orders items by score, highest first (ties keep input order), and returns their relevances:
 * the input `ndcgAtK` wants when the log holds scores rather than positions.
 */
export function rankByScore(scores: readonly number[], relevances: readonly number[]): number[] {
  if (scores.length !== relevances.length) {
    throw new Error(`scores has ${scores.length} items but relevances has ${relevances.length}`);
  }
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) throw new Error(`scores[${i}] must be a finite number, got ${s}`);
  });
  return scores
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map(({ i }) => relevances[i]);
}

function checkCounts(part: number, whole: number, partName: string, wholeName: string): void {
  for (const [v, name] of [[part, partName], [whole, wholeName]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  }
  if (part > whole) throw new Error(`${partName} (${part}) cannot exceed ${wholeName} (${whole})`);
}

/**
 * Click-through rate = clicks / impressions; null with no impressions.
 * @example clickThroughRate({ impressions: 200, clicks: 7 }) // 0.035
 */
export function clickThroughRate(c: { readonly impressions: number; readonly clicks: number }): number | null {
  checkCounts(c.clicks, c.impressions, 'clicks', 'impressions');
  return c.impressions === 0 ? null : c.clicks / c.impressions;
}

export interface ConversionLift {
  /** conversions / exposures; null with no exposures. */
  readonly rate: number | null;
  readonly baselineRate: number;
  /** Relative lift rate / baseline − 1 (0.1 = 10% better); null when rate is null or baseline is 0. */
  readonly lift: number | null;
  /** rate − baseline, in rate points. */
  readonly absoluteLift: number | null;
}

/**
 * Conversion rate of the model's traffic against a baseline rate (e.g. the pre-model or holdout
 * rate), as relative and absolute lift.
 * @example conversionLift({ exposures: 1000, conversions: 55 }, 0.05).lift // 0.1 (10% lift)
 */
export function conversionLift(
  c: { readonly exposures: number; readonly conversions: number },
  baselineRate: number,
): ConversionLift {
  checkCounts(c.conversions, c.exposures, 'conversions', 'exposures');
  if (!Number.isFinite(baselineRate) || baselineRate < 0 || baselineRate > 1) {
    throw new Error(`baselineRate must be a rate in [0, 1], got ${baselineRate}`);
  }
  const rate = c.exposures === 0 ? null : c.conversions / c.exposures;
  return {
    rate,
    baselineRate,
    lift: rate === null || baselineRate === 0 ? null : rate / baselineRate - 1,
    absoluteLift: rate === null ? null : rate - baselineRate,
  };
}
