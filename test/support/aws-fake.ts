/**
 * In-process stand-ins for AWS answers that moto cannot give (a FAILED or CANCELLED Athena query,
 * throttling, a query that never ends, EventBridge refusing entries, S3's 409 on a conditional write).
 * They plug in as the real SDK v3 client's `requestHandler`: the client still builds, signs and
 * sends the request and parses the response and its errors exactly as from AWS; only the network
 * call is answered here. Use them only for those faults; everything else runs against moto_server.
 */
import { Readable } from 'node:stream';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface FakeAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** JSON protocols: an object (serialised); REST-XML: the XML text. */
  readonly body?: unknown;
}

export interface JsonCall {
  /** The API operation, e.g. `StartQueryExecution` (from X-Amz-Target). */
  readonly operation: string;
  readonly input: any;
}

/** An error answer as AWS JSON protocols send it (`__type` names the error the SDK throws). */
export function awsJsonError(type: string, message: string, status = 400): FakeAnswer {
  return { status, body: { __type: type, message } };
}

function respond(answer: FakeAnswer, contentType: string) {
  const text = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
  return {
    response: {
      statusCode: answer.status ?? 200,
      headers: { 'content-type': contentType, 'x-amzn-requestid': 'fake-request', ...(answer.headers ?? {}) },
      body: Readable.from([Buffer.from(text)]),
    },
  };
}

function toFakeRequest(request: any): FakeRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const body = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : '';
  return { method: request.method, path: request.path, headers, body };
}

/**
 * A `requestHandler` for an AWS JSON-protocol client (Athena, EventBridge): `answer` gets each call's
 * operation and input and returns the response; every call is recorded in `calls`.
 */
export function jsonServiceFake(answer: (call: JsonCall, calls: readonly JsonCall[]) => FakeAnswer | Promise<FakeAnswer>) {
  const calls: JsonCall[] = [];
  const requestHandler = {
    handle: async (request: any) => {
      const fake = toFakeRequest(request);
      const operation = (fake.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const call = { operation, input: fake.body === '' ? {} : JSON.parse(fake.body) };
      calls.push(call);
      return respond(await answer(call, calls), 'application/x-amz-json-1.1');
    },
  };
  return { requestHandler: requestHandler as any, calls };
}

/** A `requestHandler` for a REST-XML client (S3): `answer` sees the raw request. */
export function restXmlFake(answer: (request: FakeRequest) => FakeAnswer) {
  const requests: FakeRequest[] = [];
  const requestHandler = {
    handle: async (request: any) => {
      const fake = toFakeRequest(request);
      requests.push(fake);
      return respond(answer(fake), 'application/xml');
    },
  };
  return { requestHandler: requestHandler as any, requests };
}

/** An S3 error document. */
export function s3XmlError(code: string, message: string, status: number): FakeAnswer {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>` };
}
