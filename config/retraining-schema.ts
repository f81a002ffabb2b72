/**
 * The config's retraining, promotion and MLflow sections (issue 11), apart from the rest of the schema
 * (`schema.ts` composes them into a model and an environment and re-exports them).
 */
import * as z from 'zod';

const unitInterval = z.number().gt(0).lt(1);

/**
 * Retraining (issue 11): when a model is retrained, and how. Every field but the pipeline's image and
 * training data has a default. Metric names: `triggers.performance.metrics` and
 * `triggers.business.metrics` name the monitor's metrics (`f1`, `recall`, a business metric), as its
 * Performance Status Changed events do; the gates name `evaluation.json`'s metrics, MLflow style
 * (`recall_score`, `root_mean_squared_error`).
 */
export const RETRAINING_DEFAULTS = {
  minImportanceShare: 0.25,
  cooldownHours: 72,
  maxPerMonth: 4,
  instanceType: 'ml.m5.xlarge',
  processingInstanceType: 'ml.m5.large',
  instanceCount: 1,
  volumeSizeGb: 30,
  maxRuntimeHours: 24,
  freshDays: 28,
  holdoutPercent: 20,
  minLabelledRows: 1000,
  labelLookbackDays: 14,
} as const;

/** The pipeline's first step: Driftwatch's pull (a Lambda step), or the team's own container. */
export const dataPullSchema = z.strictObject({
  /** Percent of the fresh labelled rows, by a hash of the prediction id, kept out of training for evaluation. @default 20 */
  holdoutPercent: z.number().int().min(1).max(99).default(RETRAINING_DEFAULTS.holdoutPercent),
  /** A window with fewer labelled rows fails the pull (and the execution; the owner is alerted). @default 1000 */
  minLabelledRows: z.number().int().min(1).max(1_000_000_000).default(RETRAINING_DEFAULTS.minLabelledRows),
  /** Labels are read up to this many days after the window's end (labels arrive late). @default 14 */
  labelLookbackDays: z.number().int().min(0).max(366).default(RETRAINING_DEFAULTS.labelLookbackDays),
  /**
   * The team's own pull instead of Driftwatch's: a Processing step running this command in `image`
   * (default the training image) with DW_MODEL_ID, DW_WINDOW_END, DW_FRESH_DAYS, DW_DATABASE,
   * DW_WORKGROUP, the history at /opt/ml/processing/input/history, writing train/, holdout/ and
   * manifest/manifest.json (with `datasetVersion`) under /opt/ml/processing/output/.
   * @default - Driftwatch's pull
   */
  container: z.strictObject({ image: z.string().min(1).max(512).optional(), command: z.array(z.string().min(1)).min(1) }).optional(),
});

/** A gate metric name, MLflow style (letters, digits, `_ - . /`). */
const gateMetric = z.string().regex(/^[A-Za-z0-9_.\-/]{1,250}$/, { message: "expected a metric name such as 'recall_score' (letters, digits, '_', '-', '.', '/')" });

/** MLflow's `MetricThreshold` on an overall metric; at least one of threshold, minAbsoluteChange, minRelativeChange. */
export const metricGateSchema = z
  .strictObject({
    metric: gateMetric,
    /** ≥ this when greater is better, else ≤. */
    threshold: z.number().optional(),
    /** Beat the champion by at least this much (in the metric's unit). */
    minAbsoluteChange: z.number().min(0).optional(),
    /** Beat the champion by at least this share of its value (0-1). */
    minRelativeChange: z.number().min(0).max(1).optional(),
    /** @default known for MLflow's default metric names (recall_score: true, log_loss: false, ...); required for any other name */
    greaterIsBetter: z.boolean().optional(),
  })
  .refine((g) => g.threshold !== undefined || g.minAbsoluteChange !== undefined || g.minRelativeChange !== undefined, {
    message: 'a metric gate needs threshold, minAbsoluteChange or minRelativeChange',
  });

export const retrainingGatesSchema = z.strictObject({
  /** MLflow `MetricThreshold`s on overall metrics. @default [] */
  metrics: z.array(metricGateSchema).default([]),
  /** Business assertions: `"<metric> [on segment <segment>] >=|<=|>|< <number>"`, e.g. `"recall_score on segment high_risk >= 0.90"`. @default [] */
  assertions: z.array(z.string().min(1).max(500)).default([]),
  /** The edge-case set; left out, edge cases are not gated. */
  edgeCases: z
    .strictObject({
      /** Share of the cases that must pass. @default 1 (every case) */
      minPassRate: z.number().min(0).max(1).default(1),
      /** Case ids that must be present and pass. @default [] */
      required: z.array(z.string().min(1).max(256)).default([]),
      /** Fewer cases fail the gate. @default 1 */
      minCases: z.number().int().min(0).default(1),
    })
    .optional(),
  /** No metric worse than the champion's on the same holdout beyond `tolerance`; left out, not gated. */
  noRegression: z
    .strictObject({
      metrics: z.array(z.union([gateMetric, z.strictObject({ metric: gateMetric, greaterIsBetter: z.boolean() })])).min(1),
      /** How much worse a metric may be, in its unit. @default 0 */
      tolerance: z.number().min(0).default(0),
    })
    .optional(),
});

const hyperparameterValue = z.union([z.string().max(2500), z.number(), z.boolean()]);

/** The SageMaker pipeline: the team's images, the instances, the data. */
export const retrainingPipelineSchema = z.strictObject({
  /**
   * The training image, pinned by digest: `<registry>/<repository>@sha256:<64 hex>` (a tag before the
   * `@` may stay). A tag without a digest is refused outside env `dev`.
   */
  image: z.string().min(1).max(512),
  /** The evaluation step's image (writes evaluation.json). @default the training image */
  evaluationImage: z.string().min(1).max(512).optional(),
  /** The evaluation step's command. @default ['python3', '/opt/ml/code/evaluate.py'] */
  evaluationCommand: z.array(z.string().min(1)).min(1).default(['python3', '/opt/ml/code/evaluate.py']),
  /** The serving image registered with the model. @default the training image */
  inferenceImage: z.string().min(1).max(512).optional(),
  /** Training hyperparameters (SageMaker passes them as strings). @default {} */
  hyperparameters: z.record(z.string().min(1).max(256), hyperparameterValue).default({}),
  /** @default 'ml.m5.xlarge' */
  instanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, { message: "expected a SageMaker instance type such as 'ml.m5.xlarge'" }).default(RETRAINING_DEFAULTS.instanceType),
  /** @default 1 */
  instanceCount: z.number().int().min(1).max(100).default(RETRAINING_DEFAULTS.instanceCount),
  /** Training volume per instance. @default 30 */
  volumeSizeGb: z.number().int().min(1).max(16384).default(RETRAINING_DEFAULTS.volumeSizeGb),
  /** Training stops after this long. @default 24 */
  maxRuntimeHours: z.number().int().min(1).max(672).default(RETRAINING_DEFAULTS.maxRuntimeHours),
  /** The evaluation step's (and a team's own data-pull container's) instance type. @default 'ml.m5.large' */
  processingInstanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, { message: "expected a SageMaker instance type such as 'ml.m5.large'" }).default(RETRAINING_DEFAULTS.processingInstanceType),
  /** The historical training data: an S3 prefix the data pull copies with the fresh production rows. */
  trainingData: z.strictObject({
    s3Uri: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, { message: 'expected s3://<bucket>/<prefix>' }),
    /**
     * The KMS key the history's objects are encrypted with (SSE-KMS with a key of your own), so the data
     * pull and the pipeline's jobs may decrypt them through S3. Without it, only SSE-S3 or the bucket
     * default of an AWS managed key can be read. A key ARN, not an alias: IAM grants Decrypt by key.
     */
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, { message: 'expected a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id> (not an alias: IAM grants kms:Decrypt on the key)' })
      .optional(),
  }),
  /** Days of labelled production rows (prediction ⋈ label) the data pull adds. @default 28 */
  freshDays: z.number().int().min(0).max(366).default(RETRAINING_DEFAULTS.freshDays),
  /** @default Driftwatch's pull, 20% holdout, at least 1000 labelled rows, labels 14 days beyond */
  dataPull: dataPullSchema.default({ holdoutPercent: RETRAINING_DEFAULTS.holdoutPercent, minLabelledRows: RETRAINING_DEFAULTS.minLabelledRows, labelLookbackDays: RETRAINING_DEFAULTS.labelLookbackDays }),
});

export const retrainingSchema = z.strictObject({
  /** Off: the trigger records every event as skipped (disabled) and starts nothing. @default true */
  enabled: z.boolean().default(true),
  /** Which signals start a retraining. */
  triggers: z
    .strictObject({
      /** Critical drift (the dataset, or a feature) carrying at least `minImportanceShare` of the importance. */
      drift: z
        .strictObject({ enabled: z.boolean().default(true), minImportanceShare: z.number().gt(0).max(1).default(RETRAINING_DEFAULTS.minImportanceShare) })
        .default({ enabled: true, minImportanceShare: RETRAINING_DEFAULTS.minImportanceShare }),
      /** Critical performance on these monitor metrics (e.g. ['f1', 'recall']). @default [] (none) */
      performance: z.strictObject({ metrics: z.array(z.string().min(1)).default([]) }).default({ metrics: [] }),
      /** A business-metric SLA breach: the monitor's performance signal on these metrics at `severity` or worse. @default [] (none), critical */
      business: z
        .strictObject({ metrics: z.array(z.string().min(1)).default([]), severity: z.enum(['warning', 'critical']).default('critical') })
        .default({ metrics: [], severity: 'critical' }),
    })
    .default({ drift: { enabled: true, minImportanceShare: RETRAINING_DEFAULTS.minImportanceShare }, performance: { metrics: [] }, business: { metrics: [], severity: 'critical' } }),
  /** Drift or performance starts a retraining only while a business-metric breach is also active (and vice versa). @default false */
  requireBusinessConfirmation: z.boolean().default(false),
  /** Hours after a start during which no other starts. @default 72 */
  cooldownHours: z.number().min(0).max(24 * 366).default(RETRAINING_DEFAULTS.cooldownHours),
  /** Starts per calendar month (UTC) at most. @default 4 */
  maxPerMonth: z.number().int().min(1).max(100).default(RETRAINING_DEFAULTS.maxPerMonth),
  pipeline: retrainingPipelineSchema,
  /** What a candidate must pass to be registered. @default no gates (every candidate is registered for manual approval) */
  gates: retrainingGatesSchema.default({ metrics: [], assertions: [] }),
});

/**
 * Promotion defaults: a shadow must see enough labelled rows before it is judged, and a canary takes a
 * small share of traffic long enough for its alarms to fire (SageMaker allows 0-3600 s of bake time).
 */
export const PROMOTION_DEFAULTS = {
  autoApprove: false,
  instanceType: 'ml.m5.large',
  instanceCount: 1,
  minLabelledRows: 1000,
  alpha: 0.05,
  maxChecks: 48,
  checkIntervalMinutes: 60,
  bootstrapResamples: 2000,
  canarySizePercent: 10,
  canaryWaitMinutes: 30,
  terminationWaitMinutes: 10,
  errors5xx: 5,
  latencyP99Ms: 1000,
  performanceRatio: 0.8,
  captureSamplingPercent: 100,
  captureChampion: true,
} as const;

/** A SageMaker endpoint name: letters, digits and '-', at most 63 characters. */
const endpointName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, { message: "expected a SageMaker endpoint name (letters, digits, '-', at most 63 characters)" });

/** Candidate against champion on the same labelled shadow rows (`lambda/core/promotion/compare-shadow.ts` states the tests). */
export const shadowPolicySchema = z.strictObject({
  /** Fewer labelled rows seen by both variants: verdict `insufficient`, check again later. @default 1000 */
  minLabelledRows: z.number().int().min(10).default(PROMOTION_DEFAULTS.minLabelledRows),
  /** The metric compared (a monitor metric: accuracy, f1, macro_f1, precision, recall, mae, rmse). @default the model's key metric (f1, macro_f1 or mae) */
  metric: z.string().min(1).optional(),
  /** Significance level of the paired test. @default 0.05 */
  alpha: unitInterval.default(PROMOTION_DEFAULTS.alpha),
  /** Checks (one per interval) before the promotion gives up for lack of labelled rows. @default 48 */
  maxChecks: z.number().int().min(1).max(1000).default(PROMOTION_DEFAULTS.maxChecks),
  /** Minutes between checks. @default 60 */
  checkIntervalMinutes: z.number().int().min(1).max(24 * 60).default(PROMOTION_DEFAULTS.checkIntervalMinutes),
  /** Resamples of the paired bootstrap (metrics without a per-row test). @default 2000 */
  bootstrapResamples: z.number().int().min(100).max(20000).default(PROMOTION_DEFAULTS.bootstrapResamples),
});

/** The blue/green canary to production and the alarms that roll it back. */
export const canaryPolicySchema = z.strictObject({
  /** Share of the endpoint's capacity the canary gets first. @default 10 */
  sizePercent: z.number().int().min(1).max(50).default(PROMOTION_DEFAULTS.canarySizePercent),
  /** Minutes the canary bakes before the rest of the traffic moves (SageMaker: at most 60). @default 30 */
  waitMinutes: z.number().int().min(0).max(60).default(PROMOTION_DEFAULTS.canaryWaitMinutes),
  /** Minutes the old fleet is kept after the shift, for a rollback without a cold start (SageMaker: at most 60). @default 10 */
  terminationWaitMinutes: z.number().int().min(0).max(60).default(PROMOTION_DEFAULTS.terminationWaitMinutes),
  /** Thresholds of the auto-rollback alarms. */
  alarms: z
    .strictObject({
      /** Invocation5XXErrors per minute at or above which the canary rolls back. @default 5 */
      errors5xx: z.number().int().min(1).default(PROMOTION_DEFAULTS.errors5xx),
      /** p99 ModelLatency (milliseconds) above which it rolls back. @default 1000 */
      latencyP99Ms: z.number().positive().default(PROMOTION_DEFAULTS.latencyP99Ms),
      /** The monitor's performance ratio (key metric / baseline) below which it rolls back. @default 0.8 */
      performanceRatio: unitInterval.default(PROMOTION_DEFAULTS.performanceRatio),
    })
    .default({ errors5xx: PROMOTION_DEFAULTS.errors5xx, latencyP99Ms: PROMOTION_DEFAULTS.latencyP99Ms, performanceRatio: PROMOTION_DEFAULTS.performanceRatio }),
});

/**
 * SageMaker Data Capture of the shadow endpoint config, turned into prediction records by the capture
 * converter (`lambda/promotion/capture/`): every request both variants answered, by its InferenceId.
 */
export const capturePolicySchema = z.strictObject({
  /** InitialSamplingPercentage: the share of requests captured; a request not captured is in no pair. @default 100 */
  samplingPercent: z.number().int().min(1).max(100).default(PROMOTION_DEFAULTS.captureSamplingPercent),
  /**
   * Log the production variant's captured answers as `variant = champion` too. Set false when the service
   * logs the champion's predictions itself (with prediction_id = InferenceId), or they are logged twice.
   * @default true
   */
  champion: z.boolean().default(PROMOTION_DEFAULTS.captureChampion),
});

/** candidate → shadow → compare → approve → canary → production, and rollback (see `lambda/promotion/step-contract.ts`). */
export const promotionSchema = z.strictObject({
  /** The SageMaker endpoint serving the model (its champion); promotion updates it in place. */
  endpointName,
  /** The role SageMaker models created from packages run as. @default a role the Promotion construct creates */
  executionRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: 'expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)' }).optional(),
  /** Approve a candidate whose shadow comparison was `better` without a person (never on `equivalent`). @default false */
  autoApprove: z.boolean().default(PROMOTION_DEFAULTS.autoApprove),
  /** The instances of each variant. @default 'ml.m5.large' */
  instanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, { message: "expected a SageMaker instance type such as 'ml.m5.large'" }).default(PROMOTION_DEFAULTS.instanceType),
  /** @default 1 */
  instanceCount: z.number().int().min(1).max(100).default(PROMOTION_DEFAULTS.instanceCount),
  shadow: shadowPolicySchema.default({
    minLabelledRows: PROMOTION_DEFAULTS.minLabelledRows,
    alpha: PROMOTION_DEFAULTS.alpha,
    maxChecks: PROMOTION_DEFAULTS.maxChecks,
    checkIntervalMinutes: PROMOTION_DEFAULTS.checkIntervalMinutes,
    bootstrapResamples: PROMOTION_DEFAULTS.bootstrapResamples,
  }),
  canary: canaryPolicySchema.default({
    sizePercent: PROMOTION_DEFAULTS.canarySizePercent,
    waitMinutes: PROMOTION_DEFAULTS.canaryWaitMinutes,
    terminationWaitMinutes: PROMOTION_DEFAULTS.terminationWaitMinutes,
    alarms: { errors5xx: PROMOTION_DEFAULTS.errors5xx, latencyP99Ms: PROMOTION_DEFAULTS.latencyP99Ms, performanceRatio: PROMOTION_DEFAULTS.performanceRatio },
  }),
  capture: capturePolicySchema.default({ samplingPercent: PROMOTION_DEFAULTS.captureSamplingPercent, champion: PROMOTION_DEFAULTS.captureChampion }),
});

/** SageMaker managed MLflow for the environment: where retraining runs are logged and the registry is mirrored. */
export const mlflowSchema = z.strictObject({
  /** SageMaker's sizes: Small (up to 25 users), Medium (up to 50), Large (up to 100). @default 'Small' */
  size: z.enum(['Small', 'Medium', 'Large']).default('Small'),
  /** An MLflow version SageMaker offers (`3.0`). @default SageMaker's latest */
  mlflowVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/, { message: 'expected a version such as "3.0"' }).optional(),
  /** When SageMaker may patch the server (UTC). @default SageMaker picks a window */
  weeklyMaintenanceWindowStart: z
    .string()
    .regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a day and time like "Sun:03:00" (UTC)' })
    .optional(),
});
