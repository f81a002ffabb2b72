/**
 * The backtest as text: one timeline line per window (range, rows, status, top drifted features with
 * PSI, the key metric with its status, alerts raised), then the alerts and a summary.
 */
import type { BacktestResult, BacktestWindow } from '../backtest/types';
import type { Status } from '../core/types';
import { terminalSafe } from './format';
import { cut } from './text';

const GLYPH: Record<Status, string> = { ok: '✓ ok', warning: '▲ warning', critical: '✖ critical' };
const SHORT: Record<Status, string> = { ok: '✓', warning: '▲', critical: '✖' };
const TOO_FEW = '· too few rows';

/** Thousands-separated integer. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A statistic with about 3 significant digits (`8.15`, `0.236`, `0.0042`). */
export function stat(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.001) return x.toFixed(3);
  return x.toExponential(1);
}

/** `10,000–12,000` for row windows; `2010-03-01 – 2010-03-02` (or with hours) for time windows. */
export function windowRange(w: Pick<BacktestWindow, 'start' | 'end'>): string {
  if (typeof w.start === 'number' && typeof w.end === 'number') return `${count(w.start)}–${count(w.end)}`;
  const t = (iso: string | number) => String(iso).replace(/T00:00:00\.000Z$/, '').replace(/:00:00\.000Z$/, 'h').replace('T', ' ');
  return `${t(w.start)} – ${t(w.end)}`;
}

/** Top drifted features with their PSI, most impactful first (`euribor3m 8.15, age 0.24`). */
export function topDrift(w: BacktestWindow, limit = 3): string {
  const drifted = w.features.filter((f) => f.status !== 'ok');
  if (drifted.length === 0) return '-';
  const shown = drifted.slice(0, limit).map((f) => `${cut(terminalSafe(f.name), 24)} ${stat(f.psi)}${f.status === 'critical' ? '!' : ''}`);
  return shown.join(', ') + (drifted.length > limit ? ` +${drifted.length - limit}` : '');
}

function metricCell(result: BacktestResult, w: BacktestWindow): string {
  if (!result.keyMetric) return '';
  const m = w.metrics[result.keyMetric];
  if (!m || m.value === null) return '-';
  const tag = w.baseline ? ' (baseline)' : w.performanceSample ? ` ${TOO_FEW}` : m.status === null ? ' (uncalibrated)' : m.status === 'ok' ? '' : ` ${SHORT[m.status]} ${m.status}`;
  return `${stat(m.value)}${tag}`;
}

function alertCell(result: BacktestResult, w: BacktestWindow): string {
  const raised = result.alerts.filter((a) => a.window === w.index);
  if (raised.length === 0) return '';
  const names = raised.map((a) => `${SHORT[a.severity]}${a.kind === 'drift' ? '' : `${a.kind}:`}${a.feature ?? a.metric ?? 'dataset'}`);
  return names.length > 4 ? `${names.slice(0, 4).join(' ')} +${names.length - 4}` : names.join(' ');
}

function describeWindow(result: BacktestResult): string {
  const w = result.window;
  return 'rows' in w ? `windows of ${count(w.rows)} rows` : `${w.every} windows on ${JSON.stringify(w.column)}`;
}

/**
 * The timeline report.
 * @example process.stdout.write(renderBacktestText(result));
 */
export function renderBacktestText(result: BacktestResult): string {
  const lines: string[] = [];
  const ref = result.reference.file ? `${result.reference.file} (${count(result.reference.rows)} rows)` : `the first ${count(result.reference.rows)} rows`;
  lines.push(
    `Backtest of model ${result.modelId}${result.data.file ? ` on ${result.data.file}` : ''}: ${result.windows.length} ${describeWindow(result)}, reference ${ref}.`,
  );
  if (result.keyMetric) lines.push(`Key metric ${result.keyMetric}; ${calibrationText(result)}.`);
  lines.push(driftBandsText(result));
  if (result.notices && result.notices.length > 0) lines.push('Notices:', ...result.notices.map((n) => `  ${n}`));
  lines.push('');
  const header = ['#', 'range', 'rows', 'status', 'top drift (PSI, ! = critical)', ...(result.keyMetric ? [result.keyMetric] : []), 'alerts'];
  const rows = result.windows.map((w) => [
    String(w.index),
    windowRange(w),
    `${count(w.rows)}${w.partial ? '*' : ''}`,
    w.sample && w.rows > 0 ? TOO_FEW : GLYPH[w.status],
    topDrift(w),
    ...(result.keyMetric ? [metricCell(result, w)] : []),
    alertCell(result, w),
  ]);
  const right = new Set([0, 2]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) lines.push(line(r));
  if (result.windows.some((w) => w.partial)) {
    lines.push(`* partial window (${'rows' in result.window ? 'fewer rows than the window size' : 'the data covers only part of its time span'})`);
  }
  const short = result.windows.find((w) => w.sample && w.rows > 0);
  if (short?.sample) lines.push(`${TOO_FEW}: fewer rows than the minimum of ${count(short.sample.minRows)} (minRows); drift is not judged`);
  const unlabelled = result.keyMetric ? result.windows.find((w) => w.performanceSample && !w.baseline && w.rows > 0) : undefined;
  if (unlabelled?.performanceSample) {
    const rows = unlabelled.performanceSample.reason.includes(' labelled ') ? 'labelled rows' : 'rows';
    lines.push(`${TOO_FEW} beside ${result.keyMetric}: fewer ${rows} than the minimum of ${count(unlabelled.performanceSample.minRows)} (minRows); performance is not judged`);
  }

  lines.push('', `Alerts (${result.alerts.length}):`);
  if (result.alerts.length === 0) lines.push('  none');
  for (const a of result.alerts) lines.push(`  [window ${a.window}] ${a.severity.toUpperCase()} ${a.kind}: ${a.message}`);

  const refusals = Object.values(result.calibration).filter((c) => !c.ok);
  if (refusals.length > 0) {
    lines.push('', 'Calibration:');
    for (const c of refusals) lines.push(`  ${c.message}`);
  }
  lines.push('', summaryText(result));
  // Feature names, values and file names from the data: nothing in them reaches the terminal raw.
  return `${terminalSafe(lines.join('\n'), true)}\n`;
}

/**
 * How the performance thresholds were calibrated — on windows 0–N, or why not: the backtest has
 * fewer windows than the baseline, or calibration was refused for some metrics.
 * @example "thresholds calibrated on windows 0–6"
 */
export function calibrationText(result: BacktestResult): string {
  const b = result.baseline.windows;
  const n = result.windows.length;
  if (n < b) return `thresholds would calibrate on windows 0–${b - 1}, but the backtest has only ${count(n)} windows: performance is not judged (lower baseline.windows)`;
  const refused = Object.entries(result.calibration).filter(([, c]) => !c.ok).map(([name]) => name);
  if (refused.length > 0 && refused.length === Object.keys(result.calibration).length) return `calibration on windows 0–${b - 1} was refused (see Calibration): performance is not judged`;
  if (refused.length > 0) return `thresholds calibrated on windows 0–${b - 1}, refused for ${refused.join(', ')} (see Calibration)`;
  return `thresholds calibrated on windows 0–${b - 1}`;
}

/**
 * One sentence on the drift thresholds: which features the reference's own variation raised
 * (with their PSI critical threshold), or why the defaults apply.
 */
export function driftBandsText(result: BacktestResult): string {
  const b = result.driftBands;
  if (!b) return 'Drift thresholds: the defaults (calibration on the reference is disabled).';
  if (!b.ok) return `Drift thresholds: the defaults (${b.reason.replace(/: using the default thresholds$/, '')}).`;
  const raised = b.features.filter((f) => f.raised);
  if (raised.length === 0) return `Drift thresholds: the defaults; no feature varies more than that across the reference's ${b.windows} windows.`;
  const listed = raised.slice(0, 6).map((f) => `${f.name} (${decidingCritical(f)})`);
  const more = raised.length > listed.length ? ` and ${raised.length - listed.length} more` : '';
  return (
    `Drift thresholds: raised to the reference's own variation across ${b.windows} windows ` +
    `(the ${b.multiplier}σ level: mean + ${b.criticalSigmas.toFixed(2)}σ, widened for ${b.windows} windows) ` +
    `for ${listed.join(', ')}${more}; the other features keep the defaults.`
  );
}

type BandedFeature = Extract<NonNullable<BacktestResult['driftBands']>, { ok: true }>['features'][number];

/** The critical threshold of the measure that decides the feature: PSI unless it is pinned to another test. */
function decidingCritical(f: BandedFeature): string {
  if (f.test === 'ks') return `KS statistic critical ${stat(f.minEffectCritical)}`;
  if (f.test === 'chi_squared') return `Jensen-Shannon effect critical ${stat(f.minEffectCritical)}`;
  const distance = { jensen_shannon: 'Jensen-Shannon', wasserstein: 'normalised Wasserstein', l_infinity: 'L-infinity' } as const;
  if (f.distanceCritical !== undefined && f.test !== undefined && f.test in distance) {
    return `${distance[f.test as keyof typeof distance]} critical ${stat(f.distanceCritical)}`;
  }
  return `PSI critical ${stat(f.psiCritical)}`;
}

/** One sentence: overall status, alert counts, first critical drift window. */
export function summaryText(result: BacktestResult): string {
  const s = result.summary;
  const drifting = result.windows.filter((w) => w.drift.status !== 'ok').length;
  const first = s.firstCriticalWindow === null ? 'no critical drift alert' : `first critical drift alert in window ${s.firstCriticalWindow}`;
  return (
    `Summary: ${s.status}. ${s.windows} windows, ${drifting} with drift; ${s.alerts.critical} critical and ` +
    `${s.alerts.warning} warning alerts; ${first}.`
  );
}
