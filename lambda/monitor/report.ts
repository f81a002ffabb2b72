/**
 * The report of one scored window, as the score Lambda writes it to S3 (JSON, and a self-contained
 * HTML page from the same renderer `driftwatch backtest` uses) and the notifier reads for a page.
 */
import type { Alert, Resolution } from '../core/alerts';
import { renderBacktestHtml } from '../report/backtest-html';
import type { BacktestResult } from '../backtest/types';
import type { Decided } from './decide';
import { reportDriftBands } from './drift-bands';
import { defaultKeyMetric, type MonitorModel } from './model';
import type { MonitorReference } from './reference';
import type { CalibrationReport, DriftBandsReport, MonitorWindow } from './types';

export const MONITOR_REPORT_FORMAT = 'driftwatch.monitor-report/v1' as const;

export interface MonitorReport {
  readonly format: typeof MONITOR_REPORT_FORMAT;
  readonly env: string;
  readonly modelId: string;
  /** The window's name ('1d'). */
  readonly window: string;
  readonly reference: { readonly referenceId: string; readonly rows: number; readonly source: string; readonly createdAt: string };
  readonly baseline: { readonly windows: number };
  readonly keyMetric: string | null;
  readonly driftBands: DriftBandsReport | null;
  /** null while the baseline windows are still being collected. */
  readonly calibration: Readonly<Record<string, CalibrationReport>> | null;
  readonly judged: MonitorWindow;
  readonly alerts: readonly Alert[];
  readonly resolutions: readonly Resolution[];
  /** Stored profiles that were refused (corrupt) and re-profiled. */
  readonly problems: readonly string[];
}

export function monitorReport(model: MonitorModel, window: string, reference: MonitorReference, decided: Decided, problems: readonly string[]): MonitorReport {
  const nameOf = new Map(model.features.map((f) => [f.id, f.name]));
  return {
    format: MONITOR_REPORT_FORMAT,
    env: model.env,
    modelId: model.modelId,
    window,
    reference: { referenceId: reference.referenceId, rows: reference.rows, source: reference.source, createdAt: reference.createdAt },
    baseline: { windows: model.baseline.windows },
    keyMetric: model.columns.label && model.task ? defaultKeyMetric(model.task) : null,
    driftBands: reportDriftBands(reference.drift, (id) => nameOf.get(id) ?? id),
    calibration: decided.state.calibration,
    judged: decided.window,
    alerts: decided.alerts,
    resolutions: decided.resolutions,
    problems,
  };
}

/** The window's HTML page: the backtest's renderer over a replay of this one window. */
export function renderMonitorHtml(report: MonitorReport, generatedAt?: Date): string {
  const w = report.judged;
  const asReplay: BacktestResult = {
    format: 'driftwatch.backtest/v1',
    modelId: report.modelId,
    task: null,
    data: { rows: w.rows },
    reference: { rows: report.reference.rows, file: report.reference.source },
    window: { column: 'event_time', every: report.window },
    baseline: report.baseline,
    keyMetric: report.keyMetric,
    driftBands: report.driftBands,
    calibration: report.calibration ?? {},
    windows: [w],
    alerts: report.alerts,
    resolutions: report.resolutions,
    summary: {
      windows: 1,
      status: w.status,
      alerts: { critical: report.alerts.filter((a) => a.severity === 'critical').length, warning: report.alerts.filter((a) => a.severity === 'warning').length },
      firstCriticalWindow: report.alerts.some((a) => a.kind === 'drift' && a.severity === 'critical') ? w.index : null,
    },
  };
  return renderBacktestHtml(asReplay, {
    title: `Driftwatch ${report.env}: model ${report.modelId}, ${report.window} window ${String(w.start)} – ${String(w.end)}`,
    generator: 'the Driftwatch monitor',
    generatedAt,
  });
}
