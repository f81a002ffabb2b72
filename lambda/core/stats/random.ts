/**
 * A seeded pseudo-random generator for the computations that resample (the shadow comparison's paired
 * bootstrap): the same seed gives the same draws, so a retried step reaches the same verdict and a test
 * can pin it. Not for anything secret.
 */

/**
 * mulberry32: a small seeded PRNG with good statistical quality, in [0, 1).
 * @example
 * const next = prng(42); next(); // the same sequence on every run
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
