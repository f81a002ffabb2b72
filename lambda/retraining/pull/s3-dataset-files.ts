/**
 * The pull's files in S3 (SDK v3): ListObjectsV2 page by page, and GetObject streamed into SHA-256
 * with `If-Match` on the listed ETag, so the bytes hashed are the object listed (a file replaced in
 * between fails the read instead of being recorded under the old size). The version read is what
 * GetObject answers (`x-amz-version-id`), none for an unversioned bucket.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { DatasetFiles, FileDigest, ListedFile } from './ports';

/** `s3://bucket/prefix` → bucket and key prefix. @throws naming the URI */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${JSON.stringify(uri)}`);
  return { bucket: m[1], key: m[2] };
}

export class S3DatasetFiles implements DatasetFiles {
  constructor(private readonly client: S3Client) {}

  async list(prefixUri: string): Promise<ListedFile[]> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const found: ListedFile[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        found.push({ uri: `s3://${bucket}/${o.Key}`, bytes: o.Size ?? 0, etag: (o.ETag ?? '').replace(/"/g, '') });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async digest(file: ListedFile): Promise<FileDigest> {
    const { bucket, key } = parseS3Uri(file.uri);
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(file.etag ? { IfMatch: `"${file.etag}"` } : {}) }));
    const hash = createHash('sha256');
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    const versionId = out.VersionId && out.VersionId !== 'null' ? out.VersionId : undefined;
    return { sha256: hash.digest('hex'), ...(versionId ? { versionId } : {}) };
  }
}
