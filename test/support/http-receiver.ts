/**
 * A local HTTP receiver standing in for PagerDuty's Events API and Slack's incoming webhooks
 * (node:http on 127.0.0.1, a free port): it records every request — method, path, headers, body —
 * and answers each with the next scripted answer for its path (or the path's default).
 *
 * @example
 *   const receiver = await startReceiver({ '/v2/enqueue': { status: 202, body: { status: 'success' } } });
 *   receiver.script('/v2/enqueue', [{ status: 429, headers: { 'retry-after': '1' } }]);  // then the default
 *   ... receiver.requests.filter((r) => r.path === '/v2/enqueue')
 *   await receiver.stop();
 */
import * as http from 'node:http';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** The body parsed as JSON (throws when it is not). */
  json(): any;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is, anything else as JSON. */
  readonly body?: unknown;
}

export interface Receiver {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Queues answers for the next requests to `path`; after them the path's default answers. */
  script(path: string, answers: readonly Answer[]): void;
  /** Requests to one path. */
  to(path: string): ReceivedRequest[];
  /** Called for every request after it is recorded and answered (e.g. to hand an SNS delivery on). */
  onRequest?: (request: ReceivedRequest) => void;
  reset(): void;
  stop(): Promise<void>;
}

const NOT_FOUND: Answer = { status: 404, body: 'no_service' };

function send(res: http.ServerResponse, answer: Answer): void {
  const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const type = typeof answer.body === 'string' || answer.body === undefined ? 'text/plain' : 'application/json';
  res.writeHead(answer.status, { 'content-type': type, ...(answer.headers ?? {}) });
  res.end(body);
}

/** Starts a receiver; `defaults` answer per path when nothing is scripted (others get 404). */
export async function startReceiver(defaults: Readonly<Record<string, Answer>> = {}): Promise<Receiver> {
  const queues = new Map<string, Answer[]>();
  const requests: ReceivedRequest[] = [];
  let receiver: Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const request: ReceivedRequest = { method: req.method ?? '', path, headers: req.headers, body, at: Date.now(), json: () => JSON.parse(body) };
      requests.push(request);
      send(res, queues.get(path)?.shift() ?? defaults[path] ?? NOT_FOUND);
      receiver.onRequest?.(request);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number };
  receiver = {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    script: (path, answers) => queues.set(path, [...(queues.get(path) ?? []), ...answers]),
    to: (path) => requests.filter((r) => r.path === path),
    reset: () => {
      requests.length = 0;
      queues.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
