/**
 * The paired bootstrap of a classification metric's difference, candidate − champion, on the SAME
 * labelled rows: each resample draws n rows with replacement, keeping each row's label, the champion's
 * prediction and the candidate's together, so what the two models have in common cancels out. The
 * interval is the percentile interval of the resampled differences (numpy's linear quantiles), as
 * `scipy.stats.bootstrap(..., paired=True, method='percentile')` computes it.
 *
 * The rows arrive as counts per (label, champion's prediction, candidate's prediction) — at most k³
 * cells — so a resample is a multinomial draw over those cells (sequential binomials), not n draws:
 * the cost does not grow with the number of rows. A binomial whose variance n·p·(1 − p) is at least
 * 100 is drawn from its normal approximation (rounded, clamped to [0, n]); its error is far below the
 * bootstrap's own Monte-Carlo error. The generator is seeded, so the same rows give the same interval.
 *
 * @example
 * const r = pairedBootstrap(cells, (m) => f1Of(m), { resamples: 2000, seed: 1, alpha: 0.05 });
 * r.low > 0 // the candidate is better at the 5% level
 */
import { classificationFromConfusion, confusionFromCounts, defaultClassOrder, type ClassificationMetrics } from '../metrics/classification';
import { prng } from '../stats/random';

/** Labelled rows both variants scored, counted by what each predicted. */
export interface PairedCell {
  readonly label: string;
  readonly champion: string;
  readonly candidate: string;
  readonly count: number;
}

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
  /** The interval is the central 1 − alpha of the resampled differences. */
  readonly alpha: number;
}

export interface PairedBootstrapResult {
  readonly champion: number;
  readonly candidate: number;
  /** candidate − champion on the rows as observed. */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
}

/** One binomial draw: inversion for small variance, the normal approximation above NORMAL_FROM. */
const NORMAL_FROM = 100;

function binomial(n: number, p: number, next: () => number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const q = Math.min(p, 1 - p);
  let k: number;
  if (n * q * (1 - q) >= NORMAL_FROM) {
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    k = Math.min(n, Math.max(0, Math.round(n * q + z * Math.sqrt(n * q * (1 - q)))));
  } else {
    const u = next();
    let pmf = Math.exp(n * Math.log1p(-q));
    let cdf = pmf;
    k = 0;
    while (u > cdf && k < n) {
      pmf *= ((n - k) / (k + 1)) * (q / (1 - q));
      k += 1;
      cdf += pmf;
    }
  }
  return q === p ? k : n - k;
}

/** Counts of n rows drawn with replacement from cells with these counts. */
function multinomial(counts: readonly number[], n: number, next: () => number): number[] {
  const out = new Array<number>(counts.length).fill(0);
  let rows = n;
  let mass = n;
  for (let i = 0; i < counts.length - 1 && rows > 0; i++) {
    out[i] = binomial(rows, counts[i] / mass, next);
    rows -= out[i];
    mass -= counts[i];
  }
  out[counts.length - 1] += rows;
  return out;
}

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

/**
 * @param metric reads the metric from a variant's classification metrics (accuracy, the positive class's F1, ...)
 * @throws RangeError naming a bad option, or when no row is given
 */
export function pairedBootstrap(cells: readonly PairedCell[], metric: (m: ClassificationMetrics) => number, options: BootstrapOptions, classes?: readonly string[]): PairedBootstrapResult {
  if (!Number.isInteger(options.resamples) || options.resamples < 10) throw new RangeError(`pairedBootstrap: resamples must be an integer ≥ 10, got ${options.resamples}`);
  if (!(options.alpha > 0 && options.alpha < 1)) throw new RangeError(`pairedBootstrap: alpha must be in (0, 1), got ${options.alpha}`);
  const used = cells.filter((c) => c.count > 0);
  const n = used.reduce((s, c) => s + c.count, 0);
  if (n === 0) throw new RangeError('pairedBootstrap: no labelled rows to resample');
  const order = classes ?? defaultClassOrder(used.map((c) => c.label), used.map((c) => c.champion), used.map((c) => c.candidate));
  const score = (counts: readonly number[], side: 'champion' | 'candidate') =>
    metric(classificationFromConfusion(confusionFromCounts(used.map((c, i) => ({ label: c.label, prediction: c[side], count: counts[i] })), order)));
  const observed = used.map((c) => c.count);
  const champion = score(observed, 'champion');
  const candidate = score(observed, 'candidate');
  const next = prng(options.seed);
  const differences: number[] = [];
  for (let r = 0; r < options.resamples; r++) {
    const counts = multinomial(observed, n, next);
    differences.push(score(counts, 'candidate') - score(counts, 'champion'));
  }
  differences.sort((a, b) => a - b);
  return { champion, candidate, difference: candidate - champion, low: quantile(differences, options.alpha / 2), high: quantile(differences, 1 - options.alpha / 2) };
}
