/**
 * The feature encoding the demo's logistic regression and the replay's linear regression share,
 * fitted on the training rows only (pure, no I/O):
 * - numeric: (x − mean) / std (population std; a constant column keeps scale 1); a missing value
 *   becomes 0, i.e. the training mean;
 * - categorical: one 0/1 column per category seen in training (sorted by name); a missing value or
 *   a category never seen in training maps to all zeros, i.e. the baseline.
 */
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../types';

/** Rows × columns, row-major: the encoded features of a model fit. */
export interface Design {
  readonly rows: number;
  readonly columns: number;
  readonly values: Float64Array;
}

export type Encoder =
  | { kind: 'numeric'; name: string; mean: number; scale: number }
  | { kind: 'categorical'; name: string; levels: string[]; stds: number[] };

/** The named columns of `data`, in order. @throws Error "<what> \"<name>\" is not in the data" for the first one missing */
export function columnsOf(data: Dataset, names: readonly string[], what: string): Column[] {
  const byName = new Map(data.columns.map((c) => [c.name, c]));
  return names.map((name) => {
    const column = byName.get(name);
    if (!column) throw new Error(`${what} ${JSON.stringify(name)} is not in the data`);
    return column;
  });
}

export function fitEncoder(column: Column): Encoder {
  if (column.kind === 'numeric') return fitNumeric(column);
  return fitCategorical(column);
}

function fitNumeric(column: NumericColumn): Encoder {
  let n = 0;
  let sum = 0;
  for (const v of column.values) if (v === v) (n++, (sum += v));
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (const v of column.values) if (v === v) squares += (v - mean) ** 2;
  const std = n > 0 ? Math.sqrt(squares / n) : 0;
  // A constant column carries no information; scale 1 keeps it at 0 after centring.
  return { kind: 'numeric', name: column.name, mean, scale: std > 1e-12 ? std : 1 };
}

function fitCategorical(column: CategoricalColumn): Encoder {
  const counts = new Float64Array(column.dictionary.length);
  for (const code of column.codes) if (code >= 0) counts[code]++;
  const n = column.codes.length;
  const levels = column.dictionary.filter((_, code) => counts[code] > 0).sort();
  const byValue = new Map<string, number>();
  column.dictionary.forEach((value, code) => byValue.set(value, (byValue.get(value) ?? 0) + counts[code]));
  const stds = levels.map((value) => {
    const p = (byValue.get(value) ?? 0) / n;
    return Math.sqrt(p * (1 - p));
  });
  return { kind: 'categorical', name: column.name, levels, stds };
}

export function encode(encoders: readonly Encoder[], columns: readonly Column[], rows: number): Design {
  const width = encoders.reduce((sum, e) => sum + (e.kind === 'numeric' ? 1 : e.levels.length), 0);
  const values = new Float64Array(rows * width);
  let offset = 0;
  encoders.forEach((encoder, c) => {
    const column = columns[c];
    if (encoder.kind === 'numeric' && column.kind === 'numeric') {
      for (let i = 0; i < rows; i++) {
        const v = column.values[i];
        values[i * width + offset] = v === v ? (v - encoder.mean) / encoder.scale : 0;
      }
      offset++;
    } else if (encoder.kind === 'categorical') {
      const index = new Map(encoder.levels.map((value, k) => [value, k]));
      const { codes, lookup } = categoryCodes(column);
      const slot = lookup.map((value) => index.get(value) ?? -1);
      for (let i = 0; i < rows; i++) {
        const k = codes[i] >= 0 ? slot[codes[i]] : -1;
        if (k >= 0) values[i * width + offset + k] = 1;
      }
      offset += encoder.levels.length;
    }
  });
  return { rows, columns: width, values };
}

/** A column as codes into a list of strings (numeric values print as numbers; NaN is code −1). */
export function categoryCodes(column: Column): { codes: Int32Array; lookup: string[] } {
  if (column.kind === 'categorical') return { codes: column.codes, lookup: [...column.dictionary] };
  const lookup: string[] = [];
  const index = new Map<number, number>();
  const codes = new Int32Array(column.values.length);
  column.values.forEach((v, i) => {
    if (v !== v) {
      codes[i] = -1;
      return;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = lookup.length;
      index.set(v, code);
      lookup.push(String(v));
    }
    codes[i] = code;
  });
  return { codes, lookup };
}
