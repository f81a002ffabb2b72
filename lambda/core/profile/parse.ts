import { formatZodIssues } from '../schema/format-issues';
import * as z from 'zod';
import { PROFILE_FORMAT, type DatasetProfile } from '../types';

/*
 * Validation of profiles read back from S3 or disk. Beyond the shapes, it checks the invariants
 * the measures rely on (bins and counts agree, counts add up), so a corrupted or hand-edited
 * profile fails here with the path of the bad field instead of producing a wrong drift score.
 */

const count = z.number().int().nonnegative();
const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

const numericProfile = z
  .object({
    kind: z.literal('numeric'),
    name: z.string().min(1),
    count,
    missing: count,
    sum: finite,
    sumSquares: finite.refine((v) => v >= 0, { message: 'must be >= 0' }),
    min: finite.nullable(),
    max: finite.nullable(),
    edges: z.array(finite),
    counts: z.array(count),
    fineEdges: z.array(finite),
    fineCounts: z.array(count),
    std: finite.refine((v) => v >= 0, { message: 'must be >= 0' }).optional(),
  })
  .superRefine((p, ctx) => {
    checkBins(ctx, p.edges, p.counts, p.count, 'edges', 'counts');
    checkBins(ctx, p.fineEdges, p.fineCounts, p.count, 'fineEdges', 'fineCounts');
    if ((p.count === 0) !== (p.min === null) || (p.count === 0) !== (p.max === null)) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min and max must be null exactly when count is 0 (count is ${p.count})` });
    } else if (p.min !== null && p.max !== null && p.min > p.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${p.min} is greater than max ${p.max}` });
    }
  });

const categoricalProfile = z
  .object({
    kind: z.literal('categorical'),
    name: z.string().min(1),
    count,
    missing: count,
    categories: z.array(z.string()),
    counts: z.array(count),
    other: count,
    rare: z.array(z.string()).optional(),
    seenOther: count.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.counts.length !== p.categories.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['counts'],
        message: `has ${p.counts.length} entries but there are ${p.categories.length} categories`,
      });
      return;
    }
    const seen = new Set<string>();
    p.categories.forEach((c, i) => {
      if (seen.has(c)) ctx.addIssue({ code: 'custom', path: ['categories', i], message: `category ${JSON.stringify(c)} is repeated` });
      seen.add(c);
    });
    if (p.seenOther !== undefined && p.seenOther > p.other) {
      ctx.addIssue({ code: 'custom', path: ['seenOther'], message: `${p.seenOther} is more than other (${p.other})` });
    }
    const kept = new Set(p.categories);
    const repeated = (p.rare ?? []).find((c) => kept.has(c));
    if (repeated !== undefined) ctx.addIssue({ code: 'custom', path: ['rare'], message: `category ${JSON.stringify(repeated)} is both kept and rare` });
    const total = p.counts.reduce((s, c) => s + c, 0) + p.other;
    if (total !== p.count) {
      ctx.addIssue({ code: 'custom', path: ['counts'], message: `counts plus other add up to ${total} but count is ${p.count}` });
    }
  });

const datasetProfile = z
  .object({
    format: z.literal(PROFILE_FORMAT),
    rowCount: count,
    features: z.array(z.discriminatedUnion('kind', [numericProfile, categoricalProfile])),
    redundant: z.array(z.array(z.string()).min(2)).optional(),
    redundancySkipped: z.string().optional(),
  })
  .superRefine((d, ctx) => {
    const names = new Set(d.features.map((f) => f.name));
    d.redundant?.forEach((group, g) =>
      group.forEach((name, i) => {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['redundant', g, i], message: `${JSON.stringify(name)} is not a feature of the profile` });
      }),
    );
    const seen = new Set<string>();
    d.features.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `feature ${JSON.stringify(f.name)} is repeated` });
      seen.add(f.name);
      if (f.count + f.missing !== d.rowCount) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'count'],
          message: `count ${f.count} + missing ${f.missing} of feature ${JSON.stringify(f.name)} is not rowCount ${d.rowCount}`,
        });
      }
    });
  });

function checkBins(
  ctx: z.RefinementCtx,
  edges: readonly number[],
  counts: readonly number[],
  expectedTotal: number,
  edgesField: string,
  countsField: string,
): void {
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i] > edges[i - 1])) {
      ctx.addIssue({
        code: 'custom',
        path: [edgesField, i],
        message: `edges must be strictly increasing, but ${edges[i]} follows ${edges[i - 1]}`,
      });
      return;
    }
  }
  if (counts.length !== edges.length + 1) {
    ctx.addIssue({
      code: 'custom',
      path: [countsField],
      message: `has ${counts.length} entries but ${edges.length} ${edgesField} make ${edges.length + 1} bins`,
    });
    return;
  }
  const total = counts.reduce((s, c) => s + c, 0);
  if (total !== expectedTotal) {
    ctx.addIssue({ code: 'custom', path: [countsField], message: `add up to ${total} but count is ${expectedTotal}` });
  }
}

/**
 * Validates an unknown JSON value as a `driftwatch.profile/v1` dataset profile and returns it
 * typed. Throws one error listing every problem with its path, e.g.
 * `invalid profile (s3://bucket/hour=07.json): features[2].counts: has 10 entries but 10 edges make 11 bins`.
 *
 * @param source where the JSON came from, named in the error message
 */
export function parseDatasetProfile(json: unknown, source?: string): DatasetProfile {
  const result = datasetProfile.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const problems = formatZodIssues(result.error.issues);
  throw new Error(`invalid profile${source ? ` (${source})` : ''}: ${problems.join('; ')}`);
}

