/**
 * CloudWatch metrics as Embedded Metric Format through Powertools: each EMF document is one JSON line
 * on stdout, which Lambda's log pipeline turns into metrics (no PutMetricData call, no API quota).
 *
 * Dimensions are exactly each datum's `dimensions`, nothing added: Powertools puts a `service`
 * dimension on every metric by default, and a CloudWatch alarm matches a metric only by its full
 * dimension set, so an extra `service` would leave the alarms the construct defines on
 * `{Env, Model, ...}` without data. The sink clears Powertools' default dimensions for that reason;
 * the service name stays in the logs (Powertools logger), not in the metrics.
 *
 * One EMF document carries one namespace, one timestamp and one dimension set, so the data are grouped
 * by those three (in order of first appearance), and a group is split into further documents when a
 * metric name repeats (each document then holds one value per name) or it reaches EMF's 100 metrics.
 */
import { Metrics, MetricUnit as PowertoolsUnit } from '@aws-lambda-powertools/metrics';
import type { MetricDatum, MetricsSink, MetricUnit } from '../../ports/metrics-sink';

/** Powertools' logger shape for its own warnings (e.g. a timestamp older than CloudWatch accepts). */
export interface WarningLogger {
  warn(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface EmfMetricsSinkOptions {
  /** Powertools' service name; not a dimension (see the file's comment). @default 'driftwatch' */
  readonly serviceName?: string;
  /** Receives Powertools' warnings. @default Powertools' console (stderr) */
  readonly logger?: WarningLogger;
}

/** The port's units as Powertools names them (the strings EMF writes are the same). */
const UNITS: Record<MetricUnit, (typeof PowertoolsUnit)[keyof typeof PowertoolsUnit]> = {
  None: PowertoolsUnit.NoUnit,
  Count: PowertoolsUnit.Count,
  Percent: PowertoolsUnit.Percent,
};

/** EMF's limits: metrics per document, dimensions per dimension set (CloudWatch: 30). */
const MAX_METRICS = 100;
const MAX_DIMENSIONS = 30;

export class EmfMetricsSink implements MetricsSink {
  /** One Powertools instance per namespace (the namespace is fixed when one is created). */
  private readonly byNamespace = new Map<string, Metrics>();

  constructor(private readonly options: EmfMetricsSinkOptions = {}) {}

  async publish(namespace: string, metrics: readonly MetricDatum[]): Promise<void> {
    metrics.forEach(checkDatum);
    const emitter = this.emitter(namespace);
    // Synchronous from here on: no other publish can interleave its dimensions with these.
    for (const document of documents(metrics)) {
      emitter.setTimestamp(document[0].timestamp);
      for (const [name, value] of Object.entries(document[0].dimensions)) emitter.addDimension(name, value);
      for (const datum of document) emitter.addMetric(datum.name, UNITS[datum.unit], datum.value);
      emitter.publishStoredMetrics();
    }
  }

  private emitter(namespace: string): Metrics {
    let metrics = this.byNamespace.get(namespace);
    if (metrics === undefined) {
      metrics = new Metrics({ namespace, serviceName: this.options.serviceName ?? 'driftwatch', logger: this.options.logger });
      metrics.clearDefaultDimensions(); // no `service` dimension: alarms match dimension sets exactly
      this.byNamespace.set(namespace, metrics);
    }
    return metrics;
  }
}

/**
 * Refuses what Powertools would otherwise drop or rewrite with only a warning (an empty dimension
 * value is skipped, which would silently change the dimension set), naming the metric.
 */
function checkDatum(datum: MetricDatum): void {
  const where = `metric ${JSON.stringify(datum.name)}`;
  if (!Number.isFinite(datum.value)) throw new Error(`${where}: value ${datum.value} is not a finite number`);
  if (!Number.isFinite(datum.timestamp.getTime())) throw new Error(`${where}: timestamp is not a valid date`);
  const dimensions = Object.entries(datum.dimensions);
  // Powertools writes a dimensionless document as `Dimensions: []`, which states no dimension set at all.
  if (dimensions.length === 0) throw new Error(`${where}: no dimensions; give it at least one (Env, Model)`);
  if (dimensions.length > MAX_DIMENSIONS) throw new Error(`${where}: ${dimensions.length} dimensions, CloudWatch allows ${MAX_DIMENSIONS}`);
  for (const [name, value] of dimensions) {
    if (name === '' || typeof value !== 'string' || value === '') {
      throw new Error(`${where}: dimension ${JSON.stringify(name)} = ${JSON.stringify(value)}; names and values must be non-empty strings`);
    }
    if (name === datum.name || name === '_aws') throw new Error(`${where}: dimension ${JSON.stringify(name)} collides with an EMF key`);
  }
}

/** A dimension set as a key: names sorted, so `{a, b}` and `{b, a}` are one set. */
function dimensionKey(dimensions: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Groups by (timestamp, dimension set) in order of first appearance, then splits into EMF documents. */
function documents(metrics: readonly MetricDatum[]): MetricDatum[][] {
  const groups = new Map<string, MetricDatum[]>();
  for (const datum of metrics) {
    const key = `${datum.timestamp.getTime()} ${dimensionKey(datum.dimensions)}`;
    const group = groups.get(key);
    if (group) group.push(datum);
    else groups.set(key, [datum]);
  }
  const out: MetricDatum[][] = [];
  for (const group of groups.values()) {
    let current: MetricDatum[] = [];
    let names = new Set<string>();
    for (const datum of group) {
      if (names.has(datum.name) || current.length === MAX_METRICS) {
        out.push(current);
        current = [];
        names = new Set();
      }
      current.push(datum);
      names.add(datum.name);
    }
    out.push(current);
  }
  return out;
}
