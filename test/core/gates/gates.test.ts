/**
 * The gate engine on evaluation.json: metric thresholds with MLflow's MetricThreshold semantics,
 * business assertions per segment, the edge-case set, no regression against the champion; each
 * result with its value, threshold and delta; properties with fast-check; evaluation.json's JSON
 * Schema checked by python-jsonschema against the zod schema's verdicts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  EVALUATION_JSON_SCHEMA,
  evaluateGates,
  greaterIsBetter,
  parseAssertion,
  parseEvaluation,
  type Evaluation,
  type EvaluationInput,
  type Gate,
} from '../../../lambda/core/gates';

const candidate: EvaluationInput = {
  format: 'driftwatch.evaluation/v1',
  holdout: { rows: 12000 },
  metrics: { recall_score: 0.91, precision_score: 0.62, root_mean_squared_error: 0.3 },
  segments: { high_risk: { rows: 800, metrics: { recall_score: 0.87 } } },
  edgeCases: [
    { id: 'zero-amount', passed: true },
    { id: 'foreign-card', passed: true },
    { id: 'night-burst', passed: false, expected: 'fraud', actual: 'legit' },
  ],
  champion: { modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7', metrics: { recall_score: 0.89, precision_score: 0.65, root_mean_squared_error: 0.31 } },
};
const e = parseEvaluation(candidate);

describe('business assertions', () => {
  it('fail on a segment below its floor, with the value, threshold and delta', () => {
    const report = evaluateGates(e, [parseAssertion('recall_score on segment high_risk >= 0.90')]);
    expect(report.verdict).toBe('fail');
    const [r] = report.results;
    expect(r).toMatchObject({ id: 'assertion:recall_score@high_risk', status: 'fail', metric: 'recall_score', segment: 'high_risk', comparison: '>=', threshold: 0.9, value: 0.87 });
    expect(r.delta).toBeCloseTo(-0.03, 12);
    expect(report.summary).toBe('1 of 1 checks failed: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)');
  });

  it('pass on the whole holdout when the metric holds', () => {
    const report = evaluateGates(e, [parseAssertion('recall_score >= 0.9'), parseAssertion('root_mean_squared_error < 0.5')]);
    expect(report.verdict).toBe('pass');
    expect(report.summary).toBe('all 2 checks passed');
  });

  it('fail, naming what exists, when the segment or metric is not in evaluation.json', () => {
    const report = evaluateGates(e, [parseAssertion('recall_score on segment students >= 0.5'), parseAssertion('roc_auc >= 0.8')]);
    expect(report.results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(report.results[0].message).toBe('segment "students" is not in evaluation.json\'s segments (it has high_risk)');
    expect(report.results[1].message).toContain('roc_auc is not among evaluation.json\'s metrics (it has recall_score, precision_score, root_mean_squared_error)');
    expect(report.results[1].value).toBeNull();
  });

  it('are read as people write them, and refused otherwise', () => {
    expect(parseAssertion('max_error ≤ 120')).toEqual({ kind: 'assertion', metric: 'max_error', comparison: '<=', value: 120 });
    expect(parseAssertion(' f1_score on segment new_customers > 1e-1 ')).toEqual({ kind: 'assertion', metric: 'f1_score', segment: 'new_customers', comparison: '>', value: 0.1 });
    expect(() => parseAssertion('recall on high_risk at least 0.9')).toThrow(/cannot read the assertion "recall on high_risk at least 0.9": expected "<metric> \[on segment <segment>\] >=\|<=\|>\|< <number>"/);
  });
});

describe('metric thresholds (MLflow MetricThreshold)', () => {
  it('check threshold, min absolute change and min relative change against the champion, each on its own', () => {
    const gate: Gate = { kind: 'metric', metric: 'recall_score', greaterIsBetter: true, threshold: 0.9, minAbsoluteChange: 0.01, minRelativeChange: 0.05 };
    const report = evaluateGates(e, [gate]);
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['metric:recall_score:threshold', 'pass'],
      ['metric:recall_score:min_absolute_change', 'pass'],
      ['metric:recall_score:min_relative_change', 'fail'],
    ]);
    const relative = report.results[2];
    expect(relative.threshold).toBeCloseTo(0.89 * 1.05, 12);
    expect(relative.champion).toBe(0.89);
    expect(relative.delta).toBeCloseTo(0.91 - 0.9345, 12);
    expect(relative.check).toBe('recall_score >= champion × (1 + 0.05)');
  });

  it('turn around for lower-is-better metrics', () => {
    const report = evaluateGates(e, [{ kind: 'metric', metric: 'root_mean_squared_error', greaterIsBetter: false, threshold: 0.35, minAbsoluteChange: 0.02 }]);
    expect(report.results.map((r) => [r.comparison, r.threshold, r.status])).toEqual([
      ['<=', 0.35, 'pass'],
      ['<=', 0.31 - 0.02, 'fail'],
    ]);
  });

  it('skip champion comparisons, but not thresholds, when there is no champion yet', () => {
    const first = parseEvaluation({ ...candidate, champion: null });
    const report = evaluateGates(first, [
      { kind: 'metric', metric: 'recall_score', greaterIsBetter: true, threshold: 0.95, minAbsoluteChange: 0.01 },
      { kind: 'no_regression', metrics: [{ metric: 'precision_score', greaterIsBetter: true }], tolerance: 0 },
    ]);
    expect(report.results.map((r) => r.status)).toEqual(['fail', 'skipped', 'skipped']);
    expect(report.verdict).toBe('fail');
    expect(evaluateGates(first, [{ kind: 'no_regression', metrics: [{ metric: 'precision_score', greaterIsBetter: true }], tolerance: 0 }]).summary).toBe('all 0 checks passed (1 skipped: no champion)');
  });

  it('know the direction of MLflow\'s default metric names only', () => {
    expect(greaterIsBetter('roc_auc')).toBe(true);
    expect(greaterIsBetter('mean_absolute_error')).toBe(false);
    expect(greaterIsBetter('ndcg_at_k/5')).toBe(true);
    expect(greaterIsBetter('fraud_dollars_caught')).toBeNull();
  });
});

describe('no regression against the champion', () => {
  it('fails a metric worse than the champion beyond the tolerance, with the champion and the delta', () => {
    const gate: Gate = { kind: 'no_regression', metrics: [{ metric: 'precision_score', greaterIsBetter: true }, { metric: 'recall_score', greaterIsBetter: true }], tolerance: 0.02 };
    const report = evaluateGates(e, [gate]);
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['no_regression:precision_score', 'fail'],
      ['no_regression:recall_score', 'pass'],
    ]);
    expect(report.results[0]).toMatchObject({ champion: 0.65, value: 0.62, comparison: '>=' });
    expect(report.results[0].threshold).toBeCloseTo(0.63, 12);
    expect(report.results[0].message).toBe('precision_score is 0.62, needs >= 0.63 (delta -0.01; champion 0.65)');
  });

  it('fails when the champion lacks the metric (the comparison cannot be made)', () => {
    const report = evaluateGates(e, [{ kind: 'no_regression', metrics: [{ metric: 'recall_score', greaterIsBetter: true }, { metric: 'roc_auc', greaterIsBetter: true }], tolerance: 0 }]);
    expect(report.results.map((r) => r.status)).toEqual(['pass', 'fail']);
  });
});

describe('edge cases', () => {
  const every: Gate = { kind: 'edge_cases', minPassRate: 1, required: [], minCases: 1 };
  it('fail when a case fails and every case must pass, naming it', () => {
    const [r] = evaluateGates(e, [every]).results;
    expect(r.status).toBe('fail');
    expect(r.value).toBeCloseTo(2 / 3, 12);
    expect(r.message).toBe('2 of 3 edge cases passed (66.6667%), needs at least 100%; failed: night-burst');
  });

  it('pass at a stated share, unless a required case fails or is missing', () => {
    expect(evaluateGates(e, [{ ...every, minPassRate: 0.6 }]).verdict).toBe('pass');
    expect(evaluateGates(e, [{ ...every, minPassRate: 0.6, required: ['night-burst'] }]).results[0].message).toBe('required edge case failed: night-burst');
    expect(evaluateGates(e, [{ ...every, minPassRate: 0.6, required: ['chargeback'] }]).results[0].message).toBe('required edge case missing from evaluation.json: chargeback');
  });

  it('fail on an empty set', () => {
    const none = parseEvaluation({ ...candidate, edgeCases: [] });
    expect(evaluateGates(none, [every]).results[0].message).toMatch(/^evaluation.json lists 0 edge cases, the gate needs at least 1/);
  });
});

describe('evaluation.json', () => {
  it('is refused with the field named', () => {
    expect(() => parseEvaluation({ format: 'driftwatch.evaluation/v1', metrics: { f1_score: '0.8' } }, 's3://b/k/evaluation.json')).toThrow(
      's3://b/k/evaluation.json is not a valid driftwatch.evaluation/v1: metrics.f1_score: expected number, got "0.8"',
    );
    expect(() => parseEvaluation({ ...candidate, edgeCases: [{ id: 'a', passed: true }, { id: 'a', passed: false }] })).toThrow('edgeCases[1].id: duplicate edge case "a"');
    expect(() => parseEvaluation({ format: 'driftwatch.evaluation/v0', metrics: {} })).toThrow(/format/);
  });

  it('has a JSON Schema that agrees with the zod schema (python-jsonschema, draft 2020-12)', () => {
    const samples: unknown[] = [
      candidate,
      { format: 'driftwatch.evaluation/v1', metrics: {} },
      { format: 'driftwatch.evaluation/v1', metrics: { f1_score: '0.8' } },
      { format: 'driftwatch.evaluation/v1', metrics: { 'f1@score!': 0.8 } },
      { format: 'driftwatch.evaluation/v1', metrics: {}, edgeCases: [{ id: 'x' }] },
      { format: 'driftwatch.evaluation/v1', metrics: {}, surprise: 1 },
      { ...candidate, champion: null },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-eval-schema-'));
    const file = path.join(dir, 'in.json');
    fs.writeFileSync(file, JSON.stringify({ schema: EVALUATION_JSON_SCHEMA, samples }));
    const script = [
      'import json, sys',
      'from jsonschema import Draft202012Validator',
      'data = json.load(open(sys.argv[1]))',
      'Draft202012Validator.check_schema(data["schema"])',
      'v = Draft202012Validator(data["schema"])',
      'print(json.dumps([v.is_valid(s) for s in data["samples"]]))',
    ].join('\n');
    const out = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(out.stderr).toBe('');
    const zodVerdicts = samples.map((s) => {
      try {
        parseEvaluation(s);
        return true;
      } catch {
        return false;
      }
    });
    expect(JSON.parse(out.stdout)).toEqual(zodVerdicts);
    expect(zodVerdicts).toEqual([true, true, false, false, false, false, true]);
  });
});

describe('properties', () => {
  const metricNames = ['recall_score', 'precision_score', 'f1_score', 'root_mean_squared_error', 'log_loss'];
  const unit = fc.double({ min: 0, max: 1, noNaN: true });
  const evaluation = fc.record({
    metrics: fc.record(Object.fromEntries(metricNames.map((m) => [m, unit])) as Record<string, fc.Arbitrary<number>>),
    segment: fc.record(Object.fromEntries(metricNames.map((m) => [m, unit])) as Record<string, fc.Arbitrary<number>>),
    champion: fc.record(Object.fromEntries(metricNames.map((m) => [m, unit])) as Record<string, fc.Arbitrary<number>>),
    cases: fc.array(fc.boolean(), { minLength: 0, maxLength: 12 }),
  });
  const build = (x: { metrics: Record<string, number>; segment: Record<string, number>; champion: Record<string, number>; cases: boolean[] }): Evaluation =>
    parseEvaluation({
      format: 'driftwatch.evaluation/v1',
      metrics: x.metrics,
      segments: { high_risk: { metrics: x.segment } },
      edgeCases: x.cases.map((passed, i) => ({ id: `c${i}`, passed })),
      champion: { metrics: x.champion },
    });
  const direction = (m: string) => greaterIsBetter(m) as boolean;
  const gate: fc.Arbitrary<Gate> = fc.oneof(
    fc.record({ kind: fc.constant('metric' as const), metric: fc.constantFrom(...metricNames), threshold: unit, minAbsoluteChange: fc.double({ min: 0, max: 0.2, noNaN: true }), minRelativeChange: fc.double({ min: 0, max: 0.5, noNaN: true }) }).map(
      (g) => ({ ...g, greaterIsBetter: direction(g.metric) }),
    ),
    fc.record({ metric: fc.constantFrom(...metricNames), segment: fc.option(fc.constant('high_risk'), { nil: undefined }), value: unit }).map((g): Gate => ({
      kind: 'assertion',
      metric: g.metric,
      ...(g.segment !== undefined ? { segment: g.segment } : {}),
      comparison: direction(g.metric) ? '>=' : '<=',
      value: g.value,
    })),
    fc.record({ metrics: fc.subarray(metricNames, { minLength: 1 }), tolerance: fc.double({ min: 0, max: 0.1, noNaN: true }) }).map((g): Gate => ({
      kind: 'no_regression',
      metrics: g.metrics.map((m) => ({ metric: m, greaterIsBetter: direction(m) })),
      tolerance: g.tolerance,
    })),
  );
  /** Moves every candidate metric (overall and per segment) some way in its better direction. */
  const improve = (values: Record<string, number>, by: number[]) =>
    Object.fromEntries(Object.entries(values).map(([m, v], i) => [m, direction(m) ? v + by[i % by.length] : v - by[i % by.length]]));

  it('a gate set that passes keeps passing when every metric improves', () => {
    fc.assert(
      fc.property(evaluation, fc.array(gate, { maxLength: 6 }), fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 5 }), (x, gates, by) => {
        fc.pre(evaluateGates(build(x), gates).verdict === 'pass');
        const better = build({ ...x, metrics: improve(x.metrics, by), segment: improve(x.segment, by) });
        expect(evaluateGates(better, gates).verdict).toBe('pass');
      }),
      { numRuns: 300 },
    );
  });

  it('a gate set that fails keeps failing when every metric gets worse', () => {
    fc.assert(
      fc.property(evaluation, fc.array(gate, { minLength: 1, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 5 }), (x, gates, by) => {
        fc.pre(evaluateGates(build(x), gates).verdict === 'fail');
        const worse = build({ ...x, metrics: improve(x.metrics, by.map((b) => -b)), segment: improve(x.segment, by.map((b) => -b)) });
        expect(evaluateGates(worse, gates).verdict).toBe('fail');
      }),
      { numRuns: 300 },
    );
  });

  it('the verdict is the conjunction of the gates, whatever their order', () => {
    fc.assert(
      fc.property(evaluation, fc.array(gate, { maxLength: 6 }), (x, gates) => {
        const ev = build(x);
        const each = gates.every((g) => evaluateGates(ev, [g]).verdict === 'pass');
        expect(evaluateGates(ev, gates).verdict).toBe(each ? 'pass' : 'fail');
        expect(evaluateGates(ev, [...gates].reverse()).verdict).toBe(evaluateGates(ev, gates).verdict);
      }),
      { numRuns: 200 },
    );
  });

  it('every result carries delta = value − threshold', () => {
    fc.assert(
      fc.property(evaluation, fc.array(gate, { maxLength: 6 }), (x, gates) => {
        for (const r of evaluateGates(build(x), gates).results) {
          if (r.value !== null && r.threshold !== null) expect(r.delta).toBe(r.value - r.threshold);
        }
      }),
      { numRuns: 100 },
    );
  });
});
