/** Number and cell formatting shared by the text and HTML reports (one place, so both read alike). */
import type { FeatureDrift } from '../core/types';

/** A statistic with 4 decimals, or '-' when it does not apply. */
export function fixed(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return value.toFixed(digits);
}

/** A p-value: 4 decimals down to 0.001, then scientific (`3.2e-12`), so tiny values stay readable. */
export function pValue(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (value === 0) return '0';
  return value >= 0.001 ? value.toFixed(4) : value.toExponential(1);
}

/** The test behind the p-value column: KS for numeric features, chi-squared for categorical ones. */
export function testCell(feature: FeatureDrift, chi = 'chi2'): string {
  if (feature.ks) return `KS ${pValue(feature.ks.pValue)}`;
  if (feature.chiSquared) return `${chi} ${pValue(feature.chiSquared.pValue)}`;
  return '-';
}

/** A share as a percentage with one decimal. */
export function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '-';
}

/** Missing rate reference → current. */
export function missingCell(feature: FeatureDrift, arrow = '->'): string {
  return `${percent(feature.missingRate.reference)}${arrow}${percent(feature.missingRate.current)}`;
}

/** Features in impact order (highest first); ties keep the report's order. */
export function byImpact(features: readonly FeatureDrift[]): FeatureDrift[] {
  return features
    .map((feature, index) => ({ feature, index }))
    .sort((a, b) => (b.feature.impact || 0) - (a.feature.impact || 0) || a.index - b.index)
    .map(({ feature }) => feature);
}

/** Counts of features per status. */
export function statusCounts(features: readonly FeatureDrift[]): { critical: number; warning: number; ok: number } {
  const counts = { critical: 0, warning: 0, ok: 0 };
  for (const feature of features) counts[feature.status]++;
  return counts;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional formatting characters (U+061C, U+200E/F,
 * U+202A–U+202E, U+2066–U+2069) that a name or value from the data could use to rewrite a terminal
 * line — move the cursor, clear the screen, reorder what is shown — written as visible escapes.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_WITH_NEWLINES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with C1 controls, bidi characters and the line/paragraph separators written as \\uNNNN
 * escapes: the same JSON value, but nothing in it can rewrite the terminal it is printed on.
 */
export function jsonSafe(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Text safe to print on a terminal: every control and bidi character as `\xNN` / `\u{NNNN}` (tab
 * and newline kept only when `keepLines`, for whole reports whose own lines must stay lines).
 * @example terminalSafe('x\u001b[2Jy') // 'x\\x1b[2Jy'
 */
export function terminalSafe(text: string, keepLines = false): string {
  return text.replace(keepLines ? UNSAFE : UNSAFE_WITH_NEWLINES, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
