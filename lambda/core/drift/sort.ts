/**
 * Ascending sort of a Float64Array without NaN, in place, by LSD radix sort on the IEEE-754 bits.
 *
 * Why: every numeric comparison sorts both samples once, and on a million rows the comparison sort
 * (`Float64Array#sort`) is most of the cost of `driftwatch compare`; four 16-bit counting passes are
 * 3–4× faster and give the same order (−0 before +0, as `Float64Array#sort`). Small arrays use the
 * built-in sort, which is faster below a few thousand values.
 *
 * @example sortFloat64(Float64Array.of(3, -1, 2)) // Float64Array [-1, 2, 3]
 */
export function sortFloat64(values: Float64Array): Float64Array {
  if (values.length < SMALL) return values.sort();
  return radixSort(values, false);
}

/** Below this many values the built-in sort is faster than the radix sort. */
const SMALL = 4096;

/**
 * A sorted copy of `values` without its NaN (`sortFloat64` on the non-missing values), made by the
 * radix sort reading `values` directly: no intermediate copy of the non-missing values.
 *
 * @example sortedWithoutNaN(Float64Array.of(3, NaN, -1)) // Float64Array [-1, 3]
 */
export function sortedWithoutNaN(values: Float64Array): Float64Array {
  if (values.length >= SMALL) return radixSort(values, true);
  const present = values.filter((v) => v === v);
  return present.sort();
}

/**
 * LSD radix sort of `values`' doubles: in place, or, with `skipNaN`, into a new array without the
 * NaN (sorted with the built-in sort when fewer than SMALL remain).
 */
function radixSort(values: Float64Array, skipNaN: boolean): Float64Array {
  // Map each double to an unsigned key whose integer order is the numeric order: flip every bit of
  // negatives, only the sign bit of positives. A key is two 32-bit words (lo, hi) side by side, so a
  // pass moves one 8-byte key to one place (two arrays of words cost a second cache miss per move).
  // The four 16-bit digit histograms are counted in the same pass, not once per pass.
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let keys = new Uint32Array(values.length * 2);
  const counts = new Uint32Array(4 * 65536);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (skipNaN && values[i] !== values[i]) continue;
    const h = words[2 * i + 1];
    const negative = h >>> 31 === 1;
    const l = negative ? ~words[2 * i] >>> 0 : words[2 * i];
    const k = negative ? ~h >>> 0 : (h ^ 0x80000000) >>> 0;
    keys[2 * n] = l;
    keys[2 * n + 1] = k;
    n++;
    counts[l & 0xffff]++;
    counts[65536 + (l >>> 16)]++;
    counts[131072 + (k & 0xffff)]++;
    counts[196608 + (k >>> 16)]++;
  }
  if (n < SMALL) return skipNaN ? values.filter((v) => v === v).sort() : values.sort();
  const target = skipNaN ? new Float64Array(n) : values;
  const out = new Uint32Array(target.buffer, target.byteOffset, n * 2);
  let moved = new Uint32Array(n * 2);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    const word = pass < 2 ? 0 : 1;
    const shift = (pass % 2) * 16;
    // A pass where every key shares the digit changes nothing: skip it (common for the low words).
    if (counts[base + ((keys[word] >>> shift) & 0xffff)] === n) continue;
    let sum = 0;
    for (let d = base; d < base + 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < 2 * n; i += 2) {
      const j = 2 * counts[base + ((keys[i + word] >>> shift) & 0xffff)]++;
      moved[j] = keys[i];
      moved[j + 1] = keys[i + 1];
    }
    [keys, moved] = [moved, keys];
  }
  for (let i = 0; i < 2 * n; i += 2) {
    const h = keys[i + 1];
    const negative = (h & 0x80000000) === 0;
    out[i] = negative ? ~keys[i] >>> 0 : keys[i];
    out[i + 1] = negative ? ~h >>> 0 : (h ^ 0x80000000) >>> 0;
  }
  return target;
}
