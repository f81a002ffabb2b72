/**
 * A batching Firehose logger for records of one contract (predictions or labels). It validates each
 * record, packs records into PutRecordBatch calls within Firehose's limits, retries only the records
 * Firehose reports as failed (exponential backoff with full jitter, bounded attempts) and accounts for
 * every record: what it cannot deliver is handed back with the reason, never dropped silently.
 */
import {
  FirehoseClient,
  PutRecordBatchCommand,
  PutRecordBatchCommandOutput,
} from '@aws-sdk/client-firehose';
import { encodeRecord, FIREHOSE_LIMITS, FirehoseLimits, fitsInBatch } from './firehose-limits';
import { RecordContract } from './record-contract';
import { validateRecord } from './validate-record';

/** The one call the logger makes; a FirehoseClient satisfies it, tests pass in-process stand-ins. */
export interface FirehoseSender {
  send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput>;
}

/** A record the logger did not deliver, with why. */
export interface Undelivered {
  /** The record exactly as it was given to `log`. */
  readonly record: unknown;
  readonly reason: string;
  /** Firehose's error code (per record or for the whole call) when delivery failed. */
  readonly errorCode?: string;
}

export type LogResult = { readonly accepted: true } | { readonly accepted: false; readonly rejected: Undelivered };

export interface LoggerStats {
  /** Records Firehose acknowledged. */
  readonly delivered: number;
  /** Records refused before sending (invalid, oversize, logger closed). */
  readonly rejected: number;
  /** Records given up on after Firehose failures. */
  readonly failed: number;
  /** PutRecordBatch calls made (including retries). */
  readonly calls: number;
}

export interface RecordLoggerOptions {
  /** Attempts per record, the first send included. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff before retry n is uniform in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))]. @default 100 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /**
   * Flush on the process's `beforeExit` event (buffered records are otherwise lost when a short-lived
   * process ends without calling close()). What cannot be delivered then goes to `onUndelivered`.
   * @default false
   */
  readonly flushOnExit?: boolean;
  /** Receives undelivered records from the exit flush. @default writes them as JSON lines to stderr */
  readonly onUndelivered?: (undelivered: readonly Undelivered[]) => void;
  /** Firehose limits; tests lower them. @default FIREHOSE_LIMITS */
  readonly limits?: Partial<FirehoseLimits>;
  /** For tests: replaces setTimeout-based sleeping and Math.random jitter. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

interface Entry {
  readonly record: unknown;
  readonly data: Uint8Array;
}

/** Firehose errors for the whole call that are worth retrying; anything else fails the batch at once. */
const RETRYABLE_CALL_ERRORS = new Set([
  'ServiceUnavailableException',
  'ThrottlingException',
  'LimitExceededException',
  'InternalFailure',
  'InternalFailureException',
  'RequestTimeout',
  'TimeoutError',
]);

function isRetryableCallError(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  if (e?.$retryable) return true;
  if (e?.name && RETRYABLE_CALL_ERRORS.has(e.name)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP status: the request never got an answer (connection reset, DNS, socket timeout).
  return typeof e?.code === 'string' && /^E[A-Z]+/.test(e.code);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const defaultOnUndelivered = (undelivered: readonly Undelivered[]) => {
  for (const u of undelivered) {
    process.stderr.write(`${JSON.stringify({ driftwatch: 'undelivered-record', ...u })}\n`);
  }
};

export class RecordLogger {
  private readonly contract: RecordContract;
  private readonly deliveryStreamName: string;
  private readonly client: FirehoseSender;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly limits: FirehoseLimits;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onUndelivered: (undelivered: readonly Undelivered[]) => void;
  private buffer: Entry[] = [];
  private bufferBytes = 0;
  private undelivered: Undelivered[] = [];
  /** Sends run one after another so records keep their order and calls never overlap. */
  private sending: Promise<void> = Promise.resolve();
  private closed = false;
  private counters = { delivered: 0, rejected: 0, failed: 0, calls: 0 };
  private readonly exitHook?: () => void;

  constructor(deliveryStreamName: string, contract: RecordContract, client?: FirehoseSender, options: RecordLoggerOptions = {}) {
    if (!deliveryStreamName) throw new Error(`deliveryStreamName must be a non-empty string (got ${JSON.stringify(deliveryStreamName)})`);
    this.deliveryStreamName = deliveryStreamName;
    this.contract = contract;
    this.client = client ?? new FirehoseClient({});
    this.maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new Error(`maxAttempts must be an integer >= 1 (got ${options.maxAttempts})`);
    }
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.limits = { ...FIREHOSE_LIMITS, ...options.limits };
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.onUndelivered = options.onUndelivered ?? defaultOnUndelivered;
    if (options.flushOnExit) {
      this.exitHook = () => {
        // beforeExit fires again once the flush's promises settle; only act when there is work left.
        if (this.closed || (this.buffer.length === 0 && this.undelivered.length === 0)) return;
        void this.flush().then((u) => {
          if (u.length > 0) this.onUndelivered(u);
        });
      };
      process.on('beforeExit', this.exitHook);
    }
  }

  /** Counts so far (delivered, rejected before sending, failed after retries, calls made). */
  get stats(): LoggerStats {
    return { ...this.counters };
  }

  /** Records waiting in the current batch. */
  get buffered(): number {
    return this.buffer.length;
  }

  /**
   * Validates and buffers one record; sends the batch once it is full (500 records or 4 MiB).
   * An invalid or oversize record is refused with the reason (and also returned by the next flush()).
   */
  async log(record: unknown): Promise<LogResult> {
    if (this.closed) return this.reject(record, `the ${this.contract.kind} logger is closed`);
    const validation = validateRecord(this.contract, record);
    if (!validation.ok) return this.reject(record, `invalid ${this.contract.kind} record: ${validation.reason}`);
    const data = encodeRecord(validation.row);
    if (data.byteLength > this.limits.maxBytesPerRecord) {
      return this.reject(
        record,
        `${this.contract.kind} record is ${data.byteLength} bytes as JSON, above Firehose's limit of ` +
          `${this.limits.maxBytesPerRecord} bytes per record`,
      );
    }
    if (!fitsInBatch(this.buffer.length, this.bufferBytes, data.byteLength, this.limits)) await this.sendBuffer();
    this.buffer.push({ record, data });
    this.bufferBytes += data.byteLength;
    if (this.buffer.length >= this.limits.maxRecordsPerBatch) await this.sendBuffer();
    return { accepted: true };
  }

  /**
   * Sends everything buffered and waits for all sends to finish. Returns every record not delivered
   * since the previous flush — refused at log() or given up on after retries — each with its reason.
   */
  async flush(): Promise<Undelivered[]> {
    await this.sendBuffer();
    const undelivered = this.undelivered;
    this.undelivered = [];
    return undelivered;
  }

  /** Flushes, refuses further records and removes the exit hook. */
  async close(): Promise<Undelivered[]> {
    const undelivered = await this.flush();
    this.closed = true;
    if (this.exitHook) process.off('beforeExit', this.exitHook);
    return undelivered;
  }

  private reject(record: unknown, reason: string): LogResult {
    const rejected: Undelivered = { record, reason };
    this.undelivered.push(rejected);
    this.counters.rejected += 1;
    return { accepted: false, rejected };
  }

  /** Takes the current batch out of the buffer synchronously and queues its delivery. */
  private sendBuffer(): Promise<void> {
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      this.bufferBytes = 0;
      this.sending = this.sending.then(() => this.deliver(batch));
    }
    return this.sending;
  }

  private backoffMs(retry: number): number {
    return this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
  }

  /** Sends one batch; resends only the records that failed, up to maxAttempts sends per record. */
  private async deliver(batch: Entry[]): Promise<void> {
    let pending = batch;
    let lastFailure = new Map<Entry, { code: string; message: string }>();
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await this.sleep(this.backoffMs(attempt - 1));
      const failures = new Map<Entry, { code: string; message: string }>();
      this.counters.calls += 1;
      try {
        const response = await this.client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: this.deliveryStreamName,
            Records: pending.map((e) => ({ Data: e.data })),
          }),
        );
        const answers = response.RequestResponses ?? [];
        if (answers.length !== pending.length) {
          // Without one answer per record we cannot tell which failed: resend all (at-least-once) rather than lose any.
          const message = `Firehose answered ${answers.length} results for ${pending.length} records`;
          for (const e of pending) failures.set(e, { code: 'IncompleteResponse', message });
        } else {
          answers.forEach((answer, i) => {
            if (answer.ErrorCode) {
              failures.set(pending[i], { code: answer.ErrorCode, message: answer.ErrorMessage ?? '' });
            } else {
              this.counters.delivered += 1;
            }
          });
        }
      } catch (error) {
        const e = error as Error;
        const code = e?.name || 'Error';
        if (!isRetryableCallError(error)) {
          this.giveUp(pending, code, `PutRecordBatch to ${this.deliveryStreamName} failed and is not retryable: ${code}: ${e?.message}`);
          return;
        }
        for (const entry of pending) failures.set(entry, { code, message: e?.message ?? '' });
      }
      pending = pending.filter((e) => failures.has(e));
      lastFailure = failures;
    }
    for (const entry of pending) {
      const f = lastFailure.get(entry) as { code: string; message: string };
      this.giveUp(
        [entry],
        f.code,
        `Firehose stream ${this.deliveryStreamName} failed the record ${this.maxAttempts} times; last error ${f.code}: ${f.message}`,
      );
    }
  }

  private giveUp(entries: readonly Entry[], errorCode: string, reason: string): void {
    for (const entry of entries) this.undelivered.push({ record: entry.record, reason, errorCode });
    this.counters.failed += entries.length;
  }
}
