import fc from 'fast-check';
import { parseNumberBytes } from '../../../lambda/adapters/local/number';

const parse = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  return parseNumberBytes(bytes, 0, bytes.length);
};

describe('parseNumberBytes', () => {
  it('reads the decimal forms people write', () => {
    expect(parse('0')).toBe(0);
    expect(parse('-12.5')).toBe(-12.5);
    expect(parse('+3')).toBe(3);
    expect(parse('.5')).toBe(0.5);
    expect(parse('5.')).toBe(5);
    expect(parse('1e-7')).toBe(1e-7);
    expect(parse('4.857')).toBe(4.857);
    expect(parse(' 42 ')).toBe(42);
    expect(parse('0.000123456789012345678')).toBe(0.000123456789012345678);
    expect(parse('12345678901234567890')).toBe(12345678901234567890);
    expect(parse('1e-400')).toBe(0);
  });

  it('rejects what is not a finite decimal number', () => {
    for (const text of ['', ' ', 'Infinity', '-Infinity', 'inf', 'NaN', '1e999', '0x10', '1,000', '1.2.3', 'e5', '1e', '-', '.', 'abc', '12a']) {
      expect(parse(text)).toBeUndefined();
    }
  });

  it('gives the same double as Number() for any double written by JavaScript', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        expect(Object.is(parse(text), Number(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same double as Number() for short fixed-point texts (the fast path)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 12 }), (m, places) => {
        const text = (m / 10 ** places).toFixed(places);
        expect(parse(text)).toBe(Number(text));
      }),
      { numRuns: 2000 },
    );
  });
});
