/**
 * What a page says from the monitor's latest report of the window (`MonitorReport`,
 * `lambda/monitor/report.ts`, at `monitorKeys.latestReport`): the top features by impact with
 * their PSI, threshold and since-when, the signal's value, threshold and baseline, and the window.
 * Only the fields read here are validated, so a report that grows new fields still enriches a page.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';

const status = z.enum(['ok', 'warning', 'critical']);
const num = z.number().nullable();

const reportSchema = z.looseObject({
  format: z.literal('driftwatch.monitor-report/v1'),
  modelId: z.string(),
  window: z.string(),
  judged: z.looseObject({
    index: z.number(),
    start: z.union([z.number(), z.string()]),
    end: z.union([z.number(), z.string()]),
    rows: z.number(),
    status,
    drift: z.looseObject({ status, drifted: z.array(z.string()), driftedImportance: z.number() }),
    features: z.array(
      z.looseObject({
        name: z.string(),
        status,
        psi: num,
        impact: z.number(),
        importance: z.number(),
        reasons: z.array(z.string()).default([]),
        since: z.union([z.number(), z.string()]).optional(),
      }),
    ),
    metrics: z.record(z.string(), z.looseObject({ value: num, status: status.nullable(), ratio: num })),
  }),
  calibration: z.record(z.string(), z.looseObject({ ok: z.boolean(), baseline: z.number().optional(), warning: z.number().optional(), critical: z.number().optional() })).nullable(),
  driftBands: z
    .looseObject({ ok: z.boolean(), features: z.array(z.looseObject({ name: z.string(), psiWarning: z.number(), psiCritical: z.number() })).optional() })
    .nullable(),
  alerts: z.array(
    z.looseObject({ key: z.string(), severity: z.enum(['warning', 'critical']), message: z.string(), value: num.optional(), threshold: num.optional(), baseline: num.optional() }),
  ),
});

export type ReportView = z.output<typeof reportSchema>;

/** Validates the parts of a stored report a page reads. @throws Error naming each bad field */
export function parseReportView(value: unknown, key: string): ReportView {
  const parsed = reportSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new Error(`the report ${key} is not a driftwatch.monitor-report/v1: ${formatZodIssues(parsed.error.issues).slice(0, 3).join('; ')}`);
  return parsed.data;
}

export interface FeatureDetail {
  readonly name: string;
  readonly status: string;
  readonly psi: number | null;
  readonly threshold: number | null;
  readonly impact: number;
  readonly since: string | number | null;
}

export interface SignalValue {
  readonly name: string;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly baseline: number | null;
  readonly ratio?: number | null;
}

export interface ReportDetails {
  readonly window: { readonly name: string; readonly index: number; readonly start: string; readonly end: string; readonly rows: number; readonly status: string };
  readonly features: readonly FeatureDetail[];
  readonly value: SignalValue | null;
  /** The monitor's own words for the signal, when the report's window raised it. */
  readonly message: string | null;
}

/**
 * The feature's PSI threshold at `severity`: the alert's own, else the drift band's, else the one its
 * reasons name (`critical: PSI 9.792 >= 0.25`); null when the report does not say.
 */
function featureThreshold(report: ReportView, name: string, severity: 'warning' | 'critical'): number | null {
  const alert = report.alerts.find((a) => a.key === `drift:${name}`);
  if (alert?.threshold != null) return alert.threshold;
  const band = report.driftBands?.ok ? report.driftBands.features?.find((f) => f.name === name) : undefined;
  if (band) return severity === 'critical' ? band.psiCritical : band.psiWarning;
  const reasons = report.judged.features.find((f) => f.name === name)?.reasons ?? [];
  const stated = reasons.map((r) => new RegExp(`^${severity}: PSI \\S+ >= ([0-9.eE+-]+)`).exec(r)).find((m) => m !== null);
  return stated ? Number(stated[1]) : null;
}

/** The top `count` features by impact; a feature signal's own feature first. */
function topFeatures(report: ReportView, signal: string, severity: 'warning' | 'critical', count: number): FeatureDetail[] {
  const own = signal.startsWith('drift:') ? signal.slice('drift:'.length) : null;
  const ranked = [...report.judged.features].sort((a, b) => Number(b.name === own) - Number(a.name === own) || b.impact - a.impact).slice(0, count);
  return ranked.map((f) => ({
    name: f.name,
    status: f.status,
    psi: f.psi,
    // the threshold of the level the feature reached (a warning feature on a critical page: its warning threshold)
    threshold: featureThreshold(report, f.name, f.status === 'ok' ? severity : f.status),
    impact: f.impact,
    since: f.since ?? null,
  }));
}

function signalValue(report: ReportView, signal: string, severity: 'warning' | 'critical'): SignalValue | null {
  const alert = report.alerts.find((a) => a.key === signal);
  const [kind, name] = [signal.slice(0, signal.indexOf(':')), signal.slice(signal.indexOf(':') + 1)];
  if (kind === 'performance') {
    const m = report.judged.metrics[name];
    const c = report.calibration?.[name];
    const calibrated = c?.ok ? c : undefined;
    return {
      name,
      value: m?.value ?? alert?.value ?? null,
      threshold: alert?.threshold ?? (calibrated ? (calibrated[severity] ?? null) : null),
      baseline: alert?.baseline ?? calibrated?.baseline ?? null,
      ratio: m?.ratio ?? null,
    };
  }
  if (kind === 'drift' && name === 'dataset') {
    return { name: 'drifted importance', value: report.judged.drift.driftedImportance, threshold: alert?.threshold ?? null, baseline: alert?.baseline ?? null };
  }
  if (kind === 'drift') {
    const f = report.judged.features.find((x) => x.name === name);
    return { name: `PSI of ${name}`, value: f?.psi ?? alert?.value ?? null, threshold: featureThreshold(report, name, severity), baseline: alert?.baseline ?? null };
  }
  if (kind === 'traffic') return { name: 'rows in the window', value: report.judged.rows, threshold: null, baseline: null };
  return alert ? { name: signal, value: alert.value ?? null, threshold: alert.threshold ?? null, baseline: alert.baseline ?? null } : null;
}

/** The page's details for `signal` from a validated report. */
export function reportDetails(report: ReportView, signal: string, severity: 'warning' | 'critical', topCount = 5): ReportDetails {
  const w = report.judged;
  return {
    window: { name: report.window, index: w.index, start: String(w.start), end: String(w.end), rows: w.rows, status: w.status },
    features: topFeatures(report, signal, severity, topCount),
    value: signalValue(report, signal, severity),
    message: report.alerts.find((a) => a.key === signal)?.message ?? null,
  };
}
