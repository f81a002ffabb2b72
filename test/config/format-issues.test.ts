import { z } from 'zod';
import { describeValue, formatPath, formatZodIssues } from '../../lambda/core/schema/format-issues';

function issuesOf(schema: z.ZodType, value: unknown) {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) throw new Error('expected a failure');
  return formatZodIssues(r.error.issues as never);
}

describe('formatPath', () => {
  it('writes indices in brackets and keys with dots', () => {
    expect(formatPath(['models', 2, 'features', 5, 'kind'])).toBe('models[2].features[5].kind');
  });
  it('quotes keys that are not plain names and names the root', () => {
    expect(formatPath(['tags', 'cost center'])).toBe('tags["cost center"]');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('formatZodIssues', () => {
  const feature = z.strictObject({ name: z.string(), kind: z.enum(['numeric', 'categorical']), importance: z.number().min(0).optional() });
  const schema = z.strictObject({ models: z.array(z.strictObject({ features: z.array(feature).min(1) })) });

  it('reports an enum mismatch as expected options vs the value found, at its path', () => {
    const features = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, kind: i === 5 ? 'numerc' : 'numeric' }));
    const input = { models: [{ features: [{ name: 'a', kind: 'numeric' }] }, { features: [{ name: 'a', kind: 'numeric' }] }, { features }] };
    expect(issuesOf(schema, input)).toEqual(['models[2].features[5].kind: expected "numeric" | "categorical", got "numerc"']);
  });

  it('reports wrong types, missing fields, bounds and unknown keys, one line each', () => {
    const input = { models: [{ features: [{ name: 3, kind: 'numeric', importance: -1, colour: 'red' }, { kind: 'categorical' }] }, { features: [] }] };
    expect(issuesOf(schema, input).sort()).toEqual(
      [
        'models[0].features[0].name: expected string, got 3',
        'models[0].features[0].importance: expected >= 0, got -1',
        'models[0].features[0].colour: unknown key (check the spelling)',
        'models[0].features[1].name: expected string, got nothing',
        'models[1].features: expected at least 1 item(s), got 0 item(s)',
      ].sort(),
    );
  });

  it('shortens long values so a message stays one readable line', () => {
    expect(describeValue('x'.repeat(200)).length).toBeLessThanOrEqual(60);
    expect(describeValue(undefined)).toBe('nothing');
  });
});
