/**
 * One incident pages once. Before sending, the notifier records the delivery of one alarm state
 * change (alarm, StateChangeTime, NewStateValue) on one channel with a conditional put
 * (`If-None-Match: *`) at `sentKey(...)` under `alerting/<model>/sent/` in the data bucket, and marks
 * it `sent` (or `failed`, with the reason) after, with `If-Match` on the claim's ETag:
 *
 * - the key does not exist → this invocation sends;
 * - `sent` → the same state change was already delivered (SNS redelivered it, or CloudWatch
 *   re-notified it): nothing is sent again;
 * - `failed`, or `sending` for longer than `LEASE_MS` (its sender died) → this invocation takes the
 *   claim over (conditionally: of two takers one wins) and sends;
 * - `sending`, fresh → another invocation is sending it right now: this one fails for that channel,
 *   so Lambda retries later and then finds it sent (or the lease expired).
 *
 * When the record itself cannot be written (S3 refusing for another reason), the notifier sends
 * anyway: a page twice is better than no page (PagerDuty still folds a repeated trigger into the open
 * incident by dedup_key).
 */
import { PreconditionFailed, type ObjectStore } from '../ports';

/** Longer than a delivery can take (two channels, 20 s each, plus S3). */
export const LEASE_MS = 120_000;

export const DELIVERY_FORMAT = 'driftwatch.alert-delivery/v1' as const;

export interface DeliveryRecord {
  readonly format: typeof DELIVERY_FORMAT;
  readonly status: 'sending' | 'sent' | 'failed';
  readonly at: string;
  readonly alarm: string;
  readonly state: string;
  readonly stateChangeTime: string;
  readonly channel: string;
  readonly dedupKey: string;
  readonly messageId: string;
  readonly reason?: string;
}

export type Claim =
  | { readonly kind: 'claimed'; readonly etag: string }
  | { readonly kind: 'done'; readonly at: string }
  | { readonly kind: 'busy'; readonly since: string }
  | { readonly kind: 'unrecorded'; readonly reason: string };

async function takeOver(store: ObjectStore, key: string, record: DeliveryRecord, now: Date): Promise<Claim> {
  const existing = await store.getJson(key);
  if (existing === null) return claimOnce(store, key, record);
  const stored = existing.value as Partial<DeliveryRecord>;
  if (stored.status === 'sent') return { kind: 'done', at: String(stored.at) };
  const age = now.getTime() - Date.parse(String(stored.at));
  if (stored.status === 'sending' && age < LEASE_MS) return { kind: 'busy', since: String(stored.at) };
  try {
    const { etag } = await store.putJson(key, record, { ifMatch: existing.etag });
    return { kind: 'claimed', etag };
  } catch (error) {
    if (error instanceof PreconditionFailed) return { kind: 'busy', since: now.toISOString() };
    throw error;
  }
}

async function claimOnce(store: ObjectStore, key: string, record: DeliveryRecord): Promise<Claim> {
  const { etag } = await store.putJson(key, record, { ifNoneMatch: '*' });
  return { kind: 'claimed', etag };
}

/** Claims the delivery (see the file's comment). Never throws: a store failure is `unrecorded`. */
export async function claimDelivery(store: ObjectStore, key: string, record: DeliveryRecord, now: Date): Promise<Claim> {
  try {
    try {
      return await claimOnce(store, key, record);
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
      return await takeOver(store, key, record, now);
    }
  } catch (error) {
    return { kind: 'unrecorded', reason: (error as Error).message };
  }
}

/** Marks a claimed delivery sent or failed; returns a problem to log, never throws. */
export async function finishDelivery(store: ObjectStore, key: string, etag: string, record: DeliveryRecord): Promise<string | null> {
  try {
    await store.putJson(key, record, { ifMatch: etag });
    return null;
  } catch (error) {
    return `could not mark ${key} ${record.status}: ${(error as Error).message}`;
  }
}
