/**
 * The engine's model from a platform config entry (`config/<env>.ts`, validated): what the Lambdas
 * read from their `model.json`.
 */
import type { ModelConfig } from '../../config/schema';
import type { MonitorModel } from './model';

/** What the scheduled monitor needs beyond the model: windows, settle delay, re-profiling, label lookback, baseline. */
export interface MonitorSettings {
  readonly windows: readonly { readonly name: string; readonly hours: number }[];
  readonly settleMinutes: number;
  readonly reprofileHours: number;
  readonly labelLookbackDays: number;
  /**
   * The production baseline a reference is fitted from when none was pushed (`fit-from-production.ts`):
   * `days` from `startDate` (a UTC date, 'YYYY-MM-DD') or, without one, from the first hour with predictions.
   */
  readonly baseline: { readonly days: number; readonly startDate?: string };
}

/**
 * The model as one window judges it: the baseline is the config's `baseline.days` of production cut
 * into that window's length (at least 2 windows, so a 7-day window over 14 days still calibrates).
 */
export function monitorModelFromConfig(env: string, model: ModelConfig, windowHours = 24): MonitorModel {
  const classifier = model.task === 'binary_classification' || model.task === 'multiclass_classification';
  return {
    env,
    modelId: model.id,
    // Ranking metrics need per-query grouping the label join does not do yet: drift only.
    task: model.task === 'ranking' ? null : model.task,
    features: model.features.map((f) => ({ id: f.name, name: f.name, kind: f.kind, importance: f.importance, thresholds: f.thresholds, test: f.test })),
    positiveLabel: model.label.positiveClass,
    columns: { prediction: true, predictedLabel: classifier, label: model.task !== 'ranking' },
    businessMetrics: [],
    baseline: { windows: Math.max(2, Math.floor((model.baseline.days * 24) / windowHours)) },
    driftBands: model.driftBands,
    topK: model.monitor.topK,
    minRows: model.monitor.minRows,
  };
}

export function monitorSettingsFromConfig(model: ModelConfig, labelLookbackDays: number): MonitorSettings {
  return {
    windows: model.monitor.windows,
    settleMinutes: model.monitor.settleMinutes,
    reprofileHours: model.monitor.reprofileHours,
    labelLookbackDays,
    baseline: { days: model.baseline.days, ...(model.baseline.startDate !== undefined && { startDate: model.baseline.startDate }) },
  };
}
