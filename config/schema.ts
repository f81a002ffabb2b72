/**
 * The zod schema of an environment's config: the single source the CDK app and the CLI both read.
 *
 * Shape-level rules live here (types, ranges, identifier names). Rules that look across fields
 * (duplicate ids, a test that does not fit the feature's kind, reserved column names) live in
 * `rules.ts`, so every problem is reported at once with its path.
 */
import * as z from 'zod';
import { identifierProblem } from '../lambda/core/schema/identifier';
import { driftBandsSchema } from '../lambda/core/schema/drift-bands';
import { DRIFT_TESTS, driftTestSchema } from '../lambda/core/schema/drift-test';
import { thresholdsSchema } from '../lambda/core/schema/thresholds';
import { COMPLIANCE_DEFAULTS, complianceSchema } from './compliance';
import { mlflowSchema, promotionSchema, retrainingSchema } from './retraining-schema';

export * from './retraining-schema';

/** Longest model id: keeps Firehose stream names (`dw-<env>-<model>-predictions`) within 64 characters. */
export const MAX_MODEL_ID_LENGTH = 32;
/** Longest environment name: it appears in stack, stream, bucket and database names. */
export const MAX_ENV_NAME_LENGTH = 10;

/**
 * A name that reaches SQL or Glue (model id, feature, business column): validated with the shared
 * identifier rule so it can be quoted without escaping and cannot inject SQL.
 */
export function identifier(maxLength = 128) {
  return z.string().check((ctx) => {
    const problem = identifierProblem(ctx.value);
    if (problem) {
      ctx.issues.push({ code: 'custom', message: problem, input: ctx.value, continue: true });
    } else if (ctx.value.length > maxLength) {
      ctx.issues.push({
        code: 'custom',
        message: `${JSON.stringify(ctx.value)} is ${ctx.value.length} characters long; the limit is ${maxLength}`,
        input: ctx.value,
        continue: true,
      });
    }
  });
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date as YYYY-MM-DD' });

/** An EventBridge schedule expression. */
const scheduleExpression = z
  .string()
  .regex(/^(rate\(\s*[1-9]\d*\s+(minute|minutes|hour|hours|day|days)\s*\)|cron\([^()]+\))$/, {
    message: 'expected an EventBridge schedule such as "rate(1 hour)" or "cron(0 * * * ? *)"',
  });

const unitInterval = z.number().gt(0).lt(1);

/** Per-feature drift thresholds (shared with features.json and backtest configs). */
export { thresholdsSchema };

export const FEATURE_KINDS = ['numeric', 'categorical'] as const;
/** Drift tests a feature may pin as the measure that decides its status (ks and wasserstein: numeric; chi_squared: categorical). */
export { DRIFT_TESTS };

export const featureSchema = z.strictObject({
  name: identifier(),
  kind: z.enum(FEATURE_KINDS),
  /** Relative importance (e.g. mean |SHAP| from training). */
  importance: z.number().min(0).optional(),
  /**
   * The one drift measure that decides this feature's status, with the missing rate (see
   * `DriftTest`). @default unpinned: PSI, the p-value test with its effect size and the missing rate all count
   */
  test: driftTestSchema.optional(),
  thresholds: thresholdsSchema.optional(),
});

export const TASKS = ['binary_classification', 'multiclass_classification', 'regression', 'ranking'] as const;

export const ownerSchema = z.strictObject({
  name: z.string().min(1),
  email: z.email({ message: 'expected an email address' }),
  /** Name of the Secrets Manager secret holding the PagerDuty Events v2 routing key. */
  pagerDutySecretName: z.string().min(1).max(512),
  /** Name of the Secrets Manager secret holding the Slack incoming-webhook URL. */
  slackWebhookSecretName: z.string().min(1).max(512),
});

/**
 * What the `prediction` column holds. The column names themselves are fixed by the record contract
 * (`prediction`, `predicted_label`), so the config says how to read them.
 */
export const predictionSchema = z.strictObject({
  /** score = probability of the positive class; value = regression output; rank_score = ranking score. */
  type: z.enum(['score', 'value', 'rank_score']),
  /** Score at or above which a binary prediction counts as positive. @default 0.5 */
  decisionThreshold: unitInterval.optional(),
});

/** What the `label` column of the ground truth holds. */
export const labelSchema = z.strictObject({
  /** The classes a classification label takes. */
  classes: z.array(z.string().min(1)).min(2).optional(),
  /** The positive class of a binary classifier (must be one of `classes`). */
  positiveClass: z.string().min(1).optional(),
  /** Ranking: the cut-off for NDCG@k. @default 10 */
  k: z.number().int().positive().optional(),
});

export const businessColumnSchema = z.strictObject({
  name: identifier(),
  type: z.enum(['string', 'double']),
});

export const schedulesSchema = z.strictObject({
  /** How often each new hour is profiled. */
  profile: scheduleExpression.default('rate(1 hour)'),
  /** How often windows are scored against the reference. */
  score: scheduleExpression.default('rate(1 day)'),
});

export const baselineSchema = z.strictObject({
  /** Days of production, from the first data (or `startDate`), used to calibrate thresholds (2–4 weeks). */
  days: z.number().int().min(14).max(28).default(21),
  /** Start the baseline at this UTC date instead of at the first data. */
  startDate: isoDate.optional(),
});

/** A monitoring window: the last `hours` complete hours, scored on the model's score schedule. */
export const monitorWindowSchema = z.strictObject({
  /** Names the window in keys, metric dimensions and alerts: a number and h or d, e.g. '1d', '7d', '6h'. */
  name: z.string().regex(/^[0-9]{1,4}[hd]$/, { message: "expected a window name such as '1d', '7d' or '6h'" }),
  /** Hours the window spans (1 to 90 days). */
  hours: z.number().int().min(1).max(24 * 90),
});

/** How the scheduled monitor profiles hours and scores windows. */
export const monitorSchema = z.strictObject({
  /** Windows scored against the reference. @default 1d (24 h) and 7d (168 h) */
  windows: z.array(monitorWindowSchema).min(1).max(4).default([
    { name: '1d', hours: 24 },
    { name: '7d', hours: 168 },
  ]),
  /**
   * Minutes after an hour ends before it is profiled: Firehose buffers up to 15 minutes, producers
   * retry. @default 20
   */
  settleMinutes: z.number().int().min(0).max(180).default(20),
  /** Each run also re-profiles this many earlier hours, so records later than the settle delay still count. @default 2 */
  reprofileHours: z.number().int().min(0).max(24).default(2),
  /** Per-feature CloudWatch metrics only for the top-K features by importance (bounded cardinality). @default 10 */
  topK: z.number().int().min(0).max(50).default(10),
  /** A window with fewer rows says "too few rows" instead of judging drift. @default 100 */
  minRows: z.number().int().min(1).default(100),
});

const MONITOR_DEFAULTS = { windows: [{ name: '1d', hours: 24 }, { name: '7d', hours: 168 }], settleMinutes: 20, reprofileHours: 2, topK: 10, minRows: 100 };

/** Where an alert may go: PagerDuty Events v2, a Slack incoming webhook, the owner's email (an SNS subscription). */
export const ALERT_CHANNELS = ['pagerduty', 'slack', 'email'] as const;
/**
 * How a feature's drift alarms route: `page` (its Critical alarm pages the model's owner through the
 * model-critical composite; the default), `notify` (Warning and Critical only notify the model's
 * owner on the warning channels, never page), `owner` (both go to another owner's topics).
 */
export const FEATURE_ROUTES = ['page', 'notify', 'owner'] as const;

export const featureAlertRouteSchema = z.strictObject({
  route: z.enum(FEATURE_ROUTES),
  /** The owner this feature's alarms go to: required with route `owner`, refused otherwise. */
  owner: ownerSchema.optional(),
});

const channelList = z.array(z.enum(ALERT_CHANNELS));

/** The channels each severity reaches. @default critical: pagerduty and email; warning: slack and email */
export const alertChannelsSchema = z.strictObject({
  critical: channelList.default(['pagerduty', 'email']),
  warning: channelList.default(['slack', 'email']),
});

export const ALERTING_DEFAULTS = {
  noTrafficHours: 3,
  labelCoverageFloor: 0.5,
  features: {},
  channels: { critical: ['pagerduty', 'email'], warning: ['slack', 'email'] },
} as const;

/** A model's CloudWatch alarms: their spans and floors, per-feature routing, and the channels per severity. */
export const alertingSchema = z.strictObject({
  /** Hours without a prediction before the no-traffic alarm fires (missing data counts as none). @default 3 */
  noTrafficHours: z.number().int().min(1).max(24).default(ALERTING_DEFAULTS.noTrafficHours),
  /** A window whose labelled share falls below this raises the label-coverage alarm; 0 turns it off. @default 0.5 */
  labelCoverageFloor: z.number().min(0).max(1).default(ALERTING_DEFAULTS.labelCoverageFloor),
  /** Per-feature routing by feature name (features left out page). @default {} */
  features: z.record(z.string(), featureAlertRouteSchema).default({}),
  channels: alertChannelsSchema.default({ critical: ['pagerduty', 'email'], warning: ['slack', 'email'] }),
});

const days = z.number().int().min(1).max(3650);

/** Days objects are kept under each prefix; the bucket expires them afterwards. */
export const retentionSchema = z.strictObject({
  predictionDays: days.default(400),
  labelDays: days.default(400),
  /** Records that failed conversion are kept this long for replay. */
  errorDays: days.default(90),
});

/** A per-model override of the environment's retention (any field left out inherits). */
export const retentionOverrideSchema = z.strictObject({
  predictionDays: days.optional(),
  labelDays: days.optional(),
  errorDays: days.optional(),
});

export const modelSchema = z.strictObject({
  id: identifier(MAX_MODEL_ID_LENGTH),
  description: z.string().max(1024).optional(),
  owner: ownerSchema,
  task: z.enum(TASKS),
  features: z.array(featureSchema).min(1),
  prediction: predictionSchema,
  label: labelSchema.default({}),
  businessColumns: z.array(businessColumnSchema).default([]),
  schedules: schedulesSchema.default({ profile: 'rate(1 hour)', score: 'rate(1 day)' }),
  baseline: baselineSchema.default({ days: 21 }),
  /**
   * Drift thresholds raised to the reference's own window-to-window variation (the 2σ / 3σ levels
   * of the reference windows as prediction intervals, at least 6 windows); `driftwatch backtest --model` honours it.
   * @default { enabled: true, multiplier: 3, warningMultiplier: 2, minWindows: 6 }
   */
  driftBands: driftBandsSchema.optional(),
  /** Windows, settle delay, late re-profiling, top-K and minimum rows of the scheduled monitor. */
  monitor: monitorSchema.default(MONITOR_DEFAULTS),
  retention: retentionOverrideSchema.optional(),
  /** Alarm spans, floors, per-feature routing and channels (see `alertingSchema`). */
  alerting: alertingSchema.default({ ...ALERTING_DEFAULTS, features: {}, channels: { critical: ['pagerduty', 'email'], warning: ['slack', 'email'] } }),
  /** Drift-triggered retraining: triggers, cooldown, monthly maximum, the pipeline, the gates (see `retrainingSchema`). Left out, the model is never retrained. */
  retraining: retrainingSchema.optional(),
  /** Shadow, comparison, approval, canary and rollback of the model's endpoint (see `promotionSchema`). Left out, nothing is promoted. */
  promotion: promotionSchema.optional(),
});

export const analyticsSchema = z.strictObject({
  /** Athena's per-query scan limit; a query scanning more is cancelled. @default 10 GiB */
  bytesScannedCutoffPerQuery: z
    .number()
    .int()
    .min(10_000_000)
    .default(10 * 1024 ** 3),
  /** How far back the prediction/label view looks, in days. @default 14 */
  lookbackDays: z.number().int().min(1).max(366).default(14),
  /** Days Athena query results are kept. @default 30 */
  resultRetentionDays: days.default(30),
});

export const configSchema = z.strictObject({
  /** Environment name: part of stack, stream and database names. */
  env: z
    .string()
    .regex(new RegExp(`^[a-z][a-z0-9]{0,${MAX_ENV_NAME_LENGTH - 1}}$`), {
      message: `expected 1-${MAX_ENV_NAME_LENGTH} lower-case letters or digits, starting with a letter`,
    }),
  /** AWS account to deploy to; left out, the stacks are environment-agnostic. */
  account: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }).optional(),
  /** AWS region to deploy to; left out, the stacks are environment-agnostic. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { message: 'expected an AWS region such as "eu-west-1"' })
    .optional(),
  /** Tags applied to every resource. */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
  /** Models per stack; more models split into further stacks so none nears CloudFormation's limits. */
  modelsPerStack: z.number().int().min(1).max(40).default(20),
  retention: retentionSchema.default({ predictionDays: 400, labelDays: 400, errorDays: 90 }),
  analytics: analyticsSchema.default({
    bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
    lookbackDays: 14,
    resultRetentionDays: 30,
  }),
  /** The compliance profile (standard | hipaa | pci) and what the stricter ones need (see `config/compliance.ts`). @default { profile: 'standard' } */
  compliance: complianceSchema.default({ ...COMPLIANCE_DEFAULTS, keyAdministrators: [] }),
  /** A SageMaker managed MLflow tracking server for the environment (`dw-<env>-mlflow`); left out, none (the ledger is the record). */
  mlflow: mlflowSchema.optional(),
  models: z.array(modelSchema).min(1),
});

/** What an environment file writes (defaults may be left out). */
export type DriftwatchConfigInput = z.input<typeof configSchema>;
/** A validated config with every default filled in. */
export type DriftwatchConfig = z.output<typeof configSchema>;
export type ModelConfig = DriftwatchConfig['models'][number];
export type FeatureConfig = ModelConfig['features'][number];
export type RetentionConfig = DriftwatchConfig['retention'];
export type AlertingConfig = ModelConfig['alerting'];
export type OwnerConfig = ModelConfig['owner'];
export type RetrainingConfig = NonNullable<ModelConfig['retraining']>;
export type PromotionConfig = NonNullable<ModelConfig['promotion']>;
export type { ComplianceConfig, ComplianceProfile } from './compliance';
