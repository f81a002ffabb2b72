/**
 * The CloudWatch stand-in's own rules, on small hand-made series: periods end at the evaluation
 * time, the N most recent real datapoints decide when the range holds N, missing data is filled only
 * when it does not, a datapoint counts from when it was published, and composite rules parse.
 */
import { evaluateMetricAlarm, evaluateRule, metricAlarmFromTemplate, seriesKey, type AlarmState, type Datapoint } from './cloudwatch-evaluator';

const H = 3_600_000;
const dims = [{ Name: 'Model', Value: 'm' }];
const key = seriesKey('Driftwatch', 'X', { Model: 'm' });

function alarm(extra: Record<string, unknown> = {}) {
  return metricAlarmFromTemplate({
    AlarmName: 'a', Namespace: 'Driftwatch', MetricName: 'X', Dimensions: dims, Statistic: 'Maximum', Period: 3600,
    EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 2, TreatMissingData: 'notBreaching', ...extra,
  });
}
const at = (hour: number, value: number, visibleHour = hour): Datapoint => ({ timestamp: hour * H, value, visibleAt: visibleHour * H });
const evaluate = (a: ReturnType<typeof alarm>, points: Datapoint[], hour: number, previous: AlarmState = 'OK') => evaluateMetricAlarm(a, new Map([[key, points]]), hour * H, previous);

test('1 of 1: the newest real datapoint decides, also when the newest period is still empty (the next run has not published yet)', () => {
  expect(evaluate(alarm(), [at(0, 2)], 0.5)).toBe('ALARM');
  expect(evaluate(alarm(), [at(0, 2)], 1.5)).toBe('ALARM'); // [0.5, 1.5) empty: [-0.5, 0.5) holds the datapoint
  expect(evaluate(alarm(), [at(0, 2), at(1, 0)], 1.5)).toBe('OK');
  expect(evaluate(alarm(), [at(0, 2)], 3.5)).toBe('OK'); // out of the range (N + 2 periods): missing, not breaching
});

test('a datapoint counts from when it was published, not from its timestamp', () => {
  expect(evaluate(alarm(), [at(0, 2, 1.4)], 1.2)).toBe('OK');
  expect(evaluate(alarm(), [at(0, 2, 1.4)], 1.5)).toBe('ALARM');
});

test('3 of 3, missing breaching: three real datapoints in the range decide alone; fewer, and the missing newest periods breach', () => {
  const noTraffic = alarm({ ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: 0, EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: 'breaching' });
  const hours = [at(0, 300), at(1, 300), at(2, 300)];
  expect(evaluate(noTraffic, hours, 4.5)).toBe('OK'); // [3.5, 4.5) empty, but 3 real points in the 5-period range
  expect(evaluate(noTraffic, hours, 5.5)).toBe('ALARM'); // two real points left: the newest 3 periods are all missing
  expect(evaluate(noTraffic, [at(0, 0), at(1, 0), at(2, 0)], 3.5)).toBe('ALARM');
  expect(evaluate(noTraffic, [at(0, 0), at(1, 300), at(2, 0)], 3.5)).toBe('OK');
});

test('ignore keeps the state when nothing is in the range; missing goes to INSUFFICIENT_DATA', () => {
  expect(evaluate(alarm({ TreatMissingData: 'ignore' }), [], 5, 'ALARM')).toBe('ALARM');
  expect(evaluate(alarm({ TreatMissingData: 'missing' }), [], 5, 'ALARM')).toBe('INSUFFICIENT_DATA');
});

test('the statistic aggregates the period: Maximum of a re-published value is the value, its Sum is not', () => {
  const twice = [at(0, 300, 1), at(0, 300, 2)];
  expect(evaluate(alarm({ Threshold: 301 }), twice, 2.5)).toBe('OK');
  expect(evaluate(alarm({ Threshold: 301, Statistic: 'Sum' }), twice, 2.5)).toBe('ALARM'); // 600: the hour counted twice
  expect(evaluate(alarm({ Threshold: 301, Statistic: 'Sum' }), twice, 1.5)).toBe('OK'); // the second copy is not published yet
});

test('metric math: FILL(id, 0) sums, a period where no term has data is missing', () => {
  const math = metricAlarmFromTemplate({
    AlarmName: 'h', EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, TreatMissingData: 'notBreaching',
    Metrics: [
      { Id: 'expr_1', Expression: 'FILL(p, 0) + FILL(s, 0)', ReturnData: true },
      { Id: 'p', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'p' }] }, Period: 3600, Stat: 'Sum' } },
      { Id: 's', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 's' }] }, Period: 3600, Stat: 'Sum' } },
    ],
  });
  const errors = (fn: string, points: Datapoint[]) => [seriesKey('AWS/Lambda', 'Errors', { FunctionName: fn }), points] as const;
  expect(evaluateMetricAlarm(math, new Map([errors('p', [at(0, 0)])]), 0.5 * H, 'OK')).toBe('OK');
  expect(evaluateMetricAlarm(math, new Map([errors('p', [at(0, 0)]), errors('s', [at(0, 1)])]), 0.5 * H, 'OK')).toBe('ALARM');
  expect(() => metricAlarmFromTemplate({ AlarmName: 'x', Metrics: [{ Id: 'e', Expression: 'RATE(m)' }] })).toThrow('the stand-in evaluates sums of FILL(id, c) and ids');
});

test('composite rules: ALARM/OK/INSUFFICIENT_DATA of a child, AND binds tighter than OR, NOT, parentheses', () => {
  const states = new Map<string, AlarmState>([['a', 'ALARM'], ['b', 'OK'], ['c', 'INSUFFICIENT_DATA']]);
  expect(evaluateRule('ALARM("a") OR ALARM("b")', states)).toBe(true);
  expect(evaluateRule('ALARM("b") OR ALARM("a") AND OK("b")', states)).toBe(true);
  expect(evaluateRule('(ALARM("b") OR ALARM("a")) AND NOT OK("b")', states)).toBe(false);
  expect(evaluateRule('INSUFFICIENT_DATA("c") AND TRUE', states)).toBe(true);
  expect(() => evaluateRule('ALARM("z")', states)).toThrow('rule names z, which is not an alarm of the template');
});
