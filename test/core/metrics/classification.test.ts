import {
  classificationFromConfusion,
  classificationMetrics,
  confusionFromCounts,
  confusionMatrix,
} from '../../../lambda/core/metrics';
import { expectRelClose, fixture } from './fixture';

describe('classification metrics match numpy references', () => {
  it.each(fixture.classification.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const given = c.classes.length === new Set([...c.labels, ...c.predictions]).size ? undefined : c.classes;
    const m = classificationMetrics(c.labels, c.predictions, given);
    expect(m.confusion.classes).toEqual(c.classes);
    expect(m.confusion.matrix).toEqual(c.expected.matrix);
    expectRelClose(m.accuracy, c.expected.accuracy);
    m.perClass.forEach((pc, j) => {
      expect(pc.class).toBe(c.classes[j]);
      expectRelClose(pc.precision, c.expected.precision[j]);
      expectRelClose(pc.recall, c.expected.recall[j]);
      expectRelClose(pc.f1, c.expected.f1[j]);
      expect(pc.support).toBe(c.expected.support[j]);
    });
    for (const avg of ['macro', 'weighted'] as const) {
      expectRelClose(m[avg].precision, c.expected[avg].precision);
      expectRelClose(m[avg].recall, c.expected[avg].recall);
      expectRelClose(m[avg].f1, c.expected[avg].f1);
    }
  });
});

describe('classification conventions', () => {
  it('orders classes by sorted union by default; rows are true classes, columns predicted', () => {
    const m = confusionMatrix(['b', 'a', 'a'], ['a', 'a', 'c']);
    expect(m.classes).toEqual(['a', 'b', 'c']);
    expect(m.matrix).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('uses zero_division = 0: a class never predicted has precision 0, a class never true has recall 0', () => {
    const m = classificationMetrics(['x', 'x', 'y'], ['x', 'z', 'x']);
    const byClass = Object.fromEntries(m.perClass.map((c) => [c.class, c]));
    expect(byClass.y).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1, predicted: 0 });
    expect(byClass.z).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0, predicted: 1 });
    expect(byClass.x).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.macro.f1).toBeCloseTo(0.5 / 3, 15);
  });

  it('gives the same result from aggregated (label, prediction, count) cells as from rows', () => {
    const c = fixture.classification[0];
    const counts = new Map<string, number>();
    c.labels.forEach((l, i) => counts.set(`${l}|${c.predictions[i]}`, (counts.get(`${l}|${c.predictions[i]}`) ?? 0) + 1));
    const cells = [...counts].map(([k, count]) => ({ label: k.split('|')[0], prediction: k.split('|')[1], count }));
    expect(classificationFromConfusion(confusionFromCounts(cells))).toEqual(classificationMetrics(c.labels, c.predictions));
  });

  it('reports accuracy null (not NaN, not 0) when there are no labelled rows', () => {
    const m = classificationMetrics([], [], ['0', '1']);
    expect(m.accuracy).toBeNull();
    expect(m.support).toBe(0);
    expect(m.macro).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('names the offending value', () => {
    expect(() => classificationMetrics(['a'], ['a', 'b'])).toThrow('labels has 1 rows but predictions has 2');
    expect(() => classificationMetrics(['a'], ['q'], ['a', 'b'])).toThrow('prediction "q" is not one of classes ["a","b"]');
    expect(() => confusionFromCounts([{ label: 'a', prediction: 'a', count: -1 }])).toThrow(/must be a non-negative integer, got -1/);
    expect(() => confusionFromCounts([], ['a', 'a'])).toThrow('classes lists "a" twice');
  });
});
