/**
 * The monitor's EventBridge events (source `driftwatch`): one per alert raised or resolved, and one
 * when a run fails. Downstream (the notifier, the retraining trigger) pairs a trigger and its resolve
 * by `dedupKey`, and drops a redelivery by `dedupKey` + `window.end`.
 *
 * | detail-type                                | when                                               |
 * |--------------------------------------------|----------------------------------------------------|
 * | Driftwatch Drift Status Changed            | the dataset or a feature enters warning/critical, or returns to ok |
 * | Driftwatch Performance Status Changed      | a calibrated metric does                            |
 * | Driftwatch Concept Drift Detected          | ADWIN cuts a proxy's window (and its return to stable) |
 * | Driftwatch No Traffic                      | a window has no predictions (and traffic returns)  |
 * | Driftwatch Monitor Failed                  | a profile or score run failed (bad schema, missing reference, ...) |
 *
 * Each detail validates against its detail type's JSON Schema (draft 2020-12) in `EVENT_DETAIL_SCHEMAS`.
 */
import type { Alert, AlertKind, Resolution } from '../core/alerts';
import type { MonitorEventEntry } from '../ports/event-sink';
import type { MonitorWindow } from './types';

export const EVENT_SOURCE = 'driftwatch';

export const DETAIL_TYPES = {
  drift: 'Driftwatch Drift Status Changed',
  performance: 'Driftwatch Performance Status Changed',
  concept: 'Driftwatch Concept Drift Detected',
  traffic: 'Driftwatch No Traffic',
  failed: 'Driftwatch Monitor Failed',
} as const satisfies Record<AlertKind | 'failed', string>;

export interface EventContext {
  readonly env: string;
  readonly modelId: string;
  /** The window's name ('1d'). */
  readonly window: string;
  readonly judged: MonitorWindow;
  /** Where the window's report is (s3://...). */
  readonly reportUri: string;
}

/** `env/model/window/signal`: a trigger and its resolve share it, as PagerDuty's dedup_key. */
export function dedupKey(ctx: Pick<EventContext, 'env' | 'modelId' | 'window'>, signal: string): string {
  return `${ctx.env}/${ctx.modelId}/${ctx.window}/${signal}`;
}

/** The five most impactful features of the window, for the page. */
function topFeatures(w: MonitorWindow) {
  return [...w.features]
    .sort((a, b) => b.impact - a.impact)
    .slice(0, 5)
    .map((f) => ({ name: f.name, status: f.status, psi: f.psi, impact: f.impact, importance: f.importance, since: f.since ?? null }));
}

function common(ctx: EventContext) {
  const w = ctx.judged;
  return {
    version: 1,
    env: ctx.env,
    modelId: ctx.modelId,
    window: { name: ctx.window, index: w.index, start: String(w.start), end: String(w.end), rows: w.rows },
    topFeatures: topFeatures(w),
    metrics: Object.entries(w.metrics).map(([name, m]) => ({ name, value: m.value, status: m.status, ratio: m.ratio })),
    reportUri: ctx.reportUri,
  };
}

/** The events of one decided window: a trigger per alert, a resolve per resolution. */
export function windowEvents(ctx: EventContext, alerts: readonly Alert[], resolutions: readonly Resolution[], time: Date): MonitorEventEntry[] {
  const events: MonitorEventEntry[] = [];
  for (const a of alerts) {
    events.push({
      source: EVENT_SOURCE,
      detailType: DETAIL_TYPES[a.kind],
      time,
      detail: {
        ...common(ctx),
        action: 'trigger',
        signal: a.key,
        severity: a.severity,
        message: a.message,
        value: a.value ?? null,
        threshold: a.threshold ?? null,
        baseline: a.baseline ?? null,
        dedupKey: dedupKey(ctx, a.key),
      },
    });
  }
  for (const r of resolutions) {
    const kind = r.key.slice(0, r.key.indexOf(':')) as AlertKind;
    events.push({
      source: EVENT_SOURCE,
      detailType: DETAIL_TYPES[kind],
      time,
      detail: { ...common(ctx), action: 'resolve', signal: r.key, severity: 'ok', previous: r.from, message: `${r.key} back to ok`, dedupKey: dedupKey(ctx, r.key) },
    });
  }
  return events;
}

/** The event of a failed run: what failed, where, and why (a column, a key). */
export function failureEvent(
  ctx: { readonly env: string; readonly modelId: string; readonly window: string | null },
  step: 'profile' | 'score',
  error: Error,
  time: Date,
): MonitorEventEntry {
  return {
    source: EVENT_SOURCE,
    detailType: DETAIL_TYPES.failed,
    time,
    detail: {
      version: 1,
      env: ctx.env,
      modelId: ctx.modelId,
      window: ctx.window === null ? null : { name: ctx.window },
      action: 'trigger',
      signal: `monitor:${step}`,
      severity: 'critical',
      step,
      error: error.name,
      message: error.message.slice(0, 2000),
      dedupKey: `${ctx.env}/${ctx.modelId}/${ctx.window ?? 'hourly'}/monitor:${step}`,
    },
  };
}

const nullableNumber = { type: ['number', 'null'] };

/** JSON Schema of every detail (draft 2020-12); `action: resolve` details carry `previous` instead of value/threshold. */
export const EVENT_DETAIL_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://driftwatch.dev/schemas/monitor-event-detail.json',
  type: 'object',
  required: ['version', 'env', 'modelId', 'window', 'action', 'signal', 'severity', 'message', 'dedupKey'],
  properties: {
    version: { const: 1 },
    env: { type: 'string' },
    modelId: { type: 'string' },
    window: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, index: { type: 'integer' }, start: { type: 'string' }, end: { type: 'string' }, rows: { type: 'integer' } },
        },
      ],
    },
    action: { enum: ['trigger', 'resolve'] },
    signal: { type: 'string', description: '<kind>:<feature|metric|proxy|dataset>, or monitor:<step>' },
    severity: { enum: ['ok', 'warning', 'critical'] },
    previous: { enum: ['warning', 'critical'] },
    message: { type: 'string' },
    value: nullableNumber,
    threshold: nullableNumber,
    baseline: nullableNumber,
    dedupKey: { type: 'string', description: 'env/model/window/signal' },
    reportUri: { type: 'string' },
    topFeatures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'status', 'psi', 'impact', 'importance', 'since'],
        properties: {
          name: { type: 'string' },
          status: { enum: ['ok', 'warning', 'critical'] },
          psi: nullableNumber,
          impact: { type: 'number' },
          importance: { type: 'number' },
          since: { type: ['string', 'number', 'null'] },
        },
      },
    },
    metrics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'value', 'status', 'ratio'],
        properties: { name: { type: 'string' }, value: nullableNumber, status: { enum: ['ok', 'warning', 'critical', null] }, ratio: nullableNumber },
      },
    },
    step: { enum: ['profile', 'score'] },
    error: { type: 'string' },
  },
} as const;

/** The signal each detail type carries: its `<kind>:` prefix. */
const SIGNAL_PATTERNS: Record<keyof typeof DETAIL_TYPES, string> = {
  drift: '^drift:',
  performance: '^performance:',
  concept: '^concept:',
  traffic: '^traffic:',
  failed: '^monitor:(profile|score)$',
};

/** One JSON Schema per detail type: the common detail with that type's signal. */
export const EVENT_DETAIL_SCHEMAS: Readonly<Record<string, unknown>> = Object.fromEntries(
  (Object.keys(DETAIL_TYPES) as (keyof typeof DETAIL_TYPES)[]).map((kind) => [
    DETAIL_TYPES[kind],
    {
      ...EVENT_DETAIL_SCHEMA,
      $id: `https://driftwatch.dev/schemas/${kind}-event-detail.json`,
      title: DETAIL_TYPES[kind],
      properties: { ...EVENT_DETAIL_SCHEMA.properties, signal: { type: 'string', pattern: SIGNAL_PATTERNS[kind] } },
    },
  ]),
);
