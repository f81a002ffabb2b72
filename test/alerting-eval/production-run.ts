/**
 * The day-in-production fixture (`test/monitor/production.ts`: drift from hour 30) with two more
 * phases, for the alarm tests, leaving the fixture itself as its other users know it:
 * - hours 48-59: the drift ends — each hour's rows are hour (h − 42)'s pre-drift rows again, with
 *   their own prediction ids and times, so windows 8 and 9 look like window 1;
 * - hours 60-65: traffic stops — nothing is logged, the monitor keeps running.
 * The monitor runs as in production, hour by hour, with the real engine (`runProfile`, `runScore`),
 * DuckDB over Firehose-layout Parquet and the memory adapters: each hour's profile run 25 minutes
 * after it ends, each 6-hour window scored right after. Every datum the monitor publishes is kept
 * with the time of the run that published it (when CloudWatch would have it). One knob differs from
 * production: the performance baseline is the first 2 windows with at least 100 labelled rows per
 * metric (production: `baseline.days` of windows, 56 six-hour windows for 14 days, and 1,000 rows), so
 * every metric's ratio to baseline — precision and recall count only the positives, ~4% of 2008's rows — is
 * published within the run.
 */
import { MemoryEventSink, MemoryMetricsSink, MemoryObjectStore } from '../../lambda/adapters/local';
import type { MetricDatum } from '../../lambda/ports/metrics-sink';
import type { ObjectStore } from '../../lambda/ports';
import { monitorSettingsFromConfig } from '../../lambda/monitor/from-config';
import { monitorKeys } from '../../lambda/monitor/layout';
import { serializeReference } from '../../lambda/monitor/reference';
import { runProfile } from '../../lambda/monitor/run-profile';
import { runScore } from '../../lambda/monitor/run-score';
import { config, HOURS, model, production, productionReference, START, tables, WINDOW, writeProduction, type Production } from '../monitor/production';
import { openDuckDb, tempDir } from '../support/duckdb';

export const HOUR_MS = 3_600_000;
/** The first hour after the drift (hours 30-47 drift). */
export const RECOVERED_FROM_HOUR = HOURS;
/** The first hour without traffic. */
export const NO_TRAFFIC_FROM_HOUR = HOURS + 12;
/** Hours the monitor runs for. */
export const RUN_HOURS = NO_TRAFFIC_FROM_HOUR + 6;
/** The fixture's model, calibrating its performance baseline on 2 windows of at least 100 labelled rows per metric. */
export const engineModel = { ...model, baseline: { windows: 2, minSamples: 100 } };

/** A datum as published, with the time the run that published it ran. */
export interface EmittedDatum extends MetricDatum {
  readonly namespace: string;
  readonly emittedAt: number;
}

export interface ProductionRun {
  readonly emitted: readonly EmittedDatum[];
  /** Each window scored: its index, end, and the dataset status the engine decided. */
  readonly windows: readonly { index: number; end: string; status: string | null }[];
}

/** The fixture with the drift ending at hour 48 (the first 48 hours are the fixture's, unchanged). */
export function productionWithRecovery(): Production {
  const p = production();
  const recovered = Array.from({ length: NO_TRAFFIC_FROM_HOUR - RECOVERED_FROM_HOUR }, (_, i) => {
    const h = RECOVERED_FROM_HOUR + i;
    return p.hours[h - 42].map((r, j) => ({ ...r, prediction_id: `r-${h}-${j}`, event_time: new Date(START + h * HOUR_MS + Math.floor((j * HOUR_MS) / 300)).toISOString() }));
  });
  return { reference: p.reference, hours: [...p.hours, ...recovered] };
}

/** 25 minutes after hour h ended: hour h is settled (settle delay 20 minutes). */
export const afterHour = (h: number) => START + (h + 1) * HOUR_MS + 25 * 60_000;

export interface ProductionOptions {
  /** Where the monitor keeps its state and writes its reports. @default a memory store */
  readonly store?: ObjectStore;
  /** Called after each hour's runs (the profile, and the score when a window ended), at their time, with everything published so far. */
  readonly afterRuns?: (t: number, emitted: readonly EmittedDatum[]) => Promise<void>;
}

/** Runs the monitor over the whole timeline and returns what it published, each datum with its emission time. */
export async function runProduction(options: ProductionOptions = {}): Promise<ProductionRun> {
  const engine = await openDuckDb();
  const dir = tempDir('dw-alarm-eval-');
  try {
    const data = productionWithRecovery();
    await writeProduction(engine, dir.dir, data, NO_TRAFFIC_FROM_HOUR);
    const metrics = new MemoryMetricsSink();
    const clock = { t: 0, now() { return new Date(this.t); } };
    const ports = { query: engine, store: options.store ?? new MemoryObjectStore('bucket'), events: new MemoryEventSink(), metrics, clock };
    await ports.store.putJson(monitorKeys.reference(engineModel.modelId), serializeReference(productionReference(data)));
    const settings = monitorSettingsFromConfig(config, 14);
    const emitted: EmittedDatum[] = [];
    const windows: { index: number; end: string; status: string | null }[] = [];
    const stamp = () => emitted.push(...metrics.published.slice(emitted.length).map((d) => ({ ...d, emittedAt: clock.t })));
    for (let h = 0; h < RUN_HOURS; h++) {
      clock.t = afterHour(h);
      await runProfile(ports, engineModel, tables, settings, {});
      stamp();
      if ((h + 1) % WINDOW.hours === 0) {
        const out = await runScore(ports, engineModel, tables, settings, WINDOW.name);
        stamp();
        if (out.status === 'scored') windows.push({ index: windows.length, end: String(out.window.end), status: out.window.sample ? null : out.window.drift.status });
      }
      await options.afterRuns?.(clock.t, emitted);
    }
    return { emitted, windows };
  } finally {
    engine.close();
    dir.remove();
  }
}
