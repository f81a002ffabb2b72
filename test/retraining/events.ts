/**
 * Monitor events as EventBridge delivers them to the trigger, made by the monitor's own
 * `windowEvents` (so the trigger is tested on what the monitor sends, not on a copy).
 */
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../lambda/core/alerts';
import { windowEvents } from '../../lambda/monitor/events';
import type { MonitorWindow } from '../../lambda/monitor/types';

export interface EventOptions {
  /** Window end, ISO; the window is the day before it. */
  readonly end: string;
  readonly signal?: string;
  readonly severity?: 'warning' | 'critical';
  readonly value?: number;
  readonly action?: 'trigger' | 'resolve';
  readonly window?: string;
  readonly env?: string;
  readonly modelId?: string;
  /** EventBridge's id; a new one by default. */
  readonly id?: string;
}

function judged(end: string): MonitorWindow {
  const start = new Date(Date.parse(end) - 86_400_000).toISOString();
  return {
    index: 3,
    start,
    end,
    rows: 2400,
    status: 'critical',
    partial: false,
    baseline: false,
    labelled: 0,
    drift: { status: 'critical', drifted: ['amount'], driftedImportance: 0.4 },
    features: [
      { name: 'amount', kind: 'numeric', status: 'critical', psi: 0.8, impact: 0.32, importance: 0.4, jensenShannon: 0.3, pValue: 0, missingRate: 0, reasons: [], since: start },
      { name: 'merchant_category', kind: 'categorical', status: 'ok', psi: 0.01, impact: 0.0035, importance: 0.35, jensenShannon: 0.01, pValue: 0.5, missingRate: 0, reasons: [] },
    ],
    metrics: { f1: { value: 0.61, samples: 1200, direction: 'higher_is_better', status: 'critical', ratio: 0.76 } },
    proxies: { meanScore: null, positiveRate: null },
    concept: [],
  } as unknown as MonitorWindow;
}

/** One monitor event in EventBridge's envelope. */
export function monitorEvent(o: EventOptions): Record<string, unknown> {
  const env = o.env ?? 'test';
  const modelId = o.modelId ?? 'fraud_detector';
  const signal = o.signal ?? 'drift:dataset';
  const [kind, name] = signal.split(':');
  const ctx = { env, modelId, window: o.window ?? '1d', judged: judged(o.end), reportUri: `s3://bucket/monitor/${modelId}/reports/1d/latest.json` };
  const alert: Alert = {
    window: 3,
    severity: o.severity ?? 'critical',
    kind: kind as Alert['kind'],
    ...(kind === 'drift' && name !== 'dataset' ? { feature: name } : {}),
    ...(kind === 'performance' ? { metric: name } : {}),
    key: signal,
    message: `model ${modelId}: ${signal} ${o.severity ?? 'critical'}`,
    value: o.value ?? 0.4,
    threshold: null,
  };
  const time = new Date(Date.parse(o.end) + 20 * 60_000);
  const [entry] = o.action === 'resolve' ? windowEvents(ctx, [], [{ window: 3, key: signal, from: 'critical' }], time) : windowEvents(ctx, [alert], [], time);
  return {
    version: '0',
    id: o.id ?? randomUUID(),
    'detail-type': entry.detailType,
    source: entry.source,
    account: '123456789012',
    time: entry.time.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: entry.detail,
  };
}
