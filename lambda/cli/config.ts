/**
 * `features.json`: per-feature kind, importance and thresholds for `driftwatch compare`, validated
 * with zod so that every problem is reported at once, each with its path.
 */
import * as fs from 'fs';
import { z } from 'zod';
import { DEFAULT_THRESHOLDS } from '../core/defaults';
import type { FeatureSpec } from '../core/types';
import { InputError } from '../adapters/local/errors';

const nonNegative = z.number().nonnegative();
const share = z.number().min(0).max(1);
const probability = z.number().gt(0).max(1);

const thresholdsSchema = z
  .strictObject({
    psiWarning: nonNegative.optional(),
    psiCritical: nonNegative.optional(),
    pValueWarning: probability.optional(),
    pValueCritical: probability.optional(),
    minEffectWarning: share.optional(),
    minEffectCritical: share.optional(),
    missingRateWarning: share.optional(),
    missingRateCritical: share.optional(),
  })
  .superRefine((given, ctx) => {
    // Critical must be the more severe level, after defaults fill what is left out.
    const t = { ...DEFAULT_THRESHOLDS, ...given };
    const pairs = [
      ['psiWarning', 'psiCritical', 'up'],
      ['minEffectWarning', 'minEffectCritical', 'up'],
      ['missingRateWarning', 'missingRateCritical', 'up'],
      ['pValueWarning', 'pValueCritical', 'down'],
    ] as const;
    for (const [warning, critical, direction] of pairs) {
      const ok = direction === 'up' ? t[critical] >= t[warning] : t[critical] <= t[warning];
      if (!ok) {
        ctx.addIssue({
          code: 'custom',
          path: [given[critical] !== undefined ? critical : warning],
          message: `${critical} (${t[critical]}) must be ${direction === 'up' ? '>=' : '<='} ${warning} (${t[warning]}); critical is the more severe level`,
        });
      }
    }
  });

const featureSchema = z.strictObject({
  kind: z.enum(['numeric', 'categorical']).optional(),
  importance: nonNegative.optional(),
  thresholds: thresholdsSchema.optional(),
});

/** The shape of features.json. Unknown keys are errors, so a typo does not silently do nothing. */
export const featureConfigSchema = z.strictObject({
  features: z.record(z.string().min(1), featureSchema),
});

export type FeatureConfig = z.infer<typeof featureConfigSchema>;

/** A readable path: `features["nr.employed"].thresholds.psiWarning`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text ? `.${key}` : key;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text || '(top level)';
}

/**
 * Validates parsed JSON as a feature config.
 *
 * @throws InputError listing every problem as `file: path: message`.
 */
export function parseFeatureConfig(json: unknown, fileName: string): Record<string, FeatureSpec> {
  const result = featureConfigSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${fileName}: ${formatPath(issue.path)}: ${issue.message}`);
    throw new InputError(`${fileName} is not a valid feature config:\n${problems.join('\n')}`, { file: fileName });
  }
  return result.data.features;
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
  } catch {
    throw new InputError(`${path}: file not found`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`, { file: path });
  }
  return parseFeatureConfig(json, path);
}
