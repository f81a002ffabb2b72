/**
 * ISO-8601 timestamps read digit by digit into milliseconds since 1970 (UTC), without building a
 * string or calling `Date.parse` per value: a log's window column has as many distinct times as rows.
 *
 * Accepted (the same set and the same results as `Date.parse` on the normalised ISO text):
 * `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DD[T ]HH:MM[:SS[.f+]]` followed by nothing (UTC), `Z`, or an
 * offset `±HH:MM` / `±HHMM`. Leading and trailing ASCII white space is ignored. Like `Date.parse`, a day up to
 * 31 rolls over into the next month (`2024-02-30` is March 1st), `24:00[:00[.000]]` is the next
 * midnight, fractions beyond milliseconds are truncated.
 */
import type { Column, NumericColumn } from '../../core/types';

const ZERO = 0x30;
const SPACE = 0x20;

/** ASCII white space (tab, newlines, space), trimmed around a value as `String.prototype.trim` does. */
function isSpace(c: number): boolean {
  return c === SPACE || (c >= 0x09 && c <= 0x0d);
}

/** The value of two ASCII digits at `i`, or -1. */
function two(bytes: ArrayLike<number>, i: number): number {
  const a = bytes[i] - ZERO;
  const b = bytes[i + 1] - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Milliseconds since 1970 (UTC) of the timestamp in `bytes[start, end)`, or NaN when it is not one
 * of the accepted forms. Works on a Buffer (a CSV field) or any array of character codes.
 *
 * @example parseTimestampBytes(Buffer.from('2024-01-23T14:05:00Z'), 0, 20) // 1706018700000
 */
export function parseTimestampBytes(bytes: ArrayLike<number>, start: number, end: number): number {
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  if (end - start < 10 || bytes[start + 4] !== 0x2d || bytes[start + 7] !== 0x2d) return NaN;
  const y1 = two(bytes, start);
  const y2 = two(bytes, start + 2);
  const month = two(bytes, start + 5);
  const day = two(bytes, start + 8);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  const days = daysFromCivil(y1 * 100 + y2, month, day);
  let p = start + 10;
  if (p === end) return days * 86_400_000;

  // Time: [T ]HH:MM[:SS[.f+]]
  const sep = bytes[p];
  if ((sep !== 0x54 && sep !== SPACE) || end - p < 6 || bytes[p + 3] !== 0x3a) return NaN;
  const hour = two(bytes, p + 1);
  const minute = two(bytes, p + 4);
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59) return NaN;
  p += 6;
  let second = 0;
  let millis = 0;
  if (p < end && bytes[p] === 0x3a) {
    second = two(bytes, p + 1);
    if (p + 3 > end || second < 0 || second > 59) return NaN;
    p += 3;
    if (p < end && bytes[p] === 0x2e) {
      p++;
      const from = p;
      let scale = 100;
      while (p < end) {
        const d = bytes[p] - ZERO;
        if (d < 0 || d > 9) break;
        millis += d * scale; // digits after the third add 0 (scale rounds down to 0): truncation
        scale = Math.floor(scale / 10);
        p++;
      }
      if (p === from) return NaN;
    }
  }
  if (hour === 24 && (minute !== 0 || second !== 0 || millis !== 0)) return NaN;

  // Zone: nothing (UTC), Z, ±HH:MM or ±HHMM.
  let offsetMinutes = 0;
  if (p < end) {
    const sign = bytes[p];
    if (sign === 0x5a) {
      p++;
    } else if (sign === 0x2b || sign === 0x2d) {
      const oh = two(bytes, p + 1);
      const colon = bytes[p + 3] === 0x3a ? 1 : 0;
      const om = two(bytes, p + 3 + colon);
      if (p + 5 + colon > end || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMinutes = (sign === 0x2b ? 1 : -1) * (oh * 60 + om);
      p += 5 + colon;
    } else {
      return NaN;
    }
    if (p !== end) return NaN;
  }
  return days * 86_400_000 + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/**
 * `parseTimestampBytes` on a string (its UTF-8 bytes: a non-ASCII character never reads as a digit).
 * @example parseTimestampText('2010-03-01 13:45') // 1267451100000
 */
export function parseTimestampText(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseTimestampBytes(bytes, 0, bytes.length);
}

/**
 * Columns read as timestamps hold epoch milliseconds for sure; a numeric column given by the user
 * may hold epoch seconds or milliseconds, which `hoursOf` has to guess from the magnitude. The
 * marker lets a reader say "milliseconds" without a change to the shared Column type.
 */
const epochMsColumns = new WeakSet<Column>();

/** Marks a column as holding epoch milliseconds (NaN = missing) and returns it. */
export function markEpochMs(column: NumericColumn): NumericColumn {
  epochMsColumns.add(column);
  return column;
}

/** Whether `column` was read as a timestamp column (epoch milliseconds). */
export function isEpochMs(column: Column): boolean {
  return epochMsColumns.has(column);
}
