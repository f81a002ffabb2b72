import { sqlDouble, sqlInteger, sqlLiteral, sqlString } from '../../lambda/sql/literal';
import { hourPartition } from '../../lambda/sql/partition';
import { LocalEngine, openDuckDb } from '../support/duckdb';

let engine: LocalEngine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine?.close());

describe('SQL literals', () => {
  it('round-trips doubles bit for bit through the engine, typed DOUBLE', async () => {
    const values = [0.1, -2.5, 1e-300, 5e-324, Number.MAX_VALUE, 123456789.123456789, 1 / 3, 4963.6, 0];
    const [row] = await engine.query(`SELECT ${values.map((v, i) => `${sqlDouble(v)} AS v${i}, typeof(${sqlDouble(v)}) AS t${i}`).join(', ')}`);
    values.forEach((v, i) => {
      expect(row[`v${i}`]).toBe(v);
      expect(row[`t${i}`]).toBe('DOUBLE');
    });
  });

  it('escapes quotes in strings so the value comes back unchanged', async () => {
    const tricky = "O'Brien'); DROP TABLE x; --";
    const [row] = await engine.query(`SELECT ${sqlString(tricky)} AS s`);
    expect(row.s).toBe(tricky);
  });

  it('rejects values that have no safe literal, naming them', () => {
    expect(() => sqlDouble(Number.NaN)).toThrow('sqlDouble: NaN is not a finite number');
    expect(() => sqlDouble(Infinity)).toThrow('sqlDouble: Infinity is not a finite number');
    expect(() => sqlInteger(1.5)).toThrow('sqlInteger: 1.5 is not a safe integer');
    expect(() => sqlString('a\u0000b')).toThrow('contains a NUL character');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(0.5)).toBe('5E-1');
  });

  it('maps an instant to its UTC partition', () => {
    expect(hourPartition(new Date('2026-11-24T23:59:59+01:00'))).toEqual({ dt: '2026-11-24', hour: '22' });
  });
});
