/**
 * Reads Embedded Metric Format log lines back into data points: what CloudWatch would extract from a
 * Lambda's log, so tests (and the day-in-production test) can assert exactly which metrics, values,
 * units, dimension sets and timestamps were emitted. Lines that are not EMF (other log output) are
 * skipped; a line that claims to be EMF (`_aws` present) but is malformed is an error naming the line.
 *
 * A metric whose value is an array (EMF's several values in one document) gives one datum per value;
 * a directive with several dimension sets gives one datum per set, as CloudWatch counts them.
 *
 * @example
 *   parseEmfLines(stdout, { namespace: 'Driftwatch' })
 *   // [{ name: 'DriftScore', unit: 'None', value: 0.31, dimensions: { Env: 'prod', Model: 'fraud' }, timestamp: ... }]
 */
import type { MetricDatum, MetricUnit } from '../../ports/metrics-sink';

export interface EmfDatum extends MetricDatum {
  readonly namespace: string;
}

interface Directive {
  readonly Namespace: string;
  readonly Dimensions: string[][];
  readonly Metrics: { Name: string; Unit?: string }[];
}

/** Every datum in `text`'s EMF lines, in order; with `namespace`, only that namespace's (without the field). */
export function parseEmfLines(text: string): EmfDatum[];
export function parseEmfLines(text: string, filter: { readonly namespace: string }): MetricDatum[];
export function parseEmfLines(text: string, filter?: { readonly namespace: string }): MetricDatum[] | EmfDatum[] {
  const all: EmfDatum[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const document = emfDocument(line);
    if (document !== undefined) all.push(...data(document, i + 1));
  });
  if (filter === undefined) return all;
  return all.filter((d) => d.namespace === filter.namespace).map(({ namespace: _, ...datum }) => datum);
}

/** The line's object when it is an EMF document; undefined for any other line. */
function emfDocument(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined; // a log line that merely starts with '{'
  }
  if (typeof parsed !== 'object' || parsed === null || !('_aws' in parsed)) return undefined;
  return parsed as Record<string, unknown>;
}

function data(document: Record<string, unknown>, line: number): EmfDatum[] {
  const fail = (why: string): never => {
    throw new Error(`EMF line ${line}: ${why}`);
  };
  const aws = document._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown };
  if (typeof aws?.Timestamp !== 'number') fail('_aws.Timestamp is not a number');
  if (!Array.isArray(aws.CloudWatchMetrics)) fail('_aws.CloudWatchMetrics is not an array');
  const timestamp = new Date(aws.Timestamp as number);
  const out: EmfDatum[] = [];
  for (const directive of aws.CloudWatchMetrics as Directive[]) {
    if (!Array.isArray(directive.Dimensions) || !Array.isArray(directive.Metrics)) fail('a directive lacks Dimensions or Metrics');
    for (const names of directive.Dimensions) {
      const dimensions = dimensionValues(document, names, fail);
      for (const metric of directive.Metrics) {
        for (const value of values(document[metric.Name], metric.Name, fail)) {
          const unit = (metric.Unit ?? 'None') as MetricUnit;
          out.push({ namespace: directive.Namespace, name: metric.Name, unit, value, dimensions, timestamp });
        }
      }
    }
  }
  return out;
}

function dimensionValues(document: Record<string, unknown>, names: readonly string[], fail: (why: string) => never): Record<string, string> {
  const dimensions: Record<string, string> = {};
  for (const name of names) {
    const value = document[name];
    if (typeof value !== 'string') fail(`dimension ${JSON.stringify(name)} has no string value at the root`);
    dimensions[name] = value as string;
  }
  return dimensions;
}

function values(raw: unknown, name: string, fail: (why: string) => never): number[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every((v) => typeof v === 'number')) fail(`metric ${JSON.stringify(name)} has no numeric value at the root`);
  return list as number[];
}
