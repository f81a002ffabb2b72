/**
 * The gate engine: judges a candidate's `evaluation.json` against its gates. Pure and deterministic;
 * the pipeline's gate step (a Lambda) and a laptop run the same function.
 */
import type { Evaluation } from './evaluation';
import { describeGate, type AssertionGate, type Comparison, type EdgeCaseGate, type Gate, type MetricThresholdGate, type NoRegressionGate } from './gates';

export type GateStatus = 'pass' | 'fail' | 'skipped';

/** The outcome of one check of one gate. */
export interface GateResult {
  /** Stable id: `metric:<metric>:threshold|min_absolute_change|min_relative_change`, `assertion:<metric>[@<segment>]`, `edge_cases`, `no_regression:<metric>`. */
  readonly id: string;
  readonly kind: Gate['kind'];
  /** The check as a sentence: `recall_score on segment high_risk >= 0.9`. */
  readonly check: string;
  /** `skipped`: a comparison with the champion when there is none (never a failure). */
  readonly status: GateStatus;
  readonly metric: string | null;
  readonly segment: string | null;
  readonly comparison: Comparison | null;
  /** What the value had to reach (for a champion comparison: derived from the champion's value). */
  readonly threshold: number | null;
  /** The candidate's value (edge cases: the pass rate); null when evaluation.json lacks it. */
  readonly value: number | null;
  /** value − threshold: how far past (positive) or short of (negative, when greater is better) the threshold. */
  readonly delta: number | null;
  /** The champion's value, for comparisons with it. */
  readonly champion: number | null;
  /** What happened, with the numbers: `recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)`. */
  readonly message: string;
}

export interface GateReport {
  /** `pass` when no check failed (skipped checks do not fail). */
  readonly verdict: 'pass' | 'fail';
  readonly results: readonly GateResult[];
  readonly failures: readonly GateResult[];
  /** One line: `all 6 checks passed` or `2 of 6 checks failed: <message>; <message>`. */
  readonly summary: string;
}

/** A number as messages show it: up to 6 significant digits. */
function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function holds(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
  }
}

interface Check {
  readonly id: string;
  readonly kind: Gate['kind'];
  readonly metric: string;
  readonly segment?: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly value: number;
  readonly champion?: number;
  /** How the check reads, e.g. `recall_score >= champion + 0.01`. */
  readonly check: string;
}

function judged(c: Check): GateResult {
  const ok = holds(c.value, c.comparison, c.threshold);
  const delta = c.value - c.threshold;
  const where = `${c.metric}${c.segment !== undefined ? ` on segment ${c.segment}` : ''}`;
  const championNote = c.champion !== undefined ? `; champion ${fmt(c.champion)}` : '';
  return {
    id: c.id,
    kind: c.kind,
    check: c.check,
    status: ok ? 'pass' : 'fail',
    metric: c.metric,
    segment: c.segment ?? null,
    comparison: c.comparison,
    threshold: c.threshold,
    value: c.value,
    delta,
    champion: c.champion ?? null,
    message: ok
      ? `${where} is ${fmt(c.value)}, ${c.comparison} ${fmt(c.threshold)} (delta ${fmt(delta)}${championNote})`
      : `${where} is ${fmt(c.value)}, needs ${c.comparison} ${fmt(c.threshold)} (delta ${fmt(delta)}${championNote})`,
  };
}

function missing(id: string, kind: Gate['kind'], check: string, metric: string, segment: string | undefined, message: string, status: GateStatus = 'fail'): GateResult {
  return { id, kind, check, status, metric, segment: segment ?? null, comparison: null, threshold: null, value: null, delta: null, champion: null, message };
}

/** The metrics of the whole holdout or a segment, or a sentence saying what is missing. */
function metricsOf(source: { metrics: Record<string, number>; segments: Record<string, { metrics: Record<string, number> }> }, segment: string | undefined, who: string): Record<string, number> | string {
  if (segment === undefined) return source.metrics;
  if (!Object.hasOwn(source.segments, segment)) {
    const known = Object.keys(source.segments);
    return `segment ${JSON.stringify(segment)} is not in ${who}'s segments (${known.length ? `it has ${known.join(', ')}` : 'it has none'})`;
  }
  return source.segments[segment].metrics;
}

function valueOf(metrics: Record<string, number>, metric: string, who: string, segment: string | undefined): number | string {
  if (Object.hasOwn(metrics, metric)) return metrics[metric];
  const known = Object.keys(metrics);
  return `${metric} is not among ${who}'s metrics${segment !== undefined ? ` for segment ${segment}` : ''} (${known.length ? `it has ${known.slice(0, 10).join(', ')}` : 'it has none'})`;
}

function assertionResults(e: Evaluation, g: AssertionGate): GateResult[] {
  const id = `assertion:${g.metric}${g.segment !== undefined ? `@${g.segment}` : ''}`;
  const check = describeGate(g);
  const metrics = metricsOf(e, g.segment, 'evaluation.json');
  if (typeof metrics === 'string') return [missing(id, g.kind, check, g.metric, g.segment, metrics)];
  const value = valueOf(metrics, g.metric, 'evaluation.json', g.segment);
  if (typeof value === 'string') return [missing(id, g.kind, check, g.metric, g.segment, value)];
  return [judged({ id, kind: g.kind, metric: g.metric, ...(g.segment !== undefined ? { segment: g.segment } : {}), comparison: g.comparison, threshold: g.value, value, check })];
}

function metricResults(e: Evaluation, g: MetricThresholdGate): GateResult[] {
  const out: GateResult[] = [];
  const op: Comparison = g.greaterIsBetter ? '>=' : '<=';
  const base = `metric:${g.metric}`;
  const value = valueOf(e.metrics, g.metric, 'evaluation.json', undefined);
  const champion = e.champion === null ? null : valueOf(e.champion.metrics, g.metric, "the champion's", undefined);
  if (g.threshold !== undefined) {
    const id = `${base}:threshold`;
    const check = `${g.metric} ${op} ${g.threshold}`;
    out.push(typeof value === 'string' ? missing(id, g.kind, check, g.metric, undefined, value) : judged({ id, kind: g.kind, metric: g.metric, comparison: op, threshold: g.threshold, value, check }));
  }
  const changes: [string, number | undefined, (c: number, x: number) => number, string][] = [
    ['min_absolute_change', g.minAbsoluteChange, (c, x) => (g.greaterIsBetter ? c + x : c - x), `champion ${g.greaterIsBetter ? '+' : '-'} ${g.minAbsoluteChange}`],
    ['min_relative_change', g.minRelativeChange, (c, x) => (g.greaterIsBetter ? c * (1 + x) : c * (1 - x)), `champion × ${g.greaterIsBetter ? '(1 + ' : '(1 - '}${g.minRelativeChange})`],
  ];
  for (const [name, change, target, phrase] of changes) {
    if (change === undefined) continue;
    const id = `${base}:${name}`;
    const check = `${g.metric} ${op} ${phrase}`;
    if (typeof value === 'string') out.push(missing(id, g.kind, check, g.metric, undefined, value));
    else if (champion === null) out.push(missing(id, g.kind, check, g.metric, undefined, 'no champion to compare with (evaluation.json has champion: null)', 'skipped'));
    else if (typeof champion === 'string') out.push(missing(id, g.kind, check, g.metric, undefined, champion));
    else out.push(judged({ id, kind: g.kind, metric: g.metric, comparison: op, threshold: target(champion, change), value, champion, check }));
  }
  return out;
}

function edgeCaseResults(e: Evaluation, g: EdgeCaseGate): GateResult[] {
  const check = describeGate(g);
  const cases = e.edgeCases;
  const passed = cases.filter((c) => c.passed).length;
  const rate = cases.length === 0 ? 0 : passed / cases.length;
  const failedIds = cases.filter((c) => !c.passed).map((c) => c.id);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const absent = g.required.filter((id) => !byId.has(id));
  const requiredFailed = g.required.filter((id) => byId.get(id)?.passed === false);
  const problems = [
    cases.length < g.minCases ? `evaluation.json lists ${cases.length} edge case${cases.length === 1 ? '' : 's'}, the gate needs at least ${g.minCases}` : null,
    rate < g.minPassRate ? `${passed} of ${cases.length} edge cases passed (${fmt(rate * 100)}%), needs at least ${fmt(g.minPassRate * 100)}%${failedIds.length ? `; failed: ${failedIds.slice(0, 10).join(', ')}${failedIds.length > 10 ? ', ...' : ''}` : ''}` : null,
    absent.length ? `required edge case${absent.length === 1 ? '' : 's'} missing from evaluation.json: ${absent.join(', ')}` : null,
    requiredFailed.length ? `required edge case${requiredFailed.length === 1 ? '' : 's'} failed: ${requiredFailed.join(', ')}` : null,
  ].filter((p): p is string => p !== null);
  const delta = rate - g.minPassRate;
  return [
    {
      id: 'edge_cases',
      kind: g.kind,
      check,
      status: problems.length === 0 ? 'pass' : 'fail',
      metric: 'edge_case_pass_rate',
      segment: null,
      comparison: '>=',
      threshold: g.minPassRate,
      value: rate,
      delta,
      champion: null,
      message: problems.length === 0 ? `${passed} of ${cases.length} edge cases passed (${fmt(rate * 100)}%, needs ${fmt(g.minPassRate * 100)}%)` : problems.join('; '),
    },
  ];
}

function noRegressionResults(e: Evaluation, g: NoRegressionGate): GateResult[] {
  return g.metrics.map(({ metric, greaterIsBetter }) => {
    const id = `no_regression:${metric}`;
    const op: Comparison = greaterIsBetter ? '>=' : '<=';
    const check = `${metric} ${op} champion ${greaterIsBetter ? '-' : '+'} ${g.tolerance}`;
    const value = valueOf(e.metrics, metric, 'evaluation.json', undefined);
    if (typeof value === 'string') return missing(id, g.kind, check, metric, undefined, value);
    if (e.champion === null) return missing(id, g.kind, check, metric, undefined, 'no champion to compare with (evaluation.json has champion: null)', 'skipped');
    const champion = valueOf(e.champion.metrics, metric, "the champion's", undefined);
    if (typeof champion === 'string') return missing(id, g.kind, check, metric, undefined, champion);
    const threshold = greaterIsBetter ? champion - g.tolerance : champion + g.tolerance;
    return judged({ id, kind: g.kind, metric, comparison: op, threshold, value, champion, check });
  });
}

/**
 * Judges an evaluation against gates: one result per check (a metric gate with a threshold and
 * both changes gives three), in the order of the gates, and the verdict. A metric or segment that
 * `evaluation.json` lacks FAILS its check (a gate never passes on a number nobody measured); a
 * comparison with the champion when `champion` is null is `skipped` (a first model has none). An
 * empty gate list passes.
 *
 * @example
 * const e = parseEvaluation({ format: 'driftwatch.evaluation/v1', metrics: { recall_score: 0.91 },
 *   segments: { high_risk: { metrics: { recall_score: 0.87 } } } });
 * evaluateGates(e, [parseAssertion('recall_score on segment high_risk >= 0.90')]).summary
 * // '1 of 1 checks failed: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)'
 */
export function evaluateGates(evaluation: Evaluation, gates: readonly Gate[]): GateReport {
  const results = gates.flatMap((g): GateResult[] => {
    switch (g.kind) {
      case 'metric':
        return metricResults(evaluation, g);
      case 'assertion':
        return assertionResults(evaluation, g);
      case 'edge_cases':
        return edgeCaseResults(evaluation, g);
      case 'no_regression':
        return noRegressionResults(evaluation, g);
    }
  });
  const failures = results.filter((r) => r.status === 'fail');
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const skippedNote = skipped ? ` (${skipped} skipped: no champion)` : '';
  const summary =
    failures.length === 0
      ? `all ${results.length - skipped} checks passed${skippedNote}`
      : `${failures.length} of ${results.length} checks failed: ${failures.map((f) => f.message).join('; ')}`;
  return { verdict: failures.length === 0 ? 'pass' : 'fail', results, failures, summary };
}
