/**
 * A folder as the monitor's `ObjectStore` (the `driftwatch` CLI and the backtest): key `a/b.json` is
 * the file `<root>/a/b.json`. Every write goes to a temporary file in the same folder and is renamed
 * over the target, so a reader never sees half a file. The etag is the SHA-256 of the content (as in
 * `MemoryObjectStore`), and a JSON write holds `<file>.lock` (created exclusively) from reading the
 * current etag to the rename, so conditional writes from two processes cannot both win.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ObjectStore, PutOptions, StoredJson } from '../../ports/object-store';
import { checkCondition, contentEtag, jsonBody, parseStored } from './memory-object-store';

export interface FsObjectStoreOptions {
  /** How long a write waits for another writer's lock before failing. @default 5000 */
  readonly lockTimeoutMs?: number;
}

const LOCK_RETRY_MS = 10;

export class FsObjectStore implements ObjectStore {
  readonly root: string;

  constructor(
    root: string,
    private readonly options: FsObjectStoreOptions = {},
  ) {
    this.root = resolve(root);
  }

  async getJson(key: string): Promise<StoredJson | null> {
    const body = await readIfExists(this.path(key));
    if (body === undefined) return null;
    return { value: parseStored(key, body), etag: contentEtag(body) };
  }

  async putJson(key: string, value: unknown, options: PutOptions = {}): Promise<{ readonly etag: string }> {
    const body = jsonBody(key, value);
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await this.withLock(path, async () => {
      const current = await readIfExists(path);
      checkCondition(key, current === undefined ? undefined : contentEtag(current), options);
      await writeAtomically(path, body);
    });
    return { etag: contentEtag(body) };
  }

  async putText(key: string, body: string, _contentType: string): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeAtomically(path, body);
  }

  uri(key: string): string {
    return pathToFileURL(this.path(key)).href;
  }

  /** The file of `key`; a key that could leave the root or clash with the store's own files is refused. */
  path(key: string): string {
    const segments = key.split('/');
    const bad = segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'));
    if (bad || /\.(lock|tmp)$/.test(key)) {
      throw new Error(`object key ${JSON.stringify(key)} is not usable in a folder store: use '/'-separated names without '.', '..' or empty parts`);
    }
    return join(this.root, ...segments);
  }

  /** Runs `fn` holding `<path>.lock`; waits for another holder up to the lock timeout. */
  private async withLock(path: string, fn: () => Promise<void>): Promise<void> {
    const lock = `${path}.lock`;
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 5000);
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (Date.now() >= deadline) {
          throw new Error(`${lock} is held by another writer; if none is running, delete the file and retry`);
        }
        await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
      }
    }
    try {
      await fn();
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a sibling temporary file and renames it over `path` (atomic on one file system). */
async function writeAtomically(path: string, body: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, body, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
