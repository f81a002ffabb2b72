/**
 * The backtest config's `retraining` section: the retraining policy to replay (the fields of a
 * model's `retraining` section the trigger and the gate step read, with the same zod rules and
 * defaults: `config/retraining-schema.ts`), the shadow comparison (the `promotion.shadow` rules),
 * the trainer and the rows a retrain trains on.
 *
 * ```json
 * "retraining": {
 *   "policy": { "triggers": { "drift": { "minImportanceShare": 0.25 } }, "cooldownHours": 72, "maxPerMonth": 4,
 *               "gates": { "noRegression": { "metrics": ["accuracy_score"] } } },
 *   "shadow": { "metric": "accuracy", "minLabelledRows": 1000, "alpha": 0.05 },
 *   "trainer": { "command": ["python3", "trainer.py"] },   // or {"builtin": "logistic" | "linear"}
 *   "training": { "rows": 10000, "holdoutShare": 0.2 },
 *   "calendar": true }
 * ```
 */
import * as z from 'zod';
import { retrainingGatesSchema, retrainingSchema, shadowPolicySchema } from '../../../config/retraining-schema';

/** What the replay needs of a model's retraining section: everything but the SageMaker pipeline. */
export const replayPolicySchema = retrainingSchema
  .pick({ enabled: true, triggers: true, requireBusinessConfirmation: true, cooldownHours: true, maxPerMonth: true })
  .extend({ gates: retrainingGatesSchema.optional() });

const TRAINER_FORMS = '{"builtin": "logistic" | "linear"} or {"command": ["python3", "trainer.py"]}';

const trainerSchema = z
  .strictObject(
    {
      /** A builtin model: the demo's logistic regression (binary classification) or a ridge linear regression. @default by the task: logistic for a classifier, linear for a regression */
      builtin: z.enum(['logistic', 'linear']).optional(),
      /** A team's trainer: the program and its first arguments; `train ...` / `predict ...` are appended (see command-trainer.ts). */
      command: z.array(z.string().min(1, { message: 'expected a non-empty argument' })).min(1, { message: 'expected the program and its arguments, e.g. ["python3", "trainer.py"]' }).optional(),
      /** A trainer run taking longer is stopped and the replay fails. @default 600 */
      timeoutSeconds: z.number().positive().max(86_400).default(600),
    },
    { error: `expected ${TRAINER_FORMS}` },
  )
  .superRefine((t, ctx) => {
    if (t.builtin !== undefined && t.command !== undefined) {
      ctx.addIssue({ code: 'custom', message: `expected exactly one of ${TRAINER_FORMS} (or neither: the builtin model for the task)` });
    }
  });

export const backtestRetrainingSchema = z.strictObject({
  /** The trigger's policy and the gates (defaults as in a model's `retraining` section; gates: no regression on the key metric). */
  policy: replayPolicySchema.prefault({}),
  /** The shadow comparison on the window after a retrain (defaults as `promotion.shadow`). */
  shadow: shadowPolicySchema.pick({ minLabelledRows: true, metric: true, alpha: true, bootstrapResamples: true }).prefault({}),
  /** @default the builtin model for the task (logistic regression for a classifier, linear for a regression) */
  trainer: trainerSchema.prefault({}),
  training: z
    .strictObject({
      /** A retrain trains on the last `rows` labelled rows before it. @default the reference's rows (or 5 windows) */
      rows: z.number().int().positive().optional(),
      /** The newest share of those rows is the gates' holdout (the candidate does not train on it). @default 0.2 */
      holdoutShare: z.number().gt(0).max(0.5).default(0.2),
    })
    .prefault({}),
  /** Also replay a calendar schedule with as many retrains, evenly spaced. @default true */
  calendar: z.boolean().default(true),
});

export type BacktestRetrainingInput = z.input<typeof backtestRetrainingSchema>;
export type BacktestRetrainingConfig = z.output<typeof backtestRetrainingSchema>;
export type TrainerConfig = BacktestRetrainingConfig['trainer'];

/** The MLflow name of a monitor metric, as `evaluation.json` and the gates name it. */
export const MLFLOW_METRIC: Readonly<Record<string, string>> = {
  accuracy: 'accuracy_score',
  precision: 'precision_score',
  recall: 'recall_score',
  f1: 'f1_score',
  macro_f1: 'f1_score',
  mae: 'mean_absolute_error',
  rmse: 'root_mean_squared_error',
  mape: 'mean_absolute_percentage_error',
};

/** `--trainer`'s text as a trainer: `builtin` (the model for the task), `logistic`, `linear`, or a command split on spaces. */
export function trainerFromFlag(text: string): TrainerConfig {
  const t = text.trim();
  if (t === 'builtin') return { timeoutSeconds: 600 };
  if (t === 'logistic' || t === 'linear') return { builtin: t, timeoutSeconds: 600 };
  const words = t.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new Error('--trainer needs "builtin", "logistic", "linear" or a command such as "python3 trainer.py"');
  return { command: words, timeoutSeconds: 600 };
}
