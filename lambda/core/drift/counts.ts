/**
 * Shared checks for the histogram measures: two count vectors over the same bins.
 * Kept in one place so every measure reports bad input the same way.
 */

/** Thrown when one side of a comparison holds no (non-missing) observations. Callers guard on it. */
export class EmptyDistributionError extends Error {
  constructor(
    readonly side: 'reference' | 'current',
    what: string,
  ) {
    super(`${what}: the ${side} distribution is empty (total count 0); nothing to compare`);
    this.name = 'EmptyDistributionError';
  }
}

/**
 * Checks that both count vectors have the same, non-zero length and hold finite non-negative
 * numbers, and returns their totals. Throws `EmptyDistributionError` when a total is 0.
 */
export function checkCounts(
  what: string,
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): { referenceTotal: number; currentTotal: number } {
  if (referenceCounts.length !== currentCounts.length) {
    throw new Error(
      `${what}: referenceCounts has ${referenceCounts.length} bins but currentCounts has ${currentCounts.length}; both must use the same bins`,
    );
  }
  if (referenceCounts.length === 0) throw new Error(`${what}: no bins (counts are empty arrays)`);
  const referenceTotal = total(what, 'referenceCounts', referenceCounts);
  const currentTotal = total(what, 'currentCounts', currentCounts);
  if (referenceTotal === 0) throw new EmptyDistributionError('reference', what);
  if (currentTotal === 0) throw new EmptyDistributionError('current', what);
  return { referenceTotal, currentTotal };
}

function total(what: string, field: string, counts: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0) || !Number.isFinite(c)) {
      throw new Error(`${what}: ${field}[${i}] is ${c}; counts must be finite and >= 0`);
    }
    sum += c;
  }
  return sum;
}
