/**
 * HTTPS POSTs of JSON to PagerDuty and Slack with the retry rule both document:
 *
 * - 2xx: delivered.
 * - 429: retried after `Retry-After` (seconds, or an HTTP date) when the answer has one, else after a
 *   jittered backoff; 5xx and no answer at all (connection refused or reset, timeout): retried after
 *   a jittered backoff (full jitter, `backoff.ts`), `Retry-After` honoured when given.
 * - any other status (400 bad event, 401/403 wrong key, 404/410 gone webhook): never retried —
 *   sending the same request again cannot succeed.
 * - bounded: at most `maxAttempts` attempts (3) and `deadlineMs` (20 s) in all, each attempt at most
 *   `timeoutMs` (5 s); a wait that would pass the deadline fails now, with the reason.
 *
 * Errors name the target (`PagerDuty Events API`, `Slack webhook`), never its URL: a Slack webhook
 * URL is itself the secret.
 *
 * `sendWithRetry` is the same rule over any request (another method, headers, a signing fetch): the
 * MLflow adapter (`lambda/retraining/adapters/mlflow-rest.ts`) sends through it.
 */
import { jitteredDelay, defaultSleep, type BackoffOptions } from './backoff';

export interface HttpPostOptions {
  /** How errors name the target, e.g. 'PagerDuty Events API'. */
  readonly name: string;
  /** @default 3 */
  readonly maxAttempts?: number;
  /** Total time for every attempt and wait. @default 20000 */
  readonly deadlineMs?: number;
  /** One attempt's time limit. @default 5000 */
  readonly timeoutMs?: number;
  /** @default base 500 ms, cap 4 s */
  readonly backoff?: BackoffOptions;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly attempts: number;
}

/** A POST that did not succeed; `reason` says what the target answered, `retryable` whether trying later may help. */
export class DeliveryFailed extends Error {
  constructor(
    readonly target: string,
    readonly reason: string,
    readonly attempts: number,
    readonly status: number | null,
    readonly retryable: boolean,
    /** The last answer's body, when there was one (an API's error document). */
    readonly body: string | null = null,
  ) {
    super(`${target}: ${reason}`);
    this.name = 'DeliveryFailed';
  }
}

export interface HttpSender {
  postJson(url: string, body: unknown, options: HttpPostOptions): Promise<HttpAnswer>;
}

type Attempt =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly retryable: boolean; readonly status: number | null; readonly reason: string; readonly retryAfterMs: number | null; readonly body: string | null };

/** One attempt of a request: sends it and resolves with the answer; `signal` aborts it at the attempt's time limit. */
export type SendAttempt = (signal: AbortSignal) => Promise<Response>;

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable.
 * @example retryAfterMs('2', 0) // 2000
 */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat === '' ? '' : `: ${flat.length > 300 ? `${flat.slice(0, 299)}…` : flat}`;
}

async function attemptOnce(send: SendAttempt, timeoutMs: number, nowMs: () => number): Promise<Attempt> {
  let response: Response;
  try {
    response = await send(AbortSignal.timeout(Math.max(1, timeoutMs)));
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `no answer (${e.cause?.code ?? e.message})`;
    return { ok: false, retryable: true, status: null, reason: why, retryAfterMs: null, body: null };
  }
  const body = await response.text().catch(() => '');
  const status = response.status;
  if (status >= 200 && status < 300) return { ok: true, status, body };
  const retryable = status === 429 || status >= 500;
  const label = `answered ${status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt(body)}`;
  return { ok: false, retryable, status, reason: label, retryAfterMs: retryable ? retryAfterMs(response.headers.get('retry-after'), nowMs()) : null, body };
}

/**
 * The retry rule above over any request: `send` is called once per attempt.
 * @throws DeliveryFailed with the reason, the attempts, the last status and body
 */
export async function sendWithRetry(send: SendAttempt, options: HttpPostOptions): Promise<HttpAnswer> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const maxAttempts = options.maxAttempts ?? 3;
  const deadlineMs = options.deadlineMs ?? 20_000;
  const backoff = options.backoff ?? { baseDelayMs: 500, maxDelayMs: 4000 };
  const deadline = now() + deadlineMs;
  let last: Attempt | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const outcome = await attemptOnce(send, Math.min(options.timeoutMs ?? 5000, deadline - now()), now);
    if (outcome.ok) return { status: outcome.status, body: outcome.body, attempts: attempt };
    last = outcome;
    if (!outcome.retryable) {
      throw new DeliveryFailed(options.name, `${outcome.reason} (not retried: a ${outcome.status} means the request itself is refused)`, attempt, outcome.status, false, outcome.body);
    }
    if (attempt === maxAttempts) break;
    const wait = outcome.retryAfterMs ?? jitteredDelay(attempt, backoff);
    if (now() + wait >= deadline) {
      throw new DeliveryFailed(options.name, `${outcome.reason}; gave up after ${attempt} attempt(s): the next one, in ${wait} ms, would pass the ${deadlineMs} ms limit`, attempt, outcome.status, true, outcome.body);
    }
    await sleep(wait);
  }
  const failed = last as Extract<Attempt, { ok: false }>;
  throw new DeliveryFailed(options.name, `failed ${maxAttempts} times, retried with backoff; last: ${failed.reason}`, maxAttempts, failed.status, true, failed.body);
}

/** The retry rule above over `fetch`. */
export class FetchHttpSender implements HttpSender {
  async postJson(url: string, body: unknown, options: HttpPostOptions): Promise<HttpAnswer> {
    const payload = JSON.stringify(body);
    return sendWithRetry(
      (signal) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, redirect: 'manual', signal }),
      options,
    );
  }
}
