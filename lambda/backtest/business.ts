/**
 * Business metrics over a window's labelled rows in memory (the backtest has the rows), evaluated
 * by the core's declarative metric code.
 */
import { businessAggregates, businessMetricColumns, businessMetricFromAggregates, type BusinessMetricSpec, type Row } from '../core/metrics';
import { dict } from '../core/own';
import type { Column } from '../core/types';
import type { MetricValue } from '../monitor/performance';

/** Where business metrics read their columns: the model's outputs, the label, and data columns. */
export interface BusinessSource {
  readonly prediction: Column | null;
  readonly predictedLabel: Column | null;
  readonly label: Column | null;
  /** Data columns by their name in the file. */
  readonly data: ReadonlyMap<string, Column>;
}

function cell(column: Column, row: number): string | number | null {
  if (column.kind === 'numeric') {
    const v = column.values[row];
    return Number.isNaN(v) ? null : v;
  }
  const code = column.codes[row];
  return code < 0 ? null : column.dictionary[code];
}

/**
 * Business metrics over the given data rows (labelled rows when a label is configured), evaluated by
 * the core's declarative metric code. Column names resolve to `prediction`, `predicted_label`,
 * `label`, then data columns.
 */
export function businessMetrics(
  specs: readonly BusinessMetricSpec[],
  source: BusinessSource,
  rows: ArrayLike<number>,
): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const spec of specs) {
    const columns = businessMetricColumns(spec).map((name) => {
      const column =
        name === 'prediction' ? source.prediction : name === 'predicted_label' ? source.predictedLabel : name === 'label' ? source.label : source.data.get(name);
      if (!column) throw new Error(`business metric ${JSON.stringify(spec.name)}: column ${JSON.stringify(name)} is not in the data`);
      return [name, column] as const;
    });
    const objects: Row[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (source.label && cell(source.label, r) === null) continue;
      const o = dict<string | number | null>(); // column names are keys: `__proto__` too
      for (const [name, column] of columns) o[name] = cell(column, r);
      objects.push(o);
    }
    const value = businessMetricFromAggregates(spec, businessAggregates(spec, objects));
    const a = value.aggregates;
    const samples = spec.kind === 'rate' || spec.kind === 'ratio' ? (spec.kind === 'rate' ? a.denominator : objects.length) : spec.kind === 'mean' ? a.count : objects.length;
    out[spec.name] = { value: value.value, samples: Math.round(samples), direction: spec.direction };
  }
  return out;
}
