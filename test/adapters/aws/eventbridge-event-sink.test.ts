/**
 * EventBridgeEventSink with the real SDK v3 EventBridgeClient against moto_server: a rule matching
 * source 'driftwatch' targets an SQS queue (moto delivers matched events to SQS), and the events are
 * read back from the queue. moto refuses an entry only when it is malformed (no source, detail-type or
 * detail) and never fails one transiently, so the retry of refused entries is tested in-process.
 */
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeEventSink } from '../../../lambda/adapters/aws/eventbridge-event-sink';
import type { MonitorEventEntry } from '../../../lambda/ports/event-sink';
import { jsonServiceFake } from '../../support/aws-fake';
import { MotoServer, motoClientConfig, startMoto } from '../../support/moto';

let moto: MotoServer;
let events: EventBridgeClient;
let sqs: SQSClient;
/** PutEvents requests the client sent: the number of entries in each. */
const putSizes: number[] = [];

/** A queue receiving what a rule on `bus` matching source 'driftwatch' forwards. */
async function queueFor(bus: string): Promise<string> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: `dw-events-${bus}` }))).QueueUrl!;
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: `dw-to-sqs-${bus}`, EventBusName: bus, EventPattern: JSON.stringify({ source: ['driftwatch'] }) }));
  await events.send(new PutTargetsCommand({ Rule: `dw-to-sqs-${bus}`, EventBusName: bus, Targets: [{ Id: 'queue', Arn: attributes.Attributes!.QueueArn }] }));
  return url;
}

/** Receives until `count` messages arrived (or 10 s passed); returns the event bodies. */
async function receive(url: string, count: number): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  const deadline = Date.now() + 10_000;
  while (bodies.length < count && Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const m of out.Messages ?? []) {
      bodies.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  return bodies;
}

const time = new Date('2024-05-01T13:00:00Z');
const event = (i: number, detailType = 'Driftwatch Drift Status Changed'): MonitorEventEntry => ({
  source: 'driftwatch',
  detailType,
  detail: { model: 'fraud', env: 'dev', window: '1d', severity: i % 2 ? 'warning' : 'critical', n: i },
  time,
});

beforeAll(async () => {
  moto = await startMoto();
  events = new EventBridgeClient(motoClientConfig(moto.endpoint));
  events.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutEventsCommand') putSizes.push((args.input as { Entries: unknown[] }).Entries.length);
      return next(args);
    },
    { step: 'initialize', name: 'countPutEvents' },
  );
  sqs = new SQSClient(motoClientConfig(moto.endpoint));
});

afterAll(async () => {
  events?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

describe('EventBridgeEventSink against moto_server', () => {
  it('delivers 23 events to a rule on the default bus in requests of at most 10, each with its detail-type and detail', async () => {
    const url = await queueFor('default');
    putSizes.length = 0;
    const sent = Array.from({ length: 23 }, (_, i) => event(i));
    await new EventBridgeEventSink(events).put(sent);
    expect(putSizes).toEqual([10, 10, 3]);

    const got = await receive(url, 23);
    expect(got).toHaveLength(23);
    const byN = new Map(got.map((b) => [(b.detail as { n: number }).n, b]));
    for (const e of sent) {
      expect(byN.get(e.detail.n as number)).toMatchObject({ source: 'driftwatch', 'detail-type': e.detailType, detail: e.detail, time: '2024-05-01T13:00:00Z' });
    }
  });

  it('puts to the configured event bus', async () => {
    await events.send(new CreateEventBusCommand({ Name: 'dw-dev' }));
    const url = await queueFor('dw-dev');
    await new EventBridgeEventSink(events, { eventBusName: 'dw-dev' }).put([event(1, 'Driftwatch No Traffic')]);
    const [got] = await receive(url, 1);
    expect(got['detail-type']).toBe('Driftwatch No Traffic');
  });

  it('names an entry EventBridge refuses for good (no detail-type) without retrying it', async () => {
    putSizes.length = 0;
    const sink = new EventBridgeEventSink(events, { sleep: async () => undefined });
    await expect(sink.put([event(1), event(2, '')])).rejects.toThrow(/did not accept 1 of 2 events .*"" \(InvalidArgument: Parameter DetailType is not valid/);
    expect(putSizes).toEqual([2]);
  });

  it('refuses an event over 256 KB before sending anything, naming its detail-type', async () => {
    putSizes.length = 0;
    const huge: MonitorEventEntry = { ...event(0, 'Driftwatch Monitor Failed'), detail: { blob: 'x'.repeat(256 * 1024) } };
    await expect(new EventBridgeEventSink(events).put([event(1), huge])).rejects.toThrow(/"Driftwatch Monitor Failed" is \d+ bytes, over EventBridge's 262144-byte limit/);
    expect(putSizes).toEqual([]);
  });

  it('splits requests at 256 KB as well as at 10 entries', async () => {
    putSizes.length = 0;
    const big = (i: number): MonitorEventEntry => ({ ...event(i), detail: { n: i, blob: 'y'.repeat(100 * 1024) } });
    await new EventBridgeEventSink(events).put([big(0), big(1), big(2), big(3), big(4)]);
    expect(putSizes).toEqual([2, 2, 1]);
  });
});

describe('EventBridgeEventSink on refusals moto never makes (in-process fake)', () => {
  /** A client whose PutEvents refuses the entries `refuse` names for the call (0-based entry indices). */
  function refusing(refuse: (call: number, entries: { DetailType: string }[]) => Map<number, string>) {
    const fake = jsonServiceFake(({ input }, calls) => {
      const failures = refuse(calls.length, input.Entries);
      const Entries = input.Entries.map((_: unknown, i: number) =>
        failures.has(i) ? { ErrorCode: failures.get(i), ErrorMessage: `${failures.get(i)} for entry ${i}` } : { EventId: `e-${calls.length}-${i}` },
      );
      return { body: { FailedEntryCount: failures.size, Entries } };
    });
    const client = new EventBridgeClient({ ...motoClientConfig('http://events.fake'), requestHandler: fake.requestHandler, maxAttempts: 1 });
    return { client, calls: fake.calls };
  }

  it('retries only the refused entries, with backoff, until all are accepted', async () => {
    const { client, calls } = refusing((call) => (call === 1 ? new Map([[1, 'ThrottlingException'], [4, 'InternalFailure']]) : new Map()));
    const delays: number[] = [];
    const sink = new EventBridgeEventSink(client, { sleep: async (ms) => void delays.push(ms), random: () => 0.5 });
    await sink.put(Array.from({ length: 6 }, (_, i) => event(i, `Type ${i}`)));
    expect(calls.map((c) => c.input.Entries.map((e: { DetailType: string }) => e.DetailType))).toEqual([
      ['Type 0', 'Type 1', 'Type 2', 'Type 3', 'Type 4', 'Type 5'],
      ['Type 1', 'Type 4'],
    ]);
    expect(delays).toEqual([50]);
  });

  it('gives up after the attempts allowed, naming each refused entry with its error', async () => {
    const { client, calls } = refusing(() => new Map([[0, 'ThrottlingException']]));
    const sink = new EventBridgeEventSink(client, { maxAttempts: 3, sleep: async () => undefined });
    await expect(sink.put([event(0, 'Driftwatch Performance Status Changed'), event(1)])).rejects.toThrow(
      'EventBridge did not accept 1 of 2 events (up to 3 attempts each): "Driftwatch Performance Status Changed" (ThrottlingException: ThrottlingException for entry 0)',
    );
    expect(calls.map((c) => c.input.Entries.length)).toEqual([2, 1, 1]);
  });
});
