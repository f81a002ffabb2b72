/**
 * Deterministic test data, identical bit for bit to `generate()` in test/fixtures/generate_drift.py:
 * a Park–Miller LCG in exact integer arithmetic and only correctly rounded float operations.
 */
export type GeneratedKind = 'uniform' | 'skewed' | 'shifted' | 'ties' | 'triangle';

export function lcg(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647; // product < 2^47: exact in a double
    out[i] = s / 2147483647;
  }
  return out;
}

export function generate(kind: GeneratedKind, seed: number, n: number): Float64Array {
  const u = lcg(seed, 2 * n);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = u[2 * i];
    const b = u[2 * i + 1];
    switch (kind) {
      case 'uniform':
        xs[i] = a * 10 - 5;
        break;
      case 'skewed':
        xs[i] = a * a * a * 100 + b;
        break;
      case 'shifted':
        xs[i] = a * 10 - 3.5;
        break;
      case 'ties':
        xs[i] = Math.floor(a * 21) / 2;
        break;
      case 'triangle':
        xs[i] = (a + b) * 5;
        break;
    }
  }
  return xs;
}
