/**
 * The one-pass reader of plain records (csv-plain-record.ts) must give what the general path gives:
 * the same doubles as parseNumberBytes, the same missing cells, the same kinds, errors and line numbers.
 */
import fc from 'fast-check';
import { parseCsv } from '../../../lambda/adapters/local/csv';
import { parseNumberBytes } from '../../../lambda/adapters/local/number';
import { InputError } from '../../../lambda/adapters/local/errors';
import type { NumericColumn } from '../../../lambda/core/types';

/** Cells a numeric column meets: short decimals (the one-pass path), and everything it must leave alone. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
  fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.nat({ max: 9999 }), fc.nat({ max: 6 })).map(([i, f, d]) => `${i}.${String(f).padStart(d, '0')}`),
  fc.stringMatching(/^[+-]?[0-9]{0,18}(\.[0-9]{0,25})?$/),
  fc.constantFrom('', ' 1.5', '2 ', '1e3', '-', '.', '+.5', '-0', '-0.000', '00012.50', '1.2.3', '0.0000000000000000000000012345', '12x'),
);

function numericValues(text: string): Float64Array {
  const column = parseCsv(Buffer.from(text), { kinds: { a: 'numeric', b: 'numeric' } }).columns[0] as NumericColumn;
  return column.values;
}

describe('plain records read in one pass', () => {
  it('give every numeric cell the double parseNumberBytes gives (NaN where it gives none)', () => {
    fc.assert(
      fc.property(fc.array(numberText, { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r'), (cells, eol) => {
        const valid = cells.filter((c) => c === '' || parseNumberBytes(Buffer.from(c), 0, c.length) !== undefined);
        fc.pre(valid.length > 0);
        const text = `a,b\n${valid.map((c) => `${c},1`).join(eol)}${eol}`;
        const values = numericValues(text);
        expect(values.length).toBe(valid.length);
        valid.forEach((c, i) => {
          const expected = parseNumberBytes(Buffer.from(c), 0, c.length) ?? NaN;
          expect(Object.is(values[i], expected) || (Number.isNaN(values[i]) && Number.isNaN(expected))).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('leave quoted, blank and ragged records to the general path, with its line numbers', () => {
    const data = parseCsv(Buffer.from('a,b\n1.5,x\n\n"2.5","y,z"\r\n3,w\n'));
    expect(Array.from((data.columns[0] as NumericColumn).values)).toEqual([1.5, 2.5, 3]);
    expect(data.columns[1].kind === 'categorical' && data.columns[1].dictionary).toEqual(['x', 'y,z', 'w']);
    const ragged = () => parseCsv(Buffer.from('a,b\n1,2\n3,4\n5\n'), { fileName: 'r.csv' });
    expect(ragged).toThrow(InputError);
    expect(ragged).toThrow('r.csv: line 4: expected 2 fields (as in the header), found 1');
    expect(() => parseCsv(Buffer.from('a,b\n1,2\n3,4,5\n'), { fileName: 'r.csv' })).toThrow('r.csv: line 3: expected 2 fields (as in the header), found 3');
  });

  it('still switch a column of text to categorical and re-read its first rows', () => {
    const rows = Array.from({ length: 300 }, (_, i) => (i < 200 ? `${i}.5,1` : `v${i},1`));
    const data = parseCsv(Buffer.from(`a,b\n${rows.join('\n')}\n`));
    const a = data.columns[0];
    expect(a.kind).toBe('categorical');
    if (a.kind !== 'categorical') return;
    expect(Array.from(a.codes, (code) => a.dictionary[code])).toEqual(rows.map((r) => r.split(',')[0]));
  });
});
