/**
 * What an alarm is about: environment, model, window, signal and severity. Read from the alarm's
 * metric first — the monitor's metrics carry `Env`, `Model` and (per window) `Window`, `Feature`,
 * `Metric`, `Proxy` (`lambda/monitor/metrics.ts`) — and from its name as the fallback: the alarms are
 * named `dw-<env>-<model>-<signal>-<Warning|Critical>` (`dw-prod-fraud-feature-amount-Critical`;
 * a token like `1d` in the signal part names the window).
 *
 * The signal is the monitor's own signal key, so `dedupKey` (`env/model/window/signal`) equals the
 * monitor events' `dedupKey` and PagerDuty pairs a trigger with its resolve:
 *
 * | metric (namespace Driftwatch)          | name's signal part    | signal                 |
 * |----------------------------------------|-----------------------|------------------------|
 * | DriftStatus, DriftedImportance         | drift                 | drift:dataset          |
 * | FeatureDriftStatus, FeaturePsi         | feature-<f>           | drift:<f>              |
 * | MetricRatio, MetricValue               | <metric>              | performance:<metric>   |
 * | ConceptDrift                           | concept-<proxy>       | concept:<proxy>        |
 * | PredictionCount, WindowRows            | no-traffic            | traffic:dataset        |
 * | LabelCoverage                          | label-coverage        | coverage:labels        |
 * | any other namespace (AWS/Lambda, SQS)  | monitor-health        | monitor:health         |
 * | (composite alarm)                      | model                 | model:status           |
 *
 * An alarm without a window (traffic from PredictionCount, health, the composite) uses `all` in
 * its dedup key. Pure: no I/O.
 */
import { isIdentifier } from '../core/schema/identifier';
import { triggerDimensions, triggerMetric, triggeringChildren, type AlarmNotification } from './alarm';

export type Severity = 'critical' | 'warning';

export interface AlarmSubject {
  readonly env: string;
  readonly modelId: string;
  /** The monitor window ('1d'), null when the alarm watches no single window. */
  readonly window: string | null;
  /** The monitor's signal key (`drift:dataset`, `drift:amount`, `performance:f1`, ...). */
  readonly signal: string;
  readonly severity: Severity;
  /** `env/model/window/signal` (window `all` when there is none), as the monitor events'. */
  readonly dedupKey: string;
}

export class AlarmSubjectError extends Error {
  constructor(alarmName: string, problem: string) {
    super(`alarm ${alarmName}: ${problem}`);
    this.name = 'AlarmSubjectError';
  }
}

const NAME = /^dw-([a-z][a-z0-9]{0,9})-([a-z][a-z0-9_]{0,127})-(.+)-(Warning|Critical)$/;
const WINDOW = /^[0-9]{1,4}[hd]$/;
const ENV = /^[a-z][a-z0-9]{0,9}$/;

interface NameParts {
  readonly env: string;
  readonly modelId: string;
  readonly signalPart: string;
  readonly window: string | null;
  readonly severity: Severity;
}

/** `dw-prod-fraud-feature-amount-Critical` → env prod, model fraud, signal part `feature-amount`. */
export function parseAlarmName(name: string): NameParts | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const tokens = m[3].split('-');
  const windowAt = tokens.findIndex((t) => WINDOW.test(t));
  const window = windowAt >= 0 ? tokens[windowAt] : null;
  const signalPart = tokens.filter((_, i) => i !== windowAt).join('-');
  return { env: m[1], modelId: m[2], signalPart, window, severity: m[4] === 'Critical' ? 'critical' : 'warning' };
}

const BY_METRIC: Readonly<Record<string, (d: Record<string, string>) => string | undefined>> = {
  DriftStatus: () => 'drift:dataset',
  DriftedImportance: () => 'drift:dataset',
  FeatureDriftStatus: (d) => d.Feature && `drift:${d.Feature}`,
  FeaturePsi: (d) => d.Feature && `drift:${d.Feature}`,
  MetricRatio: (d) => d.Metric && `performance:${d.Metric}`,
  MetricValue: (d) => d.Metric && `performance:${d.Metric}`,
  ConceptDrift: (d) => d.Proxy && `concept:${d.Proxy}`,
  PredictionCount: () => 'traffic:dataset',
  WindowRows: () => 'traffic:dataset',
  LabelCoverage: () => 'coverage:labels',
};

function signalFromMetric(alarm: AlarmNotification, dims: Record<string, string>): string | undefined {
  if (!alarm.Trigger) return undefined;
  const metric = triggerMetric(alarm.Trigger);
  if (!metric) return undefined;
  if (metric.namespace !== 'Driftwatch') return 'monitor:health';
  return BY_METRIC[metric.name]?.(dims);
}

function signalFromName(part: string): string {
  if (part === 'drift') return 'drift:dataset';
  if (part === 'no-traffic') return 'traffic:dataset';
  if (part === 'label-coverage') return 'coverage:labels';
  if (part === 'monitor-health') return 'monitor:health';
  if (part === 'model') return 'model:status';
  if (part.startsWith('feature-')) return `drift:${part.slice('feature-'.length)}`;
  if (part.startsWith('concept-')) return `concept:${part.slice('concept-'.length)}`;
  return `performance:${part}`;
}

/**
 * The alarm's subject. Dimensions win over the name; a name outside the convention still works
 * when the dimensions carry Env and Model (severity then critical: better paged than missed).
 *
 * @example alarmSubject(alarm, 'prod').dedupKey // 'prod/fraud/1d/drift:amount'
 * @throws AlarmSubjectError when neither the dimensions nor the name say which model it is
 */
export function alarmSubject(alarm: AlarmNotification, defaultEnv?: string): AlarmSubject {
  const fromName = parseAlarmName(alarm.AlarmName);
  const dims = alarm.Trigger ? triggerDimensions(alarm.Trigger) : {};
  const env = dims.Env ?? fromName?.env ?? defaultEnv;
  const modelId = dims.Model ?? fromName?.modelId;
  const fail = (problem: string) => new AlarmSubjectError(alarm.AlarmName, problem);
  if (modelId === undefined) throw fail('names no model: its metric has no Model dimension and its name is not dw-<env>-<model>-<signal>-<Warning|Critical>');
  if (!isIdentifier(modelId)) throw fail(`model ${JSON.stringify(modelId)} is not a model id (lower-case letters, digits, _)`);
  if (env === undefined || !ENV.test(env)) throw fail(`environment ${JSON.stringify(env ?? null)} is not an environment name (DW_ENV, the Env dimension or the name)`);
  const signal =
    (alarm.AlarmRule !== undefined ? 'model:status' : undefined) ?? signalFromMetric(alarm, dims) ?? (fromName ? signalFromName(fromName.signalPart) : undefined);
  if (signal === undefined) throw fail('says no signal: its metric is not one the monitor emits and its name does not follow dw-<env>-<model>-<signal>-<Severity>');
  const window = dims.Window ?? fromName?.window ?? null;
  const dedupKey = `${env}/${modelId}/${window ?? 'all'}/${signal}`;
  if (dedupKey.length > 255) throw fail(`its dedup key is longer than PagerDuty's 255 characters: ${dedupKey.slice(0, 80)}...`);
  return { env, modelId, window, signal, severity: fromName?.severity ?? 'critical', dedupKey };
}

/** What set off a composite alarm: its first triggering child that follows the naming scheme. */
export interface AlarmCause {
  readonly alarmName: string;
  readonly signal: string;
  readonly window: string | null;
}

/** A composite alarm's cause (from `TriggeringChildren`), null for a metric alarm or when no child says. */
export function alarmCause(alarm: AlarmNotification): AlarmCause | null {
  if (alarm.AlarmRule === undefined) return null;
  for (const name of triggeringChildren(alarm)) {
    const parts = parseAlarmName(name);
    if (parts && parts.signalPart !== 'model') return { alarmName: name, signal: signalFromName(parts.signalPart), window: parts.window };
  }
  return null;
}

export type AlarmAction = 'trigger' | 'resolve';

/** ALARM triggers, OK resolves, INSUFFICIENT_DATA does neither (nothing is known). */
export function alarmAction(alarm: AlarmNotification): AlarmAction | null {
  if (alarm.NewStateValue === 'ALARM') return 'trigger';
  if (alarm.NewStateValue === 'OK') return 'resolve';
  return null;
}
