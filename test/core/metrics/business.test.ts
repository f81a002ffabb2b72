import {
  BusinessMetricError,
  BusinessMetricSpec,
  businessAggregatePlan,
  businessAggregates,
  businessMetricColumns,
  businessMetricFromAggregates,
  evaluateBusinessMetric,
  evaluateBusinessMetrics,
  mergeBusinessAggregates,
  Row,
  Where,
} from '../../../lambda/core/metrics';
import { expectRelClose, fixture } from './fixture';

const specs: BusinessMetricSpec[] = [
  { name: 'fraud_dollars_caught', kind: 'sum', column: 'amount', where: { prediction: 1, label: 1 }, direction: 'higher_is_better' },
  { name: 'fraud_dollars_missed', kind: 'sum', column: 'amount', where: { prediction: 0, label: 1 }, direction: 'lower_is_better' },
  { name: 'false_positive_rate', kind: 'rate', numerator: { prediction: 1, label: 0 }, denominator: { label: 0 }, direction: 'lower_is_better' },
  { name: 'alerts', kind: 'count', where: { prediction: 1 }, direction: 'lower_is_better' },
  { name: 'mean_alert_amount', kind: 'mean', column: 'amount', where: { prediction: 1 }, direction: 'higher_is_better' },
];
const rows: Row[] = fixture.business.rows;

describe('business metrics match numpy references', () => {
  it.each(specs.map((s) => [s.name, s] as const))('%s', (name, spec) => {
    const v = evaluateBusinessMetric(spec, rows);
    expect(v.name).toBe(name);
    expect(v.direction).toBe(spec.direction);
    expectRelClose(v.value, fixture.business.expected[name]);
  });

  it('gives the same values from SQL-style aggregates as from rows, merged across windows', () => {
    for (const spec of specs) {
      const first = businessAggregates(spec, rows.slice(0, 60));
      const second = businessAggregates(spec, rows.slice(60));
      const merged = businessMetricFromAggregates(spec, mergeBusinessAggregates(first, second));
      expectRelClose(merged.value, evaluateBusinessMetric(spec, rows).value, 1e-12);
    }
  });
});

describe('business metric spec', () => {
  it('describes the aggregates the SQL must compute', () => {
    expect(businessAggregatePlan(specs[2])).toEqual([
      { key: 'numerator', fn: 'count', where: { prediction: 1, label: 0 } },
      { key: 'denominator', fn: 'count', where: { label: 0 } },
    ]);
    expect(businessAggregatePlan(specs[4])).toEqual([
      { key: 'sum', fn: 'sum', column: 'amount', where: { prediction: 1 } },
      { key: 'count', fn: 'count', column: 'amount', where: { prediction: 1 } },
    ]);
    expect(businessMetricColumns(specs[0])).toEqual(['amount', 'label', 'prediction']);
  });

  it('computes a share of fraud dollars caught as a ratio of sums', () => {
    const share: BusinessMetricSpec = {
      name: 'fraud_dollar_recall',
      kind: 'ratio',
      numerator: { column: 'amount', where: { prediction: 1, label: 1 } },
      denominator: { column: 'amount', where: { label: 1 } },
      direction: 'higher_is_better',
    };
    const e = fixture.business.expected;
    expectRelClose(evaluateBusinessMetric(share, rows).value, e.fraud_dollars_caught / (e.fraud_dollars_caught + e.fraud_dollars_missed), 1e-12);
  });

  it('matches numbers to numeric strings, lists as IN, and null only to missing values', () => {
    const csvRows: Row[] = [
      { label: '1', prediction: '1.0', amount: '10.5', segment: 'a' },
      { label: '1', prediction: '0', amount: null, segment: null },
      { label: '0', prediction: '1', amount: '4', segment: 'b' },
    ];
    const sum = (where: Where) =>
      evaluateBusinessMetric({ name: 'm', kind: 'sum', column: 'amount', where, direction: 'higher_is_better' }, csvRows).value;
    expect(sum({ label: 1, prediction: 1 })).toBe(10.5);
    expect(sum({ segment: ['a', 'b'] })).toBe(14.5);
    expect(sum({ segment: null })).toBe(0);
    expect(sum({ label: 7 })).toBe(0);
    const count = evaluateBusinessMetric({ name: 'n', kind: 'count', where: { segment: null }, direction: 'lower_is_better' }, csvRows);
    expect(count.value).toBe(1);
  });

  it('returns null, not NaN, for an empty mean or a zero denominator', () => {
    expect(evaluateBusinessMetric(specs[2], []).value).toBeNull();
    expect(evaluateBusinessMetric(specs[4], []).value).toBeNull();
    expect(evaluateBusinessMetric(specs[0], []).value).toBe(0);
    expect(businessMetricFromAggregates(specs[0], { sum: null }).value).toBe(0); // SQL SUM over no rows
  });
});

describe('business metric errors name the metric and the column', () => {
  it('a column missing from the rows', () => {
    const bad = [{ prediction: 1, label: 1 }];
    expect(() => evaluateBusinessMetric(specs[0], bad)).toThrow(
      'business metric "fraud_dollars_caught": column "amount" is missing from row 0 (columns: label, prediction)',
    );
    try {
      evaluateBusinessMetric(specs[0], bad);
    } catch (e) {
      expect(e).toBeInstanceOf(BusinessMetricError);
      expect((e as BusinessMetricError).metric).toBe('fraud_dollars_caught');
      expect((e as BusinessMetricError).column).toBe('amount');
    }
  });
  it('a summed column that holds text', () => {
    expect(() => evaluateBusinessMetric(specs[0], [{ prediction: 1, label: 1, amount: 'n/a' }])).toThrow(
      'business metric "fraud_dollars_caught": column "amount" must hold numbers, got "n/a" in row 0',
    );
  });
  it('a missing aggregate', () => {
    expect(() => businessMetricFromAggregates(specs[2], { numerator: 3 })).toThrow(
      /business metric "false_positive_rate": aggregate "denominator" \(count of rows\) is missing/,
    );
  });
  it('an invalid spec', () => {
    expect(() => evaluateBusinessMetric({ ...specs[0], name: 'Fraud $' }, [])).toThrow(/business metric "Fraud \$": invalid name/);
    expect(() => evaluateBusinessMetric({ ...specs[0], direction: 'up' } as unknown as BusinessMetricSpec, [])).toThrow(
      'business metric "fraud_dollars_caught": direction must be one of higher_is_better, lower_is_better, got "up"',
    );
    expect(() => evaluateBusinessMetric({ ...specs[0], column: 'amount; drop' } as BusinessMetricSpec, [])).toThrow(/column "amount; drop" is not a valid identifier/);
    expect(() => evaluateBusinessMetrics([specs[0], specs[0]], rows)).toThrow('business metric "fraud_dollars_caught": is defined twice');
  });
});
