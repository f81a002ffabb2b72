/**
 * A small cached reader of Secrets Manager secrets (the PagerDuty routing key, the Slack webhook
 * URL). Secrets are read at run time and kept in memory for `ttlMs` (5 minutes by default), so a
 * rotated secret is picked up within that time and a burst of alarms costs one read; they are never
 * put in environment variables, logs or error messages — errors name the secret, never its value.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errorMessage, errorName } from './backoff';

/** A secret that is missing, empty, or could not be read; the message names the secret. */
export class SecretUnavailable extends Error {
  constructor(
    readonly secretName: string,
    reason: string,
  ) {
    super(`secret ${secretName}: ${reason}`);
    this.name = 'SecretUnavailable';
  }
}

export interface SecretReaderOptions {
  /** How long a value read is reused. @default 300000 (5 minutes) */
  readonly ttlMs?: number;
  /** For tests. @default Date.now */
  readonly now?: () => number;
}

export interface SecretSource {
  /** The secret's SecretString. @throws SecretUnavailable naming the secret */
  get(name: string): Promise<string>;
}

export class SecretReader implements SecretSource {
  private readonly cache = new Map<string, { value: string; expires: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    options: SecretReaderOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  async get(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && cached.expires > this.now()) return cached.value;
    const value = await this.read(name);
    this.cache.set(name, { value, expires: this.now() + this.ttlMs });
    return value;
  }

  /** Forgets every cached value (e.g. after a delivery was refused with 401/403: the key may have rotated). */
  clear(): void {
    this.cache.clear();
  }

  private async read(name: string): Promise<string> {
    let secret: string | undefined;
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      secret = out.SecretString;
    } catch (error) {
      const code = errorName(error);
      if (code === 'ResourceNotFoundException') throw new SecretUnavailable(name, 'not found in Secrets Manager (create it, or fix the secret name in the owner config)');
      throw new SecretUnavailable(name, `cannot be read (${code ?? 'error'}: ${errorMessage(error)})`);
    }
    if (secret === undefined) throw new SecretUnavailable(name, 'holds no SecretString (a binary secret is not supported)');
    const value = secret.trim();
    if (value === '') throw new SecretUnavailable(name, 'is empty (put the value in it: aws secretsmanager put-secret-value --secret-id <name> --secret-string ...)');
    return value;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A Secrets Manager client on the default chain; `AWS_ENDPOINT_URL_SECRETS_MANAGER`, then
 * `AWS_ENDPOINT_URL`, override the endpoint (moto_server in tests).
 */
export function secretsManagerClient(env: NodeJS.ProcessEnv = process.env, region?: string): SecretsManagerClient {
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_SECRETS_MANAGER) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  return new SecretsManagerClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
}
