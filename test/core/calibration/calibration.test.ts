import fc from 'fast-check';
import { calibrate, Calibration, MetricWindow, ratioToBaseline, statusFor } from '../../../lambda/core/calibration';

/** 14 daily windows of a recall around 0.9. */
const days: MetricWindow[] = Array.from({ length: 14 }, (_, i) => ({ value: 0.88 + (i % 5) * 0.01, sampleSize: 100 + 10 * i }));

function calibrated(metric: string, direction: 'higher_is_better' | 'lower_is_better', windows: MetricWindow[]): Calibration {
  const r = calibrate(metric, direction, windows);
  if (!r.ok) throw new Error(r.error.message);
  return r.calibration;
}

describe('calibrate', () => {
  it('takes the sample-size-weighted mean of the baseline windows', () => {
    const c = calibrated('recall', 'higher_is_better', days);
    const n = days.reduce((s, d) => s + d.sampleSize, 0);
    const mean = days.reduce((s, d) => s + d.value! * d.sampleSize, 0) / n;
    expect(c.baseline).toBeCloseTo(mean, 15);
    expect(c.samples).toBe(n);
    expect(c.windows).toBe(14);
    expect(c.method).toBe('sample_weighted_mean');
  });

  it('equals the pooled metric: windows of 9/10 and 400/500 give 409/510, not their plain mean', () => {
    const windows = Array.from({ length: 7 }, (_, i) => (i === 0 ? { value: 0.9, sampleSize: 10 } : { value: 0.8, sampleSize: 500 }));
    const c = calibrated('accuracy', 'higher_is_better', windows);
    expect(c.baseline).toBeCloseTo((9 + 6 * 400) / 3010, 15);
  });

  it('sets warning at baseline × 0.90 and critical at × 0.80 for higher-is-better', () => {
    const c = calibrated('recall', 'higher_is_better', Array(7).fill({ value: 0.5, sampleSize: 200 }));
    expect(c).toMatchObject({ baseline: 0.5, warning: 0.45, critical: 0.4, warningRatio: 0.9, criticalRatio: 0.8, direction: 'higher_is_better' });
  });

  it('mirrors for lower-is-better: warning at baseline × 1.10, critical at × 1.20', () => {
    const c = calibrated('mae', 'lower_is_better', Array(7).fill({ value: 20, sampleSize: 200 }));
    expect(c.warning).toBeCloseTo(22, 12);
    expect(c.critical).toBeCloseTo(24, 12);
    expect([c.warningRatio, c.criticalRatio]).toEqual([0.9, 0.8]);
  });

  it('refuses below 7 windows, naming the metric, what it saw and what it needs', () => {
    const r = calibrate('fraud_dollars_caught', 'higher_is_better', days.slice(0, 6).map((d) => ({ ...d, sampleSize: 500 })));
    expect(r).toEqual({
      ok: false,
      error: {
        kind: 'insufficient_samples',
        metric: 'fraud_dollars_caught',
        windowsSeen: 6,
        windowsNeeded: 7,
        samplesSeen: 3000,
        samplesNeeded: 1000,
        message: 'fraud_dollars_caught: not calibrated: 6 of 7 windows, 3000 of 1000 labelled rows',
      },
    });
  });

  it('refuses below 1,000 labelled rows, and the guards are options', () => {
    const small = Array(10).fill({ value: 0.9, sampleSize: 50 });
    const r = calibrate('recall', 'higher_is_better', small);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'insufficient_samples', samplesSeen: 500, samplesNeeded: 1000 });
    expect(calibrate('recall', 'higher_is_better', small, { minSamples: 500 }).ok).toBe(true);
    expect(calibrate('recall', 'higher_is_better', small.slice(0, 3), { minWindows: 3, minSamples: 100 }).ok).toBe(true);
  });

  it('skips windows with no value or no samples: they do not count toward the guard', () => {
    const windows: MetricWindow[] = [...Array(6).fill({ value: 0.9, sampleSize: 300 }), { value: null, sampleSize: 0 }, { value: 0.1, sampleSize: 0 }];
    const r = calibrate('recall', 'higher_is_better', windows);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ windowsSeen: 6, samplesSeen: 1800 });
  });

  it('refuses a baseline that is not positive', () => {
    const r = calibrate('profit', 'higher_is_better', Array(7).fill({ value: 0, sampleSize: 1000 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'non_positive_baseline', metric: 'profit', baseline: 0 });
  });

  it('throws on invalid input, naming the window', () => {
    expect(() => calibrate('recall', 'higher_is_better', [{ value: Number.NaN, sampleSize: 3 }])).toThrow(
      'calibration of "recall": windows[0].value must be a finite number or null, got NaN',
    );
    expect(() => calibrate('recall', 'higher_is_better', [{ value: 1, sampleSize: -3 }])).toThrow('windows[0].sampleSize must be a non-negative integer, got -3');
    expect(() => calibrate('recall', 'higher_is_better', days, { warningTolerance: 0.3, criticalTolerance: 0.2 })).toThrow(/warningTolerance < criticalTolerance/);
    expect(() => calibrate('recall', 'up' as never, days)).toThrow(/direction must be higher_is_better or lower_is_better, got "up"/);
  });

  it('is plain JSON', () => {
    const c = calibrated('recall', 'higher_is_better', days);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(c.format).toBe('driftwatch.calibration/v1');
  });
});

describe('ratioToBaseline and statusFor', () => {
  const recall = calibrated('recall', 'higher_is_better', Array(7).fill({ value: 0.5, sampleSize: 200 }));
  const mae = calibrated('mae', 'lower_is_better', Array(7).fill({ value: 20, sampleSize: 200 }));

  it('higher-is-better: ratio = value / baseline; below 0.9 warning, below 0.8 critical', () => {
    expect(ratioToBaseline(0.5, recall)).toBe(1);
    expect(ratioToBaseline(0.46, recall)).toBeCloseTo(0.92, 15);
    expect(statusFor(0.55, recall)).toBe('ok');
    expect(statusFor(0.46, recall)).toBe('ok');
    expect(statusFor(0.44, recall)).toBe('warning');
    expect(statusFor(0.39, recall)).toBe('critical');
  });

  it('lower-is-better: ratio = 2 − value / baseline, lower still worse; the status flips at 1.1× and 1.2× the baseline', () => {
    expect(ratioToBaseline(20, mae)).toBe(1);
    expect(ratioToBaseline(10, mae)).toBe(1.5);
    expect(ratioToBaseline(0, mae)).toBe(2);
    expect(ratioToBaseline(22, mae)).toBeCloseTo(0.9, 15);
    expect(ratioToBaseline(24, mae)).toBeCloseTo(0.8, 15);
    expect(statusFor(21.9, mae)).toBe('ok');
    expect(statusFor(22.1, mae)).toBe('warning');
    expect(statusFor(24.1, mae)).toBe('critical');
    expect(statusFor(60, mae)).toBe('critical');
  });

  it('agrees with the calibrated thresholds away from the boundary, for both directions (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.constantFrom('higher_is_better' as const, 'lower_is_better' as const),
        (base, factor, direction) => {
          const c = calibrated('m', direction, Array(7).fill({ value: base, sampleSize: 1000 }));
          const value = base * factor;
          // signed distance to each threshold, relative to the baseline: negative = worse than it
          const sign = direction === 'higher_is_better' ? 1 : -1;
          const fromCritical = (sign * (value - c.critical)) / base;
          const fromWarning = (sign * (value - c.warning)) / base;
          if (Math.abs(fromCritical) < 1e-9 || Math.abs(fromWarning) < 1e-9) return; // on a boundary: rounding decides
          const expected = fromCritical < 0 ? 'critical' : fromWarning < 0 ? 'warning' : 'ok';
          expect(statusFor(value, c)).toBe(expected);
          expect(ratioToBaseline(value, c) < c.warningRatio).toBe(expected !== 'ok');
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('rejects a non-finite value, naming the metric', () => {
    expect(() => statusFor(Number.NaN, recall)).toThrow('ratio to baseline of "recall": value must be a finite number, got NaN');
  });
});
