/**
 * The synthesized alarms against what the monitor really publishes. The monitor runs as in
 * production over the day-in-production fixture (drift from hour 30), then the drift ends (hour 48)
 * and traffic stops (hour 60) — `production-run.ts`. Then:
 * - every alarm watches a series the run published (namespace, name, exactly its dimensions), with a
 *   statistic that gives the engine's value however often a datapoint is re-published, over a period
 *   that matches how often the series is published (the health alarms: the monitor's own function
 *   and queue metrics);
 * - the alarms' own definitions, read from the template, are evaluated over the published series
 *   with an in-process stand-in for CloudWatch (`cloudwatch-evaluator.ts`; moto does not evaluate
 *   alarms): which fire, when, and that they resolve when the drift ends.
 */
import * as fs from 'node:fs';
import { validateConfig } from '../../config';
import { removeTemporaryAssets } from '../../lib/monitor';
import { config, ENV, MODEL_ID, START } from '../monitor/production';
import { evaluateRule, metricAlarmFromTemplate, seriesKey, simulate, type Datapoint, type MetricData, type Transition } from './cloudwatch-evaluator';
import { afterHour, HOUR_MS, NO_TRAFFIC_FROM_HOUR, RECOVERED_FROM_HOUR, RUN_HOURS, runProduction, type ProductionRun } from './production-run';
import { render, resourcesOf, teamStack, type TeamStack } from './stack';

/** The fixture's model as deployed: its 6-hour window scored every 6 hours. */
const deployed = validateConfig({ env: ENV, models: [{ ...config, schedules: { profile: 'rate(1 hour)', score: 'rate(6 hours)' } }] });

let run: ProductionRun;
let team: TeamStack;
let data: MetricData;
type Props = Record<string, unknown>;
let alarms: Props[];
let composite: { name: string; rule: string };

beforeAll(async () => {
  run = await runProduction();
  team = teamStack(deployed);
  // The model's alarms (the owner's notifier-failure alarm watches the notifier, not the monitor).
  alarms = Object.values(resourcesOf(team.template, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties).filter((a) => String(a.AlarmName).startsWith(`dw-${ENV}-${MODEL_ID}-`));
  const [c] = Object.values(resourcesOf(team.template, 'AWS::CloudWatch::CompositeAlarm'));
  composite = { name: c.Properties.AlarmName as string, rule: c.Properties.AlarmRule as string };
  const series = new Map<string, Datapoint[]>();
  for (const d of run.emitted) {
    const key = seriesKey(d.namespace, d.name, d.dimensions);
    series.set(key, [...(series.get(key) ?? []), { timestamp: d.timestamp.getTime(), value: d.value, visibleAt: d.emittedAt }]);
  }
  data = series;
}, 600_000);

afterAll(() => {
  removeTemporaryAssets();
  if (team) fs.rmSync(team.app.outdir, { recursive: true, force: true });
});

const name = (signal: string, severity: 'Warning' | 'Critical') => `dw-${ENV}-${MODEL_ID}-${signal}-${severity}`;
const dimensionsOf = (p: Props) => Object.fromEntries((p.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]));

describe('every alarm watches a metric the monitor really publishes', () => {
  it('the run published what a day in production publishes: window metrics every 6 hours, traffic every hour', () => {
    expect(run.windows.map((w) => w.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'critical', 'critical', 'critical', 'ok', 'ok', null]);
    expect(new Set(run.emitted.map((d) => d.name))).toEqual(new Set(['PredictionCount', 'WindowRows', 'DriftStatus', 'DriftedImportance', 'FeaturePsi', 'FeatureDriftStatus', 'LabelCoverage', 'MetricValue', 'MetricRatio', 'ConceptDrift']));
  });

  it('each Driftwatch alarm names a published series: namespace, metric name and exactly its dimensions, and no unit to filter it out', () => {
    const driftwatch = alarms.filter((a) => a.Namespace === 'Driftwatch');
    expect(driftwatch).toHaveLength(alarms.length - 2);
    for (const a of driftwatch) {
      const key = seriesKey(a.Namespace as string, a.MetricName as string, dimensionsOf(a));
      expect({ alarm: a.AlarmName, published: data.has(key) }).toEqual({ alarm: a.AlarmName, published: true });
      expect(a.Unit).toBeUndefined();
    }
  });

  it("each statistic gives the engine's value of a datapoint however often it is published (Maximum of a re-profiled hour, not its Sum)", () => {
    for (const a of alarms.filter((x) => x.Namespace === 'Driftwatch')) {
      const points = data.get(seriesKey(a.Namespace as string, a.MetricName as string, dimensionsOf(a)))!;
      for (const t of new Set(points.map((p) => p.timestamp))) {
        const at = points.filter((p) => p.timestamp === t);
        const stat = { Maximum: Math.max, Minimum: Math.min }[a.Statistic as 'Maximum' | 'Minimum'];
        expect({ alarm: a.AlarmName, t, value: stat(...at.map((p) => p.value)) }).toEqual({ alarm: a.AlarmName, t, value: at[at.length - 1].value });
      }
    }
    // The check has teeth: each profiled hour is published three times (profiled, then re-profiled twice).
    const traffic = data.get(seriesKey('Driftwatch', 'PredictionCount', { Env: ENV, Model: MODEL_ID }))!;
    expect(traffic.filter((p) => p.timestamp === START + 10 * HOUR_MS).map((p) => p.value)).toEqual([300, 300, 300]);
  });

  it('each period matches how often its series is published: one datapoint per period (6 h for window metrics, 1 h for traffic)', () => {
    for (const a of alarms.filter((x) => x.Namespace === 'Driftwatch')) {
      const times = [...new Set(data.get(seriesKey(a.Namespace as string, a.MetricName as string, dimensionsOf(a)))!.map((p) => p.timestamp))].sort((x, y) => x - y);
      const gaps = new Set(times.slice(1).map((t, i) => t - times[i]));
      expect({ alarm: a.AlarmName, gaps: [...gaps] }).toEqual({ alarm: a.AlarmName, gaps: [(a.Period as number) * 1000] });
    }
  });

  it("the two health alarms watch the monitor's own functions' Errors and its dead-letter queue", () => {
    const monitor = team.monitors.get(MODEL_ID)!;
    const id = (c: { node: { defaultChild?: unknown } }) => `\${${team.stack.getLogicalId(c.node.defaultChild as never)}}`;
    const warning = alarms.find((a) => a.AlarmName === name('monitor-health', 'Warning'))!;
    const stats = (warning.Metrics as { MetricStat?: { Metric: Props } }[]).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(stats.map((m) => [m.Namespace, m.MetricName, render((m.Dimensions as { Value: unknown }[])[0].Value)])).toEqual([
      ['AWS/Lambda', 'Errors', id(monitor.profileFunction)], ['AWS/Lambda', 'Errors', id(monitor.scoreFunction)],
    ]);
    const critical = alarms.find((a) => a.AlarmName === name('monitor-health', 'Critical'))!;
    expect([critical.Namespace, critical.MetricName, render((critical.Dimensions as { Value: unknown }[])[0].Value)]).toEqual([
      'AWS/SQS', 'ApproximateNumberOfMessagesVisible', `\${${team.stack.getLogicalId(monitor.deadLetterQueue.node.defaultChild as never)}.QueueName}`,
    ]);
  });
});

/** Evaluated every 5 minutes from the first hour to two hours after the last run. */
function transitions(): Transition[] {
  const times = Array.from({ length: ((RUN_HOURS + 2) * 60) / 5 }, (_, i) => START + i * 5 * 60_000);
  return simulate(alarms.map(metricAlarmFromTemplate), [composite], data, times);
}

/** `hour:minute` since the fixture's start, e.g. 36:25 (36 hours 25 minutes). */
const clock = (t: number) => `${Math.floor((t - START) / HOUR_MS)}:${String(((t - START) % HOUR_MS) / 60_000).padStart(2, '0')}`;

/** ALARM / OK changes after the first evaluation settled every alarm, as `[alarm signal, to, hh:mm]`. */
function changes(ts: readonly Transition[]): [string, string, string][] {
  return ts.filter((t) => t.from !== 'INSUFFICIENT_DATA').map((t) => [t.alarm.replace(`dw-${ENV}-${MODEL_ID}-`, ''), t.to, clock(t.at)]);
}

describe('the synthesized alarms evaluated over the published series (stand-in for CloudWatch)', () => {
  let ts: Transition[];
  beforeAll(() => {
    ts = transitions();
  });

  it('start OK once the first datapoints are in (no traffic breaches until the first profile run)', () => {
    const first = new Map<string, Transition>();
    for (const t of ts) if (!first.has(t.alarm)) first.set(t.alarm, t);
    expect(first.get(name('drift-6h', 'Critical'))).toMatchObject({ from: 'INSUFFICIENT_DATA', to: 'OK', at: START });
    // Missing data is breaching for no traffic: it alarms until the first profile run publishes traffic, 25 minutes after hour 0.
    expect(ts.filter((t) => t.alarm === name('no-traffic', 'Warning') && t.at <= afterHour(0)).map((t) => [t.to, clock(t.at)])).toEqual([['ALARM', '0:00'], ['OK', '1:25']]);
  });

  it('the drift pages once through the model-critical composite when the window holding it is scored, and everything resolves when the drift ends', () => {
    const drifted = clock(afterHour(35)); // window 5 (hours 30-35) scored at 36:25
    const recovered = clock(afterHour(RECOVERED_FROM_HOUR + 5)); // window 8 (hours 48-53), the first without drift, scored at 54:25
    // campaign is over its reference's lowered KS floor (at p < 1e-4) in the window holding the drift, so it
    // turns critical with the others (the default `lowerEffect: 'numeric'`), behind the composite that pages.
    const fired = [
      'drift-6h-Warning', 'drift-6h-Critical',
      'feature-age-6h-Warning', 'feature-age-6h-Critical', 'feature-campaign-6h-Warning', 'feature-campaign-6h-Critical', 'feature-pdays-6h-Warning', 'feature-pdays-6h-Critical',
      'feature-emp_var_rate-6h-Warning', 'feature-emp_var_rate-6h-Critical',
    ];
    const during = changes(ts).filter(([, , at]) => at !== '1:25' && Number(at.split(':')[0]) < NO_TRAFFIC_FROM_HOUR);
    expect(during).toEqual([
      ...fired.map((a) => [a, 'ALARM', drifted]), ['model-Critical', 'ALARM', drifted],
      ...fired.map((a) => [a, 'OK', recovered]), ['model-Critical', 'OK', recovered],
    ]);
    // The page: the composite's only state changes, one ALARM and one OK (the Critical alarms behind it).
    expect(ts.filter((t) => t.alarm === composite.name && t.from !== 'INSUFFICIENT_DATA').map((t) => [t.to, clock(t.at)])).toEqual([['ALARM', drifted], ['OK', recovered]]);
  });

  it('nothing fires before the drift, and neither performance nor label coverage alarms (labels equal the predictions)', () => {
    expect(changes(ts).filter(([, to, at]) => to === 'ALARM' && Number(at.split(':')[0]) < 36)).toEqual([]);
    expect(changes(ts).filter(([a]) => /^(accuracy|precision|recall|f1|macro_f1|label-coverage|monitor-health)/.test(a))).toEqual([]);
  });

  it('when traffic stops, no traffic fires 3 hours later (three hours of 0 predictions published) and the drift alarms stay quiet', () => {
    const after = changes(ts).filter(([, , at]) => Number(at.split(':')[0]) >= NO_TRAFFIC_FROM_HOUR);
    expect(after).toEqual([['no-traffic-Warning', 'ALARM', clock(afterHour(NO_TRAFFIC_FROM_HOUR + 2))]]);
  });

  it('the composite rule names only Critical alarms of the model and parses as CloudWatch would', () => {
    const states = new Map(alarms.map((a) => [a.AlarmName as string, 'OK' as const]));
    expect(evaluateRule(composite.rule, states)).toBe(false);
    const feature = /ALARM\("([^"]+-feature-[^"]+-Critical)"\)/.exec(composite.rule)![1];
    expect(evaluateRule(composite.rule, new Map([...states, [feature, 'ALARM']]))).toBe(true);
    expect(evaluateRule(composite.rule, new Map([...states, [name('drift-6h', 'Warning'), 'ALARM']]))).toBe(false);
  });
});
