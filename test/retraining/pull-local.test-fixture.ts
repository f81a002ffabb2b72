/**
 * The data pull's ports on a laptop, for the DuckDB tests: `s3://bucket/key` is the file
 * `<root>/bucket/key`, the DuckDB adapter unloads there (`COPY ... TO`), and reads are counted so a
 * test can see the history-hash cache at work.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import type { UnloadEngine } from '../../lambda/ports/query-engine';
import type { DatasetFiles, ListedFile } from '../../lambda/retraining/pull/ports';

export function localPath(root: string, uri: string): string {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${uri}`);
  return path.join(root, m[1], m[2]);
}

/** The files under `root` as buckets; `reads` counts every file digested. */
export function localFiles(root: string): DatasetFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async list(prefixUri) {
      const dir = localPath(root, prefixUri);
      if (!fs.existsSync(dir)) return [];
      const found: ListedFile[] = [];
      for (const rel of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
        const full = path.join(dir, rel);
        if (!fs.statSync(full).isFile()) continue;
        const body = fs.readFileSync(full);
        found.push({ uri: `${prefixUri}${rel.split(path.sep).join('/')}`, bytes: body.length, etag: createHash('md5').update(body).digest('hex') });
      }
      return found;
    },
    async digest(file) {
      reads.push(file.uri);
      return { sha256: createHash('sha256').update(fs.readFileSync(localPath(root, file.uri))).digest('hex') };
    },
  };
}

/** The DuckDB adapter with its unload location moved from s3:// to the local root. */
export function localUnloadEngine(engine: DuckDbEngine, root: string): UnloadEngine & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    query: (sql) => (statements.push(sql), engine.query(sql)),
    async unload(select, target) {
      statements.push(select);
      const dir = localPath(root, target.location);
      fs.mkdirSync(dir, { recursive: true });
      await engine.unload(select, { ...target, location: dir });
    },
    close: () => undefined,
  };
}

/**
 * The DuckDB adapter standing in for Athena's UNLOAD into S3 (moto_server): DuckDB writes the Parquet
 * files into a scratch folder, which are then put under the target's `s3://` location as Athena
 * would write them, so the real S3 adapters list, hash and read them.
 */
export function s3UnloadEngine(engine: DuckDbEngine, s3: S3Client, scratch: string): UnloadEngine {
  return {
    query: (sql) => engine.query(sql),
    async unload(select, target) {
      const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(target.location);
      if (!m) throw new Error(`not an s3:// location: ${target.location}`);
      const dir = fs.mkdtempSync(path.join(scratch, 'unload-'));
      await engine.unload(select, { ...target, location: dir });
      for (const rel of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
        const full = path.join(dir, rel);
        if (fs.statSync(full).isFile()) await s3.send(new PutObjectCommand({ Bucket: m[1], Key: `${m[2]}${rel.split(path.sep).join('/')}`, Body: fs.readFileSync(full) }));
      }
    },
    close: () => undefined,
  };
}
