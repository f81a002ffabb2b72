import type { DriftReport } from '../core/types';
import { jsonSafe } from './format';

/**
 * The report as JSON with 2-space indentation (the `--format json` contract: `features` in impact
 * order, then `summary`; more keys may follow). Non-finite numbers become null, as JSON requires.
 */
export function renderJson(report: DriftReport): string {
  return `${jsonSafe(JSON.stringify(report, null, 2))}\n`;
}
