/**
 * Alarm notifications exactly as CloudWatch publishes them to SNS (AWS's documented schema, with
 * the quirks real messages have: a display-name Region, `+0000` offsets, a null Unit, the padded
 * TreatMissingData text) and a monitor report of the bank-marketing model's drifted window (the
 * README's day-in-production example), typed as `MonitorReport` so it follows the real format.
 */
import type { WindowFeature } from '../../lambda/monitor/types';
import type { MonitorReport } from '../../lambda/monitor/report';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:dw-test-risk_ml-critical`;

type Dimension = { value: string; name: string };

export function dims(extra: Record<string, string> = {}, window: string | null = '6h'): Dimension[] {
  const all: Record<string, string> = { Env: 'test', Model: 'bank_marketing', ...(window ? { Window: window } : {}), ...extra };
  return Object.entries(all).map(([name, value]) => ({ value, name }));
}

export interface AlarmOptions {
  readonly name?: string;
  readonly state?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly old?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly time?: string;
  readonly metric?: string;
  readonly namespace?: string;
  readonly dimensions?: Dimension[];
  readonly threshold?: number;
}

/** A metric alarm's notification (the SNS Message, as an object). */
export function metricAlarm(o: AlarmOptions = {}): Record<string, any> {
  const name = o.name ?? 'dw-test-bank_marketing-drift-Critical';
  const state = o.state ?? 'ALARM';
  return {
    AlarmName: name,
    AlarmDescription: 'bank_marketing (test): dataset drift status critical (2) in the 6h window',
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-11-20T09:00:00.000+0000',
    NewStateValue: state,
    NewStateReason:
      state === 'ALARM'
        ? 'Threshold Crossed: 1 out of the last 1 datapoints [2.0 (25/11/26 12:00:00)] was greater than or equal to the threshold (2.0) (minimum 1 datapoint for OK -> ALARM transition).'
        : 'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (25/11/26 18:00:00)] was not greater than or equal to the threshold (2.0) (minimum 1 datapoint for ALARM -> OK transition).',
    StateChangeTime: o.time ?? (state === 'ALARM' ? '2026-11-25T12:20:03.123+0000' : '2026-11-25T18:20:04.456+0000'),
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    OldStateValue: o.old ?? (state === 'ALARM' ? 'OK' : 'ALARM'),
    OKActions: [TOPIC],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: o.metric ?? 'DriftStatus',
      Namespace: o.namespace ?? 'Driftwatch',
      StatisticType: 'Statistic',
      Statistic: 'MAXIMUM',
      Unit: null,
      Dimensions: o.dimensions ?? dims(),
      Period: 21600,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: o.threshold ?? 2.0,
      TreatMissingData: '- TreatMissingData:                    notBreaching',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

/** The composite "model critical" alarm's notification. */
export function compositeAlarm(state: 'ALARM' | 'OK' = 'ALARM'): Record<string, any> {
  const name = 'dw-test-bank_marketing-model-Critical';
  const child = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:dw-test-bank_marketing-drift-6h-Critical`;
  return {
    AlarmName: name,
    AlarmDescription: 'bank_marketing (test): any critical signal',
    AWSAccountId: ACCOUNT,
    NewStateValue: state,
    NewStateReason: `${child} transitioned to ALARM at Wednesday 25 November, 2026 12:20:03 UTC`,
    StateChangeTime: '2026-11-25T12:21:03.640+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    OKActions: [TOPIC],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    AlarmRule: `ALARM("dw-test-bank_marketing-drift-6h-Critical") OR ALARM("dw-test-bank_marketing-f1-6h-Critical")`,
    TriggeringChildren: [{ Arn: child, State: { Value: 'ALARM', Timestamp: '2026-11-25T12:20:03.123+0000' } }],
  };
}

function feature(name: string, status: WindowFeature['status'], psi: number, impact: number, since?: string): WindowFeature {
  return {
    name,
    kind: 'numeric',
    status,
    psi,
    impact,
    importance: 0.05263157894736842,
    jensenShannon: 0.9,
    pValue: 0,
    missingRate: 0,
    reasons: status === 'ok' ? [] : [`${status}: PSI ${psi.toFixed(3)} >= ${status === 'critical' ? '0.25' : '0.2'}`],
    ...(since ? { since } : {}),
  };
}

const START = '2026-11-25T06:00:00.000Z';
export const DATASET_MESSAGE =
  'model bank_marketing: dataset drift critical in window 5 (2026-11-25T06h – 2026-11-25T12h): 15 of 19 features drifted (emp_var_rate, nr_employed, euribor3m, month, cons_price_idx, ...), 76% of the importance drifted (critical at 50% drifted or 25% critical)';

/** The latest report of the 6h window after the drift set in (README's day-in-production event). */
export function driftedReport(): MonitorReport {
  return {
    format: 'driftwatch.monitor-report/v1',
    env: 'test',
    modelId: 'bank_marketing',
    window: '6h',
    reference: { referenceId: '202b341343a4bd67', rows: 10000, source: 'fitted', createdAt: '2026-11-20T00:00:00.000Z' },
    baseline: { windows: 4 },
    keyMetric: 'f1',
    driftBands: null,
    calibration: {
      f1: { ok: true, format: 'driftwatch.calibration/v1', metric: 'f1', direction: 'higher_is_better', method: 'sample_weighted_mean', baseline: 0.62, warning: 0.558, critical: 0.496, warningRatio: 0.9, criticalRatio: 0.8, windows: 4, samples: 7200 },
    },
    judged: {
      index: 5,
      start: START,
      end: '2026-11-25T12:00:00.000Z',
      rows: 1800,
      status: 'critical',
      partial: false,
      baseline: false,
      labelled: 1800,
      drift: { status: 'critical', drifted: ['emp_var_rate', 'nr_employed', 'euribor3m'], driftedImportance: 0.7647058823529412 },
      features: [
        feature('age', 'ok', 0.01, 0.0005),
        feature('emp_var_rate', 'critical', 17.750997354946655, 0.9342630186814028, START),
        feature('euribor3m', 'critical', 9.79174859819158, 0.5153551893785042, START),
        feature('nr_employed', 'critical', 17.750997354946655, 0.9342630186814028, START),
        feature('campaign', 'warning', 0.21, 0.011, START),
      ],
      metrics: { f1: { value: 0.47, samples: 1800, direction: 'higher_is_better', status: 'critical', ratio: 0.7580645161290323 } },
      proxies: { meanScore: 0.3, positiveRate: 0.2 },
      concept: [],
      hours: { profiled: 6, expected: 6, withRows: 6 },
    },
    alerts: [
      { window: 5, severity: 'critical', kind: 'drift', message: DATASET_MESSAGE, key: 'drift:dataset', value: 0.7647058823529412, threshold: 0.5, baseline: null },
      { window: 5, severity: 'critical', kind: 'performance', metric: 'f1', message: 'f1 0.470 is critical: below 0.496 (baseline 0.620)', key: 'performance:f1', value: 0.47, threshold: 0.496, baseline: 0.62 },
    ],
    resolutions: [],
    problems: [],
  };
}
