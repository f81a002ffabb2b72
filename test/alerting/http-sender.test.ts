/** The POST retry rule, against a real local HTTP server: 429 and 5xx retried with backoff, other 4xx never, all within a bound. */
import { DeliveryFailed, FetchHttpSender, retryAfterMs } from '../../lambda/adapters/aws/http-sender';
import { freePort } from '../support/moto';
import { startReceiver, type Receiver } from '../support/http-receiver';

const fast = { name: 'PagerDuty Events API', backoff: { baseDelayMs: 10, maxDelayMs: 50 } };
const sender = new FetchHttpSender();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ '/v2/enqueue': { status: 202, body: { status: 'success', message: 'Event processed' } } });
});
afterAll(() => receiver.stop());
beforeEach(() => receiver.reset());

const url = () => `${receiver.url}/v2/enqueue`;

async function failure(promise: Promise<unknown>): Promise<DeliveryFailed> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryFailed) return error;
    throw error;
  }
  throw new Error('expected the POST to fail');
}

it('posts the JSON body with its content type', async () => {
  const answer = await sender.postJson(url(), { a: 1 }, fast);
  expect(answer).toMatchObject({ status: 202, attempts: 1 });
  expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/v2/enqueue', body: '{"a":1}' });
  expect(receiver.requests[0].headers['content-type']).toBe('application/json');
});

it('waits the Retry-After seconds of a 429, then delivers once', async () => {
  receiver.script('/v2/enqueue', [{ status: 429, headers: { 'retry-after': '1' }, body: { status: 'throttle event' } }]);
  const answer = await sender.postJson(url(), {}, fast);
  expect(answer).toMatchObject({ status: 202, attempts: 2 });
  const [first, second] = receiver.to('/v2/enqueue');
  expect(second.at - first.at).toBeGreaterThanOrEqual(950);
});

it('retries a 500 with backoff and then fails with the last answer', async () => {
  receiver.script('/v2/enqueue', [500, 500, 500].map((status) => ({ status, body: 'upstream broke' })));
  const error = await failure(sender.postJson(url(), {}, fast));
  expect(receiver.to('/v2/enqueue')).toHaveLength(3);
  expect(error).toMatchObject({ attempts: 3, status: 500, retryable: true });
  expect(error.message).toBe('PagerDuty Events API: failed 3 times, retried with backoff; last: answered 500 Internal Server Error: upstream broke');
});

it('never retries a 400', async () => {
  receiver.script('/v2/enqueue', [{ status: 400, body: { status: 'invalid event', errors: ["'routing_key' is invalid"] } }]);
  const error = await failure(sender.postJson(url(), {}, fast));
  expect(receiver.to('/v2/enqueue')).toHaveLength(1);
  expect(error.retryable).toBe(false);
  expect(error.message).toMatch(/answered 400 Bad Request: \{"status":"invalid event".*\(not retried/);
});

it('retries when nothing answers, and names the target, not the URL', async () => {
  const port = await freePort();
  const error = await failure(sender.postJson(`http://127.0.0.1:${port}/services/T000/B000/SECRET`, {}, { ...fast, name: 'Slack webhook' }));
  expect(error.attempts).toBe(3);
  expect(error.message).toMatch(/^Slack webhook: failed 3 times.*no answer \(ECONNREFUSED\)/);
  expect(error.message).not.toContain('SECRET');
});

it('gives up at once when Retry-After would pass the time limit', async () => {
  receiver.script('/v2/enqueue', [{ status: 429, headers: { 'retry-after': '30' } }]);
  const started = Date.now();
  const error = await failure(sender.postJson(url(), {}, { ...fast, deadlineMs: 2000 }));
  // It did not wait the 30 s it was asked to (a bound far from both, so a busy machine cannot fail it).
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(error.message).toMatch(/answered 429 Too Many Requests; gave up after 1 attempt\(s\): the next one, in 30000 ms, would pass the 2000 ms limit/);
});

it('reads Retry-After as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  expect(retryAfterMs('2', now)).toBe(2000);
  expect(retryAfterMs('Wed, 25 Nov 2026 12:00:03 GMT', now)).toBe(3000);
  expect(retryAfterMs('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
  expect(retryAfterMs('soon', now)).toBeNull();
  expect(retryAfterMs(null, now)).toBeNull();
});
