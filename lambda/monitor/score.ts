/**
 * Step 2 of the engine: score a window. The window's profile (hour profiles merged by adding
 * counts, never rescanning) is compared with the reference under the reference's thresholds, and the
 * performance comes from the label join over the window. Both drivers call these two functions.
 */
import { compareProfiles } from '../core/compare';
import type { DatasetProfile, DriftReport, FeatureSpec } from '../core/types';
import type { QueryEngine } from '../ports/query-engine';
import { parsePerformanceRows, performanceQuery, type PerformanceAggregates, type PredictionAggregates } from '../sql';
import { parseGroupedPerformanceRows } from '../sql/performance-query';
import { thresholdsOf } from './drift-bands';
import { recordSpecOf, type MonitorModel } from './model';
import { windowMetrics, type MetricValue } from './performance';
import type { MonitorTables } from './profile';
import type { MonitorReference } from './reference';

/** Where a window sits in time (and, for row windows of the backtest, in the data file). */
export interface WindowSpan {
  /** 0-based window number, in time order. */
  readonly index: number;
  /** [start, end), UTC hours. */
  readonly start: Date;
  readonly end: Date;
  /** How messages name it: "rows 10,000–12,000", "2026-11-30 – 2026-12-01". */
  readonly label: string;
  /** Row windows: the data rows [startRow, endRow). */
  readonly startRow?: number;
  readonly endRow?: number;
  /** A row window holding fewer rows than configured (the last one). */
  readonly partial?: boolean;
  /** Hours of the window with a stored profile, of the hours it spans (production; coverage). */
  readonly hours?: { readonly profiled: number; readonly expected: number; readonly withRows: number };
}

/** One hour's prediction aggregates, for ADWIN (fed hour by hour, each hour once). */
export interface HourBatch {
  /** ISO start of the hour. */
  readonly hour: string;
  readonly predictions: PredictionAggregates;
}

/** What was measured in a window, before any decision. */
export interface WindowMeasures {
  readonly span: WindowSpan;
  readonly rows: number;
  readonly report: DriftReport;
  readonly metrics: Readonly<Record<string, MetricValue>>;
  readonly labelled: number;
  /** The window's hours in time order. */
  readonly batches: readonly HourBatch[];
}

/** The spec each feature is judged by: its kind, importance, pinned test and the reference's thresholds. */
export function featureSpecs(model: MonitorModel, reference: MonitorReference): Record<string, FeatureSpec> {
  return Object.fromEntries(
    model.features.map((f) => [f.id, { kind: f.kind, importance: f.importance, thresholds: thresholdsOf(reference.drift, f.id), test: f.test }]),
  );
}

/**
 * Measures a window from its merged profile, its hourly prediction aggregates, its label-join
 * aggregates (null without labels) and business metric values.
 */
export function measureWindow(
  model: MonitorModel,
  reference: MonitorReference,
  span: WindowSpan,
  profile: DatasetProfile,
  batches: readonly HourBatch[],
  performance: PerformanceAggregates | null,
  business: Readonly<Record<string, MetricValue>> = {},
  specs: Record<string, FeatureSpec> = featureSpecs(model, reference),
): WindowMeasures {
  // Below the model's minimum of rows the report judges nothing (every feature ok, `sample` says why).
  const report = compareProfiles(reference.profile, profile, { features: specs, minRows: model.minRows });
  const metrics = performance && model.task ? windowMetrics(performance, model.task, model.positiveLabel) : {};
  return { span, rows: profile.rowCount, report, metrics: { ...metrics, ...business }, labelled: performance?.labelled ?? 0, batches };
}

/**
 * The label join for a window: predictions whose hour is in the window joined to their latest label
 * within `lookbackDays` after the window. null when the model logs no labels.
 */
export async function windowPerformance(
  query: QueryEngine,
  model: MonitorModel,
  tables: MonitorTables,
  span: Pick<WindowSpan, 'start' | 'end'>,
  lookbackDays: number,
): Promise<PerformanceAggregates | null> {
  if (!model.columns.label || !tables.labels || !model.task) return null;
  const spec = recordSpecOf(model);
  const rows = await query.query(
    performanceQuery({ spec, predictionTable: tables.predictions, labelTable: tables.labels, window: span, labelLookbackDays: lookbackDays }),
  );
  return parsePerformanceRows(rows, spec);
}

/**
 * The label join for many windows at once, from one grouped query over their hours (what a replay of
 * history needs: one query, not one per window — 16,000 one-row windows took 147 s). Each partition
 * (day or hour) belongs to one window (`targetOf`); the aggregates equal `windowPerformance`'s per
 * window when labels arrive in their prediction's hours and ids are unique across the range (the
 * backtest's history). null when the model logs no labels.
 */
export async function historyPerformance(
  query: QueryEngine,
  model: MonitorModel,
  tables: MonitorTables,
  scan: {
    readonly hours: { readonly start: Date; readonly end: Date };
    readonly groupBy: 'hour' | 'day';
    readonly targets: number;
    readonly targetOf: (dt: string, hour: string | null) => number;
  },
  lookbackDays: number,
): Promise<PerformanceAggregates[] | null> {
  if (!model.columns.label || !tables.labels || !model.task) return null;
  const spec = recordSpecOf(model);
  const rows = await query.query(
    performanceQuery({ spec, predictionTable: tables.predictions, labelTable: tables.labels, window: scan.hours, labelLookbackDays: lookbackDays, groupBy: scan.groupBy }),
  );
  return parseGroupedPerformanceRows(rows, spec, scan.targets, scan.targetOf);
}
