/**
 * Firehose PutRecordBatch limits (https://docs.aws.amazon.com/firehose/latest/dev/limits.html):
 * 500 records per call, 4 MiB per call, 1,000 KiB per record (sizes of the data before base64).
 */
export const FIREHOSE_LIMITS = {
  maxRecordsPerBatch: 500,
  maxBytesPerBatch: 4 * 1024 * 1024,
  maxBytesPerRecord: 1000 * 1024,
} as const;

export type FirehoseLimits = { readonly [K in keyof typeof FIREHOSE_LIMITS]: number };

const encoder = new TextEncoder();

/**
 * Serialises a normalised row as one newline-terminated JSON line. Firehose concatenates records without
 * a delimiter; the newline keeps the raw/error output readable line by line and is accepted by the
 * OpenX JSON SerDe when it converts to Parquet.
 */
export function encodeRecord(row: Readonly<Record<string, unknown>>): Uint8Array {
  return encoder.encode(`${JSON.stringify(row)}\n`);
}

/** Whether a record of `size` bytes still fits in a batch holding `count` records and `bytes` bytes. */
export function fitsInBatch(count: number, bytes: number, size: number, limits: FirehoseLimits = FIREHOSE_LIMITS): boolean {
  return count < limits.maxRecordsPerBatch && bytes + size <= limits.maxBytesPerBatch;
}
