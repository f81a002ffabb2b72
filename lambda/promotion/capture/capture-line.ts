/**
 * One line of a SageMaker Data Capture file, as documented ("View captured data",
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html):
 *
 * ```json
 * {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2","encoding":"CSV"},
 *                 "endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.9","encoding":"CSV"}},
 *  "eventMetadata":{"eventId":"…","inferenceId":"p-1","inferenceTime":"2026-12-01T18:00:00Z"},"eventVersion":"0"}
 * ```
 *
 * `encoding` is CSV or JSON when the content type is one of the config's CaptureContentTypeHeader
 * types, BASE64 otherwise (DataCaptureConfig: "If no headers are specified SageMaker AI will by default
 * base64 encode"). `inferenceId` is there only when the caller passed `InferenceId` to InvokeEndpoint.
 */
import * as z from 'zod';

const payloadSchema = z.looseObject({
  observedContentType: z.string().optional(),
  mode: z.enum(['INPUT', 'OUTPUT']),
  data: z.string(),
  encoding: z.enum(['CSV', 'JSON', 'BASE64']),
});

const lineSchema = z.looseObject({
  captureData: z.looseObject({ endpointInput: payloadSchema, endpointOutput: payloadSchema }),
  eventMetadata: z.looseObject({ eventId: z.string().optional(), inferenceId: z.string().optional(), inferenceTime: z.string().min(1) }),
});

export interface CapturedPayload {
  readonly contentType: string;
  /** The body as text (a BASE64 payload decoded as UTF-8). */
  readonly text: string;
  /** Whether the body is JSON (by encoding, else by content type) rather than CSV. */
  readonly json: boolean;
}

export interface CapturedRequest {
  readonly inferenceId: string;
  readonly inferenceTime: string;
  readonly eventId: string | null;
  readonly input: CapturedPayload;
  readonly output: CapturedPayload;
}

function payload(p: z.infer<typeof payloadSchema>): CapturedPayload {
  const contentType = p.observedContentType ?? '';
  const text = p.encoding === 'BASE64' ? Buffer.from(p.data, 'base64').toString('utf8') : p.data;
  const json = p.encoding === 'JSON' || (p.encoding === 'BASE64' && /json/i.test(contentType));
  return { contentType, text, json };
}

/** @throws Error saying what the line lacks (not JSON, not the documented shape, no inferenceId) */
export function parseCaptureLine(line: string): CapturedRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`not a JSON line: ${(error as Error).message}`);
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a SageMaker capture record: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
  }
  const { captureData, eventMetadata } = parsed.data;
  if (!eventMetadata.inferenceId) {
    throw new Error('eventMetadata has no inferenceId: the caller must pass InferenceId (the prediction_id it logs) to InvokeEndpoint');
  }
  return {
    inferenceId: eventMetadata.inferenceId,
    inferenceTime: eventMetadata.inferenceTime,
    eventId: eventMetadata.eventId ?? null,
    input: payload(captureData.endpointInput),
    output: payload(captureData.endpointOutput),
  };
}
