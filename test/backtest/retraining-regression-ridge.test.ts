/**
 * The ridge solver under the builtin linear trainer (lambda/core/models/ridge.ts, linear.ts):
 * with λ → 0 it is least squares — it recovers the coefficients of an exact linear system and, on
 * noisy targets, its residuals are orthogonal to every column (Xᵀ(y − ŷ) = 0, the normal
 * equations); with λ > 0 they equal λβ. Checked over random systems (property style, seeded).
 */
import { choleskySolve } from '../../lambda/core/models/cholesky';
import { fitRidge } from '../../lambda/core/models/ridge';
import { predictLinear, trainLinearModel } from '../../lambda/core/models/linear';
import type { Dataset } from '../../lambda/core/types';
import { lcg } from './synthetic';

function system(seed: number, rows: number, columns: number) {
  const rand = lcg(seed);
  const values = Float64Array.from({ length: rows * columns }, () => rand() * 4 - 2);
  const beta = Float64Array.from({ length: columns }, () => rand() * 10 - 5);
  const intercept = rand() * 20 - 10;
  const exact = Float64Array.from({ length: rows }, (_, r) => intercept + beta.reduce((s, b, j) => s + b * values[r * columns + j], 0));
  const noisy = exact.map((v) => v + (rand() - 0.5) * 3);
  return { design: { rows, columns, values }, beta, intercept, exact, noisy };
}

/** Xᵀ(y − ŷ) per column and Σ(y − ŷ) for the intercept. */
function gradient(s: ReturnType<typeof system>, y: Float64Array, fit: { intercept: number; coefficients: Float64Array }) {
  const { rows, columns, values } = s.design;
  const g = new Float64Array(columns + 1);
  for (let r = 0; r < rows; r++) {
    let e = y[r] - fit.intercept;
    for (let j = 0; j < columns; j++) e -= fit.coefficients[j] * values[r * columns + j];
    g[0] += e;
    for (let j = 0; j < columns; j++) g[j + 1] += e * values[r * columns + j];
  }
  return g;
}

describe('ridge regression by Cholesky', () => {
  it('solves a small SPD system exactly', () => {
    expect(Array.from(choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2, () => new Error('singular')))).toEqual([0.5, 0]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('with l2 → 0 is the least-squares solution of a random system (seed %i)', (seed) => {
    const s = system(seed, 40 + seed * 7, 1 + (seed % 5));
    const exact = fitRidge(s.design, s.exact, 1e-12);
    expect(exact.intercept).toBeCloseTo(s.intercept, 8);
    Array.from(s.beta).forEach((b, j) => expect(exact.coefficients[j]).toBeCloseTo(b, 8));
    const noisy = fitRidge(s.design, s.noisy, 0);
    for (const g of gradient(s, s.noisy, noisy)) expect(Math.abs(g)).toBeLessThan(1e-8);
  });

  it.each([0.5, 3, 50])('with l2 = %d the residuals balance the penalty: Xᵀ(y − ŷ) = λβ, the intercept unpenalised', (l2) => {
    const s = system(99, 60, 3);
    const fit = fitRidge(s.design, s.noisy, l2);
    const g = gradient(s, s.noisy, fit);
    expect(Math.abs(g[0])).toBeLessThan(1e-8);
    Array.from(fit.coefficients).forEach((b, j) => expect(g[j + 1]).toBeCloseTo(l2 * b, 8));
  });

  it('refuses collinear features without a penalty, and names a bad target row and a bad l2', () => {
    const collinear = { rows: 3, columns: 2, values: Float64Array.of(1, 2, 2, 4, 3, 6) };
    expect(() => fitRidge(collinear, [1, 2, 3], 0)).toThrow(/singular at column 2 .*positive l2/);
    expect(() => fitRidge(collinear, [1, 2, 3], 1)).not.toThrow();
    expect(() => fitRidge(collinear, [1, NaN, 3], 1)).toThrow(/the target of row 1 is not a finite number/);
    expect(() => fitRidge(collinear, [1, 2, 3], -1)).toThrow(/l2 must be a finite number >= 0, got -1/);
  });
});

describe('the linear model on the demo encoding', () => {
  const rows: Dataset = {
    rowCount: 6,
    columns: [
      { kind: 'numeric', name: 'x', values: Float64Array.of(0, 1, 2, 3, 4, NaN) },
      { kind: 'categorical', name: 'c', dictionary: ['a', 'b'], codes: Int32Array.of(0, 1, 0, 1, 0, -1) },
      { kind: 'numeric', name: 'y', values: Float64Array.of(1, 8, 5, 12, 9, 7) },
    ],
  };

  it('fits y = 1 + 2x + 5·[c = b] with a tiny penalty; a missing x is the training mean, a missing category the baseline', () => {
    const model = trainLinearModel({ ...rows, rowCount: 5, columns: rows.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: c.values.slice(0, 5) } : { ...c, codes: c.codes.slice(0, 5) })) }, { label: 'y', features: ['x', 'c'], l2: 1e-9 });
    const p = predictLinear(model, rows);
    Array.from(p.slice(0, 5)).forEach((v, i) => expect(v).toBeCloseTo([1, 8, 5, 12, 9][i], 6));
    // x missing → mean 2; c missing → both one-hot columns 0 (the intercept of the a/b split).
    expect(Number.isFinite(p[5])).toBe(true);
  });

  it('names a categorical label and a missing feature', () => {
    expect(() => trainLinearModel(rows, { label: 'c', features: ['x'] })).toThrow(/label "c": a linear regression needs a numeric label/);
    expect(() => trainLinearModel(rows, { label: 'y', features: ['z'] })).toThrow(/feature column "z" is not in the data/);
    const gap: Dataset = { ...rows, columns: [...rows.columns, { kind: 'numeric', name: 'w', values: Float64Array.of(1, 2, NaN, 4, 5, 6) }] };
    expect(() => trainLinearModel(gap, { label: 'w', features: ['x'] })).toThrow(/label "w": row 2 is missing/);
  });
});
