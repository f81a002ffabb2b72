/**
 * Ridge (L2) least squares through the normal equations: minimises ‖y − b − Xβ‖² + λ‖β‖², the
 * intercept b unpenalised. The dimension is a model's encoded features (tens), so forming XᵀX and a
 * Cholesky solve is exact enough and cheap. Pure, no I/O.
 */
import { choleskySolve } from './cholesky';
import type { Design } from './encoding';

export interface RidgeFit {
  readonly intercept: number;
  readonly coefficients: Float64Array;
}

/**
 * Fits ridge regression on an encoded design: the normal equations of [1 X] with λ on the diagonal
 * of every column but the intercept's.
 * @throws Error on a length mismatch, a non-finite target (naming the row) or a negative l2
 * @example fitRidge({ rows: 3, columns: 1, values: Float64Array.of(0, 1, 2) }, [1, 3, 5], 0) // intercept 1, coefficients [2]
 */
export function fitRidge(design: Design, y: ArrayLike<number>, l2: number): RidgeFit {
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new Error(`l2 must be a finite number >= 0, got ${l2}`);
  if (y.length !== design.rows) throw new Error(`the design has ${design.rows} rows but the target has ${y.length}`);
  const p = design.columns;
  const n = p + 1;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  const row = new Float64Array(n);
  for (let r = 0; r < design.rows; r++) {
    if (!Number.isFinite(y[r])) throw new Error(`the target of row ${r} is not a finite number (${y[r]})`);
    row[0] = 1;
    for (let j = 0; j < p; j++) row[j + 1] = design.values[r * p + j];
    for (let i = 0; i < n; i++) {
      b[i] += row[i] * y[r];
      for (let j = 0; j <= i; j++) a[i * n + j] += row[i] * row[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  for (let i = 1; i < n; i++) a[i * n + i] += l2;
  const x = choleskySolve(a, b, n, (i) => new Error(`the normal equations are singular at column ${i} (collinear or constant features): give the ridge a positive l2`));
  return { intercept: x[0], coefficients: x.slice(1) };
}
