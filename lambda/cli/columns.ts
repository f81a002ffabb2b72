/** Matching the columns of the two files before they are compared. */
import type { Column, Dataset } from '../core/types';
import { InputError, quoteValue } from '../adapters/local/errors';

export interface ColumnMatch {
  /** Columns in both files, in reference order. */
  readonly common: string[];
  /** One warning per column present in one file only (they are skipped). */
  readonly warnings: string[];
}

/**
 * Columns present in both files. A column in one file only is skipped with a warning, unless the
 * feature config names it (then it is an error, since the user asked for it).
 *
 * @throws InputError when a configured feature is missing from a file, or when no column is shared.
 */
export function matchColumns(
  reference: { readonly file: string; readonly names: readonly string[] },
  current: { readonly file: string; readonly names: readonly string[] },
  configured: { readonly file?: string; readonly names: readonly string[] },
): ColumnMatch {
  const inReference = new Set(reference.names);
  const inCurrent = new Set(current.names);
  const problems: string[] = [];
  for (const name of configured.names) {
    const missingFrom = [!inReference.has(name) && reference.file, !inCurrent.has(name) && current.file].filter(Boolean);
    if (missingFrom.length > 0) {
      problems.push(`${configured.file ?? 'the feature config'} names column ${quoteValue(name)}, which is missing from ${missingFrom.join(' and ')}`);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'), { file: configured.file, column: configured.names[0] });

  const warnings: string[] = [];
  for (const name of reference.names) {
    if (!inCurrent.has(name)) warnings.push(`column ${quoteValue(name)} is missing from ${current.file} (present in ${reference.file}); skipped`);
  }
  for (const name of current.names) {
    if (!inReference.has(name)) warnings.push(`column ${quoteValue(name)} is missing from ${reference.file} (present in ${current.file}); skipped`);
  }
  const common = reference.names.filter((name) => inCurrent.has(name));
  if (common.length === 0) {
    const list = (names: readonly string[]) => names.slice(0, 10).map((n) => quoteValue(n, 40)).join(', ') + (names.length > 10 ? ', ...' : '');
    throw new InputError(
      `${reference.file} and ${current.file} have no column in common (${reference.file}: ${list(reference.names)}; ${current.file}: ${list(current.names)})`,
      { file: current.file },
    );
  }
  return { common, warnings };
}

/** The dataset restricted to `names`, in that order. */
export function selectColumns(dataset: Dataset, names: readonly string[]): Dataset {
  const byName = new Map<string, Column>(dataset.columns.map((c) => [c.name, c]));
  return { rowCount: dataset.rowCount, columns: names.map((name) => byName.get(name) as Column) };
}
