/**
 * KS and Wasserstein-1 from histograms on shared fine bins, with proven error bounds.
 *
 * Notation: interior edges e_1 < … < e_K split the line into bins 0..K, bin i = [e_i, e_{i+1})
 * with e_0 = −∞ and e_{K+1} = +∞. For each side, r_i (reference) and c_i (current) are the
 * proportions of its values in bin i, and the empirical CDFs F_ref, F_cur jump only at values.
 * d_i = F_ref(e_i⁻) − F_cur(e_i⁻) = Σ_{j<i} (r_j − c_j) is known exactly at every edge.
 */

/** A value computed from bins, and the interval [lowerBound, upperBound] certain to hold the exact one. */
export interface BoundedEstimate {
  readonly value: number;
  readonly lowerBound: number;
  readonly upperBound: number;
}

/**
 * The two-sample KS statistic D = sup_x |F_ref(x) − F_cur(x)| read from counts on shared bins,
 * with each side's min and max (when given) sharpening the bound.
 *
 * Estimate: D̂ = max_i |d_i|, the CDF gap at the edges (from cumulative counts); this is what
 * `lInfinityCdf` computes on the same counts.
 *
 * Bound, D̂ ≤ D ≤ U ≤ D̂ + max_i max(r_i, c_i):
 * - Lower: D(x) → d_i as x ↑ e_i, so the supremum is at least every |d_i|.
 * - Upper: for x in bin i, F_ref(x) ∈ [A_i, A_i + r_i] and F_cur(x) ∈ [B_i, B_i + c_i] with
 *   A_i − B_i = d_i, hence F_ref(x) − F_cur(x) ∈ [d_i − c_i, d_i + r_i] and
 *   |F_ref(x) − F_cur(x)| ≤ max(|d_i − c_i|, |d_i + r_i|) ≤ |d_i| + max(r_i, c_i). The max over
 *   bins is U, and U ≥ D̂ because d_{i+1} = d_i + r_i − c_i lies in that same interval.
 * - Sharper with ranges: a side's values in bin i all lie in its support S = bin ∩ [min, max];
 *   left of S its CDF is exactly A_i, from the end of S on exactly A_i + r_i. Splitting the bin at
 *   both supports' ends, each piece is bounded as above with only the unknown sides widened, and a
 *   piece where both sides are exact adds its exact |D| to the lower bound. This is what keeps the
 *   bound tight when a spike sits at the reference's max (e.g. a "999 = never" code).
 * The error is thus at most the largest bin mass: about 0.001 with 1000 reference-quantile bins
 * for a continuous feature; more where one value holds much mass inside a bin (ties).
 *
 * @example ksFromBins([0], [50, 50], [100, 0]) // { value: 0.5, lowerBound: 0.5, upperBound: 1 }
 */
export function ksFromBins(
  edges: readonly number[],
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  referenceRange?: Range,
  currentRange?: Range,
): BoundedEstimate {
  checkBins('ksFromBins', edges, referenceCounts, currentCounts);
  const n1 = sum(referenceCounts);
  const n2 = sum(currentCounts);
  const refAll = referenceRange ?? { min: -Infinity, max: Infinity };
  const curAll = currentRange ?? { min: -Infinity, max: Infinity };
  let refBefore = 0; // counts in bins < i
  let curBefore = 0;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const lo = i === 0 ? -Infinity : edges[i - 1];
    const hi = i === referenceCounts.length - 1 ? Infinity : edges[i];
    const refAfter = refBefore + referenceCounts[i];
    const curAfter = curBefore + currentCounts[i];
    // |d_i| at the left edge of bin i, from cumulative counts (one rounding, no accumulated drift).
    lower = Math.max(lower, Math.abs(refBefore / n1 - curBefore / n2));
    // Fast path, most bins: each side either has no mass here or spans the whole bin, so [lo, hi)
    // is one piece with the CDFs anywhere between their before and after counts.
    if (fullOrEmpty(lo, hi, referenceCounts[i], refAll) && fullOrEmpty(lo, hi, currentCounts[i], curAll)) {
      const dMin = refBefore / n1 - curAfter / n2;
      const dMax = refAfter / n1 - curBefore / n2;
      upper = Math.max(upper, Math.abs(dMin), Math.abs(dMax));
      if (referenceCounts[i] === 0 && currentCounts[i] === 0) lower = Math.max(lower, Math.abs(dMax));
      refBefore = refAfter;
      curBefore = curAfter;
      continue;
    }
    const ref = support(lo, hi, referenceCounts[i], refAll);
    const cur = support(lo, hi, currentCounts[i], curAll);
    const cuts = [...new Set([lo, ref.lo, ref.hi, cur.lo, cur.hi].filter((x) => x >= lo && x < hi))].sort((a, b) => a - b);
    for (let k = 0; k < cuts.length; k++) {
      const p = cuts[k];
      const q = k + 1 < cuts.length ? cuts[k + 1] : hi;
      // On [p, q) each side's CDF is exact below / after its support, or anywhere in [before, after].
      const [refLow, refHigh] = cdfRange(p, q, ref, refBefore, refAfter);
      const [curLow, curHigh] = cdfRange(p, q, cur, curBefore, curAfter);
      const dMin = refLow / n1 - curHigh / n2;
      const dMax = refHigh / n1 - curLow / n2;
      upper = Math.max(upper, Math.abs(dMin), Math.abs(dMax));
      if (refLow === refHigh && curLow === curHigh) lower = Math.max(lower, Math.abs(dMax));
    }
    refBefore = refAfter;
    curBefore = curAfter;
  }
  return { value: lower, lowerBound: lower, upperBound: Math.min(1, Math.max(upper, lower)) };
}

/** Whether a side has no mass in [lo, hi) or its support there is the whole bin. */
function fullOrEmpty(lo: number, hi: number, count: number, range: Range): boolean {
  return count === 0 || (range.min <= lo && range.max >= hi);
}

/** Where a side's values in [lo, hi) can be: [lo, hi) ∩ [min, max]; empty (+∞, −∞) without mass. */
function support(lo: number, hi: number, count: number, range: Range): { lo: number; hi: number } {
  if (count === 0) return { lo: Infinity, hi: -Infinity };
  const sLo = Math.max(lo, range.min);
  return { lo: sLo, hi: Math.max(sLo, Math.min(hi, range.max)) };
}

/** Range of a side's cumulative count on [p, q), a piece that does not straddle its support's ends. */
function cdfRange(p: number, q: number, s: { lo: number; hi: number }, before: number, after: number): [number, number] {
  if (before === after || q <= s.lo) return [before, before];
  if (p >= s.hi) return [after, after];
  return [before, after];
}

function checkBins(what: string, edges: readonly number[], referenceCounts: readonly number[], currentCounts: readonly number[]): void {
  const bins = edges.length + 1;
  if (referenceCounts.length !== bins || currentCounts.length !== bins) {
    throw new Error(
      `${what}: ${edges.length} edges make ${bins} bins, but got ${referenceCounts.length} reference and ${currentCounts.length} current counts`,
    );
  }
}

/** Where one side's values are known to lie: its min and max. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * Wasserstein-1 W = ∫ |F_ref(x) − F_cur(x)| dx read from counts on shared bins, with each side's
 * min and max closing the two open end bins.
 *
 * Estimate: within bin i, each side's mass is spread uniformly over where its values can be, its
 * support S = bin ∩ [min, max] of that side (so the end bins become [min, e_1] and [e_K, max]),
 * i.e. its CDF is interpolated linearly across S; the gap of the two piecewise-linear CDFs is
 * integrated exactly, piece by piece.
 *
 * Bound, |W − Ŵ| ≤ Σ_i b_i, by |∫|D| − ∫|D̂|| ≤ ∫|D − D̂| bin by bin, with:
 * - For one side with mass m on support S of width w, at the point a fraction t across S the true
 *   CDF lies in [A, A + m] while the estimate is A + m·t, so |F − F̂| ≤ m·max(t, 1 − t), whose
 *   integral is (3/4)·m·w; outside S the two agree. Hence b_i ≤ (3/4)(r_i·w_ref + c_i·w_cur).
 * - When both sides share the same support (every interior bin, unless a min or max falls inside
 *   it), the errors are taken at the same t: (F_ref − F̂_ref) − (F_cur − F̂_cur) lies in
 *   [−r·t − c·(1 − t), r·(1 − t) + c·t], whose absolute value is at most a convex combination of
 *   r and c; integrating gives the tighter b_i = w·(3·max(r_i, c_i) + min(r_i, c_i))/4 ≤
 *   w·max(r_i, c_i), the bound suggested for this estimate.
 * Bins where one side holds point masses (ties) are where the bound is loose: the estimate smears
 * a spike across the bin.
 */
export function wassersteinFromBins(
  edges: readonly number[],
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  referenceRange: Range,
  currentRange: Range,
): BoundedEstimate {
  checkBins('wassersteinFromBins', edges, referenceCounts, currentCounts);
  const bins = edges.length + 1;
  const n1 = sum(referenceCounts);
  const n2 = sum(currentCounts);
  let refBefore = 0;
  let curBefore = 0;
  let value = 0;
  let error = 0;
  for (let i = 0; i < bins; i++) {
    const lo = i === 0 ? -Infinity : edges[i - 1];
    const hi = i === bins - 1 ? Infinity : edges[i];
    // Fast path, most bins: a finite bin where each side has no mass or spans all of it: one
    // linear piece, no Side objects (same arithmetic as the general path below).
    if (
      Number.isFinite(lo) &&
      Number.isFinite(hi) &&
      fullOrEmpty(lo, hi, referenceCounts[i], referenceRange) &&
      fullOrEmpty(lo, hi, currentCounts[i], currentRange)
    ) {
      const r = referenceCounts[i] / n1;
      const c = currentCounts[i] / n2;
      const u = refBefore / n1 - curBefore / n2;
      refBefore += referenceCounts[i];
      curBefore += currentCounts[i];
      value += integralOfAbsLinear(u, refBefore / n1 - curBefore / n2, hi - lo);
      if (r > 0 && c > 0) error += ((hi - lo) * (3 * Math.max(r, c) + Math.min(r, c))) / 4;
      else error += 0.75 * (r + c) * (hi - lo);
      continue;
    }
    const ref = new Side(refBefore / n1, referenceCounts[i] / n1, lo, hi, referenceRange);
    const cur = new Side(curBefore / n2, currentCounts[i] / n2, lo, hi, currentRange);
    refBefore += referenceCounts[i];
    curBefore += currentCounts[i];
    // Integration interval: the whole bin, except that the open end bins stop where the mass
    // stops (beyond it both CDFs are 0 on the left, 1 on the right, so the gap is 0).
    const a = Number.isFinite(lo) ? lo : Math.min(ref.lo, cur.lo);
    const b = Number.isFinite(hi) ? hi : Math.max(ref.hi, cur.hi);
    if (!(b > a)) continue; // an empty end bin, or a bin of width 0
    const points = [a, b, ref.lo, ref.hi, cur.lo, cur.hi].filter((p) => p >= a && p <= b).sort((x, y) => x - y);
    for (let k = 1; k < points.length; k++) {
      const p = points[k - 1];
      const q = points[k];
      if (q > p) value += integralOfAbsLinear(ref.cdfRightOf(p) - cur.cdfRightOf(p), ref.cdfLeftOf(q) - cur.cdfLeftOf(q), q - p);
    }
    const r = ref.mass;
    const c = cur.mass;
    if (r > 0 && c > 0 && ref.lo === cur.lo && ref.hi === cur.hi) {
      error += ((ref.hi - ref.lo) * (3 * Math.max(r, c) + Math.min(r, c))) / 4;
    } else {
      if (r > 0) error += 0.75 * r * (ref.hi - ref.lo);
      if (c > 0) error += 0.75 * c * (cur.hi - cur.lo);
    }
  }
  return { value, lowerBound: Math.max(0, value - error), upperBound: value + error };
}

/**
 * One side's mass in one fine bin, spread uniformly over its support in the bin. A class rather than
 * closures: it is built twice per fine bin per feature per window, and closures cost several times
 * more there (1M-row backtests spent most of their compare time creating them).
 */
class Side {
  /** Support of this side's values in the bin; empty (lo = +∞, hi = −∞) when the mass is 0. */
  readonly lo: number;
  readonly hi: number;
  private readonly width: number;

  constructor(
    private readonly before: number,
    readonly mass: number,
    lo: number,
    hi: number,
    range: Range,
  ) {
    if (mass === 0) {
      this.lo = Infinity;
      this.hi = -Infinity;
    } else {
      this.lo = Math.max(lo, range.min);
      this.hi = Math.max(this.lo, Math.min(hi, range.max)); // a consistent profile never needs the outer max
    }
    this.width = this.hi - this.lo;
  }

  /** The interpolated CDF just right of x (includes a point mass at x). */
  cdfRightOf(x: number): number {
    return this.before + this.mass * this.fraction(x, true);
  }

  /** The interpolated CDF just left of x (excludes a point mass at x). */
  cdfLeftOf(x: number): number {
    return this.before + this.mass * this.fraction(x, false);
  }

  private fraction(x: number, atPoint: boolean): number {
    if (this.mass === 0) return 0;
    if (this.width === 0) return x > this.lo || (atPoint && x === this.lo) ? 1 : 0;
    return Math.min(1, Math.max(0, (x - this.lo) / this.width));
  }
}

/** ∫_0^w |u + (v − u)·s/w| ds: exact, including a sign change inside. */
function integralOfAbsLinear(u: number, v: number, w: number): number {
  if ((u >= 0 && v >= 0) || (u <= 0 && v <= 0)) return (w * (Math.abs(u) + Math.abs(v))) / 2;
  return (w * (u * u + v * v)) / (2 * (Math.abs(u) + Math.abs(v)));
}

function sum(counts: readonly number[]): number {
  let s = 0;
  for (const c of counts) s += c;
  return s;
}
