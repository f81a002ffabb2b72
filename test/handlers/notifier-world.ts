/**
 * The notifier's world for the handler tests, all real parts: moto_server for S3 (the report, the
 * delivery records), Secrets Manager (the routing key, the webhook URL) and SNS (a topic with an
 * HTTP subscription); one local receiver standing in for PagerDuty (`/v2/enqueue`) and Slack
 * (`/services/...`), another as the SNS HTTP endpoint that hands each delivery to the notifier
 * handler in-process, as SNS → Lambda would (confirming the subscription first if moto asks).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { S3ObjectStore } from '../../lambda/adapters/aws/s3-object-store';
type NotifierModule = typeof import('../../lambda/handlers/notifier');
import { monitorKeys } from '../../lambda/monitor/layout';
import { driftedReport } from '../alerting/fixtures';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/http-receiver';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';

export const BUCKET = 'driftwatch-test-data-123456789012-eu-west-1';
export const PD_SECRET = 'driftwatch/test/risk-ml/pagerduty-routing-key';
export const SLACK_SECRET = 'driftwatch/test/risk-ml/slack-webhook';
export const ROUTING_KEY = 'e93facc04764012d7bfb002500d5d1a6';
export const PD_PATH = '/v2/enqueue';
export const SLACK_PATH = '/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX';

export interface Invocation {
  readonly event: unknown;
  readonly result: Promise<{ ok: true; value: any } | { ok: false; error: Error }>;
}

export interface World {
  readonly moto: MotoServer;
  readonly receiver: Receiver;
  readonly sns: SNSClient;
  readonly secrets: SecretsManagerClient;
  readonly store: S3ObjectStore;
  /** The first topic's ARN. */
  readonly topicArn: string;
  /** Every topic's ARN by name. */
  readonly topicArns: Readonly<Record<string, string>>;
  readonly invocations: Invocation[];
  /** Publishes an alarm notification to a topic (the first by default) and waits for the notifier's invocation to finish. */
  publish(alarm: Record<string, unknown>, topicArn?: string): Promise<Invocation>;
  /** Runs the handler on an event directly (a redelivery of a recorded event). */
  invoke(event: unknown): Invocation;
  /** Changes the notifier's environment (a new container). */
  setEnv(values: Record<string, string | undefined>): void;
  stop(): Promise<void>;
}

const savedEnv = { ...process.env };
/** Loaded after the environment is set, so its logger sees POWERTOOLS_LOG_LEVEL. */
let notifier: NotifierModule;

export function notifierEnv(moto: MotoServer, receiver: Receiver): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DW_BUCKET: BUCKET,
    DW_ENV: 'test',
    DW_PAGERDUTY_SECRET: PD_SECRET,
    DW_SLACK_SECRET: SLACK_SECRET,
    DW_PAGERDUTY_URL: `${receiver.url}${PD_PATH}`,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}

function invoke(invocations: Invocation[], event: unknown): Invocation {
  const result = notifier.handler(event).then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  );
  const invocation = { event, result };
  invocations.push(invocation);
  return invocation;
}

/** What SNS → Lambda hands the function for one HTTP-format SNS delivery. */
function lambdaEvent(delivery: Record<string, any>, subscriptionArn: string) {
  const { SigningCertURL, UnsubscribeURL, ...rest } = delivery;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: { ...rest, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL, MessageAttributes: delivery.MessageAttributes ?? {} },
      },
    ],
  };
}

/** One HTTP endpoint for every topic: SNS names the subscription in each delivery's header. */
async function snsEndpoint(invocations: Invocation[]): Promise<Receiver> {
  const endpoint = await startReceiver({ '/sns': { status: 200, body: '' } });
  endpoint.onRequest = (request: ReceivedRequest) => {
    const delivery = request.json();
    if (delivery.Type === 'SubscriptionConfirmation') void fetch(delivery.SubscribeURL);
    else if (delivery.Type === 'Notification') invoke(invocations, lambdaEvent(delivery, String(request.headers['x-amz-sns-subscription-arn'] ?? `${delivery.TopicArn}:subscription`)));
  };
  return endpoint;
}

export interface WorldOptions {
  /** Topics to create, each with the notifier subscribed over HTTP. @default ['dw-test-risk_ml-critical'] */
  readonly topics?: readonly string[];
  /** The secrets' names. @default PD_SECRET and SLACK_SECRET */
  readonly secretNames?: { readonly pagerDuty: string; readonly slack: string };
  /** Put the README's drifted report where the bank model's 6h alarms look. @default true */
  readonly seedReport?: boolean;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const secretNames = options.secretNames ?? { pagerDuty: PD_SECRET, slack: SLACK_SECRET };
  const moto = await startMoto();
  const receiver = await startReceiver({ [PD_PATH]: { status: 202, body: { status: 'success', message: 'Event processed' } }, [SLACK_PATH]: { status: 200, body: 'ok' } });
  Object.assign(process.env, notifierEnv(moto, receiver), { DW_PAGERDUTY_SECRET: secretNames.pagerDuty, DW_SLACK_SECRET: secretNames.slack });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  notifier = require('../../lambda/handlers/notifier') as NotifierModule;
  notifier.resetNotifier();
  const s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const store = new S3ObjectStore(s3, { bucket: BUCKET });
  if (options.seedReport ?? true) await store.putJson(monitorKeys.latestReport('bank_marketing', '6h'), driftedReport());
  const secrets = new SecretsManagerClient(motoClientConfig(moto.endpoint));
  await secrets.send(new CreateSecretCommand({ Name: secretNames.pagerDuty, SecretString: ROUTING_KEY }));
  await secrets.send(new CreateSecretCommand({ Name: secretNames.slack, SecretString: `${receiver.url}${SLACK_PATH}` }));
  const sns = new SNSClient(motoClientConfig(moto.endpoint));
  const invocations: Invocation[] = [];
  const endpoint = await snsEndpoint(invocations);
  const topicArns: Record<string, string> = {};
  for (const name of options.topics ?? ['dw-test-risk_ml-critical']) {
    const arn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: `${endpoint.url}/sns` }));
    topicArns[name] = arn;
  }
  const topicArn = Object.values(topicArns)[0];
  const publish = async (alarm: Record<string, unknown>, to = topicArn) => {
    const before = invocations.length;
    await sns.send(new PublishCommand({ TopicArn: to, Subject: `${alarm.NewStateValue}: "${alarm.AlarmName}" in ${alarm.Region ?? 'EU (Ireland)'}`.slice(0, 100), Message: JSON.stringify(alarm) }));
    for (let i = 0; invocations.length === before && i < 100; i += 1) await new Promise((r) => setTimeout(r, 20));
    if (invocations.length === before) throw new Error('SNS did not deliver the notification to the HTTP endpoint');
    const invocation = invocations[invocations.length - 1];
    await invocation.result;
    return invocation;
  };
  const stop = async () => {
    await Promise.all(invocations.map((i) => i.result));
    [s3, secrets, sns].forEach((c) => c.destroy());
    await Promise.all([receiver.stop(), endpoint.stop()]);
    await moto.stop();
    process.env = { ...savedEnv };
    notifier.resetNotifier();
  };
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    notifier.resetNotifier();
  };
  return { moto, receiver, sns, secrets, store, topicArn, topicArns, invocations, publish, invoke: (event) => invoke(invocations, event), setEnv, stop };
}
