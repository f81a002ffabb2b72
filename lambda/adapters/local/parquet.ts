/**
 * Parquet through DuckDB (in-process): numeric Parquet types become numeric columns (NULL → NaN),
 * everything else becomes categorical text; `kinds` can force either way. Text cells that are a
 * missing value (inference.ts) are missing, as in CSV; ±Infinity in a float column is invalid, and
 * the column stays numeric while at most 1% of its values are (they read as missing, reported
 * through `onColumn`, as CSV's invalid cells are).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { own } from '../../core/own';
import type { Column, Dataset, FeatureKind } from '../../core/types';
import { InputError, quoteValue } from './errors';
import { fewInvalid, MAX_EXAMPLES, MAX_INVALID_SHARE, MissingMatcher, textReading, type CellExample, type ColumnReading } from './inference';
import { parseNumberBytes } from './number';
import { markEpochMs, parseTimestampText } from './timestamp';

export interface ParquetOptions {
  readonly kinds?: Readonly<Record<string, FeatureKind>>;
  /** Name used in error messages. @default path */
  readonly fileName?: string;
  /**
   * Columns to read as epoch milliseconds (NaN = missing): DATE and TIMESTAMP columns through DuckDB's
   * `epoch_ms`, text columns parsed as ISO timestamps (timestamp.ts). Numeric columns are left as they
   * are (their unit is not known). Unknown names are ignored.
   */
  readonly timestamps?: readonly string[];
  /** Text cells that mean "missing" (as in CSV). @default DEFAULT_MISSING_VALUES */
  readonly missingValues?: readonly string[];
  /** Called once per column with its kind, its Parquet type and what was mixed in it. */
  readonly onColumn?: (reading: ColumnReading) => void;
  /** Columns not to read at all (e.g. compare's --exclude): they are left out of the dataset. */
  readonly skip?: ReadonlySet<string>;
  /** Called with each column of `skip` the file has. */
  readonly onSkip?: (name: string) => void;
}

const TIME_TYPE = /^(DATE|TIMESTAMP)/;
/** An instant: `epoch_ms` of it directly, since a cast to TIMESTAMP would apply the local time zone. */
const TZ_TYPE = /^TIMESTAMP WITH TIME ZONE/;
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)(\(\d+, ?\d+\))?$/;
/** Lists, arrays, structs, maps and unions: nested values, read as their text (`[1, 2]`), never as numbers. */
const NESTED_TYPE = /\[\d*\]$|^(STRUCT|MAP|UNION|LIST)\b/;

/** Double-quotes a column name for DuckDB (names come from the file, so escape embedded quotes). */
function sqlName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Reads a Parquet file into a Dataset.
 *
 * @example const dataset = await readParquet('employment_MA_reference.pq');
 */
export async function readParquet(path: string, options: ParquetOptions = {}): Promise<Dataset> {
  const fileName = options.fileName ?? path;
  const kinds = options.kinds ?? {};
  const timestamps = new Set(options.timestamps ?? []);
  const missing = new MissingMatcher(options.missingValues);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    let described;
    try {
      described = await connection.runAndReadAll('DESCRIBE SELECT * FROM read_parquet(?)', [path]);
    } catch (error) {
      throw new InputError(`${fileName}: not a readable Parquet file (${(error as Error).message.split('\n')[0]})`, {
        file: fileName,
      });
    }
    const skip = options.skip ?? new Set<string>();
    const all = described.getRowObjectsJS() as Array<{ column_name: string; column_type: string }>;
    for (const c of all) if (skip.has(c.column_name)) options.onSkip?.(c.column_name);
    const schema = all.filter((c) => !skip.has(c.column_name));
    const plan = schema.map(({ column_name: name, column_type: type }) => {
      if (NESTED_TYPE.test(type) && (own(kinds, name) === 'numeric' || timestamps.has(name))) {
        throw new InputError(
          `${fileName}: column ${quoteValue(name)} is a nested Parquet column (${type}): it cannot be read as ${own(kinds, name) === 'numeric' ? 'numeric' : 'a timestamp'} ` +
            '(it is read as text, one category per distinct value; exclude it or declare it categorical)',
          { file: fileName, column: name },
        );
      }
      const stored: FeatureKind = NUMERIC_TYPE.test(type) ? 'numeric' : 'categorical';
      const time = !timestamps.has(name) || stored === 'numeric' ? null : TZ_TYPE.test(type) ? 'zoned' : TIME_TYPE.test(type) ? 'native' : 'text';
      return { name, type, stored, time, kind: own(kinds, name) ?? stored };
    });
    // Numbers arrive as DOUBLE; text as VARCHAR (so dates, booleans and lists become categories).
    const select = plan
      .map(({ name, stored, time }) =>
        time === 'zoned'
          ? `CAST(epoch_ms(${sqlName(name)}) AS DOUBLE) AS ${sqlName(name)}`
          : time === 'native'
            ? `CAST(epoch_ms(CAST(${sqlName(name)} AS TIMESTAMP)) AS DOUBLE) AS ${sqlName(name)}`
            : `CAST(${sqlName(name)} AS ${stored === 'numeric' ? 'DOUBLE' : 'VARCHAR'}) AS ${sqlName(name)}`,
      )
      .join(', ');
    const reader = await connection.runAndReadAll(`SELECT ${select || '1'} FROM read_parquet(?)`, [path]);
    const rowCount = reader.currentRowCount;
    // A file with no rows has no column chunks: every column is empty.
    const raw = plan.length > 0 && rowCount > 0 ? reader.getColumnsJS() : plan.map(() => []);
    const columns: Column[] = plan.map(({ name, type, stored, time, kind }, index) => {
      const cells = raw[index] as Array<number | string | null>;
      const forced = own(kinds, name) !== undefined || time !== null;
      const report = (column: Column, numeric?: Numbers) => {
        if (!options.onColumn) return column;
        const reading: ColumnReading =
          column.kind === 'numeric'
            ? { file: fileName, name, kind: 'numeric', forced, type, nonMissing: numeric ? numeric.present + numeric.invalid : 0, numbers: numeric?.present ?? 0, invalid: numeric?.invalid ?? 0, examples: numeric?.examples ?? [] }
            : { file: fileName, name, kind: 'categorical', forced, type, ...textReading(column.codes, column.dictionary) };
        options.onColumn(reading);
        return column;
      };
      if (time !== null) {
        const values = toEpochMs(cells, fileName, name, missing);
        let present = 0;
        for (const v of values) if (v === v) present++;
        return report(markEpochMs({ kind: 'numeric', name, values }), { values, present, invalid: 0, examples: [] });
      }
      if (kind === 'numeric') {
        const numeric = toNumbers(cells, stored, missing);
        if (fewInvalid(numeric.invalid, numeric.present + numeric.invalid)) return report({ kind, name, values: numeric.values }, numeric);
        // Too many invalid values to stay numeric: an error when declared so, categorical otherwise.
        if (own(kinds, name) === 'numeric') badNumber(fileName, numeric, name);
      }
      return report(toCategorical(name, cells, missing));
    });
    return { rowCount, columns };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

interface Numbers {
  readonly values: Float64Array;
  /** Cells holding a finite number. */
  readonly present: number;
  /** Cells that are neither a number nor missing (±Infinity, text that is not a number): read as NaN. */
  readonly invalid: number;
  readonly examples: CellExample[];
}

function toNumbers(cells: Array<number | string | null>, stored: FeatureKind, missing: MissingMatcher): Numbers {
  const values = new Float64Array(cells.length);
  let present = 0;
  let invalid = 0;
  const examples: CellExample[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    let value: number | undefined;
    if (cell === null) {
      value = NaN;
    } else if (stored === 'numeric') {
      value = cell as number; // DuckDB's NaN stays NaN: missing.
      if (value === Infinity || value === -Infinity) value = undefined;
    } else {
      const text = cell as string;
      const bytes = Buffer.from(text, 'utf8');
      value = missing.text(text) ? NaN : parseNumberBytes(bytes, 0, bytes.length);
    }
    if (value === undefined) {
      invalid++;
      if (examples.length < MAX_EXAMPLES) examples.push({ value: String(cell), row: i + 1 });
      values[i] = NaN;
    } else {
      values[i] = value;
      if (value === value) present++;
    }
  }
  return { values, present, invalid, examples };
}

/** Epoch-ms cells (from `epoch_ms`) or ISO texts into epoch milliseconds; null → NaN. */
function toEpochMs(cells: Array<number | string | bigint | null>, fileName: string, name: string, missing: MissingMatcher): Float64Array {
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) values[i] = NaN;
    else if (typeof cell !== 'string') values[i] = Number(cell);
    else if (missing.text(cell)) values[i] = NaN;
    else {
      values[i] = parseTimestampText(cell);
      if (Number.isNaN(values[i])) {
        throw new InputError(
          `${fileName}: row ${i + 1}, column ${quoteValue(name)}: value ${quoteValue(cell)} is not a timestamp ` +
            '(expected an ISO date or date-time such as 2024-01-23, 2024-01-23T14:05:00Z or 2024-01-23 14:05:00+01:00)',
          { file: fileName, row: i + 1, column: name, value: cell },
        );
      }
    }
  }
  return values;
}

function badNumber(fileName: string, numbers: Numbers, name: string): never {
  const { value, row } = numbers.examples[0];
  throw new InputError(
    `${fileName}: row ${row}, column ${quoteValue(name)}: value ${quoteValue(value)} is not a finite number, ` +
      'but the column is declared numeric' +
      (numbers.invalid > 1 ? ` (${numbers.invalid.toLocaleString('en-US')} such values, more than the ${MAX_INVALID_SHARE * 100}% read as missing)` : ''),
    { file: fileName, row, column: name, value },
  );
}

function toCategorical(name: string, cells: Array<number | string | null>, missing: MissingMatcher): Column {
  const codes = new Int32Array(cells.length);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || (typeof cell === 'number' && Number.isNaN(cell)) || (typeof cell === 'string' && missing.text(cell))) {
      codes[i] = -1;
      continue;
    }
    const text = typeof cell === 'number' ? String(cell) : cell;
    let code = index.get(text);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(text);
      index.set(text, code);
    }
    codes[i] = code;
  }
  return { kind: 'categorical', name, codes, dictionary };
}
