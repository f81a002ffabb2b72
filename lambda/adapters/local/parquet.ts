/**
 * Parquet through DuckDB (in-process): numeric Parquet types become numeric columns (NULL → NaN),
 * everything else becomes categorical text; `kinds` can force either way.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { Column, Dataset, FeatureKind } from '../../core/types';
import { InputError, quoteValue } from './errors';
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
}

const TIME_TYPE = /^(DATE|TIMESTAMP)/;
/** An instant: `epoch_ms` of it directly, since a cast to TIMESTAMP would apply the local time zone. */
const TZ_TYPE = /^TIMESTAMP WITH TIME ZONE/;
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

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
    const schema = described.getRowObjectsJS() as Array<{ column_name: string; column_type: string }>;
    const plan = schema.map(({ column_name: name, column_type: type }) => {
      const stored: FeatureKind = NUMERIC_TYPE.test(type) ? 'numeric' : 'categorical';
      const time = !timestamps.has(name) || stored === 'numeric' ? null : TZ_TYPE.test(type) ? 'zoned' : TIME_TYPE.test(type) ? 'native' : 'text';
      return { name, stored, time, kind: kinds[name] ?? stored };
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
    const raw = plan.length > 0 ? reader.getColumnsJS() : [];
    const columns: Column[] = plan.map(({ name, stored, time, kind }, index) => {
      const cells = raw[index] as Array<number | string | null>;
      if (time !== null) return markEpochMs({ kind: 'numeric', name, values: toEpochMs(cells, fileName, name) });
      // A float column holding ±Infinity is not plain numeric (as in CSV): categorical unless forced.
      const infinite = stored === 'numeric' && cells.some((v) => v === Infinity || v === -Infinity);
      if (kind === 'numeric' && !(infinite && kinds[name] === undefined)) {
        return { kind, name, values: toNumbers(cells, stored, fileName, name) };
      }
      return toCategorical(name, cells);
    });
    return { rowCount, columns };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function toNumbers(
  cells: Array<number | string | null>,
  stored: FeatureKind,
  fileName: string,
  name: string,
): Float64Array {
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) {
      values[i] = NaN;
    } else if (stored === 'numeric') {
      values[i] = cell as number; // DuckDB's NaN stays NaN: missing.
      if (values[i] === Infinity || values[i] === -Infinity) values[i] = badNumber(fileName, i, name, String(cell));
    } else {
      const text = cell as string;
      if (text === '' || text === 'NA' || text === 'NaN' || text === 'null') {
        values[i] = NaN;
        continue;
      }
      const bytes = Buffer.from(text, 'utf8');
      const value = parseNumberBytes(bytes, 0, bytes.length);
      values[i] = value === undefined ? badNumber(fileName, i, name, text) : value;
    }
  }
  return values;
}

/** Epoch-ms cells (from `epoch_ms`) or ISO texts into epoch milliseconds; null → NaN. */
function toEpochMs(cells: Array<number | string | bigint | null>, fileName: string, name: string): Float64Array {
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) values[i] = NaN;
    else if (typeof cell !== 'string') values[i] = Number(cell);
    else if (cell === '' || cell === 'NA' || cell === 'NaN' || cell === 'null') values[i] = NaN;
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

function badNumber(fileName: string, index: number, name: string, text: string): never {
  throw new InputError(
    `${fileName}: row ${index + 1}, column ${quoteValue(name)}: value ${quoteValue(text)} is not a finite number, ` +
      'but the column is declared numeric',
    { file: fileName, row: index + 1, column: name, value: text },
  );
}

function toCategorical(name: string, cells: Array<number | string | null>): Column {
  const codes = new Int32Array(cells.length);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || (typeof cell === 'number' && Number.isNaN(cell))) {
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
