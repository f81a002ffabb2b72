/**
 * ADWIN (ADaptive WINdowing, Bifet & Gavaldà 2007), ported from river's `river.drift.ADWIN`.
 *
 * Source followed line by line (github.com/online-ml/river):
 * - `rust_src/adwin.rs` @ b12bc5d2b7ddc0d458b0ce524b5070f1a61122a5 — the `AdaptiveWindowing` helper
 *   (bucket rows, compression, cut checking) that `river.drift.adwin_c` re-exports; it keeps the
 *   arithmetic of the last Cython `adwin_c.pyx`, whose cut loop visits every entry of each bucket row.
 * - `river/drift/adwin.py` — the `ADWIN` wrapper: when the previous update detected a drift, the
 *   next update first discards the whole window (a fresh helper), then inserts the value.
 *
 * The order of floating-point operations is the same as river's, so detections, width, total and
 * variance are bit-identical to river on the same stream (test/fixtures/generate_metrics.py checks
 * a python transcription against the indices river publishes, and the tests compare to it).
 *
 * Deviations, all outside river's behaviour on valid input: non-finite values and invalid options
 * throw instead of silently poisoning the window; `totalDetections` counts detections across the
 * resets (river's `n_detections` lives in the helper and so is reset with it: it is 0 or 1).
 */
import { AdwinOptions, ResolvedAdwinOptions, resolveAdwinOptions } from './options';
import { detectChange, emptyWindow, insertElement, WindowState } from './window';
import { ADWIN_STATE_FORMAT, AdwinState, parseAdwinState } from './state';

/**
 * A concept-drift detector on a stream of numbers (a proxy metric: mean score, positive rate,
 * 0/1 errors...). ADWIN keeps the longest recent window whose two halves have no significantly
 * different means; a cut that drops old data is a detected drift.
 *
 * @example
 * const adwin = new Adwin();
 * for (const [i, x] of values.entries()) if (adwin.update(x)) console.log(`drift at ${i}`);
 * await store.put('adwin.json', JSON.stringify(adwin)); // next run: Adwin.fromJSON(JSON.parse(text))
 */
export class Adwin {
  /** Rebuilds a detector from `toJSON()` output; throws naming the first invalid field. */
  static fromJSON(state: unknown): Adwin {
    const parsed = parseAdwinState(state);
    const adwin = new Adwin(parsed.options);
    adwin.window = parsed.window;
    adwin._driftDetected = parsed.driftDetected;
    adwin._totalDetections = parsed.totalDetections;
    adwin._updates = parsed.updates;
    return adwin;
  }

  readonly options: ResolvedAdwinOptions;
  private window: WindowState = emptyWindow();
  private _driftDetected = false;
  private _totalDetections = 0;
  private _updates = 0;

  constructor(options: AdwinOptions = {}) {
    this.options = resolveAdwinOptions(options);
  }

  /** Whether the last update detected a drift (river's `drift_detected`). */
  get driftDetected(): boolean {
    return this._driftDetected;
  }
  /** Number of values in the current window. */
  get width(): number {
    return this.window.width;
  }
  /** Sum of the values in the window. */
  get total(): number {
    return this.window.total;
  }
  /** Sum of squared deviations from the window mean (river's `variance`: not divided by width). */
  get variance(): number {
    return this.window.variance;
  }
  /** Mean of the window, 0 when it is empty. */
  get estimation(): number {
    return this.window.width === 0 ? 0 : this.window.total / this.window.width;
  }
  /** river's `n_detections`: detections since the last reset, so 0 or 1. */
  get nDetections(): number {
    return this.window.nDetections;
  }
  /** Detections since this detector was created (survives resets and JSON round trips). */
  get totalDetections(): number {
    return this._totalDetections;
  }
  /** Values seen since this detector was created. */
  get updates(): number {
    return this._updates;
  }

  /** Adds one value; returns true when it completes a drift (same as reading `driftDetected`). */
  update(x: number): boolean {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new Error(`ADWIN update needs a finite number, got ${String(x)} (update #${this._updates})`);
    }
    if (this._driftDetected) {
      this.window = emptyWindow();
      this._driftDetected = false;
    }
    insertElement(this.window, this.options, x, 0);
    this._driftDetected = detectChange(this.window, this.options);
    this._updates += 1;
    if (this._driftDetected) this._totalDetections += 1;
    return this._driftDetected;
  }

  /** Feeds values in order; returns the positions (within `values`) where a drift was detected. */
  updateMany(values: Iterable<number>): number[] {
    const found: number[] = [];
    let i = 0;
    for (const x of values) {
      if (this.update(x)) found.push(i);
      i += 1;
    }
    return found;
  }

  /** Plain, versioned JSON state: store it and resume with `Adwin.fromJSON` on the next run. */
  toJSON(): AdwinState {
    const w = this.window;
    return {
      format: ADWIN_STATE_FORMAT,
      options: { ...this.options },
      driftDetected: this._driftDetected,
      totalDetections: this._totalDetections,
      updates: this._updates,
      window: {
        total: w.total,
        variance: w.variance,
        width: w.width,
        totalWidth: w.totalWidth,
        nBuckets: w.nBuckets,
        maxNBuckets: w.maxNBuckets,
        tick: w.tick,
        nDetections: w.nDetections,
        rows: w.rows.map((r) => ({ totals: [...r.totals], variances: [...r.variances] })),
      },
    };
  }
}
