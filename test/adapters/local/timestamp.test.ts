import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parseCsv } from '../../../lambda/adapters/local/csv';
import { InputError } from '../../../lambda/adapters/local/errors';
import { readDataset } from '../../../lambda/adapters/local/read-dataset';
import { isEpochMs, parseTimestampBytes, parseTimestampText } from '../../../lambda/adapters/local/timestamp';
import type { Dataset, NumericColumn } from '../../../lambda/core/types';

/** The reference: the accepted shapes normalised to full ISO text and given to Date.parse (no offset = UTC). */
function oracle(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Timestamp-like texts: mostly valid, with out-of-range fields, odd separators and zones mixed in. */
const timestampText = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    time: fc.option(
      fc.record({
        sep: fc.constantFrom('T', ' ', 't', '_'),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.option(fc.integer({ min: 0, max: 60 })),
        fraction: fc.option(fc.stringMatching(/^[0-9]{0,8}$/)),
        zone: fc.constantFrom('', 'Z', 'z', '+01:00', '-05:30', '+0100', '-2359', '+24:00', '+12:60', '+1', 'UTC'),
      }),
    ),
    around: fc.constantFrom('', ' ', '\t', 'x'),
  })
  .map(({ year, month, day, time, around }) => {
    let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    if (time) {
      text += `${time.sep}${pad(time.hour, 2)}:${pad(time.minute, 2)}`;
      if (time.second !== null) text += `:${pad(time.second, 2)}`;
      if (time.second !== null && time.fraction !== null) text += `.${time.fraction}`;
      text += time.zone;
    }
    return around === 'x' ? `${text}x` : `${around}${text}${around}`;
  });

describe('parseTimestampBytes', () => {
  it('agrees with Date.parse on dates, date-times, fractions and zones (valid or not)', () => {
    fc.assert(
      fc.property(timestampText, (text) => {
        expect(parseTimestampText(text)).toBe(oracle(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with Date.parse on any instant written by toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseTimestampText(iso)).toBe(ms);
        expect(parseTimestampText(iso.replace('T', ' ').replace('Z', ''))).toBe(ms);
      }),
    );
  });

  it('reads the documented forms, including the rollovers Date.parse allows', () => {
    expect(parseTimestampText('2024-01-23T14:05:00Z')).toBe(Date.UTC(2024, 0, 23, 14, 5));
    expect(parseTimestampText('2024-01-23')).toBe(Date.UTC(2024, 0, 23));
    expect(parseTimestampText('2024-01-23 14:05:00')).toBe(Date.UTC(2024, 0, 23, 14, 5));
    expect(parseTimestampText('2024-01-23T14:05')).toBe(Date.UTC(2024, 0, 23, 14, 5));
    expect(parseTimestampText('2024-01-23T14:05:00.1234+01:00')).toBe(Date.UTC(2024, 0, 23, 13, 5, 0, 123));
    expect(parseTimestampText('2024-02-30')).toBe(Date.UTC(2024, 2, 1));
    expect(parseTimestampText('2024-01-01T24:00:00Z')).toBe(Date.UTC(2024, 0, 2));
    for (const bad of ['', '2024', '2024-1-23', '2024-01-23T', '2024-01-23T14', '2024-01-23T24:00:01Z', '2024-01-23T14:05:00.Z', '23/01/2024']) {
      expect(parseTimestampText(bad)).toBeNaN();
    }
  });

  it('reads only its slice of a buffer (a CSV field), never the bytes after it', () => {
    const bytes = Buffer.from('2024-01-23T14:05,00Z');
    expect(parseTimestampBytes(bytes, 0, 16)).toBe(Date.UTC(2024, 0, 23, 14, 5));
    expect(parseTimestampBytes(Buffer.from('2024-01-23T14:05:0'), 0, 18)).toBeNaN();
  });
});

describe('reading timestamp columns', () => {
  const csv = (text: string, timestamps: string[], kinds = {}) =>
    parseCsv(Buffer.from(text), { fileName: 'log.csv', timestamps, kinds });
  const values = (dataset: Dataset, name: string) => {
    const column = dataset.columns.find((c) => c.name === name) as NumericColumn;
    expect(column.kind).toBe('numeric');
    return Array.from(column.values);
  };

  it('gives epoch milliseconds with NaN for missing cells, marked as milliseconds', () => {
    const data = csv('t,x\n2024-01-23T14:05:00Z,1\n,2\nNA,3\n"2024-01-23 14:05:00+01:00",4\n2024-01-24,5\n', ['t']);
    expect(values(data, 't')).toEqual([Date.UTC(2024, 0, 23, 14, 5), NaN, NaN, Date.UTC(2024, 0, 23, 13, 5), Date.UTC(2024, 0, 24)]);
    expect(isEpochMs(data.columns[0])).toBe(true);
    expect(isEpochMs(data.columns[1])).toBe(false);
  });

  it('rejects an unparseable value naming file, row, line, column and value', () => {
    let error: unknown;
    try {
      csv('t,x\n2024-01-23,1\n\n2024-13-01,2\n', ['t']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'log.csv: row 2 (line 4), column "t": value "2024-13-01" is not a timestamp ' +
        '(expected an ISO date or date-time such as 2024-01-23, 2024-01-23T14:05:00Z or 2024-01-23 14:05:00+01:00)',
    );
    expect((error as InputError).details).toEqual({ file: 'log.csv', line: 4, row: 2, column: 't', value: '2024-13-01' });
    // A number after timestamps is an error too, not a silent switch of unit.
    expect(() => csv('t\n2024-01-23\n1706018700\n', ['t'])).toThrow(/row 2 .*value "1706018700" is not a timestamp/);
  });

  it('leaves a column of epoch numbers as plain numbers, as without the option', () => {
    const data = csv('t\n\n1706018700\n1706018760\n', ['t']);
    expect(values(data, 't')).toEqual([1706018700, 1706018760]);
    expect(isEpochMs(data.columns[0])).toBe(false);
  });

  it('reads Parquet text, DATE, TIMESTAMP and TIMESTAMPTZ columns as epoch milliseconds', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ts-'));
    const file = path.join(dir, 't.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT TIMESTAMP '2024-01-23 14:05:00' AS t, TIMESTAMPTZ '2024-01-23 14:05:00+01' AS tz, DATE '2024-01-23' AS d, ` +
        `'2024-01-23T14:05:00Z' AS s UNION ALL SELECT NULL, NULL, NULL, NULL) TO '${file}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const data = await readDataset(file, { timestamps: ['t', 'tz', 'd', 's'] });
    expect(values(data, 't')).toEqual([Date.UTC(2024, 0, 23, 14, 5), NaN]);
    expect(values(data, 'tz')).toEqual([Date.UTC(2024, 0, 23, 13, 5), NaN]);
    expect(values(data, 'd')).toEqual([Date.UTC(2024, 0, 23), NaN]);
    expect(values(data, 's')).toEqual([Date.UTC(2024, 0, 23, 14, 5), NaN]);
    expect(data.columns.every(isEpochMs)).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });
});
