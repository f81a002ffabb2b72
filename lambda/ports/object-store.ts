/**
 * Where the monitor keeps its JSON (references, hourly profiles, state) and its reports: S3 in the
 * cloud (`lambda/adapters/aws/s3-object-store.ts`), memory or a folder locally. Keys are the layout of
 * `lambda/monitor/layout.ts`, relative to the store's root (the data bucket).
 */

/** A stored JSON document and the version tag a conditional write must name to replace it. */
export interface StoredJson {
  readonly value: unknown;
  /** Opaque version tag (S3's ETag); pass it as `ifMatch` to replace exactly this version. */
  readonly etag: string;
}

export interface PutOptions {
  /** Write only if the stored object still has this etag (else `PreconditionFailed`). */
  readonly ifMatch?: string;
  /** `'*'`: write only if no object exists at the key (else `PreconditionFailed`). */
  readonly ifNoneMatch?: '*';
}

export interface ObjectStore {
  /**
   * The JSON at `key`, or null when there is none.
   * @throws CorruptObject when the object is not valid JSON (the key is named)
   */
  getJson(key: string): Promise<StoredJson | null>;
  /**
   * Writes `value` as JSON. With `ifMatch` / `ifNoneMatch` the write is conditional: two writers
   * racing on one key cannot both win.
   * @throws PreconditionFailed when the condition does not hold
   */
  putJson(key: string, value: unknown, options?: PutOptions): Promise<{ readonly etag: string }>;
  /** Writes a text object (an HTML report) with its content type; unconditional. */
  putText(key: string, body: string, contentType: string): Promise<void>;
  /** How a person or a message names the object (e.g. `s3://bucket/key`). */
  uri(key: string): string;
}
