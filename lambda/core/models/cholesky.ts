/** The Cholesky solve of a small symmetric positive definite system (a model fit's normal equations or Newton step). Pure. */

/**
 * Solves A x = b for a symmetric positive definite A (n × n, row-major) by Cholesky, A = L Lᵀ.
 * @param singular the error for a pivot at or below `tolerance` × max(1, |A_ii|) (A is not positive
 *   definite, or is so only by rounding: collinear columns)
 * @example choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2, () => new Error('singular')) // [0.5, 0]
 */
export function choleskySolve(a: ArrayLike<number>, b: ArrayLike<number>, n: number, singular: (column: number) => Error, tolerance = 1e-12): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        // Relative to the diagonal: a pivot this small is a rank deficiency, not rounding.
        const floor = tolerance === 0 ? 0 : tolerance * Math.max(1, Math.abs(a[i * n + i]));
        if (!(s > floor)) throw singular(i);
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
