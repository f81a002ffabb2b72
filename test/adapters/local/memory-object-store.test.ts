/** MemoryObjectStore keeps S3's conditional-write semantics (the shared contract), atomically within a process. */
import { contentEtag, MemoryObjectStore } from '../../../lambda/adapters/local/memory-object-store';
import { PreconditionFailed } from '../../../lambda/ports/errors';
import { objectStoreContract } from '../../support/object-store-contract';

const store = new MemoryObjectStore('backtest');

objectStoreContract('MemoryObjectStore: the ObjectStore contract', () => ({
  store: () => store,
  putRaw: (key, body) => store.putText(key, body, 'application/json'),
  remove: async (key) => store.delete(key),
}));

describe('MemoryObjectStore', () => {
  it('lets exactly one of many concurrent writers with the same etag win', async () => {
    const s = new MemoryObjectStore();
    const { etag } = await s.putJson('state.json', { n: 0 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => s.putJson('state.json', { n: i + 1 }, { ifMatch: etag })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailed)).toBe(true);
  });

  it('uses the SHA-256 of the stored text as the etag and keeps text with its content type', async () => {
    const s = new MemoryObjectStore('demo');
    const { etag } = await s.putJson('a.json', { a: 1 });
    expect(etag).toBe(contentEtag('{"a":1}'));
    await s.putText('r.html', '<p>ok</p>', 'text/html');
    expect(s.get('r.html')).toEqual({ body: '<p>ok</p>', contentType: 'text/html', etag: contentEtag('<p>ok</p>') });
    expect(s.keys()).toEqual(['a.json', 'r.html']);
    expect(s.uri('a.json')).toBe('memory://demo/a.json');
  });
});
