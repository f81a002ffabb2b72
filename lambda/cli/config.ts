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
 * Validates parsed JSON as a feature config.
 *
 * @throws InputError listing every problem as `file: path: message`.
 */
export function parseFeatureConfig(json: unknown, fileName: string): Record<string, FeatureSpec> {
  const result = featureConfigSchema.safeParse(json, { reportInput: true });
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
 * Reads and validates features.json.
 *
 * @example loadFeatureConfig('features.json') // { income: { kind: 'numeric', importance: 0.4 } }
 */
export function loadFeatureConfig(path: string): Record<string, FeatureSpec> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: file not found`, { file: path });
    if (code === 'EISDIR') throw new InputError(`${path}: is a directory, not a features.json file`, { file: path });
    throw new InputError(`${path}: cannot read the file (${code ?? (error as Error).message})`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`, { file: path });
  }
  return parseFeatureConfig(json, path);
}
