import type { BacktestResult } from '../backtest/types';
import { jsonSafe } from './format';

/**
 * The backtest as JSON with 2-space indentation (the `--format json` contract: `windows` with
 * index/start/end/rows/status/features/metrics, `alerts` with window/severity/kind/feature?/metric?/
 * message; more keys may follow). Non-finite numbers become null, as JSON requires.
 */
export function renderBacktestJson(result: BacktestResult): string {
  return `${jsonSafe(JSON.stringify(result, null, 2))}\n`;
}
