/** How the engine's alert messages write numbers, spans and notes (one place, so every driver says the same). */
import type { CalibratedDrift } from './drift-bands';

/** Numbers in messages: up to 4 significant decimals, thousands separated for counts. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (Number.isInteger(x) && Math.abs(x) >= 1000) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  return a !== 0 && (a < 0.001 || a >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** ", raised to the reference's variation over N windows" for a feature whose thresholds the drift band raised. */
export function bandNote(drift: CalibratedDrift, id: string): string {
  return drift.bands?.ok && drift.raised.includes(id) ? `, raised to the reference's variation over ${drift.bands.windows} windows` : '';
}

/** "; month, emp.var.rate count as one (the same fact in the reference)" for each group of re-encodings. */
export function redundantNote(groups: readonly (readonly string[])[] | undefined, nameOf: (id: string) => string): string {
  if (!groups || groups.length === 0) return '';
  const named = groups.map((g) => g.map(nameOf).join(', '));
  return `; ${named.map((g) => `${g} count as one`).join('; ')} (the same fact in the reference)`;
}

/** A time window as messages name it: "2026-11-24 – 2026-11-25", "2026-11-24T06h – 2026-11-24T12h". */
export function hourSpanLabel(start: Date, end: Date): string {
  const iso = (d: Date) => d.toISOString().replace(':00:00.000Z', 'h').replace('T00h', '');
  return `${iso(start)} – ${iso(end)}`;
}
