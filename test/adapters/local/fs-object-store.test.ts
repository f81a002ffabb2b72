/**
 * FsObjectStore: a folder with S3's conditional-write semantics (the shared contract), writes that are
 * atomic renames, and a lock file that makes conditional writes from concurrent writers exclusive.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FsObjectStore } from '../../../lambda/adapters/local/fs-object-store';
import { contentEtag } from '../../../lambda/adapters/local/memory-object-store';
import { PreconditionFailed } from '../../../lambda/ports/errors';
import { objectStoreContract } from '../../support/object-store-contract';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dw-fs-store-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

objectStoreContract('FsObjectStore: the ObjectStore contract', () => ({
  store: () => new FsObjectStore(root),
  putRaw: async (key, body) => {
    const path = new FsObjectStore(root).path(key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  },
  remove: async (key) => unlinkSync(new FsObjectStore(root).path(key)),
}));

describe('FsObjectStore', () => {
  it('keeps a key as the file of the same path, its etag the SHA-256 of the content, and names it as a file URL', async () => {
    const store = new FsObjectStore(root);
    const { etag } = await store.putJson('monitor/fraud/state/1d.json', { a: 1 });
    expect(etag).toBe(contentEtag('{"a":1}'));
    const file = join(root, 'monitor', 'fraud', 'state', '1d.json');
    expect(store.uri('monitor/fraud/state/1d.json')).toBe(pathToFileURL(file).href);
    await store.putText('monitor/fraud/reports/1d/x.html', '<p>ok</p>', 'text/html');
    expect(readdirSync(join(root, 'monitor', 'fraud', 'reports', '1d'))).toEqual(['x.html']); // no temporary or lock file left
  });

  it('lets exactly one of many concurrent writers with the same etag win', async () => {
    const store = new FsObjectStore(root);
    const { etag } = await store.putJson('race/state.json', { n: 0 });
    const writers = Array.from({ length: 8 }, (_, i) => new FsObjectStore(root).putJson('race/state.json', { n: i + 1 }, { ifMatch: etag }));
    const results = await Promise.allSettled(writers);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailed)).toBe(true);
    expect(readdirSync(join(root, 'race'))).toEqual(['state.json']);
  });

  it('fails a write whose lock another writer holds past the timeout, naming the lock file', async () => {
    const store = new FsObjectStore(root, { lockTimeoutMs: 50 });
    await store.putJson('locked/state.json', {});
    writeFileSync(join(root, 'locked', 'state.json.lock'), '');
    await expect(store.putJson('locked/state.json', { v: 2 })).rejects.toThrow('state.json.lock is held by another writer');
  });

  it('refuses keys that would leave the folder or clash with its own files', () => {
    const store = new FsObjectStore(root);
    for (const key of ['../escape.json', '/abs.json', 'a//b.json', 'a/./b.json', 'state.json.lock', 'a\\b.json']) {
      expect(() => store.path(key)).toThrow('is not usable in a folder store');
    }
  });
});
