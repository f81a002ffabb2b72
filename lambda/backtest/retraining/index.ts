/**
 * The retraining replay wired to its adapters: the monitor port over `runBacktest`, the trainer from
 * the config (a builtin model for the task — the logistic regression for a classifier, the ridge
 * linear regression for a regression — or the team's command run in the config's directory).
 */
import * as path from 'path';
import { readDataset } from '../../adapters/local/read-dataset';
import type { Dataset } from '../../core/types';
import { BacktestConfigError, inferTask, type BacktestConfig, type BacktestTask } from '../config';
import { inTimeOrder, readOptionsOf } from '../read-data';
import { runBacktest } from '../run';
import type { BacktestResult } from '../types';
import { builtinTrainer, type BuiltinModel } from './builtin-trainer';
import { commandTrainer } from './command-trainer';
import type { TrainerConfig } from './config';
import type { MonitorPort } from './context';
import { replayRetraining } from './replay';
import type { Trainer } from './trainer';
import type { RetrainingReplay } from './types';

export { replayRetraining, calendarPlan } from './replay';
export { builtinTrainer, BUILTIN_LINEAR_NAME, BUILTIN_TRAINER_NAME, type BuiltinModel } from './builtin-trainer';
export { commandTrainer } from './command-trainer';
export { backtestRetrainingSchema, trainerFromFlag, type BacktestRetrainingConfig, type BacktestRetrainingInput, type TrainerConfig } from './config';
export type { MonitorPort, ReplayInput } from './context';
export type { Predictions, TrainedModel, Trainer, TrainingSpec } from './trainer';
export * from './types';

/**
 * The builtin model for a task: the one named, or when none is, logistic for a classifier and linear
 * for a regression.
 * @param field where the trainer was given, for the error (`retraining.trainer.builtin`, `--trainer`)
 * @throws BacktestConfigError naming the field and the value when the model does not fit the task
 */
export function builtinModelFor(config: TrainerConfig, task: BacktestTask, field: string): BuiltinModel {
  const wanted: BuiltinModel = task === 'regression' ? 'linear' : 'logistic';
  if (config.builtin === undefined || config.builtin === wanted) return wanted;
  const fits = config.builtin === 'linear' ? 'a regression' : 'a binary classifier';
  throw new BacktestConfigError('config', [`${field}: ${JSON.stringify(config.builtin)} fits ${fits}, the model is a ${task.replace('_', ' ')}: use ${JSON.stringify(wanted)} or retraining.trainer.command`]);
}

/**
 * The trainer a config names.
 * @param cwd where a command runs (the config's directory)
 * @param task the model's task, which picks the builtin model
 */
export function trainerOf(config: TrainerConfig, cwd: string, task: BacktestTask = 'binary_classification', field = 'retraining.trainer.builtin'): Trainer {
  return config.command ? commandTrainer({ command: config.command, cwd, timeoutSeconds: config.timeoutSeconds }) : builtinTrainer(builtinModelFor(config, task, field));
}

/** The monitor port: `runBacktest` over a stretch of history and its reference, quietly. */
export function backtestMonitor(dataName: string): MonitorPort {
  return ({ data, reference, config }) => runBacktest({ data, config, reference, dataName });
}

export interface RetrainingBacktestInput {
  readonly data: Dataset;
  /** With a `retraining` section. */
  readonly config: BacktestConfig;
  /** The plain backtest of the same data and config. */
  readonly baseline: BacktestResult;
  /** The config's directory: a trainer command and a reference file are found from it. @default process.cwd() */
  readonly baseDir?: string;
  readonly dataName?: string;
  /** Replaces the config's trainer (`--trainer`). */
  readonly trainer?: TrainerConfig;
  readonly onProgress?: (message: string) => void;
}

/** Replays the config's retraining policy over the data, next to no retraining and a calendar. */
export async function runRetrainingBacktest(input: RetrainingBacktestInput): Promise<RetrainingReplay> {
  const { config } = input;
  const baseDir = input.baseDir ?? process.cwd();
  const dataName = input.dataName ?? 'data';
  const rc = config.retraining;
  const trainerConfig = input.trainer ?? rc?.trainer ?? { timeoutSeconds: 600 };
  const trainer = trainerOf(trainerConfig, baseDir, inferTask(config), input.trainer ? '--trainer' : 'retraining.trainer.builtin');
  const reference = 'file' in config.reference ? await readDataset(path.resolve(baseDir, config.reference.file), readOptionsOf(config)) : undefined;
  return replayRetraining({
    data: inTimeOrder(input.data, config, dataName, []),
    config,
    baseline: input.baseline,
    trainer,
    monitor: backtestMonitor(dataName),
    ...(reference ? { reference } : {}),
    dataName,
    onProgress: input.onProgress,
  });
}
