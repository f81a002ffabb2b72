/**
 * Where the monitor keeps what it knows, under the data bucket (keys relative to the bucket):
 *
 * ```
 * monitor/<model>/reference/profile.json             the reference (profile, drift bands, thresholds): driftwatch.reference/v1
 * monitor/<model>/reference/bins/<referenceId>.json  its bins as JSON lines, for the Athena table of wide models
 * monitor/<model>/profiles/dt=YYYY-MM-DD/hour=HH.json one hour's profile: driftwatch.hour-profile/v1 (re-profiling overwrites)
 * monitor/<model>/samples/dt=YYYY-MM-DD/hour=HH.json  while no reference exists: a random sample of the hour's feature values (driftwatch.hour-sample/v1)
 * monitor/<model>/samples/baseline.json               the hours sampled so far and their row counts (driftwatch.baseline-samples/v1, conditional writes)
 * monitor/<model>/state/<window>.json                a window's state: alerts, ADWIN, calibration, since-when (conditional writes)
 * monitor/<model>/reports/<window>/<start>.json|.html the window's report (the renderers the CLI uses)
 * monitor/<model>/reports/<window>/latest.json       the newest report of the window (what the notifier reads)
 * ```
 *
 * The prediction and label logs themselves sit under `predictions/` and `labels/` (Firehose's layout,
 * `lambda/core/schema/record-schema.ts`). Every key is derived here and nowhere else.
 */
import { quoteIdentifier } from '../core/schema/identifier';

export const MONITOR_PREFIX = 'monitor/';

const HOUR_MS = 3_600_000;

function root(modelId: string): string {
  quoteIdentifier(modelId); // a validated identifier: safe in a key, no '/' or '..'
  return `${MONITOR_PREFIX}${modelId}/`;
}

/** A window name as it appears in keys and dimensions ('1d', '7d', '6h'). */
function checkWindowName(name: string): string {
  if (!/^[0-9]{1,4}[hd]$/.test(name)) throw new Error(`window name ${JSON.stringify(name)} is not like '1d', '7d' or '6h'`);
  return name;
}

/** The UTC hour (ms since epoch, truncated) as dt=YYYY-MM-DD/hour=HH. */
function hourPath(hourStart: Date): string {
  const t = hourStart.getTime();
  if (!Number.isFinite(t) || t % HOUR_MS !== 0) throw new Error(`hour ${String(hourStart)} is not the start of a UTC hour`);
  const iso = hourStart.toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

export const monitorKeys = {
  /** Everything the monitor writes for a model (IAM scoping). */
  root,
  reference: (modelId: string) => `${root(modelId)}reference/profile.json`,
  referenceBins: (modelId: string, referenceId: string) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(referenceId)) throw new Error(`reference id ${JSON.stringify(referenceId)} is not 1-64 letters, digits, _ or -`);
    return `${root(modelId)}reference/bins/${referenceId}.json`;
  },
  /** The prefix of the reference-bins table (an Athena table over JSON lines). */
  referenceBinsPrefix: (modelId: string) => `${root(modelId)}reference/bins/`,
  hourProfile: (modelId: string, hourStart: Date) => `${root(modelId)}profiles/${hourPath(hourStart)}.json`,
  /** One baseline hour's sample, kept to fit the reference from production (`fit-from-production.ts`). */
  hourSample: (modelId: string, hourStart: Date) => `${root(modelId)}samples/${hourPath(hourStart)}.json`,
  /** Which baseline hours are sampled (the store cannot list keys). */
  baselineSamples: (modelId: string) => `${root(modelId)}samples/baseline.json`,
  state: (modelId: string, window: string) => `${root(modelId)}state/${checkWindowName(window)}.json`,
  /** Every window's reports (the notifier reads under it). */
  reportsRoot: (modelId: string) => `${root(modelId)}reports/`,
  report: (modelId: string, window: string, windowStart: Date, extension: 'json' | 'html') =>
    `${root(modelId)}reports/${checkWindowName(window)}/${windowStart.toISOString().replace(/\.000Z$/, 'Z').replace(/:/g, '')}.${extension}`,
  latestReport: (modelId: string, window: string) => `${root(modelId)}reports/${checkWindowName(window)}/latest.json`,
} as const;
