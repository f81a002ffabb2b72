/**
 * `driftwatch backtest`: replay a data file through the monitor window by window and report drift,
 * performance and the alerts that would have fired. A report, not a gate: exit 0 unless
 * `--fail-on critical|warning` asks for one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../adapters/local/errors';
import type { ColumnReading } from '../../adapters/local/inference';
import { readDataset } from '../../adapters/local/read-dataset';
import {
  BacktestConfigError,
  collectNotices,
  isPlatformConfig,
  readOptionsOf,
  parseBacktestConfig,
  backtestConfigFromPlatform,
  platformReadOptions,
  runBacktest,
  type BacktestConfig,
  type BacktestResult,
} from '../../backtest';
import { readConfigModule } from '../../backtest/config';
import { backtestRetrainingSchema, runRetrainingBacktest, trainerFromFlag, type RetrainingReplay, type TrainerConfig } from '../../backtest/retraining';
import { renderRetrainingText } from '../../report/retraining-text';
import type { DriftwatchConfig, ModelConfig } from '../../../config/schema';
import { replayPolicyOfModel } from '../../backtest/retraining/platform';
import type { Dataset } from '../../core/types';
import { validateConfig, ConfigValidationError } from '../../../config/validate';
import { renderBacktestHtml } from '../../report/backtest-html';
import { renderBacktestJson } from '../../report/backtest-json';
import { renderBacktestText, summaryText } from '../../report/backtest-text';
import { terminalSafe } from '../../report/format';
import { checkOutput, parseOptions, positiveInteger, REPORT_FORMATS, type ReportFormat } from '../args';
import { BACKTEST_HELP } from '../help';
import { CliIo, EXIT_CRITICAL, EXIT_OK, UsageError } from '../io';

/** Where `--format html` writes when `--out` is not given. */
export const DEFAULT_BACKTEST_HTML_OUT = 'driftwatch-backtest.html';

export interface BacktestArgs {
  readonly help: boolean;
  readonly data: string;
  readonly config: string;
  readonly model?: string;
  readonly delimiter?: string;
  readonly format: ReportFormat;
  readonly out?: string;
  readonly referenceRows?: number;
  readonly windowRows?: number;
  readonly windowColumn?: string;
  readonly every?: string;
  readonly failOn: 'none' | 'warning' | 'critical';
  readonly quiet: boolean;
  /** `--trainer`: replay the retraining policy with this trainer (builtin, or a command). */
  readonly trainer?: TrainerConfig;
}

const BACKTEST_OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  model: { type: 'string' },
  delimiter: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'reference-rows': { type: 'string' },
  'window-rows': { type: 'string' },
  'window-column': { type: 'string' },
  every: { type: 'string' },
  'fail-on': { type: 'string' },
  trainer: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `backtest`'s arguments. @throws UsageError naming the bad option. */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs {
  const v = parseOptions(argv, BACKTEST_OPTIONS);
  if (v.help) return { help: true, data: '', config: '', format: 'text', failOn: 'none', quiet: false };
  const missing = (['data', 'config'] as const).filter((name) => !v[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m} FILE`).join(' and ')}`);
  const format = (v.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format ${JSON.stringify(v.format)} is not one of ${REPORT_FORMATS.join(', ')}`);
  const failOn = (v['fail-on'] ?? 'none') as BacktestArgs['failOn'];
  if (!['none', 'warning', 'critical'].includes(failOn)) throw new UsageError(`--fail-on ${JSON.stringify(v['fail-on'])} is not one of none, warning, critical`);
  if (v.out === '') throw new UsageError('--out needs a file name');
  let trainer: TrainerConfig | undefined;
  try {
    trainer = v.trainer === undefined ? undefined : trainerFromFlag(v.trainer);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    help: false,
    data: v.data as string,
    config: v.config as string,
    model: v.model,
    delimiter: v.delimiter,
    format,
    out: v.out ?? (format === 'html' ? DEFAULT_BACKTEST_HTML_OUT : undefined),
    referenceRows: positiveInteger('reference-rows', v['reference-rows']),
    windowRows: positiveInteger('window-rows', v['window-rows']),
    windowColumn: v['window-column'],
    every: v.every,
    failOn,
    quiet: v.quiet === true,
    ...(trainer ? { trainer } : {}),
  };
}

/** A config problem as an input error (exit 2), naming the file and each path. */
function asInputError(error: unknown, file: string): never {
  if (error instanceof BacktestConfigError) throw new InputError(error.message, { file });
  if (error instanceof ConfigValidationError) throw new InputError(error.message, { file });
  throw error;
}

/** Runs the command; returns the exit code (usage and input errors are thrown, see cli/index.ts). */
export async function backtestCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseBacktestArgs(argv);
  if (args.help) {
    io.stdout.write(BACKTEST_HELP);
    return EXIT_OK;
  }
  const cwd = io.cwd ?? process.cwd();
  const resolve = (file: string) => path.resolve(cwd, file);
  const progress = args.quiet ? undefined : (message: string) => io.stderr.write(`driftwatch backtest: ${terminalSafe(message)}\n`);
  const nameFile = (error: unknown, file: string) => {
    if (error instanceof InputError) return new InputError(error.message.split(resolve(file)).join(file), error.details);
    return error;
  };

  const loaded = await loadConfig(args, resolve);
  const referenceFile = loaded.config && 'file' in loaded.config.reference ? path.join(path.dirname(args.config), loaded.config.reference.file) : undefined;
  checkOutput('--out', args.out, [{ option: '--data', file: args.data }, { option: '--config', file: args.config }, { option: 'reference', file: referenceFile }], resolve);
  const delimiter = args.delimiter ?? loaded.config?.delimiter;
  progress?.(`reading ${args.data}…`);
  // Read with the kinds the config forces (a platform model's feature and record-contract kinds)
  // and the time window's column as timestamps.
  const options = loaded.config
    ? readOptionsOf(loaded.config)
    : platformReadOptions(loaded.validated as DriftwatchConfig, { modelId: args.model as string, windowColumn: args.windowColumn, every: args.every });
  const readings: ColumnReading[] = [];
  const data = await readDataset(resolve(args.data), { ...options, delimiter, twoThreads: true, onColumn: (r) => readings.push(r) }).catch((error: unknown) => {
    throw nameFile(error, args.data);
  });
  if (data.rowCount === 0) throw new InputError(`${args.data}: the file has a header but no data rows`, { file: args.data });
  const config = loaded.config ?? platformBacktestConfig(args, loaded.validated as DriftwatchConfig, data, delimiter);

  // Notices on the columns the backtest reads (not on the file's other columns).
  const notices: string[] = [];
  const noticeOf = collectNotices(notices, config, args.data);
  for (const r of readings) noticeOf(r);
  let result: BacktestResult;
  try {
    result = await runBacktest({
      data,
      config,
      onProgress: progress,
      dataName: args.data,
      baseDir: path.dirname(resolve(args.config)),
      notices,
      // Without a replay nothing reads the rows after the backtest: DuckDB's copy is the only one kept.
      releaseData: !config.retraining && !args.trainer,
    });
  } catch (error) {
    if (error instanceof BacktestConfigError) asInputError(new BacktestConfigError(args.config, error.problems), args.config);
    throw nameFile(error, args.data);
  }
  result = { ...result, data: { ...result.data, file: args.data } };
  for (const notice of result.notices ?? []) io.stderr.write(`driftwatch backtest: notice: ${terminalSafe(notice)}\n`);

  // A platform model's own retraining policy, when --trainer asks for the replay.
  const ownPolicy = loaded.validated && args.trainer ? replayPolicyOfModel(loaded.validated.models.find((m) => m.id === args.model) as ModelConfig) : null;
  for (const notice of ownPolicy?.notices ?? []) io.stderr.write(`driftwatch backtest: notice: ${terminalSafe(notice)}\n`);
  const withOwn = ownPolicy ? { ...config, retraining: ownPolicy.retraining } : config;
  const replay = await replayIfAsked(args, withOwn, data, result, path.dirname(resolve(args.config)), progress);
  writeReport(args, io, resolve, result, replay);
  return exitCode(result, args.failOn);
}

/** The config file: a backtest config (`config`), or a platform config (`validated`) with --model. */
async function loadConfig(args: BacktestArgs, resolve: (file: string) => string): Promise<{ config?: BacktestConfig; validated?: DriftwatchConfig }> {
  let raw: unknown;
  try {
    raw = await readConfigModule(resolve(args.config));
  } catch (error) {
    asInputError(error instanceof BacktestConfigError ? new BacktestConfigError(args.config, error.problems) : error, args.config);
  }
  const platform = isPlatformConfig(raw);
  if (platform && !args.model) {
    throw new UsageError(`${args.config} is a platform config (it lists models): choose one with --model ID`);
  }
  if (!platform && (args.model || args.referenceRows || args.windowRows || args.windowColumn || args.every)) {
    throw new UsageError('--model, --reference-rows, --window-rows, --window-column and --every apply to a platform config (config/<env>.ts); a backtest config sets reference and window itself');
  }
  try {
    return platform ? { validated: validateConfig(raw, args.config) } : { config: parseBacktestConfig(raw, args.config) };
  } catch (error) {
    asInputError(error, args.config);
  }
}

/** A platform model's backtest config, from the options and the data's rows and columns. */
function platformBacktestConfig(args: BacktestArgs, validated: DriftwatchConfig, data: Dataset, delimiter: string | undefined): BacktestConfig {
  try {
    return backtestConfigFromPlatform(
      validated,
      {
        modelId: args.model as string,
        referenceRows: args.referenceRows,
        windowRows: args.windowRows,
        windowColumn: args.windowColumn,
        every: args.every,
        dataRows: data.rowCount,
        columns: data.columns.map((c) => c.name),
        delimiter,
      },
      args.config,
    );
  } catch (error) {
    asInputError(error, args.config);
  }
}

/** The report in the asked format, to --out (with a one-line summary on stdout) or to stdout. */
function writeReport(args: BacktestArgs, io: CliIo, resolve: (file: string) => string, result: BacktestResult, replay: RetrainingReplay | undefined): void {
  const output =
    args.format === 'json'
      ? renderBacktestJson(replay ? ({ ...result, retraining: replay } as BacktestResult) : result)
      : args.format === 'html'
        ? renderBacktestHtml(result, replay ? { retraining: replay } : {})
        : renderBacktestText(result) + (replay ? `\n${renderRetrainingText(replay)}` : '');
  if (!args.out) {
    io.stdout.write(output);
    return;
  }
  try {
    fs.writeFileSync(resolve(args.out), output);
  } catch (error) {
    throw new InputError(`${args.out}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: args.out });
  }
  io.stdout.write(terminalSafe(`Wrote the ${args.format} report to ${args.out}. ${summaryText(result)}`) + '\n');
}

/** The retraining replay when the config has a `retraining` section or `--trainer` is given (then with the defaults). */
async function replayIfAsked(args: BacktestArgs, config: BacktestConfig, data: Dataset, result: BacktestResult, baseDir: string, progress?: (m: string) => void): Promise<RetrainingReplay | undefined> {
  if (!config.retraining && !args.trainer) return undefined;
  const withPolicy = config.retraining ? config : { ...config, retraining: backtestRetrainingSchema.parse({}) };
  try {
    return await runRetrainingBacktest({ data, config: withPolicy, baseline: result, baseDir, dataName: args.data, trainer: args.trainer, onProgress: progress });
  } catch (error) {
    if (error instanceof BacktestConfigError) asInputError(new BacktestConfigError(args.config, error.problems), args.config);
    throw error;
  }
}

/** 0, or 1 when `--fail-on` is set and an alert of that severity (or worse) was raised. */
export function exitCode(result: BacktestResult, failOn: BacktestArgs['failOn']): number {
  if (failOn === 'none') return EXIT_OK;
  const hit = result.alerts.some((a) => a.severity === 'critical' || (failOn === 'warning' && a.severity === 'warning'));
  return hit ? EXIT_CRITICAL : EXIT_OK;
}
