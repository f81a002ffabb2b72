/**
 * The `ObjectStore` port's contract as one suite, run against every adapter (S3 on moto_server, memory,
 * a folder), so the backtest's stores keep exactly the semantics the Lambda gets from S3.
 */
import { CorruptObject, PreconditionFailed } from '../../lambda/ports/errors';
import type { ObjectStore } from '../../lambda/ports/object-store';

export interface ContractSubject {
  readonly store: () => ObjectStore;
  /** Stores `body` at `key` as it is, bypassing JSON (a corrupt object). */
  readonly putRaw: (key: string, body: string) => Promise<void>;
  /** Removes `key` (another writer deleting the version a write names). */
  readonly remove: (key: string) => Promise<void>;
}

let counter = 0;
/** A key no other test of the run uses (the S3 bucket is shared by the file's tests). */
const freshKey = (name: string) => `monitor/contract/${process.pid}-${++counter}/${name}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

export function objectStoreContract(describeName: string, subject: () => ContractSubject): void {
  describe(describeName, () => {
    it('gives back what was written, with the etag the write returned', async () => {
      const store = subject().store();
      const key = freshKey('state/1d.json');
      const value = { format: 'driftwatch.state/v1', alerts: { psi: 'warning' }, since: null, counts: [1, 2.5, -3] };
      const { etag } = await store.putJson(key, value);
      expect(await store.getJson(key)).toEqual({ value, etag });
    });

    it('answers null for a key that was never written', async () => {
      expect(await subject().store().getJson(freshKey('nothing.json'))).toBeNull();
    });

    it('refuses a corrupt object with CorruptObject naming the key', async () => {
      const s = subject();
      const key = freshKey('profiles/dt=2024-05-01/hour=13.json');
      await s.putRaw(key, '{"format": "driftwatch.hour-profile/v1", "counts": [1, 2');
      const error = await rejection(s.store().getJson(key));
      expect(error).toBeInstanceOf(CorruptObject);
      expect((error as Error).message).toContain(key);
    });

    it('lets only one of two writers holding the same etag replace the object', async () => {
      const store = subject().store();
      const key = freshKey('state/7d.json');
      const { etag } = await store.putJson(key, { version: 1 });
      // Sequential on purpose: both writers read version 1; the first write wins, the second must lose.
      const first = await store.putJson(key, { version: 2, writer: 'a' }, { ifMatch: etag });
      const second = await rejection(store.putJson(key, { version: 2, writer: 'b' }, { ifMatch: etag }));
      expect(second).toBeInstanceOf(PreconditionFailed);
      expect((second as PreconditionFailed).key).toBe(key);
      expect(await store.getJson(key)).toEqual({ value: { version: 2, writer: 'a' }, etag: first.etag });
    });

    it('creates with ifNoneMatch * once, then refuses to overwrite', async () => {
      const store = subject().store();
      const key = freshKey('state/1d.json');
      await store.putJson(key, { created: 'a' }, { ifNoneMatch: '*' });
      expect(await rejection(store.putJson(key, { created: 'b' }, { ifNoneMatch: '*' }))).toBeInstanceOf(PreconditionFailed);
      expect((await store.getJson(key))?.value).toEqual({ created: 'a' });
    });

    it('refuses ifMatch when the version it names was deleted', async () => {
      const s = subject();
      const store = s.store();
      const key = freshKey('state/6h.json');
      const { etag } = await store.putJson(key, { version: 1 });
      await s.remove(key);
      expect(await rejection(store.putJson(key, { version: 2 }, { ifMatch: etag }))).toBeInstanceOf(PreconditionFailed);
    });

    it('stores a copy: changing the value after writing or reading it changes nothing stored', async () => {
      const store = subject().store();
      const key = freshKey('reference/profile.json');
      const value = { bins: [1, 2, 3] };
      await store.putJson(key, value);
      value.bins.push(4);
      ((await store.getJson(key))!.value as { bins: number[] }).bins.push(5);
      expect((await store.getJson(key))!.value).toEqual({ bins: [1, 2, 3] });
    });

    it('refuses a value with no JSON form, naming the key', async () => {
      const key = freshKey('x.json');
      await expect(subject().store().putJson(key, undefined)).rejects.toThrow(key);
    });
  });
}
