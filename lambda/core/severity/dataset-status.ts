import type { DriftSummary, Status } from '../types';
import { evidenceWeights } from './redundancy';
import { severityRank } from './status';

/** Share of total importance that, once drifted (warning or critical), makes the dataset critical. */
export const DRIFTED_IMPORTANCE_CRITICAL = 0.5;
/** Share of total importance that, once critical, makes the dataset critical. */
export const CRITICAL_IMPORTANCE_CRITICAL = 0.25;

export interface RankedFeature {
  readonly name: string;
  readonly status: Status;
  readonly importance: number;
  readonly impact: number;
}

export interface DatasetStatusOptions {
  /** Whether the importances are the user's (then they weigh as given). @default false */
  readonly importanceConfigured?: boolean;
  /** Groups of re-encodings of one fact (`redundantGroups` on the reference); each counts once without configured importances. */
  readonly redundant?: readonly (readonly string[])[];
}

/**
 * The dataset-level status, importance-weighted:
 * - critical when critical features carry at least a quarter of the total importance, or drifted
 *   (warning or critical) features carry at least half of it;
 * - warning when any feature is in warning or critical;
 * - ok otherwise.
 * Why not "any critical feature": with many features a single drifting one is routine (a calendar
 * column, a low-signal field) and is already reported at feature level, where it pages when its
 * importance share is at least 5%; the dataset status answers a different question — has enough of
 * the model's signal moved to doubt the model as a whole. With no importances configured every
 * feature weighs the same, so the rule counts features — counting a group of re-encodings of the
 * same fact (`redundantGroups`) once, so six columns derived from the month do not outvote the rest.
 * Features are expected in impact order; `drifted` keeps that order.
 */
export function datasetStatus(features: readonly RankedFeature[], options: DatasetStatusOptions = {}): DriftSummary {
  const redundant = (options.redundant ?? []).filter((g) => g.length > 1);
  // With configured importances the user has said what each feature is worth; without, each
  // group of re-encodings of one fact counts once.
  const weights = !options.importanceConfigured && redundant.length > 0 ? evidenceWeights(features.map((f) => f.name), redundant) : null;
  const weightOf = (f: RankedFeature) => weights?.get(f.name) ?? f.importance;
  const drifted = features.filter((f) => f.status !== 'ok');
  const driftedImportance = drifted.reduce((sum, f) => sum + weightOf(f), 0);
  const criticalImportance = features.filter((f) => f.status === 'critical').reduce((sum, f) => sum + weightOf(f), 0);
  let status: Status = 'ok';
  if (drifted.length > 0) status = 'warning';
  // A tolerance so 5 equal shares of 1/20 count as a quarter despite rounding.
  const atLeast = (share: number, bound: number) => share >= bound - 1e-12;
  if (atLeast(criticalImportance, CRITICAL_IMPORTANCE_CRITICAL) || atLeast(driftedImportance, DRIFTED_IMPORTANCE_CRITICAL)) {
    status = 'critical';
  }
  return {
    status,
    drifted: drifted.map((f) => f.name),
    driftedImportance,
    ...(weights ? { redundant: redundant.map((g) => [...g]) } : {}),
  };
}

/** Impact order: highest impact first, then the more severe status, then name (stable, readable). */
export function byImpact<T extends RankedFeature>(a: T, b: T): number {
  return b.impact - a.impact || severityRank(b.status) - severityRank(a.status) || a.name.localeCompare(b.name);
}
