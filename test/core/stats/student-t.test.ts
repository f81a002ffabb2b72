import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { normalSurvival, regularizedBeta, studentTInverseSurvival, studentTSurvival } from '../../../lambda/core/stats';

/** Written by test/fixtures/generate_student_t.py (scipy). */
const fixture: {
  tSf: { t: number; dof: number; sf: number }[];
  tIsf: { p: number; dof: number; t: number }[];
  normSf: { z: number; sf: number }[];
} = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/student_t.json'), 'utf8'));

const relative = (actual: number, expected: number) => (expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected));

describe("Student's t and the normal tail match scipy", () => {
  it('studentTSurvival = scipy.stats.t.sf to 1e-10 relative, from the body to tails of 1e-299 (and 0 where scipy underflows)', () => {
    const misses = fixture.tSf
      .map((c) => ({ ...c, actual: studentTSurvival(c.t, c.dof) }))
      .filter((c) => relative(c.actual, c.sf) > 1e-10);
    expect(misses).toEqual([]);
  });

  it('studentTInverseSurvival = scipy.stats.t.isf to 1e-10 relative', () => {
    const misses = fixture.tIsf
      .map((c) => ({ ...c, actual: studentTInverseSurvival(c.p, c.dof) }))
      .filter((c) => relative(c.actual, c.t) > 1e-10);
    expect(misses).toEqual([]);
  });

  it('normalSurvival = scipy.stats.norm.sf to 1e-12 relative', () => {
    const misses = fixture.normSf.map((c) => ({ ...c, actual: normalSurvival(c.z) })).filter((c) => relative(c.actual, c.sf) > 1e-12);
    expect(misses).toEqual([]);
  });

  it('regularizedBeta: closed forms', () => {
    // I_x(2, 3) = 1 − (1−x)^4 − 4x(1−x)^3; I_x(1, 1) = x; I_x(a, b) = 1 − I_{1−x}(b, a).
    expect(regularizedBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 14);
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.2, 2.5, 7) + regularizedBeta(0.8, 7, 2.5)).toBeCloseTo(1, 14);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });

  it('refuses arguments outside the domain, naming them', () => {
    expect(() => studentTSurvival(1, 0)).toThrow(/studentTSurvival: dof must be a positive finite number, got 0/);
    expect(() => studentTSurvival(NaN, 3)).toThrow(/t must be a number, got NaN/);
    expect(() => studentTInverseSurvival(1, 3)).toThrow(/p must be in \(0, 1\), got 1/);
    expect(() => regularizedBeta(1.5, 2, 3)).toThrow(/x must be in \[0, 1\], got 1.5/);
    expect(() => regularizedBeta(0.5, -1, 3)).toThrow(/a must be a positive finite number, got -1/);
  });
});

describe("Student's t: invariants on generated inputs (fast-check)", () => {
  // dof ≥ 1: drift bands use n − 1 ≥ 1 (a t quantile for dof < 1 and p = 1e-200 is beyond the doubles).
  const dof = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 1, max: 500, noNaN: true }));

  it('the inverse undoes the tail: sf(isf(p)) = p to 1e-9 relative, for p from 1e-200 to 1 − 1e-12', () => {
    const p = fc.oneof(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), fc.integer({ min: 1, max: 200 }).map((e) => 10 ** -e));
    fc.assert(
      fc.property(p, dof, (prob, nu) => {
        const t = studentTInverseSurvival(prob, nu);
        return Math.abs(studentTSurvival(t, nu) - prob) / prob < 1e-9;
      }),
    );
  });

  it('the tail is symmetric and decreasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.001, max: 5, noNaN: true }), dof, (t, step, nu) => {
        const sf = studentTSurvival(t, nu);
        return Math.abs(sf + studentTSurvival(-t, nu) - 1) < 1e-12 && studentTSurvival(t + step, nu) <= sf;
      }),
    );
  });
});
