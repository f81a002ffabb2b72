/**
 * The SageMaker manifest file Train's `history` channel reads (`S3DataType: ManifestFile`): the
 * objects the pull hashed and nothing else, so a file written under the history prefix after the pull
 * is not trained on without being in the dataset manifest. Format (SageMaker's S3DataSource):
 * `[{"prefix": "s3://bucket/dir/"}, "relative/key-1", ...]`, each entry appended to the prefix.
 */
import type { ListedFile } from './ports';

/**
 * The manifest of `files`, all under `historyUri`. The prefix is the URI up to its last `/`, so the
 * channel's files land where an S3Prefix channel on `historyUri` would put them.
 * @example channelManifest('s3://b/train/', [{ uri: 's3://b/train/a.csv', ... }]) // [{ prefix: 's3://b/train/' }, 'a.csv']
 * @throws when a file is not under the prefix
 */
export function channelManifest(historyUri: string, files: readonly Pick<ListedFile, 'uri'>[]): [{ prefix: string }, ...string[]] {
  const prefix = historyUri.slice(0, historyUri.lastIndexOf('/') + 1);
  const keys = files.map((f) => {
    if (!f.uri.startsWith(prefix) || f.uri.length === prefix.length) throw new Error(`the data pull listed ${f.uri}, which is not under ${prefix}`);
    return f.uri.slice(prefix.length);
  });
  return [{ prefix }, ...[...keys].sort()];
}
