/**
 * Reading one chunk of a grouped profile result: its columns by name (converted only when first
 * read: an engine may convert lazily, and most rows are bins), its cells as numbers, and the error
 * that quotes the whole offending row.
 */
import { saturate } from '../core/profile/numeric';
import type { ResultColumns } from './grouped-profile';

const replacer = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

export const isNull = (v: unknown) => v === null || v === undefined;

export class ResultCells {
  private readonly read: Record<string, readonly unknown[]> = {};

  constructor(private readonly columns: ResultColumns) {}

  /** Whether the result has this column (the list columns are optional). */
  has(name: string): boolean {
    return name in this.columns;
  }

  /** A column. @throws when the result lacks it */
  col(name: string): readonly unknown[] {
    const c = (this.read[name] ??= this.columns[name]);
    if (c === undefined) throw new Error(`grouped profile result: no column ${JSON.stringify(name)}`);
    return c;
  }

  /** @throws an error quoting row i and why it is refused */
  fail(i: number, why: string): never {
    const row = Object.fromEntries(Object.entries(this.columns).map(([k, v]) => [k, v[i]]));
    throw new Error(`profile row ${JSON.stringify(row, replacer)}: ${why}`);
  }

  /** The cell as a finite number, null when empty. */
  num(name: string, i: number): number | null {
    const v = this.col(name)[i];
    if (v === null || v === undefined || v === '') return null;
    const x = Number(v);
    if (!Number.isFinite(x)) this.fail(i, `column ${name} = ${String(v)} is not a number`);
    return x;
  }

  /** As `num`, but SUM(x) and SUM(x * x) overflowing to ±Infinity near ±1.8e308 are saturated, as the core's sums are. */
  sum(name: string, i: number): number | null {
    const x = Number(this.col(name)[i]);
    return x === Infinity || x === -Infinity ? saturate(x) : this.num(name, i);
  }

  int(name: string, i: number): number {
    const x = this.num(name, i);
    if (x === null || !Number.isSafeInteger(x)) return this.fail(i, `column ${name} = ${String(this.col(name)[i])} is not an integer`);
    return x;
  }

  /**
   * An array cell as numbers: a DuckDB list (`DuckDBListValue`, its `items`), a JS array (row
   * objects) or Athena's text form `[1, 2, 3]`; elements may be bigints or numeric strings.
   */
  list(name: string, i: number): number[] {
    const v = this.col(name)[i];
    const items: readonly unknown[] | null = Array.isArray(v)
      ? v
      : typeof v === 'string'
        ? v.replace(/^\s*\[|\]\s*$/g, '').split(',').filter((x) => x.trim() !== '')
        : v !== null && typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)
          ? (v as { items: unknown[] }).items
          : null;
    if (items === null) return this.fail(i, `column ${name} is not an array`);
    const out = new Array<number>(items.length);
    for (let j = 0; j < items.length; j++) {
      const x = Number(items[j]);
      if (!Number.isFinite(x)) this.fail(i, `column ${name} holds ${String(items[j])}, not a number`);
      out[j] = x;
    }
    return out;
  }
}
