/** The delivery-record rule behind "one incident pages once", on a store with S3's conditional-write semantics. */
import { MemoryObjectStore } from '../../lambda/adapters/local/memory-object-store';
import { claimDelivery, DELIVERY_FORMAT, finishDelivery, LEASE_MS, type DeliveryRecord } from '../../lambda/notifier/claims';
import type { ObjectStore } from '../../lambda/ports';

const KEY = 'alerting/fraud/sent/dw-prod-fraud-drift-Critical-00000000/2026-11-25T122003.123Z-ALARM-pagerduty.json';
const T0 = new Date('2026-11-25T12:20:05Z');

function record(status: DeliveryRecord['status'], at: Date): DeliveryRecord {
  return { format: DELIVERY_FORMAT, status, at: at.toISOString(), alarm: 'dw-prod-fraud-drift-Critical', state: 'ALARM', stateChangeTime: '2026-11-25T12:20:03.123Z', channel: 'pagerduty', dedupKey: 'prod/fraud/1d/drift:dataset', messageId: 'm-1' };
}

it('the first claim wins; a second one while it is sending is busy; once sent, later ones find it done', async () => {
  const store = new MemoryObjectStore();
  const first = await claimDelivery(store, KEY, record('sending', T0), T0);
  expect(first.kind).toBe('claimed');
  expect(await claimDelivery(store, KEY, record('sending', T0), new Date(T0.getTime() + 1000))).toEqual({ kind: 'busy', since: T0.toISOString() });
  expect(await finishDelivery(store, KEY, first.kind === 'claimed' ? first.etag : '', record('sent', T0))).toBeNull();
  expect(await claimDelivery(store, KEY, record('sending', T0), new Date(T0.getTime() + 2000))).toEqual({ kind: 'done', at: T0.toISOString() });
});

it('a claim whose sender died (older than the lease) is taken over', async () => {
  const store = new MemoryObjectStore();
  await claimDelivery(store, KEY, record('sending', T0), T0);
  const later = new Date(T0.getTime() + LEASE_MS + 1);
  expect((await claimDelivery(store, KEY, record('sending', later), later)).kind).toBe('claimed');
});

it('a failed delivery is taken over by the retry at once', async () => {
  const store = new MemoryObjectStore();
  const first = await claimDelivery(store, KEY, record('sending', T0), T0);
  await finishDelivery(store, KEY, first.kind === 'claimed' ? first.etag : '', record('failed', T0));
  expect((await claimDelivery(store, KEY, record('sending', T0), new Date(T0.getTime() + 5000))).kind).toBe('claimed');
});

it('of two retries taking over one failed delivery, one wins', async () => {
  const store = new MemoryObjectStore();
  await store.putJson(KEY, record('failed', T0));
  const [a, b] = await Promise.all([claimDelivery(store, KEY, record('sending', T0), T0), claimDelivery(store, KEY, record('sending', T0), T0)]);
  expect([a.kind, b.kind].sort()).toEqual(['busy', 'claimed']);
});

it('a store that refuses the record does not stop the page (unrecorded, sent anyway)', async () => {
  const broken: ObjectStore = {
    getJson: async () => null,
    putJson: async () => {
      throw new Error('AccessDenied');
    },
    putText: async () => undefined,
    uri: (k) => k,
  };
  expect(await claimDelivery(broken, KEY, record('sending', T0), T0)).toEqual({ kind: 'unrecorded', reason: 'AccessDenied' });
});
