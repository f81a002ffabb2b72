/**
 * One S3 bucket as the monitor's `ObjectStore`. Conditional writes are S3's own (`If-Match` /
 * `If-None-Match: *` on PutObject, since 2024): the check and the write are one atomic request, so two
 * overlapping invocations can never both replace one version of the state. Every way S3 says "the
 * condition did not hold" becomes `PreconditionFailed`:
 *
 * - 412 PreconditionFailed: the etag no longer matches, or the key exists under `If-None-Match: *`;
 * - 409 ConditionalRequestConflict: another conditional write to the key is in flight;
 * - 404 NoSuchKey under `If-Match`: the version named was deleted.
 *
 * Objects are encrypted with the bucket's default key (the data bucket's KMS key); no SSE parameter is
 * sent unless `kmsKeyId` is given, so the bucket's policy stays the one place that decides.
 */
import { GetObjectCommand, PutObjectCommand, PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { CorruptObject, PreconditionFailed } from '../../ports/errors';
import type { ObjectStore, PutOptions, StoredJson } from '../../ports/object-store';
import { errorMessage, errorName, httpStatus } from './backoff';

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Encrypt with this KMS key instead of the bucket's default. @default the bucket's default encryption */
  readonly kmsKeyId?: string;
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;

  constructor(
    private readonly client: S3Client,
    private readonly options: S3ObjectStoreOptions,
  ) {
    this.bucket = options.bucket;
  }

  async getJson(key: string): Promise<StoredJson | null> {
    let text: string;
    let etag: string;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      text = (await out.Body?.transformToString('utf-8')) ?? '';
      etag = out.ETag ?? '';
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return null;
      throw error;
    }
    try {
      return { value: JSON.parse(text), etag };
    } catch (error) {
      throw new CorruptObject(key, `not valid JSON (${errorMessage(error)})`);
    }
  }

  async putJson(key: string, value: unknown, options: PutOptions = {}): Promise<{ readonly etag: string }> {
    const body = JSON.stringify(value);
    if (body === undefined) throw new Error(`putJson ${key}: the value (${typeof value}) has no JSON form`);
    const input: PutObjectCommandInput = {
      ...this.base(key, body, 'application/json'),
      ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
      ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
    };
    try {
      const out = await this.client.send(new PutObjectCommand(input));
      return { etag: out.ETag ?? '' };
    } catch (error) {
      if (conditionFailed(error, options)) throw new PreconditionFailed(key);
      throw error;
    }
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand(this.base(key, body, contentType)));
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private base(key: string, body: string, contentType: string): PutObjectCommandInput {
    return {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ...(this.options.kmsKeyId !== undefined ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.options.kmsKeyId } : {}),
    };
  }
}

/** S3's answers that mean "the condition of this write did not hold" (see the file's comment). */
function conditionFailed(error: unknown, options: PutOptions): boolean {
  if (options.ifMatch === undefined && options.ifNoneMatch === undefined) return false;
  const name = errorName(error);
  const status = httpStatus(error);
  if (name === 'PreconditionFailed' || status === 412) return true;
  if (name === 'ConditionalRequestConflict' || status === 409) return true;
  return options.ifMatch !== undefined && (name === 'NoSuchKey' || status === 404) && name !== 'NoSuchBucket';
}
