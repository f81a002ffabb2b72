/**
 * river's `AdaptiveWindowing` helper (rust_src/adwin.rs @ b12bc5d2b7ddc0d458b0ce524b5070f1a61122a5):
 * the exponential histogram of buckets and the cut test. Plain data plus functions, so the state is
 * JSON as it is. Operation order follows river exactly; do not "simplify" the arithmetic.
 */
import type { ResolvedAdwinOptions } from './options';

/** One row of buckets: every entry summarises 2^row values (its sum and its sum of squared deviations). */
export interface BucketRow {
  totals: number[];
  variances: number[];
}

/** The helper's state (river's `AdaptiveWindowing`), reset after each detection. */
export interface WindowState {
  total: number;
  variance: number;
  width: number;
  totalWidth: number;
  nBuckets: number;
  maxNBuckets: number;
  tick: number;
  nDetections: number;
  rows: BucketRow[];
}

export function emptyWindow(): WindowState {
  return {
    total: 0,
    variance: 0,
    width: 0,
    totalWidth: 0,
    nBuckets: 0,
    maxNBuckets: 0,
    tick: 0,
    nDetections: 0,
    rows: [{ totals: [], variances: [] }],
  };
}

/** river `_insert_element`: add to row 0, update width/variance/total (Welford form), compress. */
export function insertElement(w: WindowState, o: ResolvedAdwinOptions, value: number, variance: number): void {
  w.rows[0].totals.push(value);
  w.rows[0].variances.push(variance);
  w.nBuckets += 1;
  if (w.nBuckets > w.maxNBuckets) w.maxNBuckets = w.nBuckets;

  w.width += 1;
  let incrementalVariance = 0;
  if (w.width > 1) {
    const d = value - w.total / (w.width - 1);
    incrementalVariance = ((w.width - 1) * d * d) / w.width;
  }
  w.variance += incrementalVariance;
  w.total += value;
  compressBuckets(w, o);
}

/** river `_compress_buckets`: a row holding maxBuckets + 1 entries merges its two oldest into the next row. */
function compressBuckets(w: WindowState, o: ResolvedAdwinOptions): void {
  let idx = 0;
  for (;;) {
    const row = w.rows[idx];
    if (row.totals.length !== o.maxBuckets + 1) break;
    const n1 = 2 ** idx;
    const t0 = row.totals[0];
    const t1 = row.totals[1];
    const mu1 = t0 / n1;
    const mu2 = t1 / n1;
    const total12 = t0 + t1;
    // n1·n2/(n1 + n2) with n1 = n2 is n1/2; river writes it as n1 * 0.5 * d * d.
    const temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
    const v12 = row.variances[0] + row.variances[1] + temp;
    if (idx + 1 >= w.rows.length) w.rows.push({ totals: [], variances: [] });
    const next = w.rows[idx + 1];
    next.totals.push(total12);
    next.variances.push(v12);
    w.nBuckets += 1;
    row.totals.splice(0, 2);
    row.variances.splice(0, 2);
    if (next.totals.length <= o.maxBuckets) break;
    idx += 1;
  }
}

/** river `_delete_element`: drop the oldest bucket (the first entry of the last row). */
function deleteElement(w: WindowState): number {
  const last = w.rows.length - 1;
  const n = 2 ** last;
  const row = w.rows[last];
  const u = row.totals[0];
  const v = row.variances[0];
  const mu = u / n;
  w.width -= n;
  w.total -= u;
  const muWindow = w.total / w.width;
  const inc = v + (n * w.width * (mu - muWindow) * (mu - muWindow)) / (n + w.width);
  w.variance -= inc;
  row.totals.splice(0, 1);
  row.variances.splice(0, 1);
  w.nBuckets -= 1;
  if (row.totals.length === 0) w.rows.pop();
  return n;
}

/**
 * river `_detect_change`: every `clock` ticks (once the window exceeds the grace period), walk the
 * cuts from the oldest bucket to the newest; at the first significant cut drop the oldest bucket and
 * start over, until no cut is significant.
 */
export function detectChange(w: WindowState, o: ResolvedAdwinOptions): boolean {
  let changeDetected = false;
  w.tick += 1;
  if (w.tick % o.clock === 0 && w.width > o.gracePeriod) {
    let reduceWidth = true;
    while (reduceWidth) {
      reduceWidth = false;
      let exit = false;
      let n0 = 0;
      let n1 = w.width;
      let u0 = 0;
      let u1 = w.total;
      outer: for (let idx = w.rows.length - 1; idx >= 0; idx--) {
        if (exit) break;
        const size = 2 ** idx;
        const row = w.rows[idx];
        const count = row.totals.length;
        for (let k = 0; k < count; k++) {
          n0 += size;
          n1 -= size;
          const t = row.totals[k];
          u0 += t;
          u1 -= t;
          if (idx === 0 && k === count - 1) {
            exit = true;
            break;
          }
          const deltaMean = u0 / n0 - u1 / n1;
          if (
            n1 >= o.minWindowLength &&
            n0 >= o.minWindowLength &&
            evaluateCut(w, o, n0, n1, deltaMean)
          ) {
            reduceWidth = true;
            changeDetected = true;
            if (w.width > 0) {
              deleteElement(w);
              break outer;
            }
          }
        }
      }
    }
  }
  w.totalWidth += w.width;
  if (changeDetected) w.nDetections += 1;
  return changeDetected;
}

/** river `_evaluate_cut`: Hoeffding-style bound with the window variance (Bernstein form). */
function evaluateCut(w: WindowState, o: ResolvedAdwinOptions, n0: number, n1: number, deltaMean: number): boolean {
  const deltaPrime = Math.log((2 * Math.log(w.width)) / o.delta);
  const mRecip = 1 / (n0 - o.minWindowLength + 1) + 1 / (n1 - o.minWindowLength + 1);
  const epsilon = Math.sqrt(2 * mRecip * (w.variance / w.width) * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
  return Math.abs(deltaMean) > epsilon;
}
