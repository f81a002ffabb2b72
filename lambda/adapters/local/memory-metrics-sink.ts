/** An in-memory `MetricsSink`: keeps every datum published, in order, with its namespace (backtest, tests). */
import type { MetricDatum, MetricsSink } from '../../ports/metrics-sink';

export interface PublishedDatum extends MetricDatum {
  readonly namespace: string;
}

export class MemoryMetricsSink implements MetricsSink {
  /** Everything published so far, in order. */
  readonly published: PublishedDatum[] = [];

  async publish(namespace: string, metrics: readonly MetricDatum[]): Promise<void> {
    for (const datum of metrics) this.published.push({ ...datum, dimensions: { ...datum.dimensions }, namespace });
  }

  /** The data of one namespace, without the namespace field (comparable with what `parseEmfLines` returns). */
  data(namespace: string): MetricDatum[] {
    return this.published.filter((d) => d.namespace === namespace).map(({ namespace: _, ...datum }) => datum);
  }
}
