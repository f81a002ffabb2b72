/** An in-memory `EventSink`: keeps every event put, in order (backtest, tests). */
import type { EventSink, MonitorEventEntry } from '../../ports/event-sink';

export class MemoryEventSink implements EventSink {
  /** Everything put so far, in order; each detail is a JSON copy, as EventBridge would deliver it. */
  readonly events: MonitorEventEntry[] = [];

  async put(events: readonly MonitorEventEntry[]): Promise<void> {
    for (const event of events) {
      this.events.push({ ...event, detail: JSON.parse(JSON.stringify(event.detail)) as Record<string, unknown> });
    }
  }
}
