/**
 * Literals for the portable SQL dialect (Athena/Trino and DuckDB). Values reach SQL only through these
 * helpers and names only through `quoteIdentifier`, so no input can change a query's structure.
 */

/** A single-quoted string literal: quotes doubled; NUL characters rejected (neither engine stores them). */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new Error(`sqlString: expected a string, got ${JSON.stringify(value)}`);
  if (value.includes('\u0000')) throw new Error(`sqlString: ${JSON.stringify(value)} contains a NUL character`);
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A DOUBLE literal in exponent form (`1.5E+1`): both engines read `1.5` as DECIMAL but `1.5E+1` as DOUBLE,
 * and the shortest round-trip digits make the engine's double bit-identical to the JavaScript number.
 * Throws on NaN and ±Infinity, which have no literal.
 *
 * @example sqlDouble(0.1) // '1E-1'
 */
export function sqlDouble(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`sqlDouble: ${String(value)} is not a finite number and cannot be written as a SQL literal`);
  }
  return value.toExponential().toUpperCase();
}

/** An integer literal; throws unless `value` is a safe integer. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`sqlInteger: ${String(value)} is not a safe integer`);
  return String(value);
}

/** A literal for a string, a number (integers as integers, others as DOUBLE) or null. */
export function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return sqlString(value);
  return Number.isSafeInteger(value) ? sqlInteger(value) : sqlDouble(value);
}
