/**
 * Hashes the pull's files, the team's history through a cache: a history file keeps its SHA-256 for
 * as long as its key, ETag and size stay the same, so a history of hundreds of gigabytes is read
 * once, not on every retraining (the pull runs inside the Lambda step's time limit). The cache is
 * one JSON object in the model's retraining prefix, rewritten with only the files listed this time.
 */
import type { ObjectStore } from '../../ports/object-store';
import type { DatasetFiles, FileDigest, ListedFile } from './ports';

export const HISTORY_CACHE_FORMAT = 'driftwatch.history-sha256/v1';

/** Files hashed at once: S3 reads overlap while one is hashed. */
const PARALLEL_READS = 8;

interface CacheFile {
  readonly format: typeof HISTORY_CACHE_FORMAT;
  readonly entries: Readonly<Record<string, FileDigest>>;
}

const cacheKeyOf = (f: ListedFile) => `${f.uri}\n${f.etag}\n${f.bytes}`;

/** Runs `work` over `items` with at most `limit` at a time, results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Digests of fresh files (always read). */
export function digestAll(files: DatasetFiles, listed: readonly ListedFile[]): Promise<FileDigest[]> {
  return mapLimited(listed, PARALLEL_READS, (f) => files.digest(f));
}

/**
 * Digests of history files, from the cache at `cacheKey` where key, ETag and size match, read and
 * hashed otherwise; the cache is written back when anything changed.
 * @returns the digests in the order of `listed`, and how many files were read
 */
export async function digestHistory(ports: { readonly files: DatasetFiles; readonly store: ObjectStore }, cacheKey: string, listed: readonly ListedFile[]): Promise<{ digests: FileDigest[]; read: number }> {
  const stored = await ports.store.getJson(cacheKey);
  const cached = (stored?.value as CacheFile | undefined)?.format === HISTORY_CACHE_FORMAT ? (stored!.value as CacheFile).entries : {};
  let read = 0;
  const digests = await mapLimited(listed, PARALLEL_READS, async (f) => {
    const hit = cached[cacheKeyOf(f)];
    if (hit && /^[0-9a-f]{64}$/.test(hit.sha256)) return hit;
    read++;
    return ports.files.digest(f);
  });
  const entries = Object.fromEntries(listed.map((f, i) => [cacheKeyOf(f), digests[i]]));
  if (read > 0 || Object.keys(entries).length !== Object.keys(cached).length) await ports.store.putJson(cacheKey, { format: HISTORY_CACHE_FORMAT, entries } satisfies CacheFile);
  return { digests, read };
}
