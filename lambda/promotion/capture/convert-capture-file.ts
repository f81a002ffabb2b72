/**
 * One capture file → prediction records in the model's prediction stream. Each line becomes a record
 * (`capture-record.ts`); the logging client (`PredictionLogger`) validates it against the record
 * contract, batches it and retries what Firehose fails. Whatever cannot be converted, is refused by
 * the validator or is still failed after the retries goes, with its reason and the line itself, to the
 * file's error object (`capture-layout.ts` captureErrorKey) — nothing is dropped. A redelivered event
 * converts the file again: the queries keep the earliest row per (prediction_id, variant).
 */
import { PredictionLogger } from '../../client/prediction-logger';
import type { FirehoseSender, RecordLoggerOptions } from '../../client/record-logger';
import type { Clock } from '../../ports/clock';
import { captureErrorKey, parseCaptureKey, type CaptureKey } from './capture-layout';
import { parseCaptureLine } from './capture-line';
import { captureToRecord, type CaptureTarget, type CapturedVariant } from './capture-record';

export interface CaptureStore {
  read(bucket: string, key: string): Promise<string>;
  write(bucket: string, key: string, body: string): Promise<void>;
}

export interface CapturePorts {
  readonly store: CaptureStore;
  readonly firehose: FirehoseSender;
  readonly clock: Clock;
  /** Retry and backoff of the logging client (tests shorten them). */
  readonly loggerOptions?: RecordLoggerOptions;
}

export interface CaptureSettings extends CaptureTarget {
  readonly deliveryStreamName: string;
  /** Convert the production variant's captures too (false when the service logs the champion itself). */
  readonly logChampion: boolean;
}

export interface CaptureFileOutcome {
  readonly key: string;
  readonly outcome: 'converted' | 'skipped';
  readonly variant?: CapturedVariant;
  readonly delivered: number;
  readonly failed: number;
  /** The error object written, when some lines failed. */
  readonly errorKey?: string;
  readonly reason?: string;
}

interface FailedLine {
  readonly line: number;
  readonly text: string;
  readonly errorCode: string;
  readonly reason: string;
}

/** The variant a file's captures are logged as, and the version it served. */
function variantOf(capture: CaptureKey): { variant: CapturedVariant; version: string } {
  if (capture.variantName === 'champion') return { variant: 'champion', version: capture.championVersion };
  if (capture.variantName === 'shadow') return { variant: 'shadow', version: capture.shadowVersion };
  throw new Error(`variant ${JSON.stringify(capture.variantName)} of endpoint ${capture.endpointName} is neither champion nor shadow (the promotion's variant names)`);
}

/** The error object's lines: Firehose's error-output fields (errorCode, errorMessage, rawData in base64) and where the line came from. */
function errorLines(source: string, failed: readonly FailedLine[]): string {
  return failed
    .map((f) => JSON.stringify({ errorCode: f.errorCode, errorMessage: f.reason, source, line: f.line, rawData: Buffer.from(f.text, 'utf8').toString('base64') }))
    .join('\n')
    .concat('\n');
}

/** Converts and delivers one capture file. @throws when the object cannot be read or the error object cannot be written (Lambda retries the event) */
export async function convertCaptureFile(ports: CapturePorts, s: CaptureSettings, bucket: string, key: string): Promise<CaptureFileOutcome> {
  const capture = parseCaptureKey(s.spec.modelId, key);
  const { variant, version } = variantOf(capture);
  if (variant === 'champion' && !s.logChampion) {
    return { key, outcome: 'skipped', variant, delivered: 0, failed: 0, reason: 'the champion logs its own predictions (promotion.capture.champion is false)' };
  }
  const body = await ports.store.read(bucket, key);
  const failed: FailedLine[] = [];
  const lineOf = new Map<unknown, { line: number; text: string }>();
  const logger = new PredictionLogger(s.deliveryStreamName, s.spec, ports.firehose, ports.loggerOptions);
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].replace(/\r$/, '');
    if (text.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = captureToRecord(s, variant, version, parseCaptureLine(text));
    } catch (error) {
      failed.push({ line: i + 1, text, errorCode: 'CaptureConversionFailed', reason: (error as Error).message });
      continue;
    }
    lineOf.set(record, { line: i + 1, text });
    await logger.log(record);
  }
  for (const u of await logger.close()) {
    const at = lineOf.get(u.record) ?? { line: 0, text: JSON.stringify(u.record) };
    failed.push({ ...at, errorCode: u.errorCode ?? 'InvalidRecord', reason: u.reason });
  }
  const delivered = logger.stats.delivered;
  if (failed.length === 0) return { key, outcome: 'converted', variant, delivered, failed: 0 };
  failed.sort((a, b) => a.line - b.line);
  const errorKey = captureErrorKey(s.spec.modelId, capture, ports.clock.now());
  await ports.store.write(bucket, errorKey, errorLines(`s3://${bucket}/${key}`, failed));
  return { key, outcome: 'converted', variant, delivered, failed: failed.length, errorKey };
}
