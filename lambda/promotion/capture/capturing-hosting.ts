/**
 * The hosting port with SageMaker Data Capture on every shadow endpoint config the promotion creates:
 * both variants' requests and responses go to the model's capture prefix in the data bucket, where
 * the capture converter (`convert-capture-file.ts`) turns them into prediction records. The shadow
 * config's name says which versions it serves (`lib/promotion/naming.ts` shadowEndpointConfigName,
 * `-c<champion>-s<candidate>`), and the destination carries them on, because no capture record names
 * a model version (`capture-layout.ts`). Configs without a shadow variant are left as they are.
 */
import type { EndpointConfigSpec } from '../../core/promotion/deployment';
import type { ModelHosting } from '../ports';
import { captureDestinationPrefix } from './capture-layout';

export interface ShadowCaptureOptions {
  readonly modelId: string;
  /** The data bucket. */
  readonly bucket: string;
  /** The data bucket's KMS key (ARN), which SageMaker encrypts the captures with. */
  readonly kmsKeyId: string;
  /** InitialSamplingPercentage (`promotion.capture.samplingPercent`). */
  readonly samplingPercent: number;
}

const SHADOW_CONFIG = /-c(\d+)-s(\d+)$/;

/** The spec with its DataCaptureConfig. @throws when a shadow config's name does not name both versions */
export function withDataCapture(spec: EndpointConfigSpec, o: ShadowCaptureOptions): EndpointConfigSpec {
  if (!spec.shadow || spec.dataCapture) return spec;
  const m = SHADOW_CONFIG.exec(spec.name);
  if (!m) throw new Error(`shadow endpoint config ${spec.name} does not end in -c<champion>-s<candidate> (shadowEndpointConfigName): its captures could not name the versions`);
  const destinationS3Uri = `s3://${o.bucket}/${captureDestinationPrefix(o.modelId, m[1], m[2])}`;
  return { ...spec, dataCapture: { destinationS3Uri, kmsKeyId: o.kmsKeyId, samplingPercent: o.samplingPercent } };
}

/** `hosting`, creating its shadow configs with Data Capture. */
export function withShadowCapture(hosting: ModelHosting, options: ShadowCaptureOptions): ModelHosting {
  return new Proxy(hosting, {
    get(target, property, receiver) {
      if (property === 'createEndpointConfig') return (spec: EndpointConfigSpec) => target.createEndpointConfig(withDataCapture(spec, options));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
