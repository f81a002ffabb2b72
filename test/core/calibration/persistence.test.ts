import { LOWERED_FLOOR_WINDOWS, loweredFloor, persistLoweredFloor, RUN_P_VALUE, type LoweredFloor } from '../../../lambda/core/calibration';
import { STRICT_P_VALUE } from '../../../lambda/core/defaults';
import { resolveThresholds } from '../../../lambda/core/severity';
import type { FeatureDrift } from '../../../lambda/core/types';

/** 'persistent': two windows in a row. */
const floor: LoweredFloor = { minEffectCritical: 0.04, pValueCritical: STRICT_P_VALUE, windows: 2 };
const floors = { price: floor };
/** 'numeric', the default: one window. */
const oneWindow = { price: { ...floor, windows: 1 } };
const quiet = { importanceConfigured: false };

/** A numeric feature with KS `statistic` at `pValue`, in warning under the default floor. */
function price(statistic: number, pValue: number, extra: Partial<FeatureDrift> = {}): FeatureDrift {
  return {
    name: 'price',
    kind: 'numeric',
    psi: 0.05,
    jensenShannon: null,
    lInfinity: null,
    ks: { statistic, pValue },
    wasserstein: 0.1,
    chiSquared: null,
    missingRate: { reference: 0, current: 0 },
    status: 'ok',
    importance: 1,
    impact: 0.05,
    reasons: [],
    ...extra,
  };
}

/** Feeds windows in order, carrying the runs as the monitor's state does; the statuses per window. */
function replay(windows: readonly FeatureDrift[], options = quiet, judgedBy: Record<string, LoweredFloor> = floors): string[] {
  let runs: Record<string, number> = {};
  return windows.map((f) => {
    const out = persistLoweredFloor([f], judgedBy, runs, options);
    runs = JSON.parse(JSON.stringify(out.runs)); // state is stored as JSON
    return out.features[0].status;
  });
}

describe("persistLoweredFloor with one window (lowerEffect 'numeric', the default): the window over the floor pages", () => {
  it('pages a window at the strict p-value, with the floor and p-value in the reason', () => {
    const out = persistLoweredFloor([price(0.05, 1e-6)], oneWindow, {}, quiet);
    expect(out.features[0].status).toBe('critical');
    expect(out.features[0].reasons.at(-1)).toBe("critical: KS statistic 0.050 >= the reference's lowered floor 0.040 (p-value 1.00e-6 < 0.0001)");
    expect(out.runs).toEqual({ price: 1 });
  });

  it('does not page at p 0.005 (a run would start there) nor below the floor', () => {
    expect(replay([price(0.05, 0.005), price(0.039, 1e-9), price(0.05, 1e-6)], quiet, oneWindow)).toEqual(['ok', 'ok', 'critical']);
    expect(persistLoweredFloor([price(0.05, 0.005)], oneWindow, {}, quiet).runs).toEqual({});
  });

  it('counts how long it has held in the reason', () => {
    const out = persistLoweredFloor([price(0.05, 1e-6)], oneWindow, { price: 2 }, quiet);
    expect(out.features[0].reasons.at(-1)).toMatch(/\(p-value 1\.00e-6 < 0\.0001\), 3 windows in a row over it$/);
  });

  it('keeps the importance cap', () => {
    expect(replay([price(0.05, 1e-6, { importance: 0.01 })], { importanceConfigured: true }, oneWindow)).toEqual(['ok']);
  });

  it('a floor stored without a window count (a reference fitted before the field) keeps two windows', () => {
    const stored = { price: { minEffectCritical: 0.04, pValueCritical: STRICT_P_VALUE } };
    expect(replay([price(0.05, 1e-6), price(0.05, 1e-6)], quiet, stored)).toEqual(['ok', 'critical']);
  });
});

describe("persistLoweredFloor with two windows (lowerEffect 'persistent'): the floor pages only when it holds in consecutive windows", () => {
  it('one window over the lowered floor does not page; two in a row do', () => {
    expect(LOWERED_FLOOR_WINDOWS).toBe(2);
    const first = persistLoweredFloor([price(0.05, 1e-6)], floors, {}, quiet);
    expect(first.features[0].status).toBe('ok');
    expect(first.runs).toEqual({ price: 1 });
    const second = persistLoweredFloor([price(0.05, 1e-6)], floors, first.runs, quiet);
    expect(second.features[0].status).toBe('critical');
    expect(second.features[0].reasons.at(-1)).toMatch(/KS statistic 0\.050 >= the reference's lowered floor 0\.040 \(p-value 1\.00e-6 < 0\.0001\), 2 windows in a row/);
    expect(second.runs).toEqual({ price: 2 });
  });

  it('a window below the floor resets the run', () => {
    expect(replay([price(0.05, 1e-6), price(0.01, 0.5), price(0.05, 1e-6), price(0.05, 1e-6)])).toEqual(['ok', 'ok', 'ok', 'critical']);
    expect(persistLoweredFloor([price(0.01, 0.5)], floors, { price: 3 }, quiet).runs).toEqual({});
  });

  it('the run needs p < RUN_P_VALUE, only the paging window needs the strict p-value', () => {
    expect(RUN_P_VALUE).toBe(0.01);
    // Where a drift starts the window holds part of it: p 0.005 starts the run, p 1e-6 then pages.
    expect(replay([price(0.05, 0.005), price(0.05, 1e-6)])).toEqual(['ok', 'critical']);
    // The other way round the second window is in the run but not strict enough to page.
    expect(replay([price(0.05, 1e-6), price(0.05, 0.005)])).toEqual(['ok', 'ok']);
    // p 0.02 is in no run.
    expect(replay([price(0.05, 0.02), price(0.05, 1e-6)])).toEqual(['ok', 'ok']);
  });

  it('an effect size below the floor is in no run, however small the p-value', () => {
    expect(replay([price(0.039, 1e-9), price(0.039, 1e-9)])).toEqual(['ok', 'ok']);
  });

  it('keeps the importance cap: a configured share below 5 % stays as it was', () => {
    expect(replay([price(0.05, 1e-6, { importance: 0.01 }), price(0.05, 1e-6, { importance: 0.01 })], { importanceConfigured: true })).toEqual(['ok', 'ok']);
    expect(replay([price(0.05, 1e-6, { importance: 0.01 }), price(0.05, 1e-6, { importance: 0.01 })])).toEqual(['ok', 'critical']);
  });

  it('leaves features without a floor and features already critical as they are', () => {
    const other = { ...price(0.05, 1e-6), name: 'other' };
    const out = persistLoweredFloor([other, price(0.3, 1e-30, { status: 'critical', reasons: ['critical: KS'] })], floors, { other: 5, price: 1 }, quiet);
    expect(out.features[0]).toBe(other);
    expect(out.features[1].reasons).toEqual(['critical: KS']);
    expect(out.runs).toEqual({ price: 2 });
  });

  it('refuses a window count below 1, naming the feature and the count', () => {
    expect(() => persistLoweredFloor([price(0.05, 1e-6)], { price: { ...floor, windows: 0 } }, {}, quiet)).toThrow('lowered floor of "price": windows must be an integer >= 1, got 0');
  });
});

describe('loweredFloor: the band a steady reference lowers the critical effect size to', () => {
  const base = resolveThresholds('x');
  const steady = { name: 'x', psi: null, effect: { mean: 0.03, std: 0.005, windows: 12 } };

  it('is the band at p < STRICT_P_VALUE by default, and none when off, pinned or noisy', () => {
    expect(loweredFloor(steady, base)).toEqual({ minEffectCritical: expect.closeTo(0.0509, 3), pValueCritical: STRICT_P_VALUE });
    expect(loweredFloor(steady, base, { lowerEffect: false })).toBeNull();
    expect(loweredFloor({ ...steady, test: 'wasserstein' }, base)).toBeNull();
    expect(loweredFloor({ ...steady, effect: { mean: 0.2, std: 0.05, windows: 12 } }, base)).toBeNull();
  });
});
