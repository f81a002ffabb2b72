import {
  bandThresholds,
  DRIFT_BAND_DEFAULTS,
  driftBands,
  referenceWindowReports,
  type FeatureBand,
} from '../../../lambda/core/calibration';
import { compareProfiles } from '../../../lambda/core/compare';
import { STRICT_P_VALUE } from '../../../lambda/core/defaults';
import { fitDatasetProfile, observeDatasetProfile } from '../../../lambda/core/profile';
import { resolveThresholds } from '../../../lambda/core/severity';
import type { Dataset, DriftReport, FeatureDrift, FeatureKind, NumericColumn } from '../../../lambda/core/types';
import { prng } from '../../support/random';
import * as fs from 'fs';
import * as path from 'path';

/** scipy's prediction multipliers: t.isf(norm.sf(k), n − 1)·√((n+1)/(n−1)) (test/fixtures/generate_student_t.py). */
const SCIPY: { predictionMultipliers: { k: number; windows: number; multiplier: number }[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/student_t.json'), 'utf8'),
);
function sigmas(k: number, windows: number): number {
  const found = SCIPY.predictionMultipliers.find((m) => m.k === k && m.windows === windows);
  if (!found) throw new Error(`no scipy multiplier for k=${k}, ${windows} windows`);
  return found.multiplier;
}

/** A feature's drift as a report holds it; only PSI and the effect size matter to the bands. */
function drift(name: string, kind: FeatureKind, psi: number | null, effect: number | null): FeatureDrift {
  return {
    name,
    kind,
    status: 'ok',
    psi,
    // The effect is the KS statistic for numeric features and the JS distance for categorical
    // ones; the other measure holds a decoy value that must not be picked up.
    jensenShannon: kind === 'categorical' ? effect : 0.987,
    ks: kind === 'numeric' && effect !== null ? { statistic: effect, pValue: 1e-9 } : null,
    wasserstein: null,
    chiSquared: kind === 'categorical' && effect !== null ? { statistic: 99, pValue: 1e-9, dof: 3 } : null,
    lInfinity: null,
    missingRate: { reference: 0, current: 0 },
    importance: 0.5,
    impact: 0,
    reasons: [],
  };
}

function report(features: FeatureDrift[]): DriftReport {
  return {
    features,
    summary: { status: 'ok', drifted: [], driftedImportance: 0 },
    reference: { rows: 6000 },
    current: { rows: 1000 },
  };
}

/** Population mean and std written out (numpy's np.mean / np.std with its default ddof = 0). */
function meanStd(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  return { mean, std };
}

const PSIS = [0.1, 0.3, 0.2, 0.4, 0.2, 0.3, 0.1];
const KS = [0.12, 0.18, 0.15, 0.25, 0.1, 0.2, 0.14];
const JS = [0.05, 0.06, 0.05, 0.07, 0.05, 0.06, 0.05];

const handReports = () =>
  PSIS.map((p, i) => report([drift('price', 'numeric', p, KS[i]), drift('city', 'categorical', 0.01, JS[i])]));

const band = (bands: ReturnType<typeof driftBands>, name: string): FeatureBand => {
  if (!bands.ok) throw new Error(bands.reason);
  const found = bands.features.find((f) => f.name === name);
  if (!found) throw new Error(`no band for ${name}`);
  return found;
};

describe('driftBands: what the reference windows show', () => {
  it('mean and population std per feature, as numpy computes them', () => {
    const bands = driftBands(handReports());
    expect(bands).toMatchObject({ ok: true, windows: 7, multiplier: 3, warningMultiplier: 2 });
    const price = band(bands, 'price');
    expect(price.psi!.windows).toBe(7);
    // mean = 1.6 / 7; std = sqrt(Σ (x − mean)² / 7)
    expect(price.psi!.mean).toBeCloseTo(1.6 / 7, 14);
    expect(price.psi!.std).toBeCloseTo(meanStd(PSIS).std, 14);
    // The same figures from python: np.mean(PSIS), np.std(PSIS).
    expect(price.psi!.mean).toBeCloseTo(0.2285714285714286, 14);
    expect(price.psi!.std).toBeCloseTo(0.10301575072754256, 14);
    // Numeric features take the KS statistic as their effect size, categorical ones the JS distance.
    expect(price.effect!.mean).toBeCloseTo(0.16285714285714287, 14);
    expect(price.effect!.std).toBeCloseTo(0.047423407636279516, 14);
    expect(band(bands, 'city').effect!.mean).toBeCloseTo(meanStd(JS).mean, 14);
    expect(band(bands, 'city').effect!.std).toBeCloseTo(meanStd(JS).std, 14);
  });

  it('the thresholds: the 2σ and 3σ levels as prediction intervals for 7 windows, every other threshold unchanged', () => {
    const base = resolveThresholds('price');
    const bands = driftBands(handReports());
    const t = bandThresholds(band(bands, 'price'), base);
    // With 7 windows the 2σ level is mean + 2.906σ and the 3σ level mean + 5.663σ (scipy: see sigmas()).
    // From python: np.mean(PSIS) + m * np.std(PSIS), the same on the KS statistics.
    expect(t.psiWarning).toBeCloseTo(0.5279178607709565, 12);
    expect(t.psiCritical).toBeCloseTo(0.8119214108752453, 12);
    expect(t.minEffectWarning).toBeCloseTo(0.3006615832306345, 12);
    expect(t.minEffectCritical).toBeCloseTo(0.43140291192674507, 12);
    if (bands.ok) {
      expect(bands.warningSigmas).toBeCloseTo(sigmas(2, 7), 10);
      expect(bands.criticalSigmas).toBeCloseTo(sigmas(3, 7), 10);
    }
    expect(t).toMatchObject({ pValueWarning: 0.05, pValueCritical: 0.01, missingRateWarning: 0.05, missingRateCritical: 0.2 });
  });

  it('windows without a measure are skipped; a feature with fewer than minWindows values keeps its thresholds', () => {
    const reports = PSIS.map((p, i) =>
      report([
        drift('price', 'numeric', i === 0 ? null : p, i === 0 ? null : KS[i]),
        drift('empty', 'numeric', null, null),
        drift('sparse', 'numeric', i < 2 ? null : p, i < 2 ? null : KS[i]),
      ]),
    );
    const bands = driftBands(reports);
    expect(band(bands, 'price').psi!.mean).toBeCloseTo(meanStd(PSIS.slice(1)).mean, 14);
    expect(band(bands, 'price').psi!.windows).toBe(6);
    // 6 values: the interval is the one for 6 windows, not for the 7 the reference holds.
    expect(bandThresholds(band(bands, 'price'), resolveThresholds('price')).psiCritical).toBeCloseTo(
      meanStd(PSIS.slice(1)).mean + sigmas(3, 6) * meanStd(PSIS.slice(1)).std,
      10,
    );
    // 5 values is under the minimum of 6: no band, the defaults stay.
    expect(band(bands, 'sparse')).toEqual({ name: 'sparse', psi: null, effect: null });
    expect(band(bands, 'empty')).toEqual({ name: 'empty', psi: null, effect: null });
    expect(bandThresholds(band(bands, 'empty'), resolveThresholds('empty'))).toEqual(resolveThresholds('empty'));
  });

  it('other multipliers: the ones the bands were built with reach the thresholds', () => {
    const bands = driftBands(handReports(), { multiplier: 4.5, warningMultiplier: 1 });
    expect(bands).toMatchObject({ ok: true, multiplier: 4.5, warningMultiplier: 1 });
    if (!bands.ok) return;
    const { mean, std } = meanStd(PSIS);
    const t = bandThresholds(band(bands, 'price'), resolveThresholds('price'), bands);
    expect(t.psiWarning).toBeCloseTo(mean + sigmas(1, 7) * std, 10);
    expect(t.psiCritical).toBeCloseTo(mean + sigmas(4.5, 7) * std, 10);
  });
});

describe('bandThresholds: raise-only (the default; the opt-in lowering is in lower-effect.test.ts)', () => {
  const base = resolveThresholds('x');

  it('a feature whose reference windows barely move keeps the default thresholds', () => {
    const quiet: FeatureBand = { name: 'x', psi: { mean: 0.02, std: 0.005, windows: 10 }, effect: { mean: 0.03, std: 0.01, windows: 10 } };
    expect(bandThresholds(quiet, base, { lowerEffect: false })).toEqual(base);
  });

  it('a noisy feature gets raised thresholds, warning still below critical', () => {
    const noisy: FeatureBand = { name: 'x', psi: { mean: 0.35, std: 0.1, windows: 10 }, effect: { mean: 0.15, std: 0.05, windows: 10 } };
    const t = bandThresholds(noisy, base);
    // 10 windows: 2σ level = mean + 2.565σ, 3σ level = mean + 4.526σ (scipy).
    expect(t.psiWarning).toBeCloseTo(0.35 + sigmas(2, 10) * 0.1, 10);
    expect(t.psiCritical).toBeCloseTo(0.35 + sigmas(3, 10) * 0.1, 10);
    expect(t.minEffectWarning).toBeCloseTo(0.15 + sigmas(2, 10) * 0.05, 10);
    expect(t.minEffectCritical).toBeCloseTo(0.15 + sigmas(3, 10) * 0.05, 10);
    expect(t.psiWarning).toBeLessThanOrEqual(t.psiCritical);
    expect(t.minEffectWarning).toBeLessThanOrEqual(t.minEffectCritical);
  });

  it('a band between the two defaults raises only the warning threshold that it exceeds', () => {
    // 200 windows: warning mean + 2.023σ ≈ 0.2202 > 0.2 raises it; critical mean + 3.053σ ≈ 0.2305 < 0.25 stays.
    const t = bandThresholds({ name: 'x', psi: { mean: 0.2, std: 0.01, windows: 200 }, effect: null }, base);
    expect(t.psiWarning).toBeCloseTo(0.2 + sigmas(2, 200) * 0.01, 10);
    expect(t.psiCritical).toBe(0.25);
  });

  it('configured thresholds above the band stay as configured', () => {
    const configured = resolveThresholds('x', { psiWarning: 0.5, psiCritical: 0.8 });
    const t = bandThresholds({ name: 'x', psi: { mean: 0.3, std: 0.05, windows: 200 }, effect: null }, configured);
    expect(t).toEqual(configured);
  });

  it('a huge multiplier: PSI thresholds go to infinity (never fire), effect thresholds stop at 1, σ = 0 stays at the defaults', () => {
    const t = bandThresholds({ name: 'x', psi: { mean: 0.3, std: 0.05, windows: 12 }, effect: { mean: 0.1, std: 0.02, windows: 12 } }, base, {
      multiplier: 50,
      warningMultiplier: 45,
    });
    expect(t.psiCritical).toBe(Infinity);
    expect(t.minEffectCritical).toBe(1);
    const flat = bandThresholds({ name: 'x', psi: { mean: 0, std: 0, windows: 12 }, effect: null }, base, { multiplier: 50, warningMultiplier: 45 });
    expect(flat).toEqual(base);
  });

  it('effect-size thresholds never exceed 1 (the KS statistic and the JS distance cannot)', () => {
    const t = bandThresholds({ name: 'x', psi: null, effect: { mean: 0.7, std: 0.2, windows: 12 } }, base);
    expect(t.minEffectWarning).toBe(1);
    expect(t.minEffectCritical).toBe(1);
  });
});

describe('driftBands: too few windows', () => {
  it('fewer windows than the minimum keeps the defaults and says why, with the counts', () => {
    const bands = driftBands(handReports().slice(0, 2));
    expect(bands).toEqual({
      ok: false,
      windows: 2,
      reason:
        "the reference holds 2 windows of the monitoring size; calibrating drift thresholds needs at least 6 (NannyML's minimum): using the default thresholds",
    });
    expect(DRIFT_BAND_DEFAULTS.minWindows).toBe(6);
  });

  it('a configured minimum is the one named', () => {
    const bands = driftBands(handReports(), { minWindows: 8 });
    expect(bands.ok).toBe(false);
    if (!bands.ok) expect(bands.reason).toMatch(/holds 7 windows .* needs at least 8: using the default thresholds/);
    expect(driftBands(handReports().slice(0, 3), { minWindows: 3 }).ok).toBe(true);
  });
});

describe('drift band options', () => {
  it.each([
    ['multiplier NaN', { multiplier: NaN }, /multiplier must be a finite number, got NaN/],
    ['warningMultiplier Infinity', { warningMultiplier: Infinity }, /warningMultiplier must be a finite number, got Infinity/],
    ['warningMultiplier -1', { warningMultiplier: -1 }, /warningMultiplier must be >= 0, got -1/],
    ['multiplier 1.5 below the warning 2', { multiplier: 1.5 }, /multiplier must be >= warningMultiplier \(2\), got 1\.5/],
    ['minWindows 1', { minWindows: 1 }, /minWindows must be an integer >= 2 .*got 1$/],
    ['minWindows 6.5', { minWindows: 6.5 }, /minWindows must be an integer >= 2 .*got 6\.5/],
  ])('%s is refused, naming the option and the value', (_, options, message) => {
    expect(() => driftBands(handReports(), options)).toThrow(message);
  });

  it('bandThresholds refuses bad multipliers too', () => {
    const b: FeatureBand = { name: 'x', psi: { mean: 0.3, std: 0.1, windows: 12 }, effect: null };
    expect(() => bandThresholds(b, resolveThresholds('x'), { multiplier: 1, warningMultiplier: 2 })).toThrow(
      /multiplier must be >= warningMultiplier \(2\), got 1/,
    );
  });
});

describe('end to end on the profile path', () => {
  const WINDOW = 500;
  const random = prng(7);
  const normal = () => {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  /** A window of the monitoring size: A ~ N(muA, 1), B ~ N(0, 1). */
  const window = (muA: number): Dataset => ({
    rowCount: WINDOW,
    columns: [
      { kind: 'numeric', name: 'A', values: Float64Array.from({ length: WINDOW }, () => muA + normal()) },
      { kind: 'numeric', name: 'B', values: Float64Array.from({ length: WINDOW }, normal) },
    ],
  });
  const concat = (parts: Dataset[]): Dataset => ({
    rowCount: parts.reduce((n, p) => n + p.rowCount, 0),
    columns: ['A', 'B'].map((name) => ({
      kind: 'numeric' as const,
      name,
      values: Float64Array.from(parts.flatMap((p) => [...(p.columns.find((c) => c.name === name) as NumericColumn).values])),
    })),
  });

  // Twelve reference windows; A changes level every window (0, 1.5, 0, 1.5, ...), B is stationary.
  const parts = Array.from({ length: 12 }, (_, k) => window(k % 2 === 0 ? 0 : 1.5));
  const reference = fitDatasetProfile(concat(parts));
  const windows = parts.map((p) => observeDatasetProfile(p, reference));
  const reports = referenceWindowReports(reference, windows);
  const bands = driftBands(reports);

  it('each window is measured against the rest of the reference (leave-one-out)', () => {
    expect(reports).toHaveLength(12);
    for (const r of reports) expect(r).toMatchObject({ reference: { rows: 11 * WINDOW }, current: { rows: WINDOW } });
    // Under the fixed thresholds the level-changing feature alarms in every reference window.
    for (const r of reports) expect(r.features.find((f) => f.name === 'A')!.status).toBe('critical');
  });

  it("A's band is wide, B's keeps the defaults; with lowerEffect B's steady band lowers only its effect-size levels", () => {
    expect(bands.ok).toBe(true);
    const a = bandThresholds(band(bands, 'A'), resolveThresholds('A'));
    expect(bandThresholds(band(bands, 'B'), resolveThresholds('B'))).toEqual(resolveThresholds('B'));
    const b = bandThresholds(band(bands, 'B'), resolveThresholds('B'), { lowerEffect: true });
    expect(a.psiCritical).toBeGreaterThan(0.25);
    expect(a.minEffectCritical).toBeGreaterThan(0.2);
    expect(a.psiWarning).toBeLessThanOrEqual(a.psiCritical);
    expect(a.minEffectWarning).toBeLessThanOrEqual(a.minEffectCritical);
    const { minEffectWarning, minEffectCritical, pValueWarning, pValueCritical, ...rest } = b;
    const { minEffectWarning: w, minEffectCritical: c, pValueWarning: pw, pValueCritical: pc, ...defaults } = resolveThresholds('B');
    expect(rest).toEqual(defaults);
    expect(minEffectCritical).toBeLessThan(c);
    expect(minEffectWarning).toBeLessThan(w);
    expect([pValueWarning, pValueCritical]).toEqual([pc, STRICT_P_VALUE]);
  });

  it('a fresh window from A\'s usual regimes is no longer critical; a genuinely new level still is', () => {
    const thresholds = bandThresholds(band(bands, 'A'), resolveThresholds('A'));
    const judge = (muA: number, banded: boolean) =>
      compareProfiles(reference, observeDatasetProfile(window(muA), reference), banded ? { features: { A: { thresholds } } } : {})
        .features.find((f) => f.name === 'A')!.status;
    for (const mu of [0, 1.5]) {
      expect(judge(mu, false)).toBe('critical');
      expect(judge(mu, true)).not.toBe('critical');
    }
    expect(judge(6, true)).toBe('critical');
  });
});
