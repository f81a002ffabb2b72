/**
 * A cache from a field's bytes to what the categorical reader made of them (its code, or -1 for a
 * missing cell), so that a text column is read without decoding a string, trimming it, testing it
 * against the missing markers and looking it up in a Map on every cell. Why: a million rows of a
 * 20-level column repeat 20 byte strings; decoding each cell was about a third of reading a file.
 *
 * It is only a cache: the first time a byte string is seen, the caller decides its code the usual way
 * (from the decoded text) and stores it here. Two byte strings that decode alike (invalid UTF-8 both
 * read as U+FFFD) are two entries holding the same code, so the codes are those of the text path.
 */

/** Slots the table starts with; it is kept at most half full, which keeps probe sequences short. */
const MIN_SLOTS = 64;

export class ByteCodes {
  /** Open addressing: slot → entry index + 1 (0 = empty). */
  private slots = new Int32Array(MIN_SLOTS);
  private hashes = new Uint32Array(16);
  /** Where the entry's bytes are, in the buffer given to the constructor (its first occurrence). */
  private starts = new Uint32Array(16);
  private ends = new Uint32Array(16);
  private codes = new Int32Array(16);
  private size = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The stored code of `bytes[start, end)`, or undefined when these bytes were not seen yet. */
  get(start: number, end: number): number | undefined {
    const bytes = this.bytes;
    const hash = hashBytes(bytes, start, end);
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) return undefined;
      if (this.hashes[entry] !== hash) continue;
      const s = this.starts[entry];
      if (this.ends[entry] - s !== length) continue;
      let k = 0;
      while (k < length && bytes[s + k] === bytes[start + k]) k++;
      if (k === length) return this.codes[entry];
    }
  }

  /** Stores the code of `bytes[start, end)`, which `get` did not find. */
  set(start: number, end: number, code: number): void {
    if (this.size === this.hashes.length) this.growEntries();
    if (2 * (this.size + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    const entry = this.size++;
    const hash = hashBytes(this.bytes, start, end);
    this.hashes[entry] = hash;
    this.starts[entry] = start;
    this.ends[entry] = end;
    this.codes[entry] = code;
    this.place(entry, hash);
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let entry = 0; entry < this.size; entry++) this.place(entry, this.hashes[entry]);
  }

  private growEntries(): void {
    const size = this.hashes.length * 2;
    const grow = <T extends Uint32Array | Int32Array>(a: T, b: T): T => (b.set(a), b);
    this.hashes = grow(this.hashes, new Uint32Array(size));
    this.starts = grow(this.starts, new Uint32Array(size));
    this.ends = grow(this.ends, new Uint32Array(size));
    this.codes = grow(this.codes, new Int32Array(size));
  }
}

/** FNV-1a over the bytes (32-bit). */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}
