/**
 * The deterministic streams of test/fixtures/generate_metrics.py (`formula_stream`), rebuilt here
 * bit for bit: a Park–Miller generator (x <- 16807 x mod 2^31 - 1, exact in doubles) and the same
 * left-to-right arithmetic. Keep the two in step.
 */
const MODULUS = 2147483647;

export type StreamSpec =
  | { kind: 'step'; seed: number; length: number; change: number; before: number; after: number; scale: number }
  | { kind: 'gradual'; seed: number; length: number; start: number; end: number; before: number; after: number; scale: number }
  | { kind: 'noise'; seed: number; length: number; level: number; scale: number }
  | { kind: 'bernoulli'; seed: number; length: number; change: number; before: number; after: number };

export function parkMiller(seed: number): { uniform(): number; noise(): number } {
  let state = seed;
  const uniform = (): number => {
    state = (16807 * state) % MODULUS;
    return state / MODULUS;
  };
  return { uniform, noise: () => uniform() + uniform() + uniform() + uniform() - 2 };
}

export function formulaStream(spec: StreamSpec): number[] {
  const rng = parkMiller(spec.seed);
  const out: number[] = [];
  for (let i = 0; i < spec.length; i++) {
    switch (spec.kind) {
      case 'step':
        out.push((i < spec.change ? spec.before : spec.after) + spec.scale * rng.noise());
        break;
      case 'gradual': {
        const mean =
          i < spec.start
            ? spec.before
            : i >= spec.end
              ? spec.after
              : spec.before + (spec.after - spec.before) * ((i - spec.start) / (spec.end - spec.start));
        out.push(mean + spec.scale * rng.noise());
        break;
      }
      case 'noise':
        out.push(spec.level + spec.scale * rng.noise());
        break;
      case 'bernoulli':
        out.push(rng.uniform() < (i < spec.change ? spec.before : spec.after) ? 1 : 0);
        break;
    }
  }
  return out;
}
