/** The gate engine: `evaluation.json` (its zod schema and JSON Schema), the gates, and `evaluateGates`. */
export { EVALUATION_FORMAT, EVALUATION_JSON_SCHEMA, METRIC_NAME_PATTERN, InvalidEvaluation, evaluationSchema, parseEvaluation, type EdgeCase, type Evaluation, type EvaluationInput } from './evaluation';
export { describeGate, parseAssertion, type AssertionGate, type Comparison, type EdgeCaseGate, type Gate, type MetricThresholdGate, type NoRegressionGate } from './gates';
export { evaluateGates, type GateReport, type GateResult, type GateStatus } from './evaluate';
export { KNOWN_METRICS, greaterIsBetter } from './metric-direction';
