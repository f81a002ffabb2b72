/**
 * An in-process stand-in for CloudWatch's alarm evaluation (moto stores alarms but never evaluates
 * them), following the documented semantics, run on alarm definitions read from a synthesized
 * template and on the datapoints the monitor published:
 *
 * - A datapoint exists for the alarm from the moment it was published (its `visibleAt`), at its own
 *   timestamp (a window's end, an hour's start).
 * - At each evaluation time t the periods end at t: the newest covers [t − P, t), the one before
 *   [t − 2P, t − P), and so on (CloudWatch's alarm history shows datapoints at the minute it
 *   evaluated, not at period boundaries). A period's value is the alarm's statistic over its
 *   datapoints (Maximum, Minimum, Sum, Average, SampleCount); no datapoint is a missing period.
 * - Evaluation range: CloudWatch "retrieves a higher number of data points than Evaluation Periods"
 *   (its example retrieves 5 for a 3-of-3 alarm); here N + 2 periods. When the range holds at least
 *   N real datapoints, the N most recent real ones decide and missing periods are ignored; otherwise
 *   the N newest periods are taken and each missing one is filled by TreatMissingData: breaching,
 *   notBreaching, ignore (the state stays when nothing real is there) or missing (INSUFFICIENT_DATA
 *   when the whole range is empty). ALARM when at least DatapointsToAlarm of those breach, else OK.
 * - Metric math: sums of `FILL(id, c)` terms and ids (what ModelAlarms writes); a period where no term
 *   has a datapoint is missing.
 * - Composite alarms: ALARM / OK / INSUFFICIENT_DATA("name"), AND, OR, NOT, TRUE, FALSE, parentheses,
 *   evaluated on the metric alarms' states at the same instant.
 * Not modelled: CloudWatch's evaluation delay, its "avoid premature ALARM" rule for `missing`, high
 * resolution, anomaly detection, percentiles.
 */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface Datapoint {
  readonly timestamp: number;
  readonly value: number;
  readonly visibleAt: number;
}

/** Datapoints by series: `namespace|metric|{sorted dimensions}`. */
export type MetricData = ReadonlyMap<string, readonly Datapoint[]>;

export function seriesKey(namespace: string, name: string, dimensions: Readonly<Record<string, string>>): string {
  return `${namespace}|${name}|${JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)))}`;
}

interface MetricStat {
  readonly key: string;
  readonly statistic: string;
  readonly period: number;
}

/** A metric alarm as its template properties define it. */
export interface MetricAlarm {
  readonly name: string;
  readonly terms: readonly { readonly stat: MetricStat; readonly fill?: number }[];
  readonly periodMs: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly comparison: string;
  readonly threshold: number;
  readonly treatMissingData: string;
}

type Props = Record<string, unknown>;
type Dimension = { Name?: string; Value?: unknown; name?: string };

function dims(list: unknown): Record<string, string> {
  return Object.fromEntries(((list as Dimension[] | undefined) ?? []).map((d) => [d.Name as string, typeof d.Value === 'string' ? d.Value : JSON.stringify(d.Value)]));
}

/** Reads an AWS::CloudWatch::Alarm's properties. @throws Error on a form this stand-in does not evaluate */
export function metricAlarmFromTemplate(p: Props): MetricAlarm {
  const base = {
    name: p.AlarmName as string,
    evaluationPeriods: p.EvaluationPeriods as number,
    datapointsToAlarm: (p.DatapointsToAlarm as number | undefined) ?? (p.EvaluationPeriods as number),
    comparison: p.ComparisonOperator as string,
    threshold: p.Threshold as number,
    treatMissingData: (p.TreatMissingData as string | undefined) ?? 'missing',
  };
  if (p.MetricName) {
    const stat = { key: seriesKey(p.Namespace as string, p.MetricName as string, dims(p.Dimensions)), statistic: p.Statistic as string, period: p.Period as number };
    return { ...base, terms: [{ stat }], periodMs: stat.period * 1000 };
  }
  const metrics = p.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: Props; Period: number; Stat: string } }[];
  const expression = metrics.find((m) => m.Expression)?.Expression ?? '';
  const terms = expression.split('+').map((t) => {
    const m = /^\s*(?:FILL\((\w+),\s*(-?[\d.]+)\)|(\w+))\s*$/.exec(t);
    if (!m) throw new Error(`alarm ${base.name}: the stand-in evaluates sums of FILL(id, c) and ids, not ${JSON.stringify(expression)}`);
    const ms = metrics.find((x) => x.Id === (m[1] ?? m[3]))!.MetricStat!;
    return { stat: { key: seriesKey(ms.Metric.Namespace as string, ms.Metric.MetricName as string, dims(ms.Metric.Dimensions)), statistic: ms.Stat, period: ms.Period }, ...(m[2] !== undefined && { fill: Number(m[2]) }) };
  });
  return { ...base, terms, periodMs: terms[0].stat.period * 1000 };
}

function aggregate(statistic: string, values: readonly number[]): number {
  if (statistic === 'Maximum') return Math.max(...values);
  if (statistic === 'Minimum') return Math.min(...values);
  if (statistic === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (statistic === 'Average') return values.reduce((a, b) => a + b, 0) / values.length;
  if (statistic === 'SampleCount') return values.length;
  throw new Error(`statistic ${statistic} is not evaluated by the stand-in`);
}

/** The alarm's value over [from, to) as seen at time t, or null when missing. */
function periodValue(alarm: MetricAlarm, data: MetricData, from: number, to: number, t: number): number | null {
  let seen = false;
  let sum = 0;
  for (const term of alarm.terms) {
    const values = (data.get(term.stat.key) ?? []).filter((d) => d.visibleAt <= t && d.timestamp >= from && d.timestamp < to).map((d) => d.value);
    if (values.length > 0) seen = true;
    sum += values.length > 0 ? aggregate(term.stat.statistic, values) : (term.fill ?? NaN);
  }
  return seen && Number.isFinite(sum) ? sum : null;
}

function breaches(alarm: MetricAlarm, value: number): boolean {
  const c = alarm.comparison;
  if (c === 'GreaterThanOrEqualToThreshold') return value >= alarm.threshold;
  if (c === 'GreaterThanThreshold') return value > alarm.threshold;
  if (c === 'LessThanThreshold') return value < alarm.threshold;
  if (c === 'LessThanOrEqualToThreshold') return value <= alarm.threshold;
  throw new Error(`alarm ${alarm.name}: comparison ${c} is not evaluated by the stand-in`);
}

/** The state of a metric alarm at time t, given its state just before. */
export function evaluateMetricAlarm(alarm: MetricAlarm, data: MetricData, t: number, previous: AlarmState): AlarmState {
  const range = alarm.evaluationPeriods + 2;
  const periods = Array.from({ length: range }, (_, i) => periodValue(alarm, data, t - (i + 1) * alarm.periodMs, t - i * alarm.periodMs, t));
  const real = periods.filter((v): v is number => v !== null);
  const decide = (votes: readonly boolean[]): AlarmState => (votes.filter(Boolean).length >= alarm.datapointsToAlarm ? 'ALARM' : 'OK');
  if (real.length >= alarm.evaluationPeriods) return decide(real.slice(0, alarm.evaluationPeriods).map((v) => breaches(alarm, v)));
  const newest = periods.slice(0, alarm.evaluationPeriods);
  const mode = alarm.treatMissingData;
  if (mode === 'breaching' || mode === 'notBreaching') return decide(newest.map((v) => (v === null ? mode === 'breaching' : breaches(alarm, v))));
  if (real.length === 0) return mode === 'ignore' ? previous : 'INSUFFICIENT_DATA';
  return decide(real.map((v) => breaches(alarm, v)));
}

/** Evaluates a composite alarm rule on the current states. @throws Error on a rule it cannot parse or a child it does not know */
export function evaluateRule(rule: string, states: ReadonlyMap<string, AlarmState>): boolean {
  const tokens = rule.match(/\(|\)|AND|OR|NOT|TRUE|FALSE|(?:ALARM|OK|INSUFFICIENT_DATA)\("[^"]+"\)/g) ?? [];
  let at = 0;
  const primary = (): boolean => {
    const tok = tokens[at++];
    if (tok === '(') {
      const v = or();
      at++; // ')'
      return v;
    }
    if (tok === 'NOT') return !primary();
    if (tok === 'TRUE' || tok === 'FALSE') return tok === 'TRUE';
    const m = /^(ALARM|OK|INSUFFICIENT_DATA)\("([^"]+)"\)$/.exec(tok ?? '');
    if (!m) throw new Error(`rule ${rule}: unexpected ${tok}`);
    const state = states.get(m[2]);
    if (state === undefined) throw new Error(`rule names ${m[2]}, which is not an alarm of the template`);
    return state === m[1];
  };
  const and = (): boolean => {
    let v = primary();
    while (tokens[at] === 'AND') (at++, (v = primary() && v));
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[at] === 'OR') (at++, (v = and() || v));
    return v;
  };
  return or();
}

export interface Transition {
  readonly alarm: string;
  readonly at: number;
  readonly from: AlarmState;
  readonly to: AlarmState;
}

/**
 * Every alarm's state, evaluated tick by tick as CloudWatch would: `step(t)` evaluates the metric
 * alarms, then the composites on their new states, and returns what changed. The data may grow
 * between steps (the monitor publishing as it runs).
 */
export class AlarmEvaluator {
  private readonly states: Map<string, AlarmState>;

  constructor(
    private readonly alarms: readonly MetricAlarm[],
    private readonly composites: readonly { name: string; rule: string }[],
    private readonly data: MetricData,
  ) {
    this.states = new Map([...alarms, ...composites].map((a) => [a.name, 'INSUFFICIENT_DATA' as AlarmState]));
  }

  /** The state of an alarm now. */
  state(name: string): AlarmState {
    const s = this.states.get(name);
    if (s === undefined) throw new Error(`no alarm ${name}`);
    return s;
  }

  step(t: number): Transition[] {
    const out: Transition[] = [];
    const set = (name: string, to: AlarmState) => {
      const from = this.states.get(name)!;
      if (from !== to) out.push({ alarm: name, at: t, from, to });
      this.states.set(name, to);
    };
    for (const a of this.alarms) set(a.name, evaluateMetricAlarm(a, this.data, t, this.states.get(a.name)!));
    for (const c of this.composites) set(c.name, evaluateRule(c.rule, this.states) ? 'ALARM' : 'OK');
    return out;
  }
}

/** Evaluates every alarm at each time and returns the state changes, in time order. */
export function simulate(alarms: readonly MetricAlarm[], composites: readonly { name: string; rule: string }[], data: MetricData, times: readonly number[]): Transition[] {
  const evaluator = new AlarmEvaluator(alarms, composites, data);
  return times.flatMap((t) => evaluator.step(t));
}
