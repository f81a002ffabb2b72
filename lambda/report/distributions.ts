/**
 * Reference-vs-current distributions for the HTML report's charts, as shares per bar.
 * Numeric: the PSI bins (reference quantile edges, as the core bins them). Categorical: the most
 * frequent categories on either side, the rest pooled as "other".
 */
import { histogram, quantileEdges, sortedNonMissing } from '../core/drift';
import { PSI_BINS } from '../core/defaults';
import type { CategoricalColumn, Column, NumericColumn } from '../core/types';

export interface Bar {
  /** Short label under the bar pair. */
  readonly label: string;
  /** Full description (bin range or category), shown as a tooltip. */
  readonly title: string;
  /** Share of the non-missing values on each side, in [0, 1]. */
  readonly reference: number;
  readonly current: number;
}

/** Categories shown before the rest is pooled as "other". */
export const TOP_CATEGORIES = 10;

/** A compact number for bin labels: 5 significant digits (close quantiles stay apart), no trailing zeros. */
export function shortNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const text = Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : value.toPrecision(5);
  return text.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * The PSI bins of a numeric feature: bin i is [edges[i-1], edges[i]); null when the reference has no
 * non-missing value (there are no edges to draw).
 */
export function numericBars(reference: NumericColumn, current: NumericColumn): Bar[] | null {
  const sorted = sortedNonMissing(reference.values);
  if (sorted.length === 0) return null;
  const edges = quantileEdges(sorted, PSI_BINS);
  const ref = shares(histogram(sorted, edges));
  const cur = shares(histogram(current.values, edges));
  return ref.map((share, i) => {
    const low = i === 0 ? null : shortNumber(edges[i - 1]);
    const high = i === edges.length ? null : shortNumber(edges[i]);
    // Under each bar pair: where the bin starts (the first bin: where it ends); the tooltip has the range.
    const label = low === null ? `<${high}` : low;
    const title = low === null ? `below ${high}` : high === null ? `${low} and above` : `from ${low} to below ${high}`;
    return { label, title, reference: share, current: cur[i] };
  });
}

function countLabels(column: CategoricalColumn): Map<string, number> {
  const perCode = new Float64Array(column.dictionary.length);
  let present = 0;
  for (let i = 0; i < column.codes.length; i++) {
    const code = column.codes[i];
    if (code >= 0) {
      perCode[code]++;
      present++;
    }
  }
  const counts = new Map<string, number>();
  column.dictionary.forEach((label, code) => {
    if (perCode[code] > 0) counts.set(label, perCode[code] / present);
  });
  return counts;
}

/** The top categories by the larger of their two shares (so a category new in current shows), plus "other". */
export function categoricalBars(reference: CategoricalColumn, current: CategoricalColumn, top = TOP_CATEGORIES): Bar[] {
  const ref = countLabels(reference);
  const cur = countLabels(current);
  const labels = new Set([...ref.keys(), ...cur.keys()]);
  const ranked = [...labels].sort(
    (a, b) => Math.max(ref.get(b) ?? 0, cur.get(b) ?? 0) - Math.max(ref.get(a) ?? 0, cur.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const shown = ranked.slice(0, top);
  const bars: Bar[] = shown.map((label) => ({
    label,
    title: ref.has(label) ? label : `${label} (not in the reference)`,
    reference: ref.get(label) ?? 0,
    current: cur.get(label) ?? 0,
  }));
  if (ranked.length > top) {
    const rest = ranked.slice(top);
    const sum = (m: Map<string, number>) => rest.reduce((s, label) => s + (m.get(label) ?? 0), 0);
    bars.push({ label: 'other', title: `${rest.length} other categories`, reference: sum(ref), current: sum(cur) });
  }
  return bars;
}

/** The bars for one feature, or null when nothing can be drawn (kinds differ, or no reference values). */
export function featureBars(reference: Column | undefined, current: Column | undefined): Bar[] | null {
  if (!reference || !current) return null;
  if (reference.kind === 'numeric' && current.kind === 'numeric') return numericBars(reference, current);
  if (reference.kind === 'categorical' && current.kind === 'categorical') return categoricalBars(reference, current);
  return null;
}
