/**
 * The notifier's settings and AWS ports from its Lambda environment (see the contract at the top
 * of `lambda/handlers/notifier.ts`). Built once per container.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { FetchHttpSender } from '../adapters/aws/http-sender';
import { S3ObjectStore } from '../adapters/aws/s3-object-store';
import { SecretReader, secretsManagerClient } from '../adapters/aws/secrets';
import { PAGERDUTY_EVENTS_URL } from '../alerting/pagerduty';
import { parseRoutes } from '../alerting/routes';
import { systemClock } from '../ports';
import type { NotifierPorts, NotifierSettings } from './deliver';

export const NOTIFIER_ENV = {
  region: 'AWS_REGION',
  bucket: 'DW_BUCKET',
  env: 'DW_ENV',
  pagerDutySecret: 'DW_PAGERDUTY_SECRET',
  slackSecret: 'DW_SLACK_SECRET',
  pagerDutyUrl: 'DW_PAGERDUTY_URL',
  routes: 'DW_ROUTES',
  defaultWindow: 'DW_DEFAULT_WINDOW',
  kmsKeyId: 'DW_KMS_KEY_ID',
} as const;

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

/** @throws Error naming the missing variables or the bad DW_ROUTES */
export function notifierSettings(env: NodeJS.ProcessEnv): NotifierSettings {
  const region = nonEmpty(env[NOTIFIER_ENV.region]);
  const bucket = nonEmpty(env[NOTIFIER_ENV.bucket]);
  const missing = [!region && NOTIFIER_ENV.region, !bucket && NOTIFIER_ENV.bucket].filter(Boolean);
  if (!region || !bucket) throw new Error(`the notifier's environment lacks ${missing.join(', ')} (the construct sets them)`);
  return {
    env: nonEmpty(env[NOTIFIER_ENV.env]) ?? undefined,
    bucket,
    region,
    pagerDutySecret: nonEmpty(env[NOTIFIER_ENV.pagerDutySecret]),
    slackSecret: nonEmpty(env[NOTIFIER_ENV.slackSecret]),
    pagerDutyUrl: nonEmpty(env[NOTIFIER_ENV.pagerDutyUrl]) ?? PAGERDUTY_EVENTS_URL,
    routes: parseRoutes(env[NOTIFIER_ENV.routes]),
    defaultWindow: nonEmpty(env[NOTIFIER_ENV.defaultWindow]) ?? '1d',
  };
}

/** S3 (reports, delivery records), Secrets Manager (cached 5 min) and fetch; endpoints overridable as in `awsPorts`. */
export function notifierPorts(env: NodeJS.ProcessEnv, settings: NotifierSettings): NotifierPorts & { readonly s3: S3Client } {
  const s3Endpoint = nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const s3 = new S3Client({ region: settings.region, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) });
  const kmsKeyId = nonEmpty(env[NOTIFIER_ENV.kmsKeyId]);
  return {
    s3,
    store: new S3ObjectStore(s3, { bucket: settings.bucket, ...(kmsKeyId ? { kmsKeyId } : {}) }),
    secrets: new SecretReader(secretsManagerClient(env, settings.region)),
    http: new FetchHttpSender(),
    clock: systemClock,
  };
}
