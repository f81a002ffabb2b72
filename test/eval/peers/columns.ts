/** Column helpers shared by the peer emulations: raw values without missing ones, category counts. */
import type { Column } from '../../../lambda/core/types';

/** The non-missing values of a numeric column (NaN and ±Infinity dropped, as the peers do). */
export function finiteValues(column: Column): Float64Array {
  if (column.kind !== 'numeric') throw new Error(`column ${JSON.stringify(column.name)} is not numeric`);
  const out = new Float64Array(column.values.length);
  let n = 0;
  for (const v of column.values) if (Number.isFinite(v)) out[n++] = v;
  return out.slice(0, n);
}

/** Non-missing value → count, keyed by the value's text (numbers print as JavaScript does). */
export function valueCounts(column: Column): Map<string, number> {
  const counts = new Map<string, number>();
  if (column.kind === 'numeric') {
    for (const v of column.values) if (Number.isFinite(v)) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    return counts;
  }
  const byCode = new Float64Array(column.dictionary.length);
  for (const code of column.codes) if (code >= 0) byCode[code]++;
  column.dictionary.forEach((value, code) => {
    if (byCode[code] > 0) counts.set(value, (counts.get(value) ?? 0) + byCode[code]);
  });
  return counts;
}

/** Counts of both sides on the union of their keys (sorted, so the order is deterministic). */
export function unionCounts(reference: Map<string, number>, current: Map<string, number>): { keys: string[]; reference: number[]; current: number[] } {
  const keys = [...new Set([...reference.keys(), ...current.keys()])].sort();
  return { keys, reference: keys.map((k) => reference.get(k) ?? 0), current: keys.map((k) => current.get(k) ?? 0) };
}

export const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
