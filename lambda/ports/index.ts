/** Interfaces the monitor engine needs from the outside world; adapters (`lambda/adapters/{aws,local}`) implement them. */
export type { QueryEngine, TableEngine, LoadColumn } from './query-engine';
export type { ObjectStore, StoredJson, PutOptions } from './object-store';
export type { MetricsSink, MetricDatum, MetricUnit } from './metrics-sink';
export type { EventSink, MonitorEventEntry } from './event-sink';
export { systemClock, type Clock } from './clock';
export { PreconditionFailed, CorruptObject, QueryFailed } from './errors';

import type { QueryEngine } from './query-engine';
import type { ObjectStore } from './object-store';
import type { MetricsSink } from './metrics-sink';
import type { EventSink } from './event-sink';
import type { Clock } from './clock';

/** Everything the engine talks to; each step takes only the ports it needs (`Pick<MonitorPorts, ...>`). */
export interface MonitorPorts {
  readonly query: QueryEngine;
  readonly store: ObjectStore;
  readonly metrics: MetricsSink;
  readonly events: EventSink;
  readonly clock: Clock;
}
