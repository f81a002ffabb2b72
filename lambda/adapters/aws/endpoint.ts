/**
 * Where an AWS SDK client sends its requests when the environment says otherwise (tests point the
 * clients at moto_server): `AWS_ENDPOINT_URL_<SERVICE>` first, then `AWS_ENDPOINT_URL`, as the SDK's
 * own configuration names them. Blank values count as unset.
 */

/** The client config's endpoint override, if any. @example new S3Client({ region, ...endpointOverride(process.env, 'S3') }) */
export function endpointOverride(env: NodeJS.ProcessEnv, service: string): { endpoint?: string } {
  const url = env[`AWS_ENDPOINT_URL_${service}`]?.trim() || env.AWS_ENDPOINT_URL?.trim();
  return url ? { endpoint: url } : {};
}
