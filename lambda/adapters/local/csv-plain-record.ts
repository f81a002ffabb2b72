/**
 * The common CSV record read in one pass: no quotes, the expected number of fields, and short decimal
 * numbers (`-12.5`, `3`, `.25`) in the numeric columns, parsed while their bytes are scanned.
 *
 * Why: the general path (`Tokenizer.next` then `parseNumberBytes` per cell) reads every byte of a
 * numeric cell twice and calls a function per cell; on a million rows × 12 columns that was about a
 * third of `driftwatch compare`'s time. Anything this path does not handle — a quote, a blank line,
 * a ragged record, a cell with spaces, an exponent, 16 or more digits — is left to the general path
 * (`PLAIN_RECORD_DECLINED`), which then reads the record from the same position: its rules, errors
 * and line numbers stay the only ones. A number read here is the double `parseNumberBytes` gives
 * (the same exact fast path: at most 15 significant digits, at most 22 decimals).
 */
import { CR, LF, type Tokenizer } from './csv-tokenizer';
import { POW10 } from './number';

/** `readPlainRecord`'s answer when the record needs the general path. */
export const PLAIN_RECORD_DECLINED = -2;

const QUOTE = 0x22;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;


/** Per-field results of a plain record: which numeric cells were parsed, and their values. */
export class PlainNumbers {
  readonly parsed: Uint8Array;
  readonly values: Float64Array;
  constructor(width: number) {
    this.parsed = new Uint8Array(width);
    this.values = new Float64Array(width);
  }
}

/**
 * Reads the record at `tokenizer.pos` when it is plain, filling the tokenizer's field bounds (flags 0)
 * and, for each field with `numeric[f]` set, `numbers.parsed[f]` (1 when its number was read here,
 * into `numbers.values[f]`). Returns the field count (always `width`) and moves the tokenizer past
 * the record, or returns `PLAIN_RECORD_DECLINED` and moves nothing.
 */
export function readPlainRecord(tokenizer: Tokenizer, bytes: Uint8Array, delimiter: number, numeric: Uint8Array, numbers: PlainNumbers): number {
  const n = bytes.length;
  const width = numeric.length;
  const { starts, ends, flags } = tokenizer;
  const { parsed, values } = numbers;
  let p = tokenizer.pos;
  if (p >= n || bytes[p] === LF || bytes[p] === CR) return PLAIN_RECORD_DECLINED;
  for (let f = 0; f < width; f++) {
    const start = p;
    let c = p < n ? bytes[p] : -1;
    if (c === QUOTE) return PLAIN_RECORD_DECLINED;
    let ok = 0;
    if (numeric[f] === 1 && c !== delimiter && c !== LF && c !== CR && c !== -1) {
      // sign, digits, optionally '.' and digits: the mantissa as an integer and the decimals' count.
      let negative = false;
      if (c === MINUS || c === PLUS) {
        negative = c === MINUS;
        c = ++p < n ? bytes[p] : -1;
      }
      let mantissa = 0;
      let significant = 0;
      let decimals = 0;
      let digits = 0;
      let dot = false;
      for (;;) {
        const d = c - ZERO;
        if (d >= 0 && d <= 9) {
          digits++;
          if (dot) decimals++;
          if (mantissa !== 0 || d !== 0) {
            mantissa = mantissa * 10 + d;
            significant++;
          }
        } else if (c === DOT && !dot) {
          dot = true;
        } else {
          break;
        }
        c = ++p < n ? bytes[p] : -1;
      }
      if (digits > 0 && significant <= 15 && decimals <= 22 && (c === delimiter || c === LF || c === CR || c === -1)) {
        const magnitude = decimals === 0 ? mantissa : mantissa / POW10[decimals];
        values[f] = negative ? -magnitude : magnitude;
        ok = 1;
      }
    }
    parsed[f] = ok;
    // The rest of the field (all of it when it was not read as a number).
    while (c !== delimiter && c !== LF && c !== CR && c !== -1) {
      if (c === QUOTE) return PLAIN_RECORD_DECLINED;
      c = ++p < n ? bytes[p] : -1;
    }
    starts[f] = start;
    ends[f] = p;
    flags[f] = 0;
    if (c === delimiter) {
      if (f === width - 1) return PLAIN_RECORD_DECLINED; // more fields than the header
      p++;
    } else if (f < width - 1) {
      return PLAIN_RECORD_DECLINED; // fewer fields than the header
    }
  }
  // The record's line ending, as the general path consumes it.
  tokenizer.recordLine = tokenizer.line;
  if (p < n) {
    p += bytes[p] === CR && bytes[p + 1] === LF ? 2 : 1;
    tokenizer.line++;
  }
  tokenizer.pos = p;
  return width;
}
