/**
 * Regularized incomplete beta function I_x(a, b), which gives Student's t distribution its tails.
 *
 * Evaluated with the continued fraction for I_x(a, b) (modified Lentz), using the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly (x > (a + 1)/(a + b + 2)).
 * The caller passes 1 − x as well as x: for a t tail, 1 − x = t²/(ν + t²) is computed directly,
 * which keeps its digits when x is close to 1.
 *
 * @example
 * regularizedBeta(0.5, 0.5, 2, 3); // 0.6875
 */
import { lnGamma } from './gamma';

const EPS = Number.EPSILON;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/**
 * I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1, with `y` = 1 − x (defaults to 1 − x; pass it when you
 * have it more accurately).
 */
export function regularizedBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`regularizedBeta: a must be a positive finite number, got ${a}`);
  if (!(b > 0) || !Number.isFinite(b)) throw new RangeError(`regularizedBeta: b must be a positive finite number, got ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (y === 0 || x === 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - fraction(y, x, b, a);
  return fraction(x, y, a, b);
}

/** x^a·y^b/(a·B(a, b)) times the continued fraction; converges fast for x < (a + 1)/(a + b + 2). */
function fraction(x: number, y: number, a: number, b: number): number {
  const lnFront = a * Math.log(x) + b * Math.log(y) - (lnGamma(a) + lnGamma(b) - lnGamma(a + b));
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // Even step.
    let an = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + an * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    an = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + an * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return (Math.exp(lnFront) * h) / a;
}
