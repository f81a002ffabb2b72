/**
 * The capture converter: EventBridge's S3 "Object Created" of a SageMaker Data Capture file under the
 * model's capture prefix → the shadow's (and the champion's) answers as prediction records in the
 * model's prediction stream, and what could not be converted in the error prefix
 * (`lambda/promotion/capture/convert-capture-file.ts`). A failure to read or write S3 throws, so Lambda
 * retries the event; after the retries it lands in the converter's dead-letter queue. Environment:
 * `lambda/promotion/capture/capture-context.ts`; permissions: `lib/promotion/shadow-capture.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { captureContext, type CaptureContext } from '../promotion/capture/capture-context';
import { convertCaptureFile } from '../promotion/capture/convert-capture-file';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-promotion' });

let built: CaptureContext | undefined;

/** Forgets the clients and settings (tests that change the environment). */
export function resetCaptureToLog(): void {
  built = undefined;
}

interface ObjectCreated {
  readonly detail?: { readonly bucket?: { readonly name?: string }; readonly object?: { readonly key?: string } };
}

/** The object's key; S3 URL-encodes keys in its notifications, and ours never hold a literal '%'. */
function objectKey(key: string): string {
  return key.includes('%') ? decodeURIComponent(key.replace(/\+/g, ' ')) : key;
}

export const handler = async (event: ObjectCreated) => {
  const bucket = event.detail?.bucket?.name;
  const key = event.detail?.object?.key;
  if (!bucket || !key) throw new Error(`not an S3 Object Created event (detail.bucket.name and detail.object.key): ${JSON.stringify(event).slice(0, 300)}`);
  built ??= captureContext(process.env);
  const out = await convertCaptureFile(built.ports, built.settings, bucket, objectKey(key));
  if (out.failed > 0) logger.warn(`capture file ${out.key}: ${out.failed} lines not delivered, kept in ${out.errorKey}`, { ...out });
  else logger.info(`capture file ${out.key} ${out.outcome}`, { ...out });
  return out;
};
