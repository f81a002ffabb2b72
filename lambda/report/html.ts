/**
 * One self-contained HTML file: inline CSS, inline SVG, no script and no network (a Content Security
 * Policy forbids any fetch). Every string that comes from the user's data is escaped.
 */
import type { Dataset, DriftReport, FeatureDrift } from '../core/types';
import { Bar, featureBars } from './distributions';
import { byImpact, fixed, missingCell, terminalSafe, testCell } from './format';
import { summaryLine } from './text';

export interface HtmlReportInput {
  readonly reference: Dataset;
  readonly current: Dataset;
  readonly referenceName: string;
  readonly currentName: string;
  /** Shown in the footer; left out for a reproducible file. */
  readonly generatedAt?: Date;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and attribute values. Control characters and bidirectional
 * overrides from the data (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C, C0, DEL, C1) are shown
 * as visible escapes, as the text report shows them (`terminalSafe`): a browser applies an override
 * to what follows it, so a feature named `\u202e...` would show another name, or reorder the
 * cells after it. Tabs and newlines stay (titles keep their lines).
 * @example escapeHtml('<b>') // '&lt;b&gt;'
 * @example escapeHtml('x\u202ey') // 'x\\u{202e}y'
 */
export function escapeHtml(text: string): string {
  return terminalSafe(text, true).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}h3{font-size:1rem;margin:0 0 .25rem;word-break:break-all}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .5rem;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}th{background:#f6f8fa;font-weight:600}
td.name{word-break:break-all;max-width:22rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;font-weight:600}
.ok{background:#dafbe1;color:#116329}.warning{background:#fff8c5;color:#7d4e00}.critical{background:#ffebe9;color:#a40e26}
.summary{font-size:1rem;margin:.5rem 0 1rem}.muted{color:#59636e}
.feature{border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .25rem 0 .75rem;vertical-align:-1px}
svg{display:block;max-width:100%;height:auto}svg text{font:10px system-ui,sans-serif;fill:#59636e}
ul.reasons{margin:.25rem 0 .5rem 1.2rem;padding:0}
`;

const REF_COLOUR = '#4c78a8';
const CUR_COLOUR = '#f58518';

function badge(status: string): string {
  return `<span class="badge ${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

function anchor(index: number): string {
  return `feature-${index + 1}`;
}

function percentLabel(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Paired bars (reference, current) per bin or category, with a share axis. */
export function barChart(bars: readonly Bar[], caption: string): string {
  const left = 44;
  const top = 10;
  const plotHeight = 150;
  const group = 52;
  const width = left + bars.length * group + 10;
  const height = top + plotHeight + 34;
  const max = Math.max(0.0001, ...bars.map((b) => Math.max(b.reference, b.current)));
  const y = (share: number) => top + plotHeight - (share / max) * plotHeight;
  const parts: string[] = [];
  for (const tick of [0, 0.5, 1]) {
    const value = max * tick;
    parts.push(
      `<line x1="${left}" x2="${width - 6}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#d0d7de"/>`,
      `<text x="${left - 4}" y="${(y(value) + 3).toFixed(1)}" text-anchor="end">${percentLabel(value)}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const x = left + i * group + 6;
    const barWidth = (group - 14) / 2;
    for (const [side, share, colour, dx] of [
      ['reference', bar.reference, REF_COLOUR, 0],
      ['current', bar.current, CUR_COLOUR, barWidth + 2],
    ] as const) {
      const top = y(share);
      parts.push(
        `<rect x="${(x + dx).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(0) - top).toFixed(1)}" fill="${colour}">` +
          `<title>${escapeHtml(`${bar.title}: ${side} ${percentLabel(share)}`)}</title></rect>`,
      );
    }
    const label = bar.label.length > 10 ? `${bar.label.slice(0, 9)}…` : bar.label;
    parts.push(
      `<text x="${(x + group / 2 - 6).toFixed(1)}" y="${top + plotHeight + 14}" text-anchor="middle">${escapeHtml(label)}<title>${escapeHtml(bar.title)}</title></text>`,
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(caption)}">` +
    `${parts.join('')}</svg>`
  );
}

/** A feature's status, or "not judged" when the comparison had too few rows (`report.sample`). */
function statusOf(feature: FeatureDrift, report: DriftReport): string {
  return report.sample ? 'not judged' : feature.status;
}

function tableRow(feature: FeatureDrift, index: number, status: string): string {
  return (
    `<tr><td class="name"><a href="#${anchor(index)}">${escapeHtml(feature.name)}</a></td><td>${feature.kind}</td><td>${badge(status)}</td>` +
    `<td class="n">${fixed(feature.psi)}</td><td class="n">${escapeHtml(testCell(feature, 'χ²'))}</td><td class="n">${fixed(feature.wasserstein)}</td>` +
    `<td class="n">${escapeHtml(missingCell(feature, ' → '))}</td><td class="n">${fixed(feature.importance, 3)}</td><td class="n">${fixed(feature.impact)}</td></tr>`
  );
}

function featureSection(feature: FeatureDrift, index: number, input: HtmlReportInput, status: string): string {
  const find = (dataset: Dataset) => dataset.columns.find((c) => c.name === feature.name);
  const bars = featureBars(find(input.reference), find(input.current));
  const what = feature.kind === 'numeric' ? 'share of values per PSI bin (reference deciles)' : 'share of values per category';
  const chart = bars
    ? `<p class="muted">${what} <span class="legend"><span style="background:${REF_COLOUR}"></span>reference<span style="background:${CUR_COLOUR}"></span>current</span></p>` +
      barChart(bars, `${feature.name}: reference vs current`)
    : '<p class="muted">No distribution to draw: one side has no non-missing values.</p>';
  const reasons = feature.reasons.length
    ? `<ul class="reasons">${feature.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`
    : '';
  return (
    `<section class="feature" id="${anchor(index)}"><h3>${escapeHtml(feature.name)} ${badge(status)}</h3>` +
    `<p class="muted">${feature.kind} · PSI ${fixed(feature.psi)} · ${escapeHtml(testCell(feature, 'χ²'))} · JS ${fixed(feature.jensenShannon)} · ` +
    `missing ${escapeHtml(missingCell(feature, ' → '))} · importance ${fixed(feature.importance, 3)} · impact ${fixed(feature.impact)}</p>` +
    `${reasons}${chart}</section>`
  );
}

/**
 * The HTML report: summary, the feature table sorted by impact, and per feature the reference vs
 * current distribution drawn inline.
 *
 * @example fs.writeFileSync('report.html', renderHtml(report, { reference, current, referenceName: 'ref.csv', currentName: 'cur.csv' }));
 */
export function renderHtml(report: DriftReport, input: HtmlReportInput): string {
  const features = byImpact(report.features);
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>Drift report: ${escapeHtml(input.currentName)} vs ${escapeHtml(input.referenceName)}</title><style>${STYLE}</style></head><body>`;
  const header =
    `<header><h1>Drift report ${badge(report.sample ? 'not judged' : report.summary.status)}</h1>` +
    `<p class="muted">Reference <code>${escapeHtml(input.referenceName)}</code> (${report.reference.rows} rows) vs current ` +
    `<code>${escapeHtml(input.currentName)}</code> (${report.current.rows} rows)</p>` +
    `<p class="summary">${escapeHtml(summaryLine(report))}</p></header>`;
  const table =
    '<h2>Features by impact</h2><table><thead><tr><th>feature</th><th>kind</th><th>status</th><th class="n">PSI</th>' +
    '<th class="n">p-value</th><th class="n">Wasserstein</th><th class="n">missing ref → cur</th><th class="n">importance</th>' +
    `<th class="n">impact</th></tr></thead><tbody>${features.map((f, i) => tableRow(f, i, statusOf(f, report))).join('')}</tbody></table>`;
  const sections = `<h2>Distributions</h2>${features.map((f, i) => featureSection(f, i, input, statusOf(f, report))).join('')}`;
  const footer = `<footer class="muted"><p>Generated by driftwatch${
    input.generatedAt ? ` on ${escapeHtml(input.generatedAt.toISOString())}` : ''
  }.</p></footer>`;
  return `${head}${header}${table}${sections}${footer}</body></html>\n`;
}
