/**
 * Where the monitor's events go: EventBridge in the cloud (`lambda/adapters/aws/eventbridge-event-sink.ts`),
 * memory locally. Detail types and their JSON Schemas: `lambda/monitor/events.ts`.
 */

export interface MonitorEventEntry {
  /** EventBridge `source`. */
  readonly source: string;
  /** EventBridge `detail-type`, e.g. `Driftwatch Drift Status Changed`. */
  readonly detailType: string;
  /** The event's detail (plain JSON). */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly time: Date;
}

export interface EventSink {
  /**
   * Sends the events; resolves only when every one was accepted.
   * @throws Error naming the events that were not accepted and why
   */
  put(events: readonly MonitorEventEntry[]): Promise<void>;
}
