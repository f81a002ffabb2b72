/**
 * Columns of a Dataset as CSV text (RFC 4180: comma-separated, a header line, fields with a comma, a
 * quote or a line break quoted, quotes doubled; a missing value is an empty field), for the
 * external trainer's files.
 */
import type { Column } from '../../core/types';

function field(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(column: Column, row: number): string {
  if (column.kind === 'numeric') {
    const v = column.values[row];
    return Number.isFinite(v) ? String(v) : '';
  }
  const code = column.codes[row];
  return code < 0 ? '' : field(column.dictionary[code]);
}

/** @example toCsv([{ kind: 'numeric', name: 'age', values: Float64Array.of(31) }], 1) // 'age\n31\n' */
export function toCsv(columns: readonly Column[], rowCount: number): string {
  const lines = [columns.map((c) => field(c.name)).join(',')];
  for (let r = 0; r < rowCount; r++) lines.push(columns.map((c) => cell(c, r)).join(','));
  return `${lines.join('\n')}\n`;
}
