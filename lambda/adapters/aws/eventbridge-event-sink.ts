/**
 * EventBridge as the monitor's `EventSink`. PutEvents takes at most 10 entries and 256 KB per request,
 * and may accept some entries of a request and refuse others (FailedEntryCount): the sink packs the
 * events into requests within both limits, retries only the refused entries with jittered backoff,
 * and resolves only when every event was accepted. An event that can never fit (over 256 KB) is
 * refused before anything is sent, naming its detail-type; entries refused for good (a malformed
 * detail, no permission) are not retried; everything still refused at the end is named in one error.
 */
import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { EventSink, MonitorEventEntry } from '../../ports/event-sink';
import { BackoffOptions, defaultSleep, jitteredDelay } from './backoff';

export interface EventBridgeEventSinkOptions {
  /** @default 'default' */
  readonly eventBusName?: string;
  /** Attempts per entry, the first send included. @default 4 */
  readonly maxAttempts?: number;
  /** Backoff before retry n is uniform in [0, min(max, base · 2^(n-1))]. @default 100 */
  readonly baseDelayMs?: number;
  /** @default 2000 */
  readonly maxDelayMs?: number;
  /** For tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** PutEvents' limits (EventBridge quotas, not adjustable). */
export const PUT_EVENTS_LIMITS = { entries: 10, bytes: 256 * 1024 } as const;

/** Error codes a retry cannot fix. */
const PERMANENT = new Set(['InvalidArgument', 'MalformedDetail', 'AccessDeniedException', 'NotAuthorizedForSourceException']);

interface Pending {
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
  failure?: PutEventsResultEntry;
}

export class EventBridgeEventSink implements EventSink {
  readonly eventBusName: string;
  private readonly backoff: BackoffOptions;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgeEventSinkOptions = {},
  ) {
    this.eventBusName = options.eventBusName ?? 'default';
    this.backoff = { baseDelayMs: options.baseDelayMs ?? 100, maxDelayMs: options.maxDelayMs ?? 2000, random: options.random };
    this.sleep = options.sleep ?? defaultSleep;
  }

  async put(events: readonly MonitorEventEntry[]): Promise<void> {
    let pending = events.map((event) => this.pending(event));
    const maxAttempts = this.options.maxAttempts ?? 4;
    const refused: Pending[] = [];
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(jitteredDelay(attempt - 1, this.backoff));
      const failed: Pending[] = [];
      for (const batch of batches(pending)) failed.push(...(await this.send(batch)));
      refused.push(...failed.filter((p) => PERMANENT.has(p.failure?.ErrorCode ?? '')));
      pending = failed.filter((p) => !PERMANENT.has(p.failure?.ErrorCode ?? ''));
    }
    const notAccepted = [...refused, ...pending];
    if (notAccepted.length > 0) throw new Error(failureMessage(notAccepted, events.length, maxAttempts));
  }

  private pending(event: MonitorEventEntry): Pending {
    const entry: PutEventsRequestEntry = {
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: event.time,
      EventBusName: this.eventBusName,
    };
    const size = entrySize(entry);
    if (size > PUT_EVENTS_LIMITS.bytes) {
      throw new Error(
        `the event ${JSON.stringify(event.detailType)} is ${size} bytes, over EventBridge's ${PUT_EVENTS_LIMITS.bytes}-byte limit ` +
          `per entry; put less in its detail (e.g. a report's S3 URI instead of the report)`,
      );
    }
    return { entry, size };
  }

  /** Sends one request; returns the entries EventBridge refused, each with its error. */
  private async send(batch: readonly Pending[]): Promise<Pending[]> {
    const out = await this.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    if (!out.FailedEntryCount) return [];
    const results = out.Entries ?? [];
    return batch
      .map((p, i) => ({ ...p, failure: results[i] }))
      .filter((p) => p.failure?.ErrorCode !== undefined || p.failure?.EventId === undefined);
  }
}

/**
 * An entry's size as EventBridge counts it: the UTF-8 bytes of Source, DetailType and Detail, 14
 * for a Time, plus each Resource ("Calculating PutEvents event entry size").
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));
  const resources = (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0);
  return (entry.Time ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/** Packs entries in order into requests of at most 10 entries and 256 KB. */
function batches(pending: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    if (current.length === PUT_EVENTS_LIMITS.entries || bytes + p.size > PUT_EVENTS_LIMITS.bytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function failureMessage(notAccepted: readonly Pending[], total: number, maxAttempts: number): string {
  const each = notAccepted.map((p) => {
    const code = p.failure?.ErrorCode ?? 'no result entry';
    return `${JSON.stringify(p.entry.DetailType)} (${code}: ${p.failure?.ErrorMessage ?? 'no message'})`;
  });
  return `EventBridge did not accept ${notAccepted.length} of ${total} events (up to ${maxAttempts} attempts each): ${each.join('; ')}`;
}
