/**
 * One arm of the replay: the history served window by window, the monitor run over each stretch one
 * model served (record → profile → score → decision: `runBacktest` through the monitor port), its
 * alerts sent as the monitor's events to the trigger's decision (`decideTrigger`, the Lambda's pure
 * function, with its state carried across windows), or a calendar's plan; then the actions
 * (`actions.ts`). A promotion or a rollback starts a new stretch with the new model and its
 * reference, as a team would push one with it.
 */
import type { ChampionChange } from '../../core/promotion/last-known-good';
import { sliceRows } from '../../core/dataset/slice-rows';
import type { Dataset } from '../../core/types';
import { decideTrigger } from '../../retraining/decide-trigger';
import { emptyTriggerState, type TriggerState } from '../../retraining/state';
import { inferTask, type BacktestConfig } from '../config';
import type { BacktestResult } from '../types';
import { canaryCheck, predict, retrainAt, type Served } from './actions';
import type { ReplayContext } from './context';
import { REPLAY_ENV, triggerEvents } from './events';
import { withPredictions } from './rows';
import type { ReplayArm, ReplayStep, Schedule, ServedWindow } from './types';

/** What an arm carries from window to window. */
interface ArmState {
  served: Served;
  trigger: TriggerState;
  /** A candidate in shadow: the trigger sees a running execution until it is decided. */
  shadowing: { readonly version: string; readonly until: number } | null;
  pending: { readonly candidate: Served; readonly from: number } | null;
  canaryAt: number | null;
  readonly versions: Map<string, Served>;
  readonly changes: ChampionChange[];
  readonly windows: ServedWindow[];
  readonly steps: ReplayStep[];
}

/** The monitor over windows g0.. served by one model, checked to cut the same windows as the plain backtest. */
async function stretch(ctx: ReplayContext, served: Served, g0: number): Promise<BacktestResult> {
  if (g0 === 0 && served.model === null) return ctx.input.baseline;
  const range = { start: ctx.grid[g0].start, end: ctx.input.data.rowCount };
  const rows = sliceRows(ctx.input.data, range);
  const p = served.model ? await predict(ctx, served, rows) : null;
  const data: Dataset = p ? withPredictions(rows, p, ctx.columns) : rows;
  const config: BacktestConfig = {
    ...ctx.config,
    task: inferTask(ctx.config),
    reference: { file: `(the rows ${served.version} was trained on)` },
    ...(p && !p.scores && !p.values ? { prediction: undefined } : {}),
    retraining: undefined,
  };
  const result = await ctx.input.monitor({ data, reference: served.model ? served.reference : ctx.reference, config });
  const expected = ctx.grid.slice(g0);
  if (result.windows.length !== expected.length || result.windows.some((w, i) => w.rows !== expected[i].end - expected[i].start)) {
    throw new Error(`the monitor cut the history from window ${g0} into other windows than the backtest (${result.windows.length} for ${expected.length}): time windows must start on the same boundaries`);
  }
  return result;
}

const QUIET_SKIPS = new Set(['not-a-trigger', 'resolved', 'other-model']);

/** The trigger's decisions on a window's events; true when one started a retraining. */
function decideWindow(ctx: ReplayContext, arm: ArmState, result: BacktestResult, i: number, g: number): boolean {
  const w = ctx.grid[g];
  const judged = { ...result.windows[i], index: g, start: w.startLabel, end: w.endLabel };
  const events = triggerEvents(result.modelId, judged, result.alerts.filter((a) => a.window === i), result.resolutions.filter((r) => r.window === i), w.endsAt);
  let started = false;
  for (const event of events) {
    const executions = arm.shadowing && arm.shadowing.until >= g ? [{ arn: `backtest:${arm.shadowing.version}`, status: 'Executing' }] : [];
    const { decision, state } = decideTrigger(ctx.policy, arm.trigger, event, { env: REPLAY_ENV, modelId: result.modelId, now: w.endsAt, executions });
    arm.trigger = state;
    if (decision.outcome === 'started' && !started) started = true;
    if (decision.outcome === 'started' || !QUIET_SKIPS.has(decision.reason)) {
      arm.steps.push({ kind: 'trigger', window: g, outcome: decision.outcome, reason: decision.reason, message: decision.message });
    }
  }
  return started;
}

/** Window g's actions; returns the window the next stretch starts at, or null to go on. */
async function act(ctx: ReplayContext, arm: ArmState, start: boolean, g: number): Promise<number | null> {
  if (arm.canaryAt === g) {
    arm.canaryAt = null;
    const rollback = await canaryCheck(ctx, arm.served, arm.versions, arm.changes, g);
    if (rollback && g + 1 < ctx.grid.length) {
      arm.steps.push(rollback.step);
      arm.changes.push({ kind: 'rollback', version: rollback.to.version });
      arm.served = rollback.to;
      return g + 1;
    }
  }
  if (start && !arm.pending) {
    const version = `v${arm.steps.filter((s) => s.kind === 'retrain').length + 2}`;
    const outcome = await retrainAt(ctx, arm.served, g, version);
    arm.steps.push(...outcome.steps);
    arm.shadowing = { version, until: g + 1 };
    if (outcome.promoted) arm.pending = { candidate: outcome.promoted, from: g + 2 };
  }
  if (arm.pending && arm.pending.from === g + 1) {
    const { candidate } = arm.pending;
    arm.pending = null;
    arm.versions.set(candidate.version, candidate);
    arm.changes.push({ kind: 'promotion', version: candidate.version });
    arm.served = candidate;
    arm.canaryAt = g + 1;
    return g + 1;
  }
  return null;
}

/** The key metric over windows, weighted by their labelled rows; null without any. */
export function weightedMean(windows: readonly ServedWindow[]): number | null {
  let sum = 0;
  let weight = 0;
  for (const w of windows) {
    if (w.value === null || !Number.isFinite(w.value) || w.labelled <= 0) continue;
    sum += w.value * w.labelled;
    weight += w.labelled;
  }
  return weight > 0 ? sum / weight : null;
}

function summary(schedule: Schedule, arm: ArmState): ReplayArm {
  const count = (kind: ReplayStep['kind'], test: (s: ReplayStep) => boolean = () => true) => arm.steps.filter((s) => s.kind === kind && test(s)).length;
  return {
    schedule,
    retrains: count('retrain'),
    promotions: count('promotion', (s) => s.kind === 'promotion' && s.outcome === 'promoted'),
    rollbacks: count('rollback'),
    mean: weightedMean(arm.windows),
    windows: arm.windows,
    steps: arm.steps,
  };
}

/**
 * Replays the history under one schedule: `policy` (the trigger decides on the monitor's events),
 * `calendar` (a retrain at each window of `plan`) or `none`.
 */
export async function replayArm(ctx: ReplayContext, schedule: Schedule, plan: ReadonlySet<number> = new Set()): Promise<ReplayArm> {
  const first: Served = { version: 'v1', model: null, reference: ctx.reference };
  const arm: ArmState = { served: first, trigger: emptyTriggerState(ctx.input.baseline.modelId), shadowing: null, pending: null, canaryAt: null, versions: new Map([['v1', first]]), changes: [{ kind: 'promotion', version: 'v1' }], windows: [], steps: [] };
  let g0 = 0;
  while (g0 < ctx.grid.length) {
    const result = await stretch(ctx, arm.served, g0);
    let next: number | null = null;
    for (let i = 0; i < result.windows.length && next === null; i++) {
      const g = g0 + i;
      const w = result.windows[i];
      arm.windows.push({ index: g, version: arm.served.version, value: w.metrics[ctx.keyMetric]?.value ?? null, labelled: w.labelled });
      const start = schedule === 'policy' ? decideWindow(ctx, arm, result, i, g) : schedule === 'calendar' && plan.has(g);
      next = await act(ctx, arm, start, g);
    }
    g0 = next ?? ctx.grid.length;
  }
  return summary(schedule, arm);
}
