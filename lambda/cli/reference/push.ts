/**
 * `driftwatch reference --push`: uploads the reference and its bins to the model's keys in the data
 * bucket (`storeReference`) through `S3ObjectStore`, with credentials and region from the usual AWS
 * chain (environment, shared config/credentials files and profiles, SSO, container and instance roles).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../adapters/aws/s3-object-store';
import { InputError } from '../../adapters/local/errors';
import type { MonitorReference } from '../../monitor/reference';
import { ReferenceWriteFailed, storeReference, type StoredReference } from '../../monitor/store-reference';
import { dataStackName } from '../../../lib/common/naming';

/**
 * The data bucket's name as the CDK app gives it (`dataBucketName` in lib/platform/data-stack.ts,
 * there with the account and region as deploy-time tokens; a test checks the two agree).
 *
 * @example dataBucketNameFor('prod', '123456789012', 'eu-west-1') // 'driftwatch-prod-data-123456789012-eu-west-1'
 */
export function dataBucketNameFor(env: string, account: string, region: string): string {
  return `driftwatch-${env}-data-${account}-${region}`;
}

/** The command that prints a deployed environment's data bucket (the data stack's output). */
export function bucketLookupCommand(env: string): string {
  return `aws cloudformation describe-stacks --stack-name ${dataStackName(env)} --query "Stacks[0].Outputs[?OutputKey=='DataBucketName'].OutputValue" --output text`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * An S3 client on the default credential and region chain. An endpoint override
 * (`AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`) also turns on path-style addressing, as the
 * Lambdas' clients do (`awsPorts`), so local stand-ins such as moto_server work.
 */
export function s3ClientFromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  return new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {});
}

async function regionOf(client: S3Client): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new InputError('--push: no AWS region: set AWS_REGION, or a region in your AWS profile (aws configure set region eu-west-1)');
  }
}

/**
 * The bucket to push to: `--bucket`, else the platform environment's data bucket named from the
 * caller's account (known to the credentials: AWS_ACCOUNT_ID, an SSO or assumed-role profile) and region.
 */
async function bucketOf(client: S3Client, bucket: string | undefined, env: string | null): Promise<string> {
  if (bucket !== undefined) return bucket;
  if (env === null) throw new InputError('--push with --config needs --bucket NAME');
  const region = await regionOf(client);
  let account: string | undefined;
  try {
    account = (await client.config.credentials()).accountId;
  } catch (error) {
    throw new InputError(`--push: no AWS credentials (${(error as Error).message.split('\n')[0]})`);
  }
  if (!account) {
    throw new InputError(
      `--push: the credentials do not say which AWS account they belong to, which names the data bucket ` +
        `(${dataBucketNameFor(env, '<account>', region)}): set AWS_ACCOUNT_ID, or pass --bucket NAME; ` +
        `the deployed name is printed by: ${bucketLookupCommand(env)}`,
    );
  }
  return dataBucketNameFor(env, account, region);
}

export interface Pushed extends StoredReference {
  readonly bucket: string;
  readonly referenceUri: string;
  readonly binsUri: string;
}

/**
 * Uploads the reference (bins first, then the reference document).
 * @throws InputError naming the bucket and key that could not be written, with S3's answer
 */
export async function pushReference(reference: MonitorReference, options: { readonly bucket?: string; readonly env: string | null }): Promise<Pushed> {
  const client = s3ClientFromEnvironment();
  try {
    await regionOf(client);
    const bucket = await bucketOf(client, options.bucket, options.env);
    const store = new S3ObjectStore(client, { bucket });
    try {
      const stored = await storeReference(store, reference);
      return { ...stored, bucket, referenceUri: store.uri(stored.referenceKey), binsUri: store.uri(stored.binsKey) };
    } catch (error) {
      if (error instanceof ReferenceWriteFailed) throw new InputError(`--push: ${error.message}`);
      throw error;
    }
  } finally {
    client.destroy();
  }
}
