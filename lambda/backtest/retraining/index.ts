/**
 * The retraining replay wired to its adapters: the monitor port over `runBacktest`, the trainer from
 * the config (the builtin logistic regression, or the team's command run in the config's directory).
 */
import * as path from 'path';
import { readDataset } from '../../adapters/local/read-dataset';
import type { Dataset } from '../../core/types';
import type { BacktestConfig } from '../config';
import { inTimeOrder, readOptionsOf } from '../read-data';
import { runBacktest } from '../run';
import type { BacktestResult } from '../types';
import { builtinTrainer } from './builtin-trainer';
import { commandTrainer } from './command-trainer';
import type { TrainerConfig } from './config';
import type { MonitorPort } from './context';
import { replayRetraining } from './replay';
import type { Trainer } from './trainer';
import type { RetrainingReplay } from './types';

export { replayRetraining, calendarPlan } from './replay';
export { builtinTrainer, BUILTIN_TRAINER_NAME } from './builtin-trainer';
export { commandTrainer } from './command-trainer';
export { backtestRetrainingSchema, trainerFromFlag, type BacktestRetrainingConfig, type BacktestRetrainingInput, type TrainerConfig } from './config';
export type { MonitorPort, ReplayInput } from './context';
export type { Predictions, TrainedModel, Trainer, TrainingSpec } from './trainer';
export * from './types';

/** The trainer a config names. @param cwd where a command runs (the config's directory) */
export function trainerOf(config: TrainerConfig, cwd: string): Trainer {
  return config.command ? commandTrainer({ command: config.command, cwd, timeoutSeconds: config.timeoutSeconds }) : builtinTrainer();
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
  const trainerConfig = input.trainer ?? rc?.trainer ?? { builtin: 'logistic' as const, timeoutSeconds: 600 };
  const reference = 'file' in config.reference ? await readDataset(path.resolve(baseDir, config.reference.file), readOptionsOf(config)) : undefined;
  return replayRetraining({
    data: inTimeOrder(input.data, config, dataName, []),
    config,
    baseline: input.baseline,
    trainer: trainerOf(trainerConfig, baseDir),
    monitor: backtestMonitor(dataName),
    ...(reference ? { reference } : {}),
    dataName,
    onProgress: input.onProgress,
  });
}
