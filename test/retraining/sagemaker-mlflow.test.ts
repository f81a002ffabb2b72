/**
 * The managed-MLflow adapter signs each request the way AWS's sagemaker-mlflow plugin does, checked
 * against botocore's SigV4 (the signer that plugin and boto3 use, from .venv): the captured request's
 * signature is recomputed there from the same method, URL, headers, body, credentials and time. The
 * request is captured by the injected fetch (no AWS account here); nothing else is faked.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { managedMlflowTracker, parseTrackingServerArn, trackingServerUrl } from '../../lambda/retraining/adapters/sagemaker-mlflow';
import { VENV_BIN } from '../support/prerequisites';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/dw-prod-mlflow';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-example' };

interface Captured {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function capturing(answer: unknown) {
  const requests: Captured[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push({ url: String(input), method: init?.method ?? 'GET', headers: Object.fromEntries(Object.entries(init?.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])), body: init?.body as string | undefined });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { requests, fetch };
}

function botocoreSignature(r: Captured): { signature: string; signedHeaders: string } {
  const out = execFileSync(path.join(VENV_BIN, 'python3'), [path.join(__dirname, 'sigv4_check.py')], {
    input: JSON.stringify({ ...r, ...credentials, region: 'eu-west-1', service: 'sagemaker-mlflow' }),
  });
  return JSON.parse(out.toString());
}

const parts = (authorization: string) => ({
  credential: /Credential=([^,]+)/.exec(authorization)![1],
  signedHeaders: /SignedHeaders=([^,]+)/.exec(authorization)![1],
  signature: /Signature=([0-9a-f]{64})/.exec(authorization)![1],
});

it('reads the tracking server ARN and refuses anything else, naming the value', () => {
  expect(parseTrackingServerArn(ARN)).toEqual({ partition: 'aws', region: 'eu-west-1', account: '123456789012', name: 'dw-prod-mlflow' });
  expect(trackingServerUrl(ARN)).toBe('https://eu-west-1.experiments.sagemaker.aws');
  expect(() => trackingServerUrl('http://localhost:5000')).toThrow('"http://localhost:5000" is not an MLflow tracking server ARN');
});

it('a POST with a JSON body is signed for sagemaker-mlflow exactly as botocore signs it, and names the server', async () => {
  const { requests, fetch } = capturing({});
  const tracker = managedMlflowTracker({ trackingServerArn: ARN, credentials, fetch, now: () => new Date('2026-12-01T12:00:00Z') });
  await tracker.setAlias('dw-prod-fraud', 'champion', '2');
  const post = requests.find((r) => r.method === 'POST')!;
  expect(post.url).toBe('https://eu-west-1.experiments.sagemaker.aws/api/2.0/mlflow/registered-models/alias');
  expect(JSON.parse(post.body!)).toEqual({ name: 'dw-prod-fraud', alias: 'champion', version: '2' });
  expect(post.headers['x-mlflow-sm-tracking-server-arn']).toBe(ARN);
  expect(post.headers['x-amz-security-token']).toBe('session-token-example');
  expect(post.headers['x-amz-date']).toBe('20261201T120000Z');
  const ours = parts(post.headers.authorization);
  expect(ours.credential).toBe('AKIDEXAMPLE/20261201/eu-west-1/sagemaker-mlflow/aws4_request');
  expect(ours.signedHeaders.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date', 'x-mlflow-sm-tracking-server-arn', 'content-type']));
  const theirs = botocoreSignature(post);
  expect(theirs.signedHeaders).toBe(ours.signedHeaders);
  expect(theirs.signature).toBe(ours.signature);
});

it('a GET with a search filter (spaces, quotes, backticks) is sent as signed and botocore agrees', async () => {
  const { requests, fetch } = capturing({ model_versions: [] });
  const tracker = managedMlflowTracker({ trackingServerArn: ARN, credentials, fetch, now: () => new Date('2026-12-01T12:00:00Z') });
  expect(await tracker.findModelVersionByTag('dw-prod-fraud', { key: 'driftwatch.sagemaker.model_package_arn', value: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-prod-fraud/2' })).toBeNull();
  const [get] = requests;
  expect(get.url).not.toContain('+');
  expect(decodeURIComponent(new URL(get.url).searchParams.get('filter')!)).toBe("name = 'dw-prod-fraud' and tags.`driftwatch.sagemaker.model_package_arn` = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-prod-fraud/2'");
  const ours = parts(get.headers.authorization);
  const theirs = botocoreSignature(get);
  expect(theirs.signature).toBe(ours.signature);
});
