/**
 * Pooling hour samples into one baseline dataset in proportion to each hour's traffic, so the
 * reference fitted from production weighs hours as the windows it judges do. Pure.
 */
import type { Column, Dataset } from '../core/types';
import type { MonitorModel } from './model';
import type { HourSample } from './hour-sample';

const HOUR_MS = 3_600_000;

/**
 * Pooling in proportion to traffic takes rows at the sample rate (rows / hourRows) this quantile of
 * the hours reaches: the 5% of hours sampled most thinly (the busiest: a spike, a replay) keep only
 * their sample instead of shrinking every other hour's share.
 */
const POOL_RATE_QUANTILE = 0.05;

/** The pooled baseline: the features by id, each row's hour (hours since 1970), and what was taken. */
export interface PooledSamples {
  readonly data: Dataset;
  readonly hourOfRow: Float64Array;
  /** Rows the pooled hours held, and how many hours had rows. */
  readonly hourRows: number;
  readonly hours: number;
}

/**
 * The rate r at which hours are pooled: the 5th percentile of their sample rates rows / hourRows
 * (hours without rows left out), at most 1.
 */
export function poolRate(hours: readonly { readonly hourRows: number; readonly rows: number }[]): number {
  const rates = hours.filter((h) => h.rows > 0 && h.hourRows > 0).map((h) => h.rows / h.hourRows).sort((a, b) => a - b);
  return rates.length === 0 ? 1 : Math.min(1, rates[Math.floor(POOL_RATE_QUANTILE * (rates.length - 1))]);
}

/** Rows of a sample that go into the pool at rate r. */
export function keptRows(sample: Pick<HourSample, 'hourRows' | 'rows'>, rate: number): number {
  return Math.min(sample.rows, Math.round(sample.hourRows * rate));
}

/**
 * Builds the pooled columns sample by sample (typed arrays, grown when needed), so pooling holds the
 * pool and the sample being added, never every sample at once: at 200,000 rows × 50 features the
 * parsed samples alone would take ~500 MB, the pool takes 80 MB.
 */
export class PoolBuilder {
  private capacity: number;
  private n = 0;
  private hourRows = 0;
  private hours = 0;
  private hourOfRow: Float64Array;
  private readonly numeric = new Map<string, Float64Array>();
  private readonly categorical = new Map<string, { codes: Int32Array; dictionary: string[]; index: Map<string, number> }>();

  constructor(
    private readonly model: Pick<MonitorModel, 'features'>,
    capacity: number,
  ) {
    this.capacity = Math.max(1, capacity);
    this.hourOfRow = new Float64Array(this.capacity);
    for (const f of model.features) {
      if (f.kind === 'numeric') this.numeric.set(f.id, new Float64Array(this.capacity));
      else this.categorical.set(f.id, { codes: new Int32Array(this.capacity), dictionary: [], index: new Map() });
    }
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.capacity * 2);
    const grown = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.hourOfRow = grown(this.hourOfRow, (n) => new Float64Array(n));
    for (const [id, values] of this.numeric) this.numeric.set(id, grown(values, (n) => new Float64Array(n)));
    for (const c of this.categorical.values()) c.codes = grown(c.codes, (n) => new Int32Array(n));
    this.capacity = capacity;
  }

  /** Adds the first `keep` rows of a sample (validated by parseHourSample). */
  add(sample: HourSample, keep: number): void {
    if (sample.rows === 0) return;
    if (this.n + keep > this.capacity) this.grow(this.n + keep);
    this.hourOfRow.fill(Date.parse(sample.hour) / HOUR_MS, this.n, this.n + keep);
    for (const c of sample.columns) {
      const numeric = this.numeric.get(c.name);
      if (numeric && c.kind === 'numeric') {
        for (let r = 0; r < keep; r++) numeric[this.n + r] = c.values[r] ?? NaN;
        continue;
      }
      const target = this.categorical.get(c.name);
      if (!target || c.kind !== 'categorical') continue;
      const map = c.dictionary.map((category) => {
        let code = target.index.get(category);
        if (code === undefined) {
          code = target.dictionary.length;
          target.index.set(category, code);
          target.dictionary.push(category);
        }
        return code;
      });
      for (let r = 0; r < keep; r++) target.codes[this.n + r] = c.codes[r] < 0 ? -1 : map[c.codes[r]];
    }
    this.n += keep;
    this.hourRows += sample.hourRows;
    this.hours++;
  }

  result(): PooledSamples {
    const columns: Column[] = this.model.features.map((f): Column => {
      const numeric = this.numeric.get(f.id);
      if (numeric) return { kind: 'numeric', name: f.id, values: numeric.subarray(0, this.n) };
      const c = this.categorical.get(f.id) as { codes: Int32Array; dictionary: string[] };
      return { kind: 'categorical', name: f.id, codes: c.codes.subarray(0, this.n), dictionary: c.dictionary };
    });
    return { data: { rowCount: this.n, columns }, hourOfRow: this.hourOfRow.subarray(0, this.n), hourRows: this.hourRows, hours: this.hours };
  }
}

/**
 * Pools hour samples in proportion to each hour's traffic, so the reference weighs hours as the
 * windows it judges do: every hour keeps the first round(hourRows × r) rows of its sample (a sample
 * is in random order, so these are a uniform subsample of the hour), r = `poolRate` (the 5th
 * percentile of the hours' sample rates). When every sample holds its whole hour, r = 1 and every
 * row is kept; the hours sampled more thinly than r keep their whole sample. Rows in hour order.
 *
 * @param rate the pooling rate; by default `poolRate` of these samples
 * @example poolSamples(model, [a, b]).data.rowCount // a.rows + b.rows when both hold their whole hour
 */
export function poolSamples(model: Pick<MonitorModel, 'features'>, samples: readonly HourSample[], rate = poolRate(samples)): PooledSamples {
  const ordered = [...samples].sort((a, b) => a.hour.localeCompare(b.hour));
  const pool = new PoolBuilder(model, ordered.reduce((n, s) => n + keptRows(s, rate), 0));
  for (const s of ordered) pool.add(s, keptRows(s, rate));
  return pool.result();
}

