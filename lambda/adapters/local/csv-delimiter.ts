/**
 * The CSV delimiter: the option checked and turned into its byte, and the hint given when the one
 * used finds a single column whose name holds another common delimiter (a wrong --delimiter).
 */
import { InputError, quoteValue } from './errors';

/** Validates the delimiter option and returns its byte. */
export function delimiterByte(delimiter: string): number {
  const d = delimiter === '\\t' || delimiter.toLowerCase() === 'tab' ? '\t' : delimiter;
  if (d.length !== 1 || d.charCodeAt(0) > 0x7f || d === '"' || d === '\n' || d === '\r') {
    throw new InputError(
      `--delimiter ${quoteValue(delimiter)} is not usable: give one ASCII character other than a quote or newline ` +
        `(e.g. ',', ';', '|', or 'tab')`,
    );
  }
  return d.charCodeAt(0);
}

const DELIMITERS: readonly [string, string][] = [[',', "','"], [';', "';'"], ['\t', "'tab'"], ['|', "'|'"]];

/**
 * When a file reads as one column whose name holds another common delimiter several times (a
 * `;`-separated file read with ',', or the reverse), what to say: the delimiter that would split it.
 * @example oneColumnHint('a;b;c', 0x2c) // "the delimiter ',' finds one column, \"a;b;c\", whose name holds 2 ';': is the delimiter ';'?"
 */
export function oneColumnHint(name: string, delimiter: number): string | null {
  const used = String.fromCharCode(delimiter);
  let best: [string, string, number] | null = null;
  for (const [c, shown] of DELIMITERS) {
    if (c === used) continue;
    const n = name.split(c).length - 1;
    if (n > 0 && (best === null || n > best[2])) best = [c, shown, n];
  }
  if (!best) return null;
  const usedShown = DELIMITERS.find(([c]) => c === used)?.[1] ?? JSON.stringify(used);
  return `the delimiter ${usedShown} finds one column, ${quoteValue(name, 60)}, whose name holds ${best[2]} ${best[1]}: is the delimiter ${best[1]}? (--delimiter, or "delimiter" in a backtest config)`;
}
