/**
 * Captures what is written to process.stdout while `fn` runs (and still returns its result). EMF
 * reaches CloudWatch through the Lambda's stdout, so this is where a test reads the metrics from; the
 * captured text is not echoed, so jest's output stays readable.
 *
 * @example
 *   const { output } = await captureStdout(() => sink.publish('Driftwatch', data));
 *   expect(parseEmfLines(output, { namespace: 'Driftwatch' })).toEqual(data);
 */
export async function captureStdout<T>(fn: () => T | Promise<T>): Promise<{ output: string; result: T }> {
  const chunks: string[] = [];
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await fn();
    return { output: chunks.join(''), result };
  } finally {
    process.stdout.write = original;
  }
}
