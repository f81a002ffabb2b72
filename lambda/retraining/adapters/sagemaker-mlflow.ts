/**
 * SageMaker managed MLflow as the `ExperimentTracker`: the same REST adapter (`mlflow-rest.ts`) over
 * a `fetch` that signs every request with SigV4, as AWS's own `sagemaker-mlflow` plugin does:
 *
 * - the endpoint is `https://<region>.experiments.sagemaker.aws` (the tracking server's region, from
 *   its ARN), the server is named by the `x-mlflow-sm-tracking-server-arn` header;
 * - the signing service is `sagemaker-mlflow`, the payload's SHA-256 goes in `x-amz-content-sha256`;
 * - credentials come from the default chain (the Lambda's role), refreshed by the provider.
 *
 * The IAM actions are `sagemaker-mlflow:*` on the tracking server's ARN (`lib/retraining/mlflow-server.ts`
 * grants the ones this adapter calls).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, Provider, SourceData } from '@smithy/types';
import { MlflowRestTracker } from './mlflow-rest';

export const MLFLOW_SIGNING_SERVICE = 'sagemaker-mlflow';
export const TRACKING_SERVER_HEADER = 'x-mlflow-sm-tracking-server-arn';

const SERVER_ARN = /^arn:(aws[a-z-]*):sagemaker:([a-z0-9-]+):(\d{12}):mlflow-tracking-server\/([A-Za-z0-9-]{1,256})$/;

/** A tracking server's ARN, read. @throws naming the value and the expected shape */
export function parseTrackingServerArn(arn: string): { readonly partition: string; readonly region: string; readonly account: string; readonly name: string } {
  const m = SERVER_ARN.exec(arn);
  if (!m) throw new Error(`${JSON.stringify(arn)} is not an MLflow tracking server ARN (arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name>)`);
  return { partition: m[1], region: m[2], account: m[3], name: m[4] };
}

/** `https://<region>.experiments.sagemaker.aws`: where SageMaker serves the MLflow API of every tracking server in a region. */
export function trackingServerUrl(arn: string): string {
  return `https://${parseTrackingServerArn(arn).region}.experiments.sagemaker.aws`;
}

/** SHA-256 (and HMAC-SHA-256 with a secret) from node:crypto, in the shape the signer takes. */
class Sha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** encodeURIComponent plus the characters SigV4 escapes too. */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignedFetchOptions {
  /** The tracking server's ARN. */
  readonly trackingServerArn: string;
  /** @default the default credential chain (the Lambda's role) */
  readonly credentials?: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The signing time (tests). @default now */
  readonly now?: () => Date;
}

/** A `fetch` that adds the tracking server header and SigV4-signs the request for `sagemaker-mlflow`. */
export function signedMlflowFetch(options: SignedFetchOptions): typeof fetch {
  const { region } = parseTrackingServerArn(options.trackingServerArn);
  const signer = new SignatureV4({ service: MLFLOW_SIGNING_SERVICE, region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256, uriEscapePath: true, applyChecksum: true });
  const send = options.fetch ?? globalThis.fetch;
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = typeof init?.body === 'string' ? init.body : init?.body === undefined || init.body === null ? undefined : (() => { throw new Error('signedMlflowFetch signs string bodies only (the MLflow REST adapter sends JSON)'); })();
    const headers: Record<string, string> = { host: url.host, [TRACKING_SERVER_HEADER]: options.trackingServerArn };
    for (const [k, v] of Object.entries((init?.headers as Record<string, string> | undefined) ?? {})) headers[k.toLowerCase()] = v;
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    // Sent as signed: RFC 3986 escapes (%20, never the + of URLSearchParams), in key order.
    url.search = Object.keys(query).sort().map((k) => `${rfc3986(k)}=${rfc3986(query[k])}`).join('&');
    const signed = await signer.sign(
      { method: init?.method ?? 'GET', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers, body },
      options.now ? { signingDate: options.now() } : {},
    );
    return send(url, { ...init, headers: signed.headers as Record<string, string> });
  };
}

/** The REST tracker, pointed at a managed tracking server and signing as the caller. */
export function managedMlflowTracker(options: SignedFetchOptions): MlflowRestTracker {
  return new MlflowRestTracker({ trackingUri: trackingServerUrl(options.trackingServerArn), fetch: signedMlflowFetch(options) });
}
