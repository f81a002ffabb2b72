/**
 * The gates a candidate model must pass before it is registered, as the engine takes them: every
 * direction resolved, every default filled in (the config's `retraining.gates` becomes these through
 * `gatesFromConfig`). Four kinds:
 *
 * - `metric`: MLflow's `MetricThreshold` on an overall metric: `threshold` (≥ when greater is better,
 *   else ≤), `minAbsoluteChange` (≥ champion + change, or ≤ champion − change) and `minRelativeChange`
 *   (≥ champion × (1 + change), or ≤ champion × (1 − change)), each checked on its own.
 * - `assertion`: a business assertion on the whole holdout or a segment, written as people say it:
 *   `recall_score on segment high_risk >= 0.90`, `max_error <= 120`.
 * - `edge_cases`: the edge-case set: at least `minPassRate` of the cases pass (1: every case), every
 *   case named in `required` passes, and there are at least `minCases` cases.
 * - `no_regression`: each listed metric is no worse than the champion's on the same holdout, within
 *   `tolerance` (absolute, in the metric's unit).
 */

export type Comparison = '>=' | '<=' | '>' | '<';

export interface MetricThresholdGate {
  readonly kind: 'metric';
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly threshold?: number;
  readonly minAbsoluteChange?: number;
  readonly minRelativeChange?: number;
}

export interface AssertionGate {
  readonly kind: 'assertion';
  readonly metric: string;
  /** The segment of `evaluation.json`'s `segments`; left out for the whole holdout. */
  readonly segment?: string;
  readonly comparison: Comparison;
  readonly value: number;
}

export interface EdgeCaseGate {
  readonly kind: 'edge_cases';
  /** Share of the cases that must pass, in [0, 1]. */
  readonly minPassRate: number;
  /** Case ids that must be present and pass whatever the rate. */
  readonly required: readonly string[];
  /** Fewer cases than this fails the gate (an empty set proves nothing). */
  readonly minCases: number;
}

export interface NoRegressionGate {
  readonly kind: 'no_regression';
  readonly metrics: readonly { readonly metric: string; readonly greaterIsBetter: boolean }[];
  /** How much worse than the champion a metric may be, in its own unit (≥ 0). */
  readonly tolerance: number;
}

export type Gate = MetricThresholdGate | AssertionGate | EdgeCaseGate | NoRegressionGate;

const ASSERTION = /^\s*([A-Za-z0-9_.\-/]+)\s+(?:on\s+segment\s+([A-Za-z0-9_.\-/]+)\s+)?(>=|<=|>|<|≥|≤)\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/**
 * Reads a business assertion: `<metric> [on segment <segment>] <op> <number>`, op one of
 * `>=`, `<=`, `>`, `<` (or `≥`, `≤`).
 *
 * @throws Error quoting the text and the expected form
 * @example
 * parseAssertion('recall_score on segment high_risk >= 0.90')
 * // { kind: 'assertion', metric: 'recall_score', segment: 'high_risk', comparison: '>=', value: 0.9 }
 */
export function parseAssertion(text: string): AssertionGate {
  const m = ASSERTION.exec(text);
  if (!m) {
    throw new Error(
      `cannot read the assertion ${JSON.stringify(text)}: expected "<metric> [on segment <segment>] >=|<=|>|< <number>", e.g. "recall_score on segment high_risk >= 0.90"`,
    );
  }
  const op = m[3] === '≥' ? '>=' : m[3] === '≤' ? '<=' : (m[3] as Comparison);
  return { kind: 'assertion', metric: m[1], ...(m[2] !== undefined ? { segment: m[2] } : {}), comparison: op, value: Number(m[4]) };
}

/**
 * A gate as one line of text, as the results and the Fail step say it.
 *
 * @example describeGate(parseAssertion('recall_score on segment high_risk >= 0.9')) // 'recall_score on segment high_risk >= 0.9'
 */
export function describeGate(gate: Gate): string {
  switch (gate.kind) {
    case 'assertion':
      return `${gate.metric}${gate.segment !== undefined ? ` on segment ${gate.segment}` : ''} ${gate.comparison} ${gate.value}`;
    case 'metric': {
      const parts = [
        gate.threshold !== undefined ? `threshold ${gate.threshold}` : null,
        gate.minAbsoluteChange !== undefined ? `min absolute change ${gate.minAbsoluteChange}` : null,
        gate.minRelativeChange !== undefined ? `min relative change ${gate.minRelativeChange}` : null,
      ].filter((p) => p !== null);
      return `${gate.metric} (${gate.greaterIsBetter ? 'higher' : 'lower'} is better): ${parts.join(', ')}`;
    }
    case 'edge_cases':
      return `edge cases: at least ${gate.minPassRate * 100}% pass${gate.required.length ? `, including ${gate.required.join(', ')}` : ''}`;
    case 'no_regression':
      return `no regression against the champion on ${gate.metrics.map((m) => m.metric).join(', ')} (tolerance ${gate.tolerance})`;
  }
}
