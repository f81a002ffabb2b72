/**
 * Declarative business metrics: a small typed spec, evaluated over rows (CLI, tests) or from
 * aggregates computed in SQL (Athena/DuckDB). Both paths go through the same aggregate terms:
 *
 *   spec ──businessAggregatePlan──▶ terms (sum/count of a column over a filter)
 *     rows ──businessAggregates──▶ aggregates ──businessMetricFromAggregates──▶ value
 *     SQL  ─────────────────────▶ aggregates ─┘   (SUM(CASE WHEN <where> THEN col END), ...)
 *
 * Aggregates are sums and counts, so hours merge by adding them (`mergeBusinessAggregates`).
 *
 * Filters (`where`) are equalities ANDed together; a value may be a list (IN). A number matches a
 * number or a numeric string (`1` matches `'1'` and `'1.0'`), a string matches the same string or a
 * number printing as it, `null` matches only missing values. Missing values (null) in a summed
 * column are skipped, as SQL's SUM does.
 *
 * @example
 * const specs: BusinessMetricSpec[] = [
 *   { name: 'fraud_dollars_caught', kind: 'sum', column: 'amount', where: { prediction: 1, label: 1 }, direction: 'higher_is_better' },
 *   { name: 'false_positive_rate', kind: 'rate', numerator: { prediction: 1, label: 0 }, denominator: { label: 0 }, direction: 'lower_is_better' },
 * ];
 * evaluateBusinessMetrics(specs, rows); // [{ name: 'fraud_dollars_caught', value: 12840.5, ... }, ...]
 */
import { identifierProblem } from '../schema/identifier';

export type CellValue = string | number | null;
export type Row = Readonly<Record<string, CellValue>>;
export type FilterValue = string | number | null;
/** Column → required value (or any of a list of values); all entries must hold. */
export type Where = Readonly<Record<string, FilterValue | readonly FilterValue[]>>;
export type Direction = 'higher_is_better' | 'lower_is_better';

interface SpecBase {
  /** Metric name: an identifier, it becomes a metric name and an SQL alias. */
  readonly name: string;
  readonly direction: Direction;
  readonly description?: string;
}

/** Rows matching `where`. */
export interface CountSpec extends SpecBase {
  readonly kind: 'count';
  readonly where?: Where;
}
/** Σ column over rows matching `where` (0 when none match). */
export interface SumSpec extends SpecBase {
  readonly kind: 'sum';
  readonly column: string;
  readonly where?: Where;
}
/** Mean of column over matching rows with a value; null when there are none. */
export interface MeanSpec extends SpecBase {
  readonly kind: 'mean';
  readonly column: string;
  readonly where?: Where;
}
/**
 * count(numerator) / count(denominator); null when the denominator is 0. The two filters are
 * counted independently: the numerator normally repeats the denominator's conditions
 * (false positive rate: numerator {prediction: 1, label: 0}, denominator {label: 0}).
 */
export interface RateSpec extends SpecBase {
  readonly kind: 'rate';
  readonly numerator: Where;
  /** @default all rows */
  readonly denominator?: Where;
}
/** A sum (or a count when `column` is left out) divided by another, e.g. share of fraud dollars caught. */
export interface RatioSpec extends SpecBase {
  readonly kind: 'ratio';
  readonly numerator: { readonly column?: string; readonly where?: Where };
  readonly denominator: { readonly column?: string; readonly where?: Where };
}

export type BusinessMetricSpec = CountSpec | SumSpec | MeanSpec | RateSpec | RatioSpec;
export type BusinessMetricKind = BusinessMetricSpec['kind'];

/**
 * One aggregate the metric needs, with SQL semantics: `sum` = SUM(column) over matching rows
 * (nulls skipped, 0 when nothing matches); `count` = COUNT(column) (non-null values) or, without a
 * column, COUNT(*) of matching rows.
 */
export interface AggregateTerm {
  readonly key: string;
  readonly fn: 'sum' | 'count';
  readonly column?: string;
  readonly where: Where;
}

/** Values of the terms of one metric, by term key. */
export type BusinessAggregates = Readonly<Record<string, number>>;

export interface BusinessMetricValue {
  readonly name: string;
  readonly kind: BusinessMetricKind;
  readonly direction: Direction;
  /** The metric; null when undefined (empty mean, zero denominator). */
  readonly value: number | null;
  readonly aggregates: BusinessAggregates;
}

/** An invalid spec, or rows/aggregates that do not fit it; names the metric (and the column). */
export class BusinessMetricError extends Error {
  constructor(
    readonly metric: string,
    message: string,
    readonly column?: string,
  ) {
    super(`business metric ${JSON.stringify(metric)}: ${message}`);
    this.name = 'BusinessMetricError';
  }
}

const KINDS: readonly BusinessMetricKind[] = ['count', 'sum', 'mean', 'rate', 'ratio'];
const DIRECTIONS: readonly Direction[] = ['higher_is_better', 'lower_is_better'];

/** Throws a `BusinessMetricError` naming the first problem of a spec (e.g. one read from config). */
export function validateBusinessMetricSpec(spec: BusinessMetricSpec): void {
  const name = typeof spec?.name === 'string' ? spec.name : String(spec?.name);
  const nameProblem = identifierProblem(name);
  if (nameProblem) throw new BusinessMetricError(name, `invalid name: ${nameProblem}`);
  if (!KINDS.includes(spec.kind)) {
    throw new BusinessMetricError(name, `kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(spec.kind)}`);
  }
  if (!DIRECTIONS.includes(spec.direction)) {
    throw new BusinessMetricError(name, `direction must be one of ${DIRECTIONS.join(', ')}, got ${JSON.stringify(spec.direction)}`);
  }
  if ((spec.kind === 'rate' || spec.kind === 'ratio') && spec.numerator === undefined) {
    throw new BusinessMetricError(name, `a ${spec.kind} needs a numerator`);
  }
  if (spec.kind === 'ratio' && spec.denominator === undefined) {
    throw new BusinessMetricError(name, 'a ratio needs a denominator');
  }
  for (const term of planTerms(spec)) {
    if (term.column !== undefined) checkColumnName(name, term.column);
    for (const [column, value] of Object.entries(term.where)) {
      checkColumnName(name, column);
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v !== null && typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
          throw new BusinessMetricError(name, `filter on ${JSON.stringify(column)} must be a string, a finite number or null, got ${JSON.stringify(v)}`, column);
        }
      }
    }
  }
}

function checkColumnName(metric: string, column: string): void {
  const problem = identifierProblem(column);
  if (problem) throw new BusinessMetricError(metric, `column ${problem}`, column);
}

function planTerms(spec: BusinessMetricSpec): AggregateTerm[] {
  switch (spec.kind) {
    case 'count':
      return [{ key: 'count', fn: 'count', where: spec.where ?? {} }];
    case 'sum':
      return [{ key: 'sum', fn: 'sum', column: spec.column, where: spec.where ?? {} }];
    case 'mean':
      return [
        { key: 'sum', fn: 'sum', column: spec.column, where: spec.where ?? {} },
        { key: 'count', fn: 'count', column: spec.column, where: spec.where ?? {} },
      ];
    case 'rate':
      return [
        { key: 'numerator', fn: 'count', where: spec.numerator ?? {} },
        { key: 'denominator', fn: 'count', where: spec.denominator ?? {} },
      ];
    case 'ratio':
      return (['numerator', 'denominator'] as const).map((key) => {
        const t = spec[key] ?? {};
        return t.column === undefined
          ? { key, fn: 'count' as const, where: t.where ?? {} }
          : { key, fn: 'sum' as const, column: t.column, where: t.where ?? {} };
      });
  }
}

/** The aggregates a metric needs, for the SQL generator (validates the spec first). */
export function businessAggregatePlan(spec: BusinessMetricSpec): AggregateTerm[] {
  validateBusinessMetricSpec(spec);
  return planTerms(spec);
}

/** The columns a metric reads (filters and values), sorted. */
export function businessMetricColumns(spec: BusinessMetricSpec): string[] {
  const columns = new Set<string>();
  for (const t of businessAggregatePlan(spec)) {
    if (t.column !== undefined) columns.add(t.column);
    for (const c of Object.keys(t.where)) columns.add(c);
  }
  return [...columns].sort();
}

function matchesOne(cell: CellValue, wanted: FilterValue): boolean {
  if (wanted === null || cell === null) return wanted === cell;
  if (typeof wanted === 'number') {
    if (typeof cell === 'number') return cell === wanted;
    const t = cell.trim();
    return t !== '' && Number(t) === wanted;
  }
  return typeof cell === 'string' ? cell === wanted : String(cell) === wanted;
}

function matches(row: Row, where: Where): boolean {
  for (const column in where) {
    const wanted = where[column];
    const cell = row[column];
    if (Array.isArray(wanted) ? !wanted.some((w) => matchesOne(cell, w)) : !matchesOne(cell, wanted as FilterValue)) {
      return false;
    }
  }
  return true;
}

function numericCell(metric: string, column: string, cell: CellValue, rowIndex: number): number | null {
  if (cell === null) return null;
  const v = typeof cell === 'number' ? cell : cell.trim() === '' ? Number.NaN : Number(cell);
  if (!Number.isFinite(v)) {
    throw new BusinessMetricError(metric, `column ${JSON.stringify(column)} must hold numbers, got ${JSON.stringify(cell)} in row ${rowIndex}`, column);
  }
  return v;
}

/**
 * Computes a metric's aggregate terms over rows.
 * @throws BusinessMetricError naming the metric and the column when a row lacks a column the
 * metric reads, or a summed column holds a non-number.
 */
export function businessAggregates(spec: BusinessMetricSpec, rows: readonly Row[]): BusinessAggregates {
  const terms = businessAggregatePlan(spec);
  const columns = businessMetricColumns(spec);
  const out: Record<string, number> = Object.fromEntries(terms.map((t) => [t.key, 0]));
  rows.forEach((row, i) => {
    for (const c of columns) {
      if (row[c] === undefined) {
        const available = Object.keys(row).sort().join(', ');
        throw new BusinessMetricError(spec.name, `column ${JSON.stringify(c)} is missing from row ${i} (columns: ${available})`, c);
      }
    }
    for (const t of terms) {
      if (!matches(row, t.where)) continue;
      if (t.column === undefined) {
        out[t.key] += 1;
        continue;
      }
      const v = numericCell(spec.name, t.column, row[t.column], i);
      if (v === null) continue;
      out[t.key] += t.fn === 'sum' ? v : 1;
    }
  });
  return out;
}

/** Adds the aggregates of two windows of the same metric. */
export function mergeBusinessAggregates(a: BusinessAggregates, b: BusinessAggregates): BusinessAggregates {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * The metric's value from its aggregates (the SQL path). A SQL `SUM` over no rows is NULL: pass
 * null and it counts as 0. @throws BusinessMetricError naming a missing or invalid term.
 */
export function businessMetricFromAggregates(
  spec: BusinessMetricSpec,
  aggregates: Readonly<Record<string, number | null>>,
): BusinessMetricValue {
  const terms = businessAggregatePlan(spec);
  const a: Record<string, number> = {};
  for (const t of terms) {
    const v = aggregates[t.key];
    if (v === undefined) {
      throw new BusinessMetricError(spec.name, `aggregate ${JSON.stringify(t.key)} (${t.fn} of ${t.column ?? 'rows'}) is missing; got ${JSON.stringify(Object.keys(aggregates))}`, t.column);
    }
    const value = v ?? 0;
    if (!Number.isFinite(value) || (t.fn === 'count' && (value < 0 || !Number.isInteger(value)))) {
      throw new BusinessMetricError(spec.name, `aggregate ${JSON.stringify(t.key)} must be a finite ${t.fn === 'count' ? 'non-negative integer' : 'number'}, got ${v}`, t.column);
    }
    a[t.key] = value;
  }
  let value: number | null;
  switch (spec.kind) {
    case 'count':
      value = a.count;
      break;
    case 'sum':
      value = a.sum;
      break;
    case 'mean':
      value = a.count === 0 ? null : a.sum / a.count;
      break;
    case 'rate':
    case 'ratio':
      value = a.denominator === 0 ? null : a.numerator / a.denominator;
      break;
  }
  return { name: spec.name, kind: spec.kind, direction: spec.direction, value, aggregates: a };
}

/** Evaluates one metric over rows. */
export function evaluateBusinessMetric(spec: BusinessMetricSpec, rows: readonly Row[]): BusinessMetricValue {
  return businessMetricFromAggregates(spec, businessAggregates(spec, rows));
}

/** Evaluates several metrics over the same rows; names must be unique. */
export function evaluateBusinessMetrics(specs: readonly BusinessMetricSpec[], rows: readonly Row[]): BusinessMetricValue[] {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new BusinessMetricError(s.name, 'is defined twice');
    seen.add(s.name);
  }
  return specs.map((s) => evaluateBusinessMetric(s, rows));
}
