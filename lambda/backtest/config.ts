/**
 * The backtest config (JSON, or a `.ts` file exporting it as default), validated with zod so every
 * problem is reported at once, each with its path: `window.rows: expected a positive integer, got -5`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as z from 'zod';
import { describeValue, formatZodIssues } from '../core/schema/format-issues';
import { driftBandsSchema, type DriftBandSettingsInput } from '../core/schema/drift-bands';
import { driftTestProblem, driftTestSchema } from '../core/schema/drift-test';
import { thresholdsSchema } from '../core/schema/thresholds';
import { validateBusinessMetricSpec, BusinessMetricError, type BusinessMetricSpec } from '../core/metrics/business';
import type { DriftTest, DriftThresholds, FeatureKind } from '../core/types';
import { backtestRetrainingSchema, type BacktestRetrainingConfig } from './retraining/config';

export type BacktestTask = 'binary_classification' | 'multiclass_classification' | 'regression';

export interface BacktestFeature {
  /** Column name in the data file (any text; it is mapped to an SQL identifier internally). */
  readonly name: string;
  readonly kind: FeatureKind;
  /** Relative importance (e.g. mean |SHAP|); features left out share equally. */
  readonly importance?: number;
  readonly thresholds?: DriftThresholds;
  /** The one drift measure that decides the feature's status (see `DriftTest`). @default every signal counts */
  readonly test?: DriftTest;
}

export interface BacktestConfig {
  readonly features: readonly BacktestFeature[];
  /** The reference: the first N rows of the data, or another file (then every data row is in a window). */
  readonly reference: { readonly rows: number } | { readonly file: string };
  /** Windows of N rows, or of a time span over a timestamp column (`every`: 1h, 6h, 1d, 7d, 2w ...). */
  readonly window: { readonly rows: number } | { readonly column: string; readonly every: string };
  /** Column holding the model's score (probability of the positive class) or predicted value. */
  readonly prediction?: string;
  /** Column holding the predicted class (classification). */
  readonly predictedLabel?: string;
  /** Column holding the ground truth. */
  readonly label?: string;
  /** The positive class of a binary classifier (precision/recall/F1 of this class; positive rate). */
  readonly positiveLabel?: string;
  /** @default binary_classification with positiveLabel, multiclass_classification with predictedLabel, else regression */
  readonly task?: BacktestTask;
  /** Business metrics over labelled rows; columns are `prediction`, `predicted_label`, `label` or data columns. */
  readonly metrics?: readonly BusinessMetricSpec[];
  /** The metric the timeline shows (default: f1 binary, macro_f1 multiclass, mae regression). */
  readonly keyMetric?: string;
  /**
   * A window with fewer rows says "too few rows" (`sample` in the result) and judges no drift.
   * @default MIN_ROWS (100, the monitor's `monitor.minRows` default)
   */
  readonly minRows?: number;
  /** Threshold calibration: the first `windows` windows after the reference are the baseline. */
  readonly baseline?: { readonly windows?: number; readonly minSamples?: number };
  /**
   * Drift thresholds calibrated on the reference: it is cut into windows of the monitoring size,
   * each measured against the rest, and a feature's PSI and effect-size thresholds rise to the
   * warningMultiplier·σ (warning) and multiplier·σ (critical) levels of what those windows show, as
   * Student-t prediction intervals for the number of windows (`predictionMultiplier`: 3σ from 12
   * windows is mean + 4.19σ), never below the defaults; configured thresholds are kept as given. Needs `minWindows`
   * reference windows, else the defaults apply (the result says why).
   * @default { enabled: true, multiplier: 3, warningMultiplier: 2, minWindows: 6 }
   */
  readonly driftBands?: DriftBandSettingsInput;
  /** CSV delimiter of the data (and reference) file. @default ',' */
  readonly delimiter?: string;
  /**
   * Cells that mean "missing" in the data (and reference) file, replacing the default list (the
   * empty cell always is missing). @default DEFAULT_MISSING_VALUES: NA, N/A, n/a, NaN, nan, null, NULL, None, -, ?, ...
   */
  readonly missingValues?: readonly string[];
  /** Names the model in alert messages. @default 'backtest' */
  readonly modelId?: string;
  /** Replay a retraining policy with a trainer (`lambda/backtest/retraining`); left out, the model is never retrained. */
  readonly retraining?: BacktestRetrainingConfig;
}

/** An invalid config: `problems` has one `path: message` line per problem. */
export class BacktestConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid backtest config:\n  ${problems.join('\n  ')}`);
    this.name = 'BacktestConfigError';
  }
}

export const DEFAULT_BASELINE_WINDOWS = 7;
export const DEFAULT_MODEL_ID = 'backtest';

/** `1h`, `6h`, `1d`, `7d`, `2w` → hours; null when the text is not such a span. */
export function parseEvery(every: string): number | null {
  const m = /^([1-9]\d{0,4})([hdw])$/.exec(every.trim());
  if (!m) return null;
  return Number(m[1]) * { h: 1, d: 24, w: 168 }[m[2] as 'h' | 'd' | 'w'];
}


const positiveInteger = z.unknown().check((ctx) => {
  if (!(typeof ctx.value === 'number' && Number.isInteger(ctx.value) && ctx.value > 0)) {
    ctx.issues.push({ code: 'custom', message: `expected a positive integer, got ${describeValue(ctx.value)}`, input: ctx.value });
  }
}) as unknown as z.ZodNumber;

const columnName = z.string().min(1, { message: 'expected a column name' });
const nonNegative = z.number().nonnegative();

const featureSchema = z.strictObject({
  name: columnName,
  kind: z.enum(['numeric', 'categorical']),
  importance: nonNegative.optional(),
  thresholds: thresholdsSchema.optional(),
  test: driftTestSchema.optional(),
}).superRefine((f, ctx) => {
  // On the feature itself, so a misfit is reported even when another part of the config is invalid.
  const misfit = f.test === undefined ? null : driftTestProblem(f.test, f.kind);
  if (misfit) ctx.addIssue({ code: 'custom', path: ['test'], message: misfit });
});

const everySchema = z.string().check((ctx) => {
  if (parseEvery(ctx.value) === null) {
    ctx.issues.push({ code: 'custom', message: `expected a span such as "1h", "6h", "1d", "7d" or "2w", got ${describeValue(ctx.value)}`, input: ctx.value });
  }
});

/** Business metric specs are checked by the core's validator; zod only checks it is an object. */
const metricSchema = z.looseObject({ name: z.string(), kind: z.string() }).superRefine((spec, ctx) => {
  try {
    validateBusinessMetricSpec(spec as unknown as BusinessMetricSpec);
  } catch (error) {
    const message = error instanceof BusinessMetricError ? error.message : (error as Error).message;
    ctx.addIssue({ code: 'custom', message });
  }
});

// Not z.union: a union reports "no option matched" at the parent, while `window.rows: expected a
// positive integer, got -5` needs the issue at the field. One object with optional fields and a
// rule on which combination is given does that.
const referenceSchema = z
  .strictObject({ rows: positiveInteger.optional(), file: columnName.optional() }, { error: 'expected {"rows": N} (the first N rows) or {"file": "reference.csv"}' })
  .superRefine((r, ctx) => {
    if ((r.rows === undefined) === (r.file === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of {"rows": N} (the first N rows) or {"file": "reference.csv"}' });
    }
  });

const windowSchema = z
  .strictObject(
    { rows: positiveInteger.optional(), column: columnName.optional(), every: everySchema.optional() },
    { error: 'expected {"rows": N} or {"column": "timestamp", "every": "1d"}' },
  )
  .superRefine((w, ctx) => {
    const byTime = w.column !== undefined || w.every !== undefined;
    if (w.rows !== undefined && byTime) {
      ctx.addIssue({ code: 'custom', message: 'give either rows, or column and every, not both' });
    } else if (w.rows === undefined && !byTime) {
      ctx.addIssue({ code: 'custom', message: 'expected {"rows": N} or {"column": "timestamp", "every": "1d"}' });
    } else if (byTime && w.column === undefined) {
      ctx.addIssue({ code: 'custom', path: ['column'], message: 'expected the timestamp column that "every" windows are cut on' });
    } else if (byTime && w.every === undefined) {
      ctx.addIssue({ code: 'custom', path: ['every'], message: 'expected a span such as "1d" (windows over the timestamp column)' });
    }
  });

export const backtestConfigSchema = z
  .strictObject({
    features: z.array(featureSchema).min(1, { message: 'expected at least one feature' }),
    reference: referenceSchema,
    window: windowSchema,
    prediction: columnName.optional(),
    predictedLabel: columnName.optional(),
    label: columnName.optional(),
    positiveLabel: z.string().min(1).optional(),
    task: z.enum(['binary_classification', 'multiclass_classification', 'regression']).optional(),
    metrics: z.array(metricSchema).optional(),
    keyMetric: z.string().min(1).optional(),
    minRows: positiveInteger.optional(),
    baseline: z.strictObject({ windows: positiveInteger.optional(), minSamples: positiveInteger.optional() }).optional(),
    driftBands: driftBandsSchema.optional(),
    delimiter: z.string().min(1).optional(),
    missingValues: z.array(z.string()).optional(),
    modelId: z.string().min(1).max(128).optional(),
    retraining: backtestRetrainingSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.features.forEach((f, i) => {
      const first = seen.get(f.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `${JSON.stringify(f.name)} is already features[${first}]` });
      else seen.set(f.name, i);
    });
    const roles = (['prediction', 'predictedLabel', 'label'] as const).filter((r) => c[r] !== undefined);
    for (const role of roles) {
      const i = seen.get(c[role] as string);
      if (i !== undefined) ctx.addIssue({ code: 'custom', path: [role], message: `column ${JSON.stringify(c[role])} is also features[${i}]; a model output or label cannot be a monitored input` });
    }
    const task = c.task ?? inferTask(c);
    if (task === 'binary_classification' && c.label !== undefined && c.positiveLabel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['positiveLabel'], message: 'a binary classifier with a label needs positiveLabel (the class whose precision/recall is measured)' });
    }
    if (task !== 'regression' && c.label !== undefined && c.predictedLabel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['predictedLabel'], message: `a ${task} with a label needs predictedLabel (the column of predicted classes)` });
    }
    if (task === 'regression' && c.label !== undefined && c.prediction === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prediction'], message: 'a regression with a label needs prediction (the column of predicted values)' });
    }
    const names = new Set<string>();
    (c.metrics ?? []).forEach((m, i) => {
      if (names.has(m.name)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `metric ${JSON.stringify(m.name)} is defined twice` });
      names.add(m.name);
    });
  });

/** The task when the config does not say: positiveLabel → binary, predictedLabel → multiclass, else regression. */
export function inferTask(c: Pick<BacktestConfig, 'task' | 'positiveLabel' | 'predictedLabel'>): BacktestTask {
  if (c.task) return c.task;
  if (c.positiveLabel !== undefined) return 'binary_classification';
  if (c.predictedLabel !== undefined) return 'multiclass_classification';
  return 'regression';
}

/**
 * Validates parsed JSON (or a `.ts` module's default export) as a backtest config.
 *
 * @throws BacktestConfigError listing every problem as `path: message`.
 * @example parseBacktestConfig({ features: [{ name: 'age', kind: 'numeric' }], reference: { rows: 1000 }, window: { rows: 500 } })
 */
export function parseBacktestConfig(json: unknown, source = 'config'): BacktestConfig {
  const result = backtestConfigSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data as BacktestConfig;
  // Ordered by path, so the problems of one feature sit together whichever rule found them.
  const key = (p: readonly PropertyKey[]) => p.map((k) => (typeof k === 'number' ? String(k).padStart(6, '0') : String(k))).join('\u0000');
  const issues = [...result.error.issues].sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : 0));
  const problems = formatZodIssues(issues);
  throw new BacktestConfigError(source, [...new Set(problems)]);
}

/**
 * Reads a backtest config: `.json`, or `.ts`/`.js` exporting the config object as default (`.ts`
 * files load with require through tsx: see `typeScriptLoader`). A `.ts` platform config (`config/*.ts`, with
 * `models`) is not a backtest config: use `--model` and `backtestConfigFromPlatform`.
 *
 * @throws BacktestConfigError naming the file and every problem.
 */
export async function loadBacktestConfig(file: string): Promise<BacktestConfig> {
  return parseBacktestConfig(await readConfigModule(file), file);
}

/**
 * Why a config module did not load, the error itself included: esbuild's "Transform failed with 1
 * error:" is only its first line, the file, line and reason follow (at most 6 lines are kept).
 */
function moduleError(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return lines.slice(0, 6).join(' / ') + (lines.length > 6 ? ' / ...' : '');
}

/**
 * Makes `require` load TypeScript: nothing to do under tsx (the CLI run from a clone's sources);
 * the compiled CLI of an installed package registers tsx when the project has it (a CDK app made
 * by `cdk init` does), since the package itself does not depend on it.
 * @returns why a `.ts` config cannot be loaded, or undefined when it can
 */
function typeScriptLoader(): string | undefined {
  // require.extensions is deprecated but is the one way to ask whether a .ts loader is registered.
  if (require.extensions['.ts']) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(require.resolve('tsx/cjs/api', { paths: [process.cwd(), __dirname] })) as { register: () => unknown }).register();
    return undefined;
  } catch {
    return 'a TypeScript config needs tsx to load (npm install --save-dev tsx in your project), or give the config as .json or .js';
  }
}

/** The raw content of a config file: parsed JSON, or the default export of a module. */
export async function readConfigModule(file: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  if (!fs.existsSync(file)) throw new BacktestConfigError(file, ['file not found']);
  if (fs.statSync(file).isDirectory()) throw new BacktestConfigError(file, ['is a directory, not a config file (give backtest.json, or a .ts exporting the config)']);
  if (ext === '.ts' || ext === '.js' || ext === '.cjs' || ext === '.mts' || ext === '.cts') {
    let mod: { default?: unknown };
    if (ext !== '.js' && ext !== '.cjs') {
      const problem = typeScriptLoader();
      if (problem) throw new BacktestConfigError(file, [problem]);
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path.resolve(file));
    } catch (error) {
      throw new BacktestConfigError(file, [`cannot load the module: ${moduleError(error)}`]);
    }
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new BacktestConfigError(file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BacktestConfigError(file, [`not valid JSON (${(error as Error).message})`]);
  }
}
