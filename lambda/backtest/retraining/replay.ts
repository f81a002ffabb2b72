/**
 * The retraining replay: the history three ways — never retrained, retrained when the policy's
 * trigger says so, and retrained on a calendar as often (the same number of retrains, evenly
 * spaced) — each retrain through the same gates, shadow comparison and promotion.
 *
 * @example
 * const replay = await replayRetraining({ data, config, baseline: await runBacktest({ data, config }), trainer: builtinTrainer(), monitor });
 * replay.policyArm.mean > replay.none.mean // retraining paid off (for an error such as mae, greaterIsBetter is false: lower pays off)
 */
import { describePolicy, replayContext, type ReplayInput } from './context';
import { replayArm, weightedMean } from './arm';
import { RETRAINING_REPLAY_FORMAT, type ReplayArm, type RetrainingReplay } from './types';

/**
 * `count` windows of `windows`, evenly spaced (the j-th at round((j + 1)·n / (count + 1)) − 1), each
 * leaving a window after it for the shadow comparison.
 * @example calendarPlan(16, 2) // Set {4, 10}
 */
export function calendarPlan(windows: number, count: number): Set<number> {
  const plan = new Set<number>();
  for (let j = 0; j < count; j++) plan.add(Math.min(windows - 2, Math.round(((j + 1) * windows) / (count + 1)) - 1));
  return plan;
}

/** The no-retraining arm: the plain backtest's key metric per window. */
function noRetraining(input: ReplayInput, keyMetric: string): ReplayArm {
  const windows = input.baseline.windows.map((w) => ({ index: w.index, version: 'v1', value: w.metrics[keyMetric]?.value ?? null, labelled: w.labelled }));
  return { schedule: 'none', retrains: 0, promotions: 0, rollbacks: 0, mean: weightedMean(windows), windows, steps: [] };
}

/** @throws BacktestConfigError naming the field when the config cannot be replayed; the trainer's errors name its command and file */
export async function replayRetraining(input: ReplayInput): Promise<RetrainingReplay> {
  const ctx = replayContext(input);
  ctx.progress('replaying the retraining policy…');
  const policyArm = await replayArm(ctx, 'policy');
  let calendar: ReplayArm | null = null;
  if (ctx.rc.calendar) {
    ctx.progress(`replaying a calendar schedule with ${policyArm.retrains} retrains…`);
    calendar = await replayArm(ctx, 'calendar', calendarPlan(ctx.grid.length, policyArm.retrains));
  }
  return {
    format: RETRAINING_REPLAY_FORMAT,
    keyMetric: ctx.keyMetric,
    greaterIsBetter: ctx.greaterIsBetter,
    trainer: input.trainer.name,
    trainingRows: ctx.trainingRows,
    holdoutShare: ctx.rc.training.holdoutShare,
    policy: describePolicy(ctx),
    none: noRetraining(input, ctx.keyMetric),
    policyArm,
    calendar,
  };
}
