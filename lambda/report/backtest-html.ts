/**
 * The backtest as one self-contained HTML file: inline CSS and SVG, no script, no network (a Content
 * Security Policy forbids any fetch), every user string escaped. Two charts over the windows — drift
 * (top features' PSI on a log axis, the drifted share of importance as bars) and performance (the key
 * metric with its calibrated warning/critical thresholds) — with alerts marked, then the timeline,
 * the alerts, and a PSI heat map per feature and window.
 */
import type { BacktestResult, BacktestWindow } from '../backtest/types';
import type { Alert } from '../core/alerts';
import type { Status } from '../core/types';
import { calibrationText, count, stat, driftBandsText, summaryText, topDrift, windowRange } from './backtest-text';
import { escapeHtml } from './html';
import type { RetrainingReplay } from '../backtest/retraining/types';
import { retrainingSection } from './retraining-html';

export interface BacktestHtmlOptions {
  /** Shown in the footer; left out for a reproducible file. */
  readonly generatedAt?: Date;
  /** The page's title. @default 'Backtest: model <id>' */
  readonly title?: string;
  /** Who made it, in the footer. @default 'driftwatch backtest' */
  readonly generator?: string;
  /** The retraining replay, as a section after the performance chart. */
  readonly retraining?: RetrainingReplay;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1180px;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .5rem;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}th{background:#f6f8fa;font-weight:600}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;font-weight:600}
.ok{background:#dafbe1;color:#116329}.warning{background:#fff8c5;color:#7d4e00}.critical{background:#ffebe9;color:#a40e26}
.summary{font-size:1rem;margin:.5rem 0 1rem}.muted{color:#59636e}
.legend span.key{display:inline-block;width:1.2rem;height:.25rem;margin:0 .3rem 0 .9rem;vertical-align:middle}
svg{display:block;max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#59636e}
.heat{overflow-x:auto}.heat table{width:auto}.heat td{padding:.15rem .3rem;font-size:.75rem;text-align:right;border:1px solid #fff;min-width:2.2rem}
.heat th{font-size:.75rem;white-space:nowrap}.heat td.name{text-align:left;font-weight:600;white-space:nowrap}
.h0{background:#f6f8fa;color:#59636e}.h1{background:#fff8c5}.h2{background:#ffd8b5}.h3{background:#ffb3ad}.h4{background:#e5534b;color:#fff}
ul.alerts{padding-left:1.2rem}ul.alerts li{margin:.2rem 0}
`;

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#9d755d', '#e45756'];
const STATUS_COLOUR: Record<Status, string> = { ok: '#2da44e', warning: '#bf8700', critical: '#cf222e' };

function badge(status: string): string {
  return `<span class="badge ${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly n: number;
}

const FRAME = { left: 56, right: 56, top: 14, plot: 220, bottom: 38, width: 1080 };

function frame(n: number): Frame {
  return { left: FRAME.left, top: FRAME.top, width: FRAME.width - FRAME.left - FRAME.right, height: FRAME.plot, n };
}

/** x of a window's centre. */
function xOf(f: Frame, i: number): number {
  return f.left + ((i + 0.5) / Math.max(1, f.n)) * f.width;
}

function svgOpen(label: string): string {
  const h = FRAME.top + FRAME.plot + FRAME.bottom;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${FRAME.width} ${h}" width="${FRAME.width}" height="${h}" role="img" aria-label="${escapeHtml(label)}">`;
}

/** Window numbers along the x axis (thinned so labels never overlap). */
function xAxis(f: Frame): string {
  const step = Math.max(1, Math.ceil(f.n / 30));
  const parts = [`<line x1="${f.left}" x2="${f.left + f.width}" y1="${f.top + f.height}" y2="${f.top + f.height}" stroke="#8c959f"/>`];
  for (let i = 0; i < f.n; i += step) {
    parts.push(`<text x="${xOf(f, i).toFixed(1)}" y="${f.top + f.height + 14}" text-anchor="middle">${i}</text>`);
  }
  parts.push(`<text x="${f.left + f.width / 2}" y="${f.top + f.height + 32}" text-anchor="middle">window</text>`);
  return parts.join('');
}

/** A downward triangle above the plot for each window with alerts of this kind, coloured by severity. */
function alertMarks(f: Frame, alerts: readonly Alert[], kinds: readonly Alert['kind'][]): string {
  const byWindow = new Map<number, Alert[]>();
  for (const a of alerts) if (kinds.includes(a.kind)) byWindow.set(a.window, [...(byWindow.get(a.window) ?? []), a]);
  const parts: string[] = [];
  for (const [w, list] of byWindow) {
    const severity = list.some((a) => a.severity === 'critical') ? 'critical' : 'warning';
    const x = xOf(f, w);
    const title = list.map((a) => `${a.severity}: ${a.message}`).join('\n');
    parts.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${f.top}" y2="${f.top + f.height}" stroke="${STATUS_COLOUR[severity]}" stroke-dasharray="2 3" opacity=".6"/>` +
        `<path class="alert-mark" d="M${(x - 6).toFixed(1)} ${f.top - 10} L${(x + 6).toFixed(1)} ${f.top - 10} L${x.toFixed(1)} ${f.top} Z" fill="${STATUS_COLOUR[severity]}"><title>${escapeHtml(title)}</title></path>`,
    );
  }
  return parts.join('');
}

function polyline(points: readonly ([number, number] | null)[], colour: string, title: string, dash = ''): string {
  // Gaps (null) split the line, so a window without a value is not bridged.
  const runs: string[][] = [[]];
  for (const p of points) {
    if (p === null) runs.push([]);
    else runs[runs.length - 1].push(`${p[0].toFixed(1)},${p[1].toFixed(1)}`);
  }
  const dots = points
    .filter((p): p is [number, number] => p !== null)
    .map((p) => `<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="2.2" fill="${colour}"/>`)
    .join('');
  return (
    runs
      .filter((r) => r.length > 0)
      .map((r) => `<polyline points="${r.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${escapeHtml(title)}</title></polyline>`)
      .join('') + (points.length <= 120 ? dots : '')
  );
}

/** The features drawn on the drift chart: highest peak impact first. */
export function chartFeatures(result: BacktestResult, limit = 5): string[] {
  const peak = new Map<string, number>();
  for (const w of result.windows) for (const f of w.features) peak.set(f.name, Math.max(peak.get(f.name) ?? 0, f.impact || 0));
  return [...peak.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name]) => name);
}

/** Drift over windows: PSI per top feature (log axis 0.01–max), drifted importance share as bars. */
export function driftChart(result: BacktestResult): string {
  const f = frame(result.windows.length);
  const names = chartFeatures(result);
  const psis = result.windows.flatMap((w) => w.features.map((x) => x.psi ?? 0));
  const lo = 0.01;
  const hi = Math.max(1, ...psis);
  const y = (v: number) => f.top + f.height - ((Math.log10(Math.max(lo, Math.min(hi, v))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * f.height;
  const yShare = (s: number) => f.top + f.height - s * f.height;
  const parts: string[] = [svgOpen('Drift over windows: PSI of the top features and drifted share of importance')];
  const barWidth = Math.max(1, (f.width / Math.max(1, f.n)) * 0.7);
  result.windows.forEach((w, i) => {
    const share = w.drift.driftedImportance;
    if (share <= 0) return;
    parts.push(
      `<rect x="${(xOf(f, i) - barWidth / 2).toFixed(1)}" y="${yShare(share).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(f.top + f.height - yShare(share)).toFixed(1)}" fill="${STATUS_COLOUR[w.drift.status]}" opacity=".14">` +
        `<title>${escapeHtml(`window ${w.index}: ${(share * 100).toFixed(0)}% of importance drifted (${w.drift.status})`)}</title></rect>`,
    );
  });
  const ticks = [0.01, 0.1, 1, 10, 100, 1000].filter((t) => t <= hi * 1.0001);
  for (const t of ticks) {
    parts.push(
      `<line x1="${f.left}" x2="${f.left + f.width}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eaeef2"/>` +
        `<text x="${f.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`,
    );
  }
  for (const s of [0.5, 1]) {
    parts.push(`<text x="${f.left + f.width + 6}" y="${(yShare(s) + 4).toFixed(1)}">${s * 100}%</text>`);
  }
  parts.push(`<text x="${f.left - 44}" y="${f.top + f.height / 2}" transform="rotate(-90 ${f.left - 44} ${f.top + f.height / 2})" text-anchor="middle">PSI (log)</text>`);
  parts.push(
    `<text x="${f.left + f.width + 44}" y="${f.top + f.height / 2}" transform="rotate(90 ${f.left + f.width + 44} ${f.top + f.height / 2})" text-anchor="middle">drifted importance</text>`,
  );
  for (const [t, colour, label] of [
    [0.2, STATUS_COLOUR.warning, 'PSI warning 0.2 (default)'],
    [0.25, STATUS_COLOUR.critical, 'PSI critical 0.25 (default)'],
  ] as const) {
    parts.push(`<line x1="${f.left}" x2="${f.left + f.width}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="${colour}" stroke-dasharray="6 4"><title>${label}</title></line>`);
  }
  names.forEach((name, k) => {
    const points = result.windows.map((w, i) => {
      const feature = w.features.find((x) => x.name === name);
      return feature && feature.psi !== null ? ([xOf(f, i), y(feature.psi)] as [number, number]) : null;
    });
    parts.push(polyline(points, PALETTE[k % PALETTE.length], `PSI of ${name}`));
  });
  parts.push(xAxis(f), alertMarks(f, result.alerts, ['drift']), '</svg>');
  const legend =
    `<p class="legend muted">${names.map((n, k) => `<span class="key" style="background:${PALETTE[k % PALETTE.length]}"></span>${escapeHtml(n)}`).join('')}` +
    `<span class="key" style="background:${STATUS_COLOUR.critical}"></span>default PSI thresholds (dashed; a feature's own may be higher, see above) · bars: share of importance drifted · ▼ drift alerts</p>`;
  return `<div class="chart" id="drift-chart">${parts.join('')}${legend}</div>`;
}

/** Performance over windows: the key metric, its calibrated thresholds and the baseline period. */
export function performanceChart(result: BacktestResult): string {
  const name = result.keyMetric;
  const values = name ? result.windows.map((w) => w.metrics[name]?.value ?? null) : [];
  if (!name || values.every((v) => v === null)) {
    return '<p class="muted" id="performance-chart">No performance metric to draw: configure a label (with prediction / predictedLabel) or business metrics.</p>';
  }
  const f = frame(result.windows.length);
  const cal = result.calibration[name];
  const lines = cal && cal.ok ? [cal.baseline, cal.warning, cal.critical] : [];
  const known = [...(values.filter((v) => v !== null) as number[]), ...lines];
  let lo = Math.min(...known);
  let hi = Math.max(...known);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const y = (v: number) => f.top + f.height - ((v - lo) / (hi - lo)) * f.height;
  const parts: string[] = [svgOpen(`Performance over windows: ${name} with calibrated thresholds`)];
  const baselineEnd = Math.min(result.baseline.windows, result.windows.length);
  if (baselineEnd > 0) {
    const x0 = f.left;
    const x1 = f.left + (baselineEnd / Math.max(1, f.n)) * f.width;
    parts.push(
      `<rect x="${x0}" y="${f.top}" width="${(x1 - x0).toFixed(1)}" height="${f.height}" fill="#ddf4ff" opacity=".6"><title>baseline (calibration) windows 0–${baselineEnd - 1}</title></rect>` +
        `<text x="${(x0 + 4).toFixed(1)}" y="${f.top + 12}">baseline</text>`,
    );
  }
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    parts.push(
      `<line x1="${f.left}" x2="${f.left + f.width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eaeef2"/>` +
        `<text x="${f.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${stat(v)}</text>`,
    );
  }
  if (cal && cal.ok) {
    for (const [v, colour, label] of [
      [cal.baseline, '#8c959f', `baseline ${stat(cal.baseline)}`],
      [cal.warning, STATUS_COLOUR.warning, `warning ${stat(cal.warning)}`],
      [cal.critical, STATUS_COLOUR.critical, `critical ${stat(cal.critical)}`],
    ] as const) {
      parts.push(
        `<line class="threshold" x1="${f.left}" x2="${f.left + f.width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${colour}" stroke-dasharray="6 4"><title>${escapeHtml(label)}</title></line>` +
          `<text x="${f.left + f.width + 4}" y="${(y(v) + 4).toFixed(1)}" fill="${colour}">${escapeHtml(label.split(' ')[0])}</text>`,
      );
    }
  }
  const points = values.map((v, i) => (v === null ? null : ([xOf(f, i), y(v)] as [number, number])));
  parts.push(polyline(points, PALETTE[0], name));
  parts.push(xAxis(f), alertMarks(f, result.alerts, ['performance', 'concept']), '</svg>');
  const note =
    cal && !cal.ok
      ? `<p class="muted">Thresholds not calibrated: ${escapeHtml(cal.message)}</p>`
      : `<p class="legend muted"><span class="key" style="background:${PALETTE[0]}"></span>${escapeHtml(name)}<span class="key" style="background:${STATUS_COLOUR.warning}"></span>warning<span class="key" style="background:${STATUS_COLOUR.critical}"></span>critical (calibrated on the baseline) · ▼ performance and concept alerts</p>`;
  return `<div class="chart" id="performance-chart">${parts.join('')}${note}</div>`;
}

function heatClass(psi: number | null, status: Status): string {
  if (psi === null) return 'h0';
  if (status === 'critical') return psi >= 1 ? 'h4' : 'h3';
  if (status === 'warning') return 'h2';
  return psi >= 0.1 ? 'h1' : 'h0';
}

/** PSI per feature (rows) and window (columns), coloured by the feature's status in that window; a raised critical PSI threshold beside the feature. */
export function heatMap(result: BacktestResult): string {
  const names = result.windows[0]?.features.map((f) => f.name) ?? [];
  const order = chartFeatures(result, names.length);
  // Features whose critical PSI the drift bands raised: their threshold beside the name.
  const bands = result.driftBands;
  const raised = new Map(bands?.ok ? bands.features.filter((f) => f.raised).map((f) => [f.name, f.psiCritical] as const) : []);
  const head = `<tr><th>feature</th>${result.windows.map((w) => `<th class="n" title="${escapeHtml(windowRange(w))}">${w.index}</th>`).join('')}</tr>`;
  const body = order
    .map((name) => {
      const cells = result.windows.map((w) => {
        const f = w.features.find((x) => x.name === name);
        if (!f) return '<td class="h0">-</td>';
        const title = `${name}, window ${w.index} (${windowRange(w)}): ${f.status}, PSI ${stat(f.psi)}${f.reasons.length ? ` — ${f.reasons.join('; ')}` : ''}`;
        return `<td class="${heatClass(f.psi, f.status)}" title="${escapeHtml(title)}">${stat(f.psi)}</td>`;
      });
      const band = raised.get(name);
      const label = band === undefined
        ? escapeHtml(name)
        : `${escapeHtml(name)} <span class="muted" title="${escapeHtml(`critical PSI threshold raised to ${stat(band)} by the reference's own window-to-window variation`)}">≥ ${stat(band)}</span>`;
      return `<tr><td class="name">${label}</td>${cells.join('')}</tr>`;
    })
    .join('');
  return `<div class="heat"><table id="heat-map"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

function timelineRow(result: BacktestResult, w: BacktestWindow): string {
  const m = result.keyMetric ? w.metrics[result.keyMetric] : undefined;
  const metric = !result.keyMetric
    ? ''
    : `<td class="n">${m && m.value !== null ? stat(m.value) : '-'} ${
        w.baseline
          ? '<span class="muted">baseline</span>'
          : w.performanceSample
            ? `<span class="muted" title="${escapeHtml(w.performanceSample.reason)}">too few rows</span>`
            : m?.status
              ? badge(m.status)
              : ''
      }</td>`;
  const alerts = result.alerts.filter((a) => a.window === w.index);
  return (
    `<tr><td class="n">${w.index}</td><td>${escapeHtml(windowRange(w))}${w.partial ? ' <span class="muted">(partial)</span>' : ''}</td>` +
    `<td class="n">${count(w.rows)}</td><td>${badge(w.status)}</td><td>${escapeHtml(topDrift(w))}</td>${metric}` +
    `<td>${alerts.map((a) => `${badge(a.severity)} ${escapeHtml(`${a.kind} ${a.feature ?? a.metric ?? 'dataset'}`)}`).join('<br>')}</td></tr>`
  );
}

/**
 * The HTML report.
 * @example fs.writeFileSync('backtest.html', renderBacktestHtml(result));
 */
export function renderBacktestHtml(result: BacktestResult, options: BacktestHtmlOptions = {}): string {
  const title = options.title ?? `Backtest: model ${result.modelId}`;
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`;
  const w = result.window;
  const windows = 'rows' in w ? `windows of ${count(w.rows)} rows` : `${escapeHtml(w.every)} windows on <code>${escapeHtml(w.column)}</code>`;
  const ref = result.reference.file
    ? `<code>${escapeHtml(result.reference.file)}</code> (${count(result.reference.rows)} rows)`
    : `the first ${count(result.reference.rows)} rows`;
  const header =
    `<header><h1>${escapeHtml(title)} ${badge(result.summary.status)}</h1>` +
    `<p class="muted">${result.data.file ? `<code>${escapeHtml(result.data.file)}</code>, ` : ''}${result.windows.length} ${windows}; reference ${ref}` +
    `${result.keyMetric ? `; key metric <b>${escapeHtml(result.keyMetric)}</b>, ${escapeHtml(calibrationText(result))}` : ''}.</p>` +
    `<p class="muted">${escapeHtml(driftBandsText(result))}</p>` +
    // What reading the data decided (sorted rows, cells counted as missing): the text report says it too.
    (result.notices && result.notices.length > 0 ? `<p class="muted">Notices:</p><ul class="notices">${result.notices.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '') +
    `<p class="summary">${escapeHtml(summaryText(result))}</p></header>`;
  const metricHead = result.keyMetric ? `<th class="n">${escapeHtml(result.keyMetric)}</th>` : '';
  const timeline =
    `<h2>Timeline</h2><table id="timeline"><thead><tr><th class="n">#</th><th>range</th><th class="n">rows</th><th>status</th><th>top drift (PSI, ! = critical)</th>${metricHead}<th>alerts</th></tr></thead>` +
    `<tbody>${result.windows.map((x) => timelineRow(result, x)).join('')}</tbody></table>`;
  const alerts =
    `<h2>Alerts (${result.alerts.length})</h2>` +
    (result.alerts.length === 0
      ? '<p class="muted">No alert would have fired.</p>'
      : `<ul class="alerts">${result.alerts.map((a) => `<li>${badge(a.severity)} <b>window ${a.window}</b> · ${escapeHtml(a.kind)} · ${escapeHtml(a.message)}</li>`).join('')}</ul>`);
  const refusals = Object.values(result.calibration).filter((c) => !c.ok);
  const calibration = refusals.length
    ? `<h2>Calibration</h2><ul>${refusals.map((c) => `<li>${escapeHtml(c.message)}</li>`).join('')}</ul>`
    : '';
  const footer = `<footer class="muted"><p>Generated by ${escapeHtml(options.generator ?? 'driftwatch backtest')}${options.generatedAt ? ` on ${escapeHtml(options.generatedAt.toISOString())}` : ''}.</p></footer>`;
  return (
    `${head}${header}<h2>Drift</h2>${driftChart(result)}<h2>Performance</h2>${performanceChart(result)}` +
    `${options.retraining ? retrainingSection(options.retraining) : ''}` +
    `${alerts}${timeline}<h2>PSI per feature and window</h2>${heatMap(result)}${calibration}${footer}</body></html>\n`
  );
}
