/**
 * `features.json`: per-feature kind, importance and thresholds for `driftwatch compare`, validated
 * with zod so that every problem is reported at once, each with its path.
 */
import * as fs from 'fs';
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';
import { driftTestSchema } from '../core/schema/drift-test';
import { thresholdsSchema } from '../core/schema/thresholds';
import type { FeatureSpec } from '../core/types';
import { InputError } from '../adapters/local/errors';
import { dict } from '../core/own';

const featureSchema = z.strictObject({
  kind: z.enum(['numeric', 'categorical']).optional(),
  importance: z.number().nonnegative().optional(),
  thresholds: thresholdsSchema.optional(),
  /** The one drift measure that decides the status (the kind is checked once the data's kinds are known). */
  test: driftTestSchema.optional(),
});

/** The shape of features.json. Unknown keys are errors, so a typo does not silently do nothing. */
export const featureConfigSchema = z.strictObject({
  features: z.record(z.string().min(1), featureSchema),
});

export type FeatureConfig = z.infer<typeof featureConfigSchema>;

/**
 * Validates parsed JSON as a feature config (`schema`: features.json's, or one that extends it, as
 * `driftwatch reference`'s does with `modelId` and `driftBands`) and returns its features.
 *
 * @throws InputError listing every problem as `file: path: message`.
 */
export function parseFeatureConfig(json: unknown, fileName: string, schema: z.ZodType = featureConfigSchema): Record<string, FeatureSpec> {
  const result = schema.safeParse(json, { reportInput: true });
  // zod (as any plain object) drops a "__proto__" key: each entry is validated on its own into a
  // record without a prototype, so a column called __proto__ or constructor is configured like any other.
  const issues = result.success ? [] : [...result.error.issues];
  const features = dict<FeatureSpec>();
  const raw = (json as { features?: unknown } | null)?.features;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw)) {
      const entry = featureSchema.safeParse(value, { reportInput: true });
      if (entry.success) features[name] = entry.data;
      else if (name === '__proto__') issues.push(...entry.error.issues.map((i) => ({ ...i, path: ['features', name, ...i.path] })));
    }
  }
  if (issues.length > 0) {
    const problems = formatZodIssues(issues).map((problem) => `  ${fileName}: ${problem}`);
    throw new InputError(`${fileName} is not a valid feature config:\n${problems.join('\n')}`, { file: fileName });
  }
  return features;
}

/**
 * Reads a JSON config file; messages name it as `name` (as the user wrote it).
 * @throws InputError: not found, a directory, unreadable (the system's reason), not valid JSON
 */
export function readJsonConfig(path: string, name = path): unknown {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${name}: file not found`, { file: name });
    if (code === 'EISDIR') throw new InputError(`${name}: is a directory, not a features.json file`, { file: name });
    throw new InputError(`${name}: cannot read the file (${code ?? (error as Error).message})`, { file: name });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(`${name}: not valid JSON (${(error as Error).message})`, { file: name });
  }
}

/**
 * Reads and validates features.json; messages name it as `name` (as the user wrote it).
 *
 * @example loadFeatureConfig('features.json') // { income: { kind: 'numeric', importance: 0.4 } }
 */
export function loadFeatureConfig(path: string, name = path): Record<string, FeatureSpec> {
  return parseFeatureConfig(readJsonConfig(path, name), name);
}
