/**
 * Student's t distribution (upper tail and its inverse) and the standard normal upper tail: what a
 * prediction interval for the next observation needs when the spread comes from a few samples.
 *
 * @example
 * studentTSurvival(2.228138851986274, 10);      // ≈ 0.025 (scipy.stats.t.sf)
 * studentTInverseSurvival(0.025, 10);          // ≈ 2.228138851986274 (scipy.stats.t.isf)
 * normalSurvival(3);                           // ≈ 0.0013498980316301 (scipy.stats.norm.sf)
 */
import { regularizedBeta } from './beta';
import { lnGamma, regularizedGammaQ } from './gamma';

function checkDof(name: string, dof: number): void {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new RangeError(`${name}: dof must be a positive finite number, got ${dof}`);
}

/** P(T > t) for Student's t with `dof` degrees of freedom, as `scipy.stats.t.sf(t, dof)`. */
export function studentTSurvival(t: number, dof: number): number {
  checkDof('studentTSurvival', dof);
  if (Number.isNaN(t)) throw new RangeError(`studentTSurvival: t must be a number, got ${t}`);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  // P(|T| > |t|) = I_x(ν/2, ½) with x = ν/(ν+t²); half of it is the tail beyond |t|. For |t| > 1,
  // x is written with q = ν/t² (ν/|t|/|t|, so a t beyond 1e154 does not overflow t²).
  const a = Math.abs(t);
  let x: number;
  let y: number;
  if (a > 1) {
    const q = dof / a / a;
    if (q < 1e-290) {
      // Far tail (q near the subnormals, where x would lose its digits): the leading term of the
      // tail, Γ((ν+1)/2)/(√(νπ)Γ(ν/2))·ν^((ν+1)/2)·t^(−ν)/ν, exact to double precision here (next term ∝ q).
      const lnTail =
        lnGamma((dof + 1) / 2) - lnGamma(dof / 2) - 0.5 * Math.log(dof * Math.PI) + ((dof - 1) / 2) * Math.log(dof) - dof * Math.log(a);
      const far = Math.exp(lnTail);
      return t > 0 ? far : 1 - far;
    }
    x = q / (1 + q);
    y = 1 / (1 + q);
  } else {
    x = dof / (dof + a * a);
    y = (a * a) / (dof + a * a);
  }
  const tail = 0.5 * regularizedBeta(x, dof / 2, 0.5, y);
  return t >= 0 ? tail : 1 - tail;
}

/**
 * The t with P(T > t) = p, as `scipy.stats.t.isf(p, dof)`, for 0 < p < 1: bisection on
 * `studentTSurvival` down to adjacent doubles (the tail is monotone, so this cannot fail to converge).
 */
export function studentTInverseSurvival(p: number, dof: number): number {
  checkDof('studentTInverseSurvival', dof);
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTInverseSurvival: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTInverseSurvival(1 - p, dof);
  let lo = 0;
  let hi = 1;
  while (studentTSurvival(hi, dof) > p) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity;
  }
  for (let i = 0; i < 2_000; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (studentTSurvival(mid, dof) > p) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

/** P(Z > z) for a standard normal Z, as `scipy.stats.norm.sf(z)`: ½·erfc(z/√2) = ½·Q(½, z²/2). */
export function normalSurvival(z: number): number {
  if (Number.isNaN(z)) throw new RangeError(`normalSurvival: z must be a number, got ${z}`);
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}
