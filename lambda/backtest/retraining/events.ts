/**
 * A replayed window's alerts as the trigger Lambda receives them: the monitor's own EventBridge
 * entries (`windowEvents`, as the monitor Lambda sends them), read back by the trigger's parser
 * (`parseTriggerEvent`), so the decision sees exactly what it would see in production.
 */
import type { Alert, Resolution } from '../../core/alerts';
import { windowEvents } from '../../monitor/events';
import type { MonitorWindow } from '../../monitor/types';
import { parseTriggerEvent, TRIGGER_DETAIL_TYPES, type TriggerEvent } from '../../retraining/trigger-event';

export const REPLAY_ENV = 'backtest';
export const REPLAY_WINDOW = 'backtest';

/**
 * @param window the window with its place in the whole history (index, start, end), so an event's
 *   identity (`eventKey`: detail type, dedupKey, action, window end) differs between windows of
 *   different runs of the monitor
 * @param at the window's end: when the monitor would have sent the events
 */
export function triggerEvents(modelId: string, window: MonitorWindow, alerts: readonly Alert[], resolutions: readonly Resolution[], at: Date): TriggerEvent[] {
  const entries = windowEvents({ env: REPLAY_ENV, modelId, window: REPLAY_WINDOW, judged: window, reportUri: `backtest://${modelId}/window/${window.index}` }, alerts, resolutions, at);
  return entries
    .filter((e) => (TRIGGER_DETAIL_TYPES as readonly string[]).includes(e.detailType))
    .map((e, i) => parseTriggerEvent({ id: `${modelId}-${window.index}-${i}`, 'detail-type': e.detailType, source: e.source, time: at.toISOString(), detail: JSON.parse(JSON.stringify(e.detail)) }));
}
