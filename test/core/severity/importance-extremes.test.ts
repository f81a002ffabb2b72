/**
 * Issue 14, class 3: importances near the double limit must weigh as their ratios say (the total
 * overflowed to Infinity, every share became 0 and every critical was capped to warning), and
 * all-zero importances weigh equally with a note saying so.
 */
import fc from 'fast-check';
import { compareDatasets } from '../../../lambda/core/compare';
import { importanceShares } from '../../../lambda/core/severity';
import type { Dataset, FeatureSpec } from '../../../lambda/core/types';
import { runBacktest, type BacktestConfig } from '../../../lambda/backtest';
import { renderText } from '../../../lambda/report';
import { syntheticConfig, syntheticHistory } from '../../backtest/synthetic';

/** Exact scaling by a power of two keeps every ratio of importances. */
const SCALE = 2 ** -1000;

const importances = fc.array(fc.oneof(fc.double({ min: 1e300, max: Number.MAX_VALUE, noNaN: true }), fc.constant(Number.MAX_VALUE), fc.constant(0)), {
  minLength: 2,
  maxLength: 12,
});

describe('importances near the double limit', () => {
  it('give the shares their ratios give, as the same importances scaled down', () => {
    fc.assert(
      fc.property(importances, fc.integer({ min: 0, max: 3 }), (values, unset) => {
        const names = values.map((_, i) => `f${i}`);
        const specs = (scale: number): Record<string, FeatureSpec> =>
          Object.fromEntries(names.map((n, i) => [n, i < unset ? {} : { importance: values[i] * scale }]));
        const big = importanceShares(names, specs(1));
        const small = importanceShares(names, specs(SCALE));
        const total = [...big.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 12);
        names.forEach((n) => {
          expect(Number.isFinite(big.get(n))).toBe(true);
          expect(big.get(n)).toBeCloseTo(small.get(n) as number, 12);
        });
        expect(big.configured).toBe(small.configured);
        expect(big.note).toBe(small.note);
      }),
      { numRuns: 300 },
    );
  });

  it('keep a critical feature critical: the verdict of the same importances scaled down', () => {
    const n = 400;
    const column = (name: string, shift: number) => ({ kind: 'numeric' as const, name, values: Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n + shift) });
    const reference: Dataset = { rowCount: n, columns: [column('a', 0), column('b', 0), column('c', 0)] };
    const current: Dataset = { rowCount: n, columns: [column('a', 5), column('b', 0), column('c', 0)] };
    fc.assert(
      fc.property(fc.tuple(importances.filter((v) => v.length === 3)), ([values]) => {
        const specs = (scale: number) => Object.fromEntries(['a', 'b', 'c'].map((name, i) => [name, { importance: values[i] * scale }]));
        const big = compareDatasets(reference, current, { features: specs(1) });
        const small = compareDatasets(reference, current, { features: specs(SCALE) });
        expect(big.features.map((f) => [f.name, f.status])).toEqual(small.features.map((f) => [f.name, f.status]));
        expect(big.summary.status).toBe(small.summary.status);
        expect(big.summary.driftedImportance).toBeCloseTo(small.summary.driftedImportance, 12);
      }),
      { numRuns: 200 },
    );
  });
});

describe('all-zero importances', () => {
  it('weigh equally, as without importances, and the report says it assumed so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }), (given, unset) => {
        const names = Array.from({ length: given + unset }, (_, i) => `f${i}`);
        const shares = importanceShares(names, Object.fromEntries(names.slice(0, given).map((n) => [n, { importance: 0 }])));
        names.forEach((name) => expect(shares.get(name)).toBeCloseTo(1 / names.length, 15));
        expect(shares.configured).toBe(false);
        expect(shares.note).toBe(`every configured importance is 0, so every feature weighs the same (1/${names.length}, as without importances)`);
      }),
    );
    const data: Dataset = { rowCount: 3, columns: [{ kind: 'numeric', name: 'x', values: Float64Array.of(1, 2, 3) }] };
    const report = compareDatasets(data, data, { features: { x: { importance: 0 } } });
    expect(report.summary.notes).toEqual(['every configured importance is 0, so every feature weighs the same (1/1, as without importances)']);
    expect(renderText(report)).toContain('\nNote: every configured importance is 0, so every feature weighs the same (1/1, as without importances).\n');
    expect(compareDatasets(data, data).summary).not.toHaveProperty('notes');
  });
});

describe('the backtest', () => {
  it('judges near-limit importances by their ratios and notes all-zero ones once', async () => {
    const config = (importance: (i: number) => number): BacktestConfig =>
      ({ ...syntheticConfig, features: syntheticConfig.features.map((f, i) => ({ ...f, importance: importance(i) })) }) as BacktestConfig;
    const data = syntheticHistory();
    const statuses = async (c: BacktestConfig) => (await runBacktest({ data, config: c })).windows.map((w) => w.features.map((f) => `${f.name}:${f.status}`).join(' '));
    const ratios = [0.5, 0.3, 0.2];
    // 5:3:2 with a total of 1.8 times the largest double.
    expect(await statuses(config((i) => ratios[i] * 1.8 * Number.MAX_VALUE))).toEqual(await statuses(config((i) => ratios[i])));
    const zero = await runBacktest({ data, config: config(() => 0) });
    expect(zero.notices).toEqual(['config: every configured importance is 0, so every feature weighs the same (1/3, as without importances)']);
  }, 60_000);
});
