import type { DriftSummary, Status } from '../types';
import { severityRank } from './status';

/** Share of total importance that, once drifted (warning or critical), makes the dataset critical. */
export const DRIFTED_IMPORTANCE_CRITICAL = 0.5;

export interface RankedFeature {
  readonly name: string;
  readonly status: Status;
  readonly importance: number;
  readonly impact: number;
}

/**
 * The dataset-level status, importance-weighted:
 * - critical when any feature is critical (low-importance features were already capped at
 *   warning), or when drifted features carry at least half of the total importance;
 * - warning when any feature is in warning;
 * - ok otherwise.
 * Features are expected in impact order; `drifted` keeps that order.
 */
export function datasetStatus(features: readonly RankedFeature[]): DriftSummary {
  const drifted = features.filter((f) => f.status !== 'ok');
  const driftedImportance = drifted.reduce((sum, f) => sum + f.importance, 0);
  let status: Status = 'ok';
  if (drifted.length > 0) status = 'warning';
  if (features.some((f) => f.status === 'critical') || driftedImportance >= DRIFTED_IMPORTANCE_CRITICAL) {
    status = 'critical';
  }
  return { status, drifted: drifted.map((f) => f.name), driftedImportance };
}

/** Impact order: highest impact first, then the more severe status, then name (stable, readable). */
export function byImpact<T extends RankedFeature>(a: T, b: T): number {
  return b.impact - a.impact || severityRank(b.status) - severityRank(a.status) || a.name.localeCompare(b.name);
}
