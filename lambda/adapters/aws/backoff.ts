/**
 * The small retry vocabulary the AWS adapters share: exponential backoff with full jitter (AWS
 * Architecture Blog, "Exponential Backoff And Jitter": sleep = random(0, min(cap, base · 2^n))), and
 * how to recognise a throttling error from SDK v3. The SDK's own standard retry (3 quick attempts)
 * still runs underneath; these loops add the longer, bounded waits a service's limits need.
 */

export interface BackoffOptions {
  /** Upper bound of the first retry's delay. */
  readonly baseDelayMs: number;
  /** No delay exceeds this. */
  readonly maxDelayMs: number;
  /** For tests: replaces Math.random. */
  readonly random?: () => number;
}

/** The delay before retry `retry` (1-based): uniform in [0, min(maxDelayMs, baseDelayMs · 2^(retry-1))]. */
export function jitteredDelay(retry: number, options: BackoffOptions): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor((options.random ?? Math.random)() * cap);
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The error's SDK name (`TooManyRequestsException`, `NoSuchKey`, ...), or undefined. */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** The HTTP status the service answered with, when the error came from a response. */
export function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return metadata?.httpStatusCode;
}

/** Error names AWS services use for "slow down" (Athena: both, the first for its concurrency limits). */
const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException']);

export function isThrottling(error: unknown): boolean {
  const name = errorName(error);
  return (name !== undefined && THROTTLING.has(name)) || httpStatus(error) === 429;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
