/**
 * Where SageMaker Data Capture writes a shadow deployment's captures, and where the captures that could
 * not become prediction records go. Shared by the promotion Lambda (which sets DestinationS3Uri), the
 * converter (which reads the keys back) and the construct (which scopes IAM and the rule to them).
 *
 * SageMaker writes each capture file under `<DestinationS3Uri>/<endpoint-name>/<variant-name>/yyyy/mm/dd/hh/<file>.jsonl`
 * ("View captured data", https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html);
 * a shadow variant's captures are laid out the same way under the shadow variant's name
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/model-shadow-deployment.html). A capture names no
 * model version, so the destination of each shadow config carries both: `capture/<model>/champion=<v>/shadow=<v>/`.
 */

/** The root every capture of the model is under (the rule's and GetObject's prefix). */
export function captureRoot(modelId: string): string {
  return `capture/${modelId}/`;
}

/** The DestinationS3Uri prefix of the shadow config serving `championVersion` with `candidateVersion` as its shadow. */
export function captureDestinationPrefix(modelId: string, championVersion: string, candidateVersion: string): string {
  return `${captureRoot(modelId)}champion=${championVersion}/shadow=${candidateVersion}`;
}

/**
 * Captures that could not be converted or delivered, beside the prediction log's own error output
 * (`errors/predictions/<model>/<error-output-type>/dt=.../`, Firehose's layout) so its retention covers them.
 */
export function captureErrorRoot(modelId: string): string {
  return `errors/predictions/${modelId}/capture-conversion-failed/`;
}

export interface CaptureKey {
  readonly championVersion: string;
  readonly shadowVersion: string;
  readonly endpointName: string;
  /** The endpoint variant the file holds (`champion` or `shadow` in the promotion's configs). */
  readonly variantName: string;
  /** The key below the model's capture root (`champion=1/shadow=2/<endpoint>/<variant>/...`). */
  readonly relative: string;
}

const KEY = /^champion=([0-9]+)\/shadow=([0-9]+)\/([^/]+)\/([^/]+)\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+$/;

/** @throws Error naming the key when it is not a capture file of this model's layout */
export function parseCaptureKey(modelId: string, key: string): CaptureKey {
  const root = captureRoot(modelId);
  const relative = key.startsWith(root) ? key.slice(root.length) : '';
  const m = KEY.exec(relative);
  if (!m) {
    throw new Error(`${JSON.stringify(key)} is not a capture file of model ${modelId} (${root}champion=<v>/shadow=<v>/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>)`);
  }
  return { championVersion: m[1], shadowVersion: m[2], endpointName: m[3], variantName: m[4], relative };
}

/** The error object of one capture file: one per source file and day, so a redelivered event overwrites it. */
export function captureErrorKey(modelId: string, capture: CaptureKey, at: Date): string {
  return `${captureErrorRoot(modelId)}dt=${at.toISOString().slice(0, 10)}/${capture.relative}`;
}
