/**
 * The backtest's reference windows: its config's window shape, cut by the engine's
 * `cutReferenceWindows` (`lambda/monitor/reference-windows.ts`).
 */
import type { Dataset } from '../core/types';
import type { ReferenceWindows } from '../monitor/drift-bands';
import { cutReferenceWindows } from '../monitor/reference-windows';
import { parseEvery, type BacktestConfig } from './config';

export { MAX_REFERENCE_WINDOWS } from '../monitor/reference-windows';
export type { ReferenceWindows } from '../monitor/drift-bands';

/** The reference cut into the config's windows (rows, or `every` spans over the reference's hours). */
export function referenceWindows(config: Pick<BacktestConfig, 'window'>, reference: Dataset, referenceHours: Float64Array | null): ReferenceWindows {
  const w = config.window;
  return cutReferenceWindows('rows' in w ? w : { ...w, everyHours: parseEvery(w.every) as number }, reference, referenceHours);
}
