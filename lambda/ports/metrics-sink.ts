/**
 * Where the monitor's CloudWatch metrics go: Embedded Metric Format through Powertools in Lambda
 * (`lambda/adapters/aws/emf-metrics-sink.ts`), memory in the backtest and tests. The metric catalogue
 * (names, units, dimensions, how many per model) is `lambda/monitor/metrics.ts`.
 */

export type MetricUnit = 'None' | 'Count' | 'Percent';

export interface MetricDatum {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
  /** Dimension name → value, e.g. `{ Env: 'prod', Model: 'fraud', Window: '1d' }`. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** The time the value describes (a window's end, an hour's start). */
  readonly timestamp: Date;
}

export interface MetricsSink {
  /** Publishes the data points (with their own dimension sets) under `namespace`. */
  publish(namespace: string, metrics: readonly MetricDatum[]): Promise<void>;
}
