/**
 * The CSV reader's record splitter (csv.ts reads the fields it finds): fields separated by one ASCII
 * delimiter, double-quoted fields with `""` for a quote and delimiters or newlines inside, lines
 * ending with LF, CRLF or CR, blank lines skipped. It keeps only where each field of the current
 * record starts and ends, so no string is built for a field the reader parses from the bytes.
 */
import { InputError, quoteValue } from './errors';

const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;

/** Flags of one field in `Tokenizer.flags`. */
export const QUOTED = 1;
export const ESCAPED = 2; // quoted and contains `""`

/** Splits records into fields; positions of the current record's fields are kept in typed arrays. */
export class Tokenizer {
  pos: number;
  /** 1-based line number of the next byte to read, counting newlines inside quotes too. */
  line = 1;
  /** Line on which the current record starts. */
  recordLine = 1;
  starts: Uint32Array;
  ends: Uint32Array;
  flags: Uint8Array;

  constructor(
    private readonly bytes: Buffer,
    private readonly delimiter: number,
    private readonly fileName: string,
    start: number,
    capacity: number,
  ) {
    this.pos = start;
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  /**
   * Reads the next non-blank record. Returns its field count (which may exceed the capacity: extra
   * fields are counted, not stored, unless `grow` is set), or -1 at the end of the input.
   */
  next(grow = false): number {
    const bytes = this.bytes;
    const n = bytes.length;
    const delimiter = this.delimiter;
    // Skip blank lines.
    while (this.pos < n && (bytes[this.pos] === LF || bytes[this.pos] === CR)) {
      if (bytes[this.pos] === LF || bytes[this.pos + 1] !== LF) this.line++;
      this.pos++;
    }
    if (this.pos >= n) return -1;
    this.recordLine = this.line;
    let p = this.pos;
    let field = 0;
    for (;;) {
      if (field >= this.starts.length && grow) this.growFields();
      let start: number;
      let end: number;
      let flag = 0;
      if (bytes[p] === QUOTE) {
        flag = QUOTED;
        start = p + 1;
        const openLine = this.line;
        let q = start;
        for (;;) {
          const at = bytes.indexOf(QUOTE, q);
          if (at < 0) {
            throw new InputError(
              `${this.fileName}: line ${openLine}: unterminated quoted field (a '"' opens a field that never closes)`,
              { file: this.fileName, line: openLine },
            );
          }
          // Count newlines inside the quoted part for later line numbers.
          for (let k = q; k < at; k++) if (bytes[k] === LF) this.line++;
          if (bytes[at + 1] === QUOTE) {
            flag |= ESCAPED;
            q = at + 2;
            continue;
          }
          end = at;
          p = at + 1;
          break;
        }
        if (p < n && bytes[p] !== delimiter && bytes[p] !== LF && bytes[p] !== CR) {
          throw new InputError(
            `${this.fileName}: line ${this.line}: unexpected character ${quoteValue(String.fromCharCode(bytes[p]))} ` +
              `after a closing quote (expected the delimiter or the end of the line)`,
            { file: this.fileName, line: this.line },
          );
        }
      } else {
        start = p;
        while (p < n) {
          const c = bytes[p];
          if (c === delimiter || c === LF || c === CR) break;
          p++;
        }
        end = p;
      }
      if (field < this.starts.length) {
        this.starts[field] = start;
        this.ends[field] = end;
        this.flags[field] = flag;
      }
      field++;
      if (p < n && bytes[p] === delimiter) {
        p++;
        continue;
      }
      // End of record: consume the line ending.
      if (p < n) {
        if (bytes[p] === CR && bytes[p + 1] === LF) p += 2;
        else p++;
        this.line++;
      }
      this.pos = p;
      return field;
    }
  }

  private growFields(): void {
    const size = this.starts.length * 2;
    const grow = <T extends Uint32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    this.starts = grow(this.starts, new Uint32Array(size));
    this.ends = grow(this.ends, new Uint32Array(size));
    this.flags = grow(this.flags, new Uint8Array(size));
  }
}

/** The text of a field, quotes removed and `""` unescaped. */
export function fieldText(bytes: Buffer, start: number, end: number, flag: number): string {
  const text = bytes.toString('utf8', start, end);
  return flag & ESCAPED ? text.replace(/""/g, '"') : text;
}
