import type { DriftReport, FeatureDrift } from '../core/types';
import { byImpact, fixed, missingCell, statusCounts, terminalSafe, testCell } from './format';

/** A name for a table cell: escaped for the terminal, cut to `max` characters with a `~`. */
export function cut(name: string, max: number): string {
  return name.length > max ? `${name.slice(0, max - 1)}~` : name;
}

export interface TextReportOptions {
  /** How the two inputs are named in the summary (usually their paths). */
  readonly referenceName?: string;
  readonly currentName?: string;
}

const MAX_NAME = 40;

/**
 * The one-line summary: overall status, how many features drifted and which (in impact order).
 *
 * @example "Status: critical. 2 of 20 features drifted (1 critical, 1 warning): euribor3m, month."
 */
export function summaryLine(report: DriftReport): string {
  if (report.sample) return `Status: not judged, ${report.sample.reason}.`;
  const counts = statusCounts(report.features);
  const drifted = report.summary.drifted;
  const total = report.features.length;
  const list = drifted.length > 0 ? `: ${drifted.join(', ')}` : '';
  const groups = report.summary.redundant ?? [];
  const once = groups.length > 0 ? ` The dataset status counts ${groups.map((g) => g.join(' + ')).join('; ')} once each (the same fact in the reference).` : '';
  return (
    `Status: ${report.summary.status}. ${drifted.length} of ${total} feature${total === 1 ? '' : 's'} drifted ` +
    `(${counts.critical} critical, ${counts.warning} warning)${list}.${once}`
  );
}

/**
 * A plain-text table of the features sorted by impact, then the summary line.
 *
 * @example process.stdout.write(renderText(report, { referenceName: 'ref.csv', currentName: 'cur.csv' }));
 */
export function renderText(report: DriftReport, options: TextReportOptions = {}): string {
  const header = ['feature', 'kind', 'status', 'PSI', 'p-value', 'Wasserstein', 'missing ref->cur', 'importance', 'impact'];
  // Too few rows: the measures are shown, no status (the summary says why).
  const rows = byImpact(report.features).map((f: FeatureDrift) => [
    cut(terminalSafe(f.name), MAX_NAME),
    f.kind,
    report.sample ? 'not judged' : f.status,
    fixed(f.psi),
    testCell(f),
    fixed(f.wasserstein),
    missingCell(f),
    fixed(f.importance, 3),
    fixed(f.impact),
  ]);
  const numericColumns = new Set([3, 5, 7, 8]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (numericColumns.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  const count = (n: number, what = '') => `${n}${what} row${n === 1 ? '' : 's'}`;
  const from = options.referenceName ? `${options.referenceName} (${count(report.reference.rows)})` : count(report.reference.rows, ' reference');
  const to = options.currentName ? `${options.currentName} (${count(report.current.rows)})` : count(report.current.rows, ' current');
  lines.push(`Compared ${from} with ${to}.`);
  lines.push(summaryLine(report));
  for (const note of report.summary.notes ?? []) lines.push(`Note: ${note}.`);
  // Names and values from the data reach the summary and notes too: nothing in them reaches the terminal raw.
  return `${terminalSafe(lines.join('\n'), true)}\n`;
}
