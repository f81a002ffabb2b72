/** What the data pull needs besides the query engine and the object store: listing and hashing files in S3. */

/** An object under a prefix, as listed. */
export interface ListedFile {
  /** `s3://bucket/key` */
  readonly uri: string;
  readonly bytes: number;
  /** As S3 gives it (quotes removed): the same for the same version of an object. */
  readonly etag: string;
}

export interface FileDigest {
  /** Lower-case hex. */
  readonly sha256: string;
  /** The version read, when the bucket is versioned. */
  readonly versionId?: string;
}

export interface DatasetFiles {
  /** Every object under `prefixUri` (`s3://bucket/prefix/`) but folder markers (keys ending in '/'), by key. */
  list(prefixUri: string): Promise<ListedFile[]>;
  /**
   * The SHA-256 of the object's bytes, streamed, and the version read; the read is of the listed
   * object only (its ETag), so a file replaced since the listing fails instead of being misrecorded.
   */
  digest(file: ListedFile): Promise<FileDigest>;
}
