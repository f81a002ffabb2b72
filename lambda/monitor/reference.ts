/**
 * The reference a model is judged against: its profile (PSI edges, fine quantile bins, categories),
 * the drift bands fitted on its windows and the thresholds each feature gets. Fitted once — by
 * `driftwatch reference` from training data, by the backtest from its reference rows — and stored
 * as `driftwatch.reference/v1` JSON at `monitorKeys.reference(model)`, so every window of the
 * Lambdas and of the backtest is judged by the same numbers.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { fitDatasetProfile, parseDatasetProfile } from '../core/profile';
import { formatZodIssues } from '../core/schema/format-issues';
import type { Dataset, DatasetProfile } from '../core/types';
import { CorruptObject } from '../ports/errors';
import { calibrateDrift, driftBandsEnabled, type CalibratedDrift, type ReferenceWindows } from './drift-bands';
import type { MonitorModel } from './model';

export const REFERENCE_FORMAT = 'driftwatch.reference/v1' as const;

export interface MonitorReference {
  readonly format: typeof REFERENCE_FORMAT;
  readonly modelId: string;
  /** A content hash of the profile: hourly profiles name the reference whose bins they counted on. */
  readonly referenceId: string;
  readonly createdAt: string;
  /** Rows the reference was fitted on. */
  readonly rows: number;
  /** Where it came from (a file name, "production 2026-11-01..2026-11-22"). */
  readonly source: string;
  readonly profile: DatasetProfile;
  readonly drift: CalibratedDrift;
  /**
   * A reference fitted from production: the baseline hours [start, end) it was fitted on. Windows
   * ending within them are not judged against it (they would be judged against themselves).
   */
  readonly baseline?: { readonly start: string; readonly end: string };
}

/**
 * Fits the reference of `model` from a dataset whose columns are named by feature id, and the drift
 * bands from the same data cut into windows (`windows`, null when the bands are disabled).
 *
 * @example fitReference(model, data, referenceWindows(config, data, hours), { source: 'train.csv', createdAt: new Date() })
 */
export function fitReference(
  model: MonitorModel,
  data: Dataset,
  windows: ReferenceWindows | null,
  meta: { readonly source: string; readonly createdAt: Date },
): MonitorReference {
  const profile = fitDatasetProfile(data);
  const drift = calibrateDrift(
    model.driftBands,
    profile,
    driftBandsEnabled(model.driftBands) ? windows : null,
    new Map(model.features.map((f) => [f.id, { thresholds: f.thresholds, test: f.test }])),
  );
  return {
    format: REFERENCE_FORMAT,
    modelId: model.modelId,
    referenceId: referenceIdOf(profile),
    createdAt: meta.createdAt.toISOString(),
    rows: data.rowCount,
    source: meta.source,
    profile,
    drift,
  };
}

/** 16 hex digits of the SHA-256 of the profile's JSON: equal references get equal ids. */
export function referenceIdOf(profile: DatasetProfile): string {
  return createHash('sha256').update(JSON.stringify(profile)).digest('hex').slice(0, 16);
}

/**
 * The reference as JSON. A threshold a band raised beyond the normal tail is Infinity, which JSON
 * cannot hold: it is written as the string "Infinity" and read back as the number.
 */
export function serializeReference(reference: MonitorReference): unknown {
  return JSON.parse(JSON.stringify(reference, (_key, value) => (value === Infinity ? 'Infinity' : value)));
}

const threshold = z.union([z.number().nonnegative(), z.literal('Infinity').transform(() => Infinity)]);
const thresholdsSchema = z.object({
  psiWarning: threshold,
  psiCritical: threshold,
  pValueWarning: threshold,
  pValueCritical: threshold,
  minEffectWarning: threshold,
  minEffectCritical: threshold,
  missingRateWarning: threshold,
  missingRateCritical: threshold,
  distanceWarning: threshold,
  distanceCritical: threshold,
});
const referenceSchema = z.object({
  format: z.literal(REFERENCE_FORMAT),
  modelId: z.string().min(1),
  referenceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  createdAt: z.string(),
  rows: z.number().int().positive(),
  source: z.string(),
  profile: z.unknown(),
  baseline: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }).optional(),
  drift: z.object({
    bands: z.unknown(),
    thresholds: z.record(z.string(), thresholdsSchema),
    raised: z.array(z.string()),
    tests: z.record(z.string(), z.string()),
    lowered: z.record(z.string(), z.object({ minEffectCritical: threshold, pValueCritical: threshold, windows: z.number().int().positive().optional() })).optional(),
  }),
});

/**
 * Validates a stored reference and checks it fits the model (same features, same kinds).
 * @throws CorruptObject naming the key and every problem
 */
export function parseReference(json: unknown, key: string, model: Pick<MonitorModel, 'modelId' | 'features'>): MonitorReference {
  const parsed = referenceSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new CorruptObject(key, formatZodIssues(parsed.error.issues).join('; '));
  let profile: DatasetProfile;
  try {
    profile = parseDatasetProfile(parsed.data.profile, key);
  } catch (error) {
    throw new CorruptObject(key, (error as Error).message);
  }
  const problems: string[] = [];
  if (parsed.data.modelId !== model.modelId) problems.push(`it is the reference of model ${JSON.stringify(parsed.data.modelId)}, not ${JSON.stringify(model.modelId)}`);
  for (const f of model.features) {
    const p = profile.features.find((x) => x.name === f.id);
    if (!p) problems.push(`feature ${JSON.stringify(f.id)} is not in the reference (push a reference fitted for this config)`);
    else if (p.kind !== f.kind) problems.push(`feature ${JSON.stringify(f.id)} is ${p.kind} in the reference but ${f.kind} in the config`);
    if (!Object.hasOwn(parsed.data.drift.thresholds, f.id)) problems.push(`drift.thresholds has no entry for feature ${JSON.stringify(f.id)}`);
  }
  if (problems.length > 0) throw new CorruptObject(key, problems.join('; '));
  return { ...(parsed.data as Omit<MonitorReference, 'profile'>), profile } as MonitorReference;
}
