/**
 * Number parsing straight from the bytes of a CSV field, without building a string per cell.
 *
 * Fast path (Clinger): at most 15 significant decimal digits and a decimal exponent within ±22 make
 * both the mantissa and the power of ten exact doubles, so one multiplication or division gives the
 * correctly rounded result, the same double as `Number(text)`. Anything else that is still valid
 * number syntax goes through `Number()` on the decoded text.
 */

/** 10^k for k = 0..22: the powers of ten that are exact doubles. */
export const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

const SPACE = 0x20;
const TAB = 0x09;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * The finite number written in `bytes[start, end)`, or `undefined` when the text is not a decimal
 * number (`1`, `-2.5`, `.5`, `3.`, `1e-7`; surrounding spaces allowed) or is not finite (`1e999`).
 * `Infinity`, `inf`, hex and thousands separators are not numbers here, on purpose: a column holding
 * them is not a plain numeric column.
 *
 * @example parseNumberBytes(Buffer.from('x -12.5e1 x'), 2, 9) // -125
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  while (i < end && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
  let stop = end;
  while (stop > i && (bytes[stop - 1] === SPACE || bytes[stop - 1] === TAB)) stop--;
  if (i === stop) return undefined;
  const textStart = i;

  let negative = false;
  if (bytes[i] === MINUS || bytes[i] === PLUS) {
    negative = bytes[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let significant = 0; // significant digits kept in the mantissa
  let exponent = 0; // decimal exponent applied to the mantissa
  let digits = 0; // all mantissa digits seen (integer and fraction part)
  let exact = true;
  for (; i < stop; i++) {
    const c = bytes[i];
    if (c < ZERO || c > NINE) break;
    digits++;
    if (mantissa === 0 && c === ZERO) continue; // leading zeros
    if (significant < 15) {
      mantissa = mantissa * 10 + (c - ZERO);
      significant++;
    } else {
      exact = false;
    }
  }
  if (i < stop && bytes[i] === DOT) {
    i++;
    for (; i < stop; i++) {
      const c = bytes[i];
      if (c < ZERO || c > NINE) break;
      digits++;
      if (mantissa === 0 && c === ZERO) {
        exponent--;
        continue;
      }
      if (significant < 15) {
        mantissa = mantissa * 10 + (c - ZERO);
        significant++;
        exponent--;
      } else {
        exact = false;
      }
    }
  }
  if (digits === 0) return undefined;
  if (i < stop && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
    i++;
    let expNegative = false;
    if (i < stop && (bytes[i] === MINUS || bytes[i] === PLUS)) {
      expNegative = bytes[i] === MINUS;
      i++;
    }
    let expValue = 0;
    let expDigits = 0;
    for (; i < stop; i++) {
      const c = bytes[i];
      if (c < ZERO || c > NINE) break;
      if (expValue < 100000) expValue = expValue * 10 + (c - ZERO);
      expDigits++;
    }
    if (expDigits === 0) return undefined;
    exponent += expNegative ? -expValue : expValue;
  }
  if (i !== stop) return undefined;

  if (mantissa === 0) return negative ? -0 : 0;
  if (exact && exponent >= -22 && exponent <= 22) {
    const value = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
    return negative ? -value : value;
  }
  // Valid syntax, outside the exact fast path: let the engine round it.
  const value = Number(Buffer.from(bytes.buffer, bytes.byteOffset + textStart, stop - textStart).toString('latin1'));
  return Number.isFinite(value) ? value : undefined;
}
