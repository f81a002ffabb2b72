/**
 * `driftwatch backtest`: replay history through the monitor (the same SQL, core and alert decisions as
 * the Lambdas) and report, per window, drift, performance against calibrated thresholds, concept
 * drift and the alerts that would have fired.
 */
export {
  parseBacktestConfig,
  loadBacktestConfig,
  BacktestConfigError,
  inferTask,
  parseEvery,
  DEFAULT_BASELINE_WINDOWS,
  DEFAULT_MODEL_ID,
  type BacktestConfig,
  type BacktestFeature,
  type BacktestTask,
} from './config';
export { runBacktest, runBacktestFile, type RunBacktestInput, type RunBacktestFileInput } from './run';
export { kindsOf, timestampsOf, readOptionsOf, collect as collectNotices } from './read-data';
export { backtestConfigFromPlatform, loadPlatformBacktestConfig, isPlatformConfig, platformReadOptions, type PlatformBacktestOptions } from './platform';
export { sqlName } from './columns';
export * from './types';
