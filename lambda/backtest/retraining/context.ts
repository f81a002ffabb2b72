/**
 * What every arm of the replay shares: the history, the grid, the policy and gates as the Lambdas
 * read them (`retrainPolicyFromConfig`, `gatesFromConfig`), the shadow policy, the trainer and the
 * monitor port, checked once with errors naming the config field.
 */
import { describeGate, type Gate } from '../../core/gates';
import { sliceRows } from '../../core/dataset/slice-rows';
import { CLASSIFICATION_SHADOW_METRICS, REGRESSION_SHADOW_METRICS, type ShadowPolicy } from '../../core/promotion/compare-shadow';
import type { Column, Dataset } from '../../core/types';
import { gatesFromConfig, retrainPolicyFromConfig, type RetrainPolicy } from '../../retraining/policy';
import { BacktestConfigError, inferTask, type BacktestConfig } from '../config';
import type { BacktestResult } from '../types';
import { MLFLOW_METRIC, type BacktestRetrainingConfig } from './config';
import { replayGrid, type GridWindow } from './grid';
import { classesOf } from './rows';
import type { Trainer, TrainingSpec } from './trainer';

/** Runs the monitor (`runBacktest`) over a part of the history served by one model. */
export type MonitorPort = (segment: { readonly data: Dataset; readonly reference: Dataset; readonly config: BacktestConfig }) => Promise<BacktestResult>;

export interface ReplayInput {
  /** The history in time order (as the backtest replayed it), with the logged model's columns. */
  readonly data: Dataset;
  readonly config: BacktestConfig;
  /** The plain backtest of `data`: the no-retraining arm. */
  readonly baseline: BacktestResult;
  readonly trainer: Trainer;
  readonly monitor: MonitorPort;
  /** The reference rows when `config.reference` is a file. */
  readonly reference?: Dataset;
  readonly dataName?: string;
  readonly onProgress?: (message: string) => void;
}

export interface ReplayContext {
  readonly input: ReplayInput;
  readonly config: BacktestConfig;
  readonly rc: BacktestRetrainingConfig;
  readonly grid: readonly GridWindow[];
  readonly label: Column;
  /** What the models answer: classes, or a regression's numbers. */
  readonly task: TrainingSpec['task'];
  /** Empty for a regression. */
  readonly classes: readonly string[];
  readonly positive?: string;
  readonly keyMetric: string;
  /** Whether a higher key metric is better (false for an error such as mae). */
  readonly greaterIsBetter: boolean;
  readonly policy: RetrainPolicy;
  readonly gates: readonly Gate[];
  readonly shadow: ShadowPolicy;
  readonly spec: TrainingSpec;
  readonly trainingRows: number;
  /** The logged model's reference rows. */
  readonly reference: Dataset;
  readonly columns: { readonly prediction?: string; readonly predictedLabel?: string };
  readonly progress: (message: string) => void;
}

const problem = (field: string, message: string) => new BacktestConfigError('config', [`${field}: ${message}`]);

function checkTask(config: BacktestConfig): TrainingSpec['task'] {
  const task = inferTask(config) === 'regression' ? 'regression' : 'classification';
  if (config.label === undefined) throw problem('label', 'the retraining replay needs the label column (retrains train on labelled rows)');
  if (task === 'regression' && config.prediction === undefined) throw problem('prediction', "the retraining replay needs the logged model's predicted value column");
  if (task === 'classification' && config.predictedLabel === undefined) throw problem('predictedLabel', "the retraining replay needs the logged model's predicted class column");
  return task;
}

function shadowPolicyOf(rc: BacktestRetrainingConfig, keyMetric: string, task: TrainingSpec['task']): ShadowPolicy {
  const metric = rc.shadow.metric ?? keyMetric;
  const known: readonly string[] = task === 'regression' ? REGRESSION_SHADOW_METRICS : CLASSIFICATION_SHADOW_METRICS;
  if (!known.includes(metric)) {
    const what = task === 'regression' ? 'a regression' : 'a classification';
    throw problem(rc.shadow.metric ? 'retraining.shadow.metric' : 'keyMetric', `${JSON.stringify(metric)} is not a metric the shadow comparison of ${what} tests (${known.join(', ')}); set retraining.shadow.metric`);
  }
  return { metric, minLabelledRows: rc.shadow.minLabelledRows, alpha: rc.shadow.alpha, resamples: rc.shadow.bootstrapResamples };
}

function gatesOf(rc: BacktestRetrainingConfig, shadowMetric: string): Gate[] {
  const given = rc.policy.gates ?? { metrics: [], assertions: [], noRegression: { metrics: [MLFLOW_METRIC[shadowMetric]], tolerance: 0 } };
  try {
    return gatesFromConfig(given);
  } catch (error) {
    throw problem('retraining.policy.gates', (error as Error).message);
  }
}

/** The monitor's direction of the key metric (an error is lower-is-better), from the first window that has it. */
function keyMetricDirection(baseline: BacktestResult, keyMetric: string): string | undefined {
  return baseline.windows.map((w) => w.metrics[keyMetric]?.direction).find((d) => d !== undefined);
}

/** @throws BacktestConfigError naming the field when the config cannot be replayed with retraining */
export function replayContext(input: ReplayInput): ReplayContext {
  const { config, data } = input;
  const rc = config.retraining;
  if (!rc) throw problem('retraining', 'the config has no retraining section');
  const task = checkTask(config);
  const label = data.columns.find((c) => c.name === config.label);
  if (!label) throw problem('label', `column ${JSON.stringify(config.label)} is not in the data`);
  const keyMetric = input.baseline.keyMetric ?? (task === 'regression' ? 'mae' : 'accuracy');
  const shadow = shadowPolicyOf(rc, keyMetric, task);
  const classes = task === 'regression' ? [] : classesOf(label);
  const firstRow = 'rows' in config.reference ? config.reference.rows : 0;
  const reference = 'rows' in config.reference ? sliceRows(data, { start: 0, end: config.reference.rows }) : input.reference;
  if (!reference) throw problem('reference', 'the retraining replay needs the reference rows (pass them with the reference file)');
  const grid = replayGrid(data, config, firstRow, input.dataName ?? 'data');
  if (grid.length !== input.baseline.windows.length) throw new Error(`the replay cut ${grid.length} windows where the backtest has ${input.baseline.windows.length}`);
  const windowRows = grid.slice(0, 5).reduce((s, w) => s + (w.end - w.start), 0);
  return {
    input,
    config,
    rc,
    grid,
    label,
    task,
    classes,
    ...(config.positiveLabel !== undefined ? { positive: config.positiveLabel } : {}),
    keyMetric,
    greaterIsBetter: keyMetricDirection(input.baseline, keyMetric) !== 'lower_is_better',
    policy: retrainPolicyFromConfig(rc.policy),
    gates: gatesOf(rc, shadow.metric),
    shadow,
    spec: { features: config.features.map((f) => ({ name: f.name, kind: f.kind })), label: config.label as string, positiveLabel: config.positiveLabel, classes, task },
    trainingRows: rc.training.rows ?? ('rows' in config.reference ? config.reference.rows : windowRows),
    reference,
    columns: { prediction: config.prediction, predictedLabel: config.predictedLabel },
    progress: input.onProgress ?? (() => undefined),
  };
}

/** The policy in a few words, for the report. */
export function describePolicy(ctx: ReplayContext) {
  const s = ctx.shadow;
  return {
    cooldownHours: ctx.policy.cooldownHours,
    maxPerMonth: ctx.policy.maxPerMonth,
    minImportanceShare: ctx.policy.drift.minImportanceShare,
    gates: ctx.gates.map(describeGate),
    shadow: `${s.metric}, at least ${s.minLabelledRows} labelled rows, alpha ${s.alpha}`,
  };
}
