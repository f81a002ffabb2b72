/**
 * Names that reach SQL (model ids, feature and column names) must be plain identifiers, so they can
 * be quoted without escaping and match Glue's rules (lower case, letters, digits and underscores).
 */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,127}$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER_PATTERN.test(name);
}

/** Explains why `name` is not an identifier, or returns undefined when it is one. */
export function identifierProblem(name: string): string | undefined {
  if (isIdentifier(name)) return undefined;
  return (
    `${JSON.stringify(name)} is not a valid identifier: use 1-128 characters, lower-case letters, ` +
    'digits and underscores, starting with a letter (it becomes an Athena/Glue column or table name)'
  );
}

/** Double-quotes a validated identifier for Athena/DuckDB SQL; throws on anything else. */
export function quoteIdentifier(name: string): string {
  const problem = identifierProblem(name);
  if (problem) throw new Error(problem);
  return `"${name}"`;
}

/**
 * An identifier made from any name: lower case, every other character `_`, `m_` in front when it
 * does not start with a letter. For names that only label SQL (a backtest's model id in a comment).
 * @example toIdentifier('bank-marketing') // 'bank_marketing'
 */
export function toIdentifier(name: string): string {
  let id = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z]/.test(id)) id = `m_${id}`;
  return id.slice(0, 128);
}
