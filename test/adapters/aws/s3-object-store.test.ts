/**
 * S3ObjectStore with the real SDK v3 S3Client against moto_server, which (5.2.1) implements S3's
 * conditional writes on PutObject: If-Match (412 on a changed etag, 404 NoSuchKey on a deleted key)
 * and If-None-Match: * (412 on an existing key). The one answer moto never gives, 409
 * ConditionalRequestConflict (S3's reply while another conditional write to the key is in flight),
 * is answered in-process through the same client.
 */
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../../lambda/adapters/aws/s3-object-store';
import { PreconditionFailed } from '../../../lambda/ports/errors';
import { restXmlFake, s3XmlError } from '../../support/aws-fake';
import { MotoServer, motoClientConfig, startMoto } from '../../support/moto';
import { objectStoreContract } from '../../support/object-store-contract';

const bucket = 'dw-test-data';
let moto: MotoServer;
let s3: S3Client;
/** Headers of every request the client sent (to see what the adapter asks S3 for). */
const sent: Record<string, string>[] = [];

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  s3.middlewareStack.add(
    (next) => async (args) => {
      sent.push({ ...((args.request as { headers?: Record<string, string> }).headers ?? {}) });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordHeaders' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

objectStoreContract('S3ObjectStore against moto_server: the ObjectStore contract', () => ({
  store: () => new S3ObjectStore(s3, { bucket }),
  putRaw: async (key, body) => void (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))),
  remove: async (key) => void (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))),
}));

describe('S3ObjectStore against moto_server', () => {
  it('writes JSON and text with their content types and names objects as s3:// URIs', async () => {
    const store = new S3ObjectStore(s3, { bucket });
    await store.putJson('monitor/fraud/reports/1d/latest.json', { status: 'ok' });
    await store.putText('monitor/fraud/reports/1d/2024-05-01T000000Z.html', '<!doctype html><p>ok</p>', 'text/html; charset=utf-8');
    const head = async (key: string) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentType;
    expect(await head('monitor/fraud/reports/1d/latest.json')).toBe('application/json');
    expect(await head('monitor/fraud/reports/1d/2024-05-01T000000Z.html')).toBe('text/html; charset=utf-8');
    expect(store.uri('monitor/fraud/state/1d.json')).toBe(`s3://${bucket}/monitor/fraud/state/1d.json`);
  });

  it('leaves encryption to the bucket unless given a KMS key id', async () => {
    sent.length = 0;
    await new S3ObjectStore(s3, { bucket }).putJson('monitor/sse/default.json', {});
    expect(Object.keys(sent[0]).filter((h) => h.startsWith('x-amz-server-side-encryption'))).toEqual([]);
    sent.length = 0;
    const keyId = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await new S3ObjectStore(s3, { bucket, kmsKeyId: keyId }).putJson('monitor/sse/kms.json', {});
    expect(sent[0]).toMatchObject({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': keyId });
  });

  it('sends If-Match and If-None-Match only on conditional writes', async () => {
    const store = new S3ObjectStore(s3, { bucket });
    sent.length = 0;
    const { etag } = await store.putJson('monitor/cond/a.json', { v: 1 }, { ifNoneMatch: '*' });
    await store.putJson('monitor/cond/a.json', { v: 2 }, { ifMatch: etag });
    await store.putJson('monitor/cond/a.json', { v: 3 });
    expect(sent.map((h) => [h['if-none-match'], h['if-match']])).toEqual([['*', undefined], [undefined, etag], [undefined, undefined]]);
  });

  it('throws S3 errors that are not about the condition as they are (a missing bucket)', async () => {
    const store = new S3ObjectStore(s3, { bucket: 'dw-no-such-bucket' });
    await expect(store.getJson('monitor/x.json')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(store.putJson('monitor/x.json', {}, { ifMatch: '"abc"' })).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('S3ObjectStore on an answer moto cannot give (in-process fake)', () => {
  it('reports 409 ConditionalRequestConflict on a conditional write as PreconditionFailed', async () => {
    const fake = restXmlFake(() => s3XmlError('ConditionalRequestConflict', 'A conflicting operation occurred.', 409));
    const client = new S3Client({ ...motoClientConfig('http://s3.fake', { forcePathStyle: true }), requestHandler: fake.requestHandler, maxAttempts: 1 });
    const store = new S3ObjectStore(client, { bucket });
    const error = await store.putJson('monitor/fraud/state/1d.json', { v: 2 }, { ifMatch: '"e1"' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailed);
    expect((error as PreconditionFailed).key).toBe('monitor/fraud/state/1d.json');
    expect(fake.requests[0].headers['if-match']).toBe('"e1"');
  });
});
