/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares). Small and exact enough for the demo: a few dozen columns, tens of thousands of rows,
 * converges in under ten iterations, and the same input always gives the same coefficients (no
 * random initialisation, no shuffling, a fixed summation order).
 */
import { choleskySolve } from '../core/models/cholesky';
import type { Design } from '../core/models/encoding';

/** The dense row-major design matrix (`values[row * columns + column]`) the encoding makes, shared with the linear regression. */
export type { Design };

export interface LogisticFitOptions {
  /** L2 penalty λ on the coefficients (not the intercept): minimises −loglik + λ/2·‖β‖². @default 1 */
  readonly l2?: number;
  /** Stop when the largest Newton step is below this. @default 1e-9 */
  readonly tolerance?: number;
  /** @default 50 */
  readonly maxIterations?: number;
}

export interface LogisticFit {
  readonly intercept: number;
  readonly coefficients: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/** 1 / (1 + e^−z), written so that neither branch overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Fits P(y = 1 | x) = σ(b + x·β) by Newton–Raphson on the penalised log-likelihood.
 *
 * @param y 0/1 targets, one per design row
 * @example
 * const fit = fitLogistic({ rows: 4, columns: 1, values: Float64Array.of(-2, -1, 1, 2) }, Uint8Array.of(0, 1, 0, 1));
 */
export function fitLogistic(design: Design, y: ArrayLike<number>, options: LogisticFitOptions = {}): LogisticFit {
  const { rows: n, columns: p, values: x } = design;
  const l2 = options.l2 ?? 1;
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 50;
  if (y.length !== n) throw new Error(`fitLogistic: ${y.length} targets for ${n} design rows`);
  if (n === 0) throw new Error('fitLogistic: no rows to fit');
  if (!(l2 >= 0)) throw new Error(`fitLogistic: l2 must be >= 0, got ${l2}`);

  // Parameter 0 is the intercept, then the p coefficients.
  const k = p + 1;
  const beta = new Float64Array(k);
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  const row = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      let eta = beta[0];
      for (let j = 0; j < p; j++) {
        const v = x[i * p + j];
        row[j + 1] = v;
        eta += beta[j + 1] * v;
      }
      const mu = sigmoid(eta);
      const residual = y[i] - mu;
      const w = mu * (1 - mu);
      for (let a = 0; a < k; a++) {
        const ra = row[a];
        if (ra === 0) continue; // one-hot columns are mostly zero
        gradient[a] += ra * residual;
        const wa = w * ra;
        for (let b = 0; b <= a; b++) hessian[a * k + b] += wa * row[b];
      }
    }
    for (let a = 1; a < k; a++) {
      gradient[a] -= l2 * beta[a];
      hessian[a * k + a] += l2;
    }
    // A tiny ridge on the intercept keeps the system solvable when every row has the same label.
    hessian[0] += 1e-10 * n;
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hessian[b * k + a] = hessian[a * k + b];
    const step = solveSymmetric(hessian, gradient, k);
    let largest = 0;
    for (let a = 0; a < k; a++) {
      beta[a] += step[a];
      largest = Math.max(largest, Math.abs(step[a]));
    }
    converged = largest < tolerance;
  }
  return { intercept: beta[0], coefficients: beta.slice(1), iterations, converged };
}

/** Solves A·s = g for a symmetric positive definite A (Cholesky, lower triangle; the shared solver, any positive pivot accepted). */
function solveSymmetric(a: Float64Array, g: Float64Array, k: number): Float64Array {
  return choleskySolve(a, g, k, () => new Error('fitLogistic: the Hessian is not positive definite (use l2 > 0)'), 0);
}
