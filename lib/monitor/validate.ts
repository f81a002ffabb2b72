/**
 * The props of a ModelMonitor checked at construction: each check names the prop, the value and
 * what is allowed, and lets an unresolved token through (it is checked when it resolves, by
 * CloudFormation or the service).
 */
import { type Duration, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { configSchema, modelSchema, type ModelConfig } from '../../config/schema';
import { crossFieldProblems } from '../../config/rules';
import { formatProblem, problemsFromZod, type ZodIssueLike } from '../../lambda/core/schema/format-issues';
import { identifierProblem } from '../../lambda/core/schema/identifier';
import { glueDatabaseName, labelTableName, predictionTableName, workGroupName } from '../common/naming';
import { PROFILE_MEMORY_MB, PROFILE_TIMEOUT, SCORE_MEMORY_MB, SCORE_TIMEOUT } from './functions';
import type { ModelMonitorProps } from './model-monitor';

/** Lambda's bounds for memory (MB) and timeout (seconds). */
const MEMORY_RANGE = [128, 10240] as const;
const TIMEOUT_RANGE = [1, 900] as const;

/** The props checked, with their defaults filled in: what the monitor's resources are built from. */
export interface MonitorSettings {
  /** The construct's path, the start of every error message and part of the role's description. */
  readonly where: string;
  readonly env: string;
  /** The validated model config as written to `model.json` (defaults filled in). */
  readonly model: ModelConfig;
  readonly key: kms.IKey;
  readonly databaseName: string;
  readonly workGroup: string;
  readonly predictionsTable: string;
  readonly labelsTable: string;
  readonly profileMemory: number;
  readonly scoreMemory: number;
  readonly profileTimeout: Duration;
  readonly scoreTimeout: Duration;
  readonly labelLookbackDays: number | undefined;
}

/** Checks the props of the monitor at `where` (the first problem throws) and fills in the defaults. */
export function checkProps(where: string, props: ModelMonitorProps): MonitorSettings {
  const env = checkEnv(where, props.env);
  const model = checkModel(where, props.model);
  const key = props.key ?? props.bucket.encryptionKey;
  if (!key) throw new Error(`${where}: key is required when the bucket has no encryptionKey (got bucket ${props.bucket.node.path} without one)`);
  return {
    where,
    env,
    model,
    key,
    databaseName: checkIdentifier(where, 'databaseName', props.databaseName ?? glueDatabaseName(env)),
    workGroup: checkWorkGroup(where, props.workGroupName ?? workGroupName(env)),
    predictionsTable: checkIdentifier(where, 'predictionsTableName', props.predictionsTableName ?? predictionTableName(model.id)),
    labelsTable: checkIdentifier(where, 'labelsTableName', props.labelsTableName ?? labelTableName(model.id)),
    profileMemory: checkRange(where, 'profileMemorySize', props.profileMemorySize ?? PROFILE_MEMORY_MB, MEMORY_RANGE, 'MB'),
    scoreMemory: checkRange(where, 'scoreMemorySize', props.scoreMemorySize ?? SCORE_MEMORY_MB, MEMORY_RANGE, 'MB'),
    profileTimeout: checkTimeout(where, 'profileTimeout', props.profileTimeout ?? PROFILE_TIMEOUT),
    scoreTimeout: checkTimeout(where, 'scoreTimeout', props.scoreTimeout ?? SCORE_TIMEOUT),
    labelLookbackDays: props.labelLookbackDays === undefined ? undefined : checkRange(where, 'labelLookbackDays', props.labelLookbackDays, [0, 366], 'days'),
  };
}

// --- Validation at construction: name the prop, the value and what is allowed -------------------

function checkEnv(where: string, env: string): string {
  if (Token.isUnresolved(env)) throw new Error(`${where}: env must be a literal name (it is part of resource names), got a token`);
  const parsed = configSchema.shape.env.safeParse(env);
  if (!parsed.success) throw new Error(`${where}: env ${JSON.stringify(env)} is invalid: ${parsed.error.issues[0].message}`);
  return env;
}

function checkModel(where: string, model: ModelConfig): ModelConfig {
  const parsed = modelSchema.safeParse(model, { reportInput: true });
  const problems = parsed.success ? [] : problemsFromZod(parsed.error.issues as unknown as ZodIssueLike[]);
  // The cross-field rules (a test that does not fit the feature's kind, reserved names, ...) address
  // `models[0]`; here the prop is `model`.
  for (const p of crossFieldProblems({ models: [model] })) {
    problems.push({ ...p, path: p.path[0] === 'models' && p.path[1] === 0 ? p.path.slice(2) : p.path });
  }
  if (problems.length > 0 || !parsed.success) {
    const lines = problems.map((p) => formatProblem({ ...p, path: ['model', ...p.path] }));
    throw new Error(`${where}: invalid model ${JSON.stringify((model as { id?: unknown })?.id)}:\n  - ${lines.join('\n  - ')}`);
  }
  return parsed.data;
}

function checkIdentifier(where: string, prop: string, value: string): string {
  if (Token.isUnresolved(value)) return value;
  const problem = identifierProblem(value);
  if (problem) throw new Error(`${where}: ${prop} must be a plain SQL/Glue identifier, got ${JSON.stringify(value)} (${problem})`);
  return value;
}

function checkWorkGroup(where: string, value: string): string {
  if (!Token.isUnresolved(value) && !/^[A-Za-z0-9._-]{1,128}$/.test(value)) {
    throw new Error(`${where}: workGroupName must be 1-128 letters, digits, '.', '_' or '-', got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkRange(where: string, prop: string, value: number, [min, max]: readonly [number, number], unit: string): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${where}: ${prop} must be an integer from ${min} to ${max} (${unit}), got ${value}`);
  }
  return value;
}

function checkTimeout(where: string, prop: string, value: Duration): Duration {
  if (value.isUnresolved()) return value;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < TIMEOUT_RANGE[0] || seconds > TIMEOUT_RANGE[1]) {
    throw new Error(`${where}: ${prop} must be a whole number of seconds from ${TIMEOUT_RANGE[0]} to ${TIMEOUT_RANGE[1]} (15 minutes), got ${value.toHumanString()}`);
  }
  return value;
}
