/**
 * Evidently's default data-drift rule (DataDriftPreset / DatasetDriftMetric with no options),
 * emulated on raw column arrays with Driftwatch's core statistics: a test of our reading, not a peer.
 *
 * Our reading of Evidently's source (evidently/calculations/stattests/registry.py
 * `_get_default_stattest`, and the tests it names), per column, with NaN/±inf dropped first:
 *
 *   n_values = number of distinct values in reference ∪ current
 *   reference ≤ 1,000 rows:
 *     numeric column, n_values > 5      → KS (`ks_2samp`), drift when p ≤ 0.05
 *     numeric n_values ≤ 5 / categorical → chi-squared when n_values > 2, else a two-proportion Z-test;
 *                                          drift when p < 0.05
 *   reference > 1,000 rows:
 *     numeric column, n_values > 5      → Wasserstein-1 / max(np.std(reference), 0.001), drift when ≥ 0.1
 *     numeric n_values ≤ 5 / categorical → Jensen–Shannon distance in nats, drift when ≥ 0.1
 *   dataset drift when (drifted columns / columns) ≥ 0.5 (`get_dataset_drift`, drift_share = 0.5).
 *
 * Details kept from the source:
 * - "numeric" is the column's dtype (a number column); a number column with ≤ 5 distinct values goes
 *   to the categorical tests, as above.
 * - chi-squared (`chisquare_stattest.py`) is a goodness-of-fit test, not a contingency test:
 *   `scipy.stats.chisquare(f_obs = current counts, f_exp = reference counts × n_cur / n_ref)` over the
 *   union of values, dof = k − 1. A value absent from the reference has f_exp = 0, which makes the
 *   statistic infinite and p = 0.
 * - Z-test (`z_stattest.py`): the indicator "value ≠ the smallest value" on each side, pooled
 *   two-proportion z, two-sided p = 2·(1 − Φ(|z|)); p = 1 when both sides hold one and the same value.
 * - Jensen–Shannon (`jensenshannon.py` → `get_binned_data(..., feel_zeroes=False)`): for these
 *   columns the bins are the union of distinct values (no smoothing), so a new category has its own bin.
 *   It calls `scipy.spatial.distance.jensenshannon` without a base, so the distance is in nats: our base-2
 *   distance × √ln 2. (This emulation read it as base 2 until test/eval/peers-agree.test.ts ran it beside
 *   Evidently 0.7.23 on bank's windows and found the scores 1.2× Evidently's.)
 *
 * test/eval/peers-agree.test.ts checks this emulation against Evidently itself on the same windows; `npm run
 * eval` reports Evidently's own figures, not this emulation's.
 */
import { jensenShannon, normalizedWasserstein } from '../../../lambda/core/drift';
import { chiSquaredSurvival, ks2samp } from '../../../lambda/core/stats';
import type { Column, Dataset } from '../../../lambda/core/types';
import { finiteValues, total, unionCounts, valueCounts } from './columns';

export const EVIDENTLY_SMALL_REFERENCE = 1000;
export const EVIDENTLY_P_VALUE = 0.05;
export const EVIDENTLY_DISTANCE = 0.1;
export const EVIDENTLY_DRIFT_SHARE = 0.5;

export type EvidentlyTest = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon';

export interface EvidentlyColumnResult {
  readonly name: string;
  readonly test: EvidentlyTest;
  /** p-value for ks/chisquare/z, distance for wasserstein/jensenshannon. */
  readonly score: number;
  readonly drifted: boolean;
}

export interface EvidentlyResult {
  readonly drift: boolean;
  readonly share: number;
  readonly columns: readonly EvidentlyColumnResult[];
}

/** Which default test Evidently picks for a column. */
export function evidentlyTest(kind: Column['kind'], referenceRows: number, distinctValues: number): EvidentlyTest {
  const categoricalLike = kind === 'categorical' || distinctValues <= 5;
  if (referenceRows <= EVIDENTLY_SMALL_REFERENCE) {
    if (!categoricalLike) return 'ks';
    return distinctValues > 2 ? 'chisquare' : 'z';
  }
  return categoricalLike ? 'jensenshannon' : 'wasserstein';
}

/**
 * Evidently's default dataset drift for one window: every column of `reference` is compared with
 * the same-named column of `current`.
 *
 * @example evidentlyDrift(referenceRows, windowRows).drift // true when ≥ 50% of columns drift
 */
export function evidentlyDrift(reference: Dataset, current: Dataset): EvidentlyResult {
  const byName = new Map(current.columns.map((c) => [c.name, c]));
  const columns = reference.columns.map((ref) => {
    const cur = byName.get(ref.name);
    if (!cur) throw new Error(`column ${JSON.stringify(ref.name)} is not in the current window`);
    return evidentlyColumn(ref, cur);
  });
  const drifted = columns.filter((c) => c.drifted).length;
  const share = drifted / columns.length;
  return { drift: share >= EVIDENTLY_DRIFT_SHARE, share, columns };
}

function evidentlyColumn(ref: Column, cur: Column): EvidentlyColumnResult {
  const refCounts = valueCounts(ref);
  const curCounts = valueCounts(cur);
  const { reference, current } = unionCounts(refCounts, curCounts);
  const distinct = reference.length;
  const test = evidentlyTest(ref.kind, total(refCounts), distinct);
  const result = (score: number, drifted: boolean) => ({ name: ref.name, test, score, drifted });
  switch (test) {
    case 'ks': {
      const { pValue } = ks2samp(finiteValues(ref), finiteValues(cur));
      return result(pValue, pValue <= EVIDENTLY_P_VALUE);
    }
    case 'wasserstein': {
      const distance = normalizedWasserstein(finiteValues(ref), finiteValues(cur));
      return result(distance, distance >= EVIDENTLY_DISTANCE);
    }
    case 'jensenshannon': {
      const distance = jensenShannon(reference, current) * Math.sqrt(Math.LN2);
      return result(distance, distance >= EVIDENTLY_DISTANCE);
    }
    case 'chisquare': {
      const p = chiSquareGoodnessOfFit(reference, current);
      return result(p, p < EVIDENTLY_P_VALUE);
    }
    case 'z': {
      const p = proportionZTest(reference, current);
      return result(p, p < EVIDENTLY_P_VALUE);
    }
  }
}

/** p-value of `scipy.stats.chisquare(current, reference × n_cur / n_ref)`. */
export function chiSquareGoodnessOfFit(reference: readonly number[], current: readonly number[]): number {
  const nRef = reference.reduce((a, b) => a + b, 0);
  const nCur = current.reduce((a, b) => a + b, 0);
  let statistic = 0;
  for (let k = 0; k < reference.length; k++) {
    const expected = (reference[k] * nCur) / nRef;
    const observed = current[k];
    statistic += expected === 0 ? (observed === 0 ? NaN : Infinity) : (observed - expected) ** 2 / expected;
  }
  if (Number.isNaN(statistic)) return NaN;
  if (statistic === Infinity) return 0;
  return chiSquaredSurvival(statistic, reference.length - 1);
}

/**
 * Evidently's two-proportion Z-test on counts over the (sorted) union of values: the proportion of
 * rows that are not the first value, pooled; two-sided p. P(χ²₁ > z²) = 2·(1 − Φ(|z|)).
 */
export function proportionZTest(reference: readonly number[], current: readonly number[]): number {
  if (reference.length === 1) return 1; // one value, the same on both sides
  const n1 = reference.reduce((a, b) => a + b, 0);
  const n2 = current.reduce((a, b) => a + b, 0);
  const p1 = (n1 - reference[0]) / n1;
  const p2 = (n2 - current[0]) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return chiSquaredSurvival(z * z, 1);
}
