/**
 * An in-memory `ObjectStore` with S3's conditional-write semantics, for the backtest and tests: the
 * etag is the SHA-256 of the stored bytes, `ifMatch` must name the current version (a missing object
 * never matches), `ifNoneMatch: '*'` refuses an existing key. Check and write happen in one
 * synchronous step, so two writers racing on one key cannot both win. JSON is stored as its text, so
 * a caller mutating a value after `putJson` (or after `getJson`) never changes what is stored.
 */
import { createHash } from 'node:crypto';
import { CorruptObject, PreconditionFailed } from '../../ports/errors';
import type { ObjectStore, PutOptions, StoredJson } from '../../ports/object-store';

/** The etag of stored content: SHA-256 hex of its UTF-8 bytes (the same in memory and in a folder). */
export function contentEtag(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export interface StoredObject {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
}

/** Throws PreconditionFailed unless the write's condition holds for `current` (the stored etag, if any). */
export function checkCondition(key: string, current: string | undefined, options: PutOptions): void {
  if (options.ifNoneMatch === '*' && current !== undefined) throw new PreconditionFailed(key);
  if (options.ifMatch !== undefined && current !== options.ifMatch) throw new PreconditionFailed(key);
}

/** The JSON text of `value`, or an error naming the key when it has none (undefined, a function). */
export function jsonBody(key: string, value: unknown): string {
  const body = JSON.stringify(value);
  if (body === undefined) throw new Error(`putJson ${key}: the value (${typeof value}) has no JSON form`);
  return body;
}

/** Parses stored text as JSON, or throws CorruptObject naming the key. */
export function parseStored(key: string, body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new CorruptObject(key, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, StoredObject>();

  /** @param name shown in `uri()`: `memory://<name>/<key>` */
  constructor(private readonly name = 'store') {}

  async getJson(key: string): Promise<StoredJson | null> {
    const object = this.objects.get(key);
    if (object === undefined) return null;
    return { value: parseStored(key, object.body), etag: object.etag };
  }

  async putJson(key: string, value: unknown, options: PutOptions = {}): Promise<{ readonly etag: string }> {
    const body = jsonBody(key, value);
    checkCondition(key, this.objects.get(key)?.etag, options);
    return { etag: this.store(key, body, 'application/json') };
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    this.store(key, body, contentType);
  }

  uri(key: string): string {
    return `memory://${this.name}/${key}`;
  }

  /** The stored object (text, content type, etag), for tests and the backtest's report. */
  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Removes `key` (tests: another writer deleting the version a write names). */
  delete(key: string): void {
    this.objects.delete(key);
  }

  /** Every key, sorted. */
  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  private store(key: string, body: string, contentType: string): string {
    const etag = contentEtag(body);
    this.objects.set(key, { body, contentType, etag });
    return etag;
  }
}
