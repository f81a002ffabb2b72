/** Deterministic pseudo-random numbers for tests and benchmarks (no Math.random: runs repeat exactly). */

/** mulberry32, the one the core's resampling uses (lambda/core/stats/random.ts). */
export { prng } from '../../lambda/core/stats/random';

/** The classic 32-bit linear congruential generator (Numerical Recipes constants), in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
