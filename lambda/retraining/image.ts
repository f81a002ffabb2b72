/**
 * Container image references for the retraining pipeline: `<registry>/<repository>[:tag][@sha256:<digest>]`.
 * Outside env `dev` the training image must carry its digest: a tag can be moved to another image,
 * so a model trained "from v3" could not be rebuilt from what the registry says v3 is today.
 */

export interface ImageReference {
  /** Registry and repository, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train`. */
  readonly repository: string;
  readonly tag?: string;
  /** The 64 hex digits after `sha256:`. */
  readonly digest?: string;
}

const IMAGE = /^([a-z0-9][a-z0-9.-]*(?::[0-9]{1,5})?(?:\/[a-z0-9][a-z0-9._-]*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:([a-f0-9]{64}))?$/;

/**
 * Reads an image reference, or null when it is not one.
 *
 * @example
 * parseImageReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train@sha256:' + 'a'.repeat(64)).digest // 'aaaa...'
 * parseImageReference('fraud-train:latest') // { repository: 'fraud-train', tag: 'latest' }
 */
export function parseImageReference(image: string): ImageReference | null {
  const m = IMAGE.exec(image);
  if (!m) return null;
  return { repository: m[1], ...(m[2] !== undefined ? { tag: m[2] } : {}), ...(m[3] !== undefined ? { digest: m[3] } : {}) };
}

/** The environment where an image may be named by tag alone. */
export const TAG_ONLY_ENV = 'dev';

/**
 * What is wrong with an image for an environment, or null: not an image reference at all, or (outside
 * `dev`) a tag without a digest.
 *
 * @example imageProblem('fraud-train:latest', 'prod') // '"fraud-train:latest" is not pinned by digest: ...'
 */
export function imageProblem(image: string, env: string): string | null {
  const ref = parseImageReference(image);
  if (ref === null) {
    return `${JSON.stringify(image)} is not an image reference; expected <registry>/<repository>@sha256:<64 hex digits> (a tag before the @ may stay)`;
  }
  if (ref.digest === undefined && env !== TAG_ONLY_ENV) {
    return (
      `${JSON.stringify(image)} is not pinned by digest: outside env "${TAG_ONLY_ENV}" the image must be <repository>@sha256:<64 hex digits> ` +
      `(a tag can later name another image, so the model could not be rebuilt; \`docker buildx imagetools inspect ${image}\` prints the digest)`
    );
  }
  return null;
}
