/** Tolerances of the statistical core against scipy (see ARCHITECTURE.md, "Statistical defaults"). */

/** Statistics agree with scipy to 1e-9 relative (exactly when scipy's is 0). */
export function expectStatistic(actual: number, expected: number): void {
  if (expected === 0) expect(actual).toBe(0);
  else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(1e-9);
}

/**
 * p-values agree with scipy to 1e-6 absolute (the contract). Tail p-values (above the double
 * underflow range) also agree to 1e-7 relative, so "p < 1e-10" style decisions match scipy too.
 */
export function expectPValue(actual: number, expected: number): void {
  expect(Number.isNaN(actual)).toBe(false);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6);
  if (expected > 1e-300) expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(1e-7);
}
