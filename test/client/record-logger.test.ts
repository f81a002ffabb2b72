/**
 * Retry, batching and accounting behaviour of the logger. moto_server always accepts every record, so
 * partial failures and throttling are injected with in-process FirehoseSender stand-ins.
 */
import { PutRecordBatchCommand, PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import { FIREHOSE_LIMITS } from '../../lambda/client/firehose-limits';
import { GroundTruthLogger, PredictionLogger } from '../../lambda/client/prediction-logger';
import { FirehoseSender } from '../../lambda/client/record-logger';
import { fraudRecord, fraudSpec } from './fixtures';

const decoder = new TextDecoder();

/** Records each call's prediction ids; `decide(id, call)` returns an ErrorCode to fail that record. */
class StandInFirehose implements FirehoseSender {
  readonly calls: { ids: string[]; bytes: number }[] = [];
  constructor(private readonly decide: (id: string, call: number) => string | undefined = () => undefined) {}
  async send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput> {
    const records = command.input.Records ?? [];
    const ids = records.map((r) => JSON.parse(decoder.decode(r.Data as Uint8Array)).prediction_id as string);
    const bytes = records.reduce((s, r) => s + (r.Data as Uint8Array).byteLength, 0);
    this.calls.push({ ids, bytes });
    const answers = ids.map((id) => {
      const code = this.decide(id, this.calls.length);
      return code ? { ErrorCode: code, ErrorMessage: `injected ${code} for ${id}` } : { RecordId: `r-${id}` };
    });
    return { FailedPutCount: answers.filter((a) => 'ErrorCode' in a).length, RequestResponses: answers, $metadata: {} };
  }
}

const noWait = { sleep: async () => undefined, random: () => 0.5 };

describe('PredictionLogger batching', () => {
  it('sends a batch as soon as 500 records are buffered and the rest on flush', async () => {
    const firehose = new StandInFirehose();
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, noWait);
    for (let i = 0; i < 1201; i += 1) await logger.log(fraudRecord(i));
    expect(firehose.calls.map((c) => c.ids.length)).toEqual([500, 500]);
    expect(logger.buffered).toBe(201);
    expect(await logger.close()).toEqual([]);
    expect(firehose.calls.map((c) => c.ids.length)).toEqual([500, 500, 201]);
    expect(firehose.calls.flatMap((c) => c.ids)).toEqual(Array.from({ length: 1201 }, (_, i) => `p-${i}`));
    expect(logger.stats).toEqual({ delivered: 1201, rejected: 0, failed: 0, calls: 3 });
  });

  it('splits at 4 MiB per call with records near the 1,000 KiB record limit', async () => {
    const firehose = new StandInFirehose();
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, noWait);
    // ~900 KiB each: four fit in 4 MiB (3.5 MiB), a fifth does not.
    const big = 'x'.repeat(900 * 1024);
    for (let i = 0; i < 9; i += 1) await logger.log(fraudRecord(i, { segment: big }));
    expect(await logger.flush()).toEqual([]);
    expect(firehose.calls.map((c) => c.ids.length)).toEqual([4, 4, 1]);
    for (const call of firehose.calls) expect(call.bytes).toBeLessThanOrEqual(FIREHOSE_LIMITS.maxBytesPerBatch);
  });

  it('refuses a record above 1,000 KiB with the reason, and reports it again from flush()', async () => {
    const firehose = new StandInFirehose();
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, noWait);
    const oversize = fraudRecord(1, { segment: 'x'.repeat(1000 * 1024) });
    const result = await logger.log(oversize);
    expect(result.accepted).toBe(false);
    const reason = !result.accepted ? result.rejected.reason : '';
    const size = Number(/^prediction record is (\d+) bytes as JSON, above Firehose's limit of 1024000 bytes per record$/.exec(reason)?.[1]);
    // The line sent would be the normalised JSON (event_time with milliseconds) plus its newline.
    expect(size).toBe(Buffer.byteLength(JSON.stringify({ ...oversize, event_time: '2026-11-24T13:01:00.000Z' })) + 1);
    expect(!result.accepted && result.rejected).toEqual({ record: oversize, reason });
    expect(await logger.flush()).toEqual([{ record: oversize, reason }]);
    expect(firehose.calls).toEqual([]);
  });

  it('hands back invalid records with the reason instead of sending them', async () => {
    const firehose = new StandInFirehose();
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, noWait);
    const bad = fraudRecord(2, { amount_usd: 'n/a' });
    expect(await logger.log(bad)).toEqual({
      accepted: false,
      rejected: { record: bad, reason: 'invalid prediction record: field "amount_usd" must be a finite number or null (got "n/a")' },
    });
    await logger.log(fraudRecord(3));
    const undelivered = await logger.close();
    expect(undelivered.map((u) => u.record)).toEqual([bad]);
    expect(firehose.calls.map((c) => c.ids)).toEqual([['p-3']]);
    expect((await logger.log(fraudRecord(4))).accepted).toBe(false);
  });
});

describe('PredictionLogger retries', () => {
  it('resends only the records Firehose failed, with growing jittered backoff, until they succeed', async () => {
    // p-1 and p-3 fail with ServiceUnavailableException on the first two calls, then succeed.
    const firehose = new StandInFirehose((id, call) => (['p-1', 'p-3'].includes(id) && call <= 2 ? 'ServiceUnavailableException' : undefined));
    const sleeps: number[] = [];
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, {
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      baseDelayMs: 100,
    });
    for (let i = 0; i < 5; i += 1) await logger.log(fraudRecord(i));
    expect(await logger.flush()).toEqual([]);
    expect(firehose.calls.map((c) => c.ids)).toEqual([['p-0', 'p-1', 'p-2', 'p-3', 'p-4'], ['p-1', 'p-3'], ['p-1', 'p-3']]);
    expect(sleeps).toEqual([50, 100]); // 0.5 × 100·2^0, 0.5 × 100·2^1
    expect(logger.stats).toEqual({ delivered: 5, rejected: 0, failed: 0, calls: 3 });
  });

  it('returns records that keep failing after maxAttempts with the error code and reason', async () => {
    const firehose = new StandInFirehose((id) => (id === 'p-2' ? 'ServiceUnavailableException' : undefined));
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, { ...noWait, maxAttempts: 3 });
    const records = [0, 1, 2].map((i) => fraudRecord(i));
    for (const r of records) await logger.log(r);
    expect(await logger.close()).toEqual([
      {
        record: records[2],
        errorCode: 'ServiceUnavailableException',
        reason:
          'Firehose stream fraud-predictions failed the record 3 times; last error ServiceUnavailableException: ' +
          'injected ServiceUnavailableException for p-2',
      },
    ]);
    expect(firehose.calls.map((c) => c.ids)).toEqual([['p-0', 'p-1', 'p-2'], ['p-2'], ['p-2']]);
    expect(logger.stats).toEqual({ delivered: 2, rejected: 0, failed: 1, calls: 3 });
  });

  it('retries a throttled call as a whole and gives up at once on a non-retryable error', async () => {
    let calls = 0;
    const throttled: FirehoseSender = {
      async send(command) {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
        return { FailedPutCount: 0, RequestResponses: (command.input.Records ?? []).map(() => ({ RecordId: 'r' })), $metadata: {} };
      },
    };
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, throttled, noWait);
    await logger.log(fraudRecord(1));
    expect(await logger.flush()).toEqual([]);
    expect(calls).toBe(2);

    const missing: FirehoseSender = {
      async send() {
        throw Object.assign(new Error('Stream fraud-predictions not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
      },
    };
    const logger2 = new PredictionLogger('fraud-predictions', fraudSpec, missing, noWait);
    await logger2.log(fraudRecord(1));
    const [u] = await logger2.close();
    expect(u.errorCode).toBe('ResourceNotFoundException');
    expect(u.reason).toBe(
      'PutRecordBatch to fraud-predictions failed and is not retryable: ResourceNotFoundException: Stream fraud-predictions not found',
    );
  });

  it('keeps order and never overlaps calls when log() is not awaited', async () => {
    const firehose = new StandInFirehose((id, call) => (id === 'p-0' && call === 1 ? 'InternalFailure' : undefined));
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, { ...noWait, limits: { maxRecordsPerBatch: 2 } });
    const results = [0, 1, 2, 3, 4].map((i) => logger.log(fraudRecord(i)));
    await Promise.all(results);
    expect(await logger.close()).toEqual([]);
    expect(firehose.calls.map((c) => c.ids)).toEqual([['p-0', 'p-1'], ['p-0'], ['p-2', 'p-3'], ['p-4']]);
  });
});

describe('GroundTruthLogger', () => {
  it('validates and sends label records', async () => {
    const sent: string[] = [];
    const firehose: FirehoseSender = {
      async send(command) {
        const records = command.input.Records ?? [];
        for (const r of records) sent.push(decoder.decode(r.Data as Uint8Array));
        return { FailedPutCount: 0, RequestResponses: records.map(() => ({ RecordId: 'r' })), $metadata: {} };
      },
    };
    const logger = new GroundTruthLogger('fraud-labels', fraudSpec, firehose, noWait);
    expect((await logger.log({ prediction_id: 'p-1', label: 'fraud', label_time: '2026-12-01T08:00:00+01:00' })).accepted).toBe(true);
    expect((await logger.log({ prediction_id: 'p-2', label: 1, label_time: '2026-12-01T08:00:00Z' })).accepted).toBe(false);
    await logger.close();
    expect(sent).toEqual(['{"prediction_id":"p-1","label":"fraud","label_time":"2026-12-01T07:00:00.000Z"}\n']);
  });
});

describe('flushOnExit', () => {
  it('flushes buffered records on beforeExit and removes its hook on close', async () => {
    const firehose = new StandInFirehose();
    const before = process.listenerCount('beforeExit');
    const logger = new PredictionLogger('fraud-predictions', fraudSpec, firehose, { ...noWait, flushOnExit: true });
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    await logger.log(fraudRecord(1));
    process.emit('beforeExit', 0);
    await logger.flush();
    expect(firehose.calls.map((c) => c.ids)).toEqual([['p-1']]);
    await logger.close();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });
});
