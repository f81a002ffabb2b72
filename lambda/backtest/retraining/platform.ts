/**
 * A platform model's own retraining policy for the replay (`driftwatch backtest --config config/<env>.ts
 * --model ID --trainer ...`): its `retraining` section's triggers, cooldown, monthly maximum and gates,
 * and its `promotion.shadow`, so a team replays the policy it deploys. Gates the replay cannot judge —
 * assertions on a segment and the edge-case set (the replay's holdout has neither) — are left out,
 * each with a notice.
 */
import type { ModelConfig } from '../../../config/schema';
import { backtestRetrainingSchema, type BacktestRetrainingConfig } from './config';

export interface PlatformReplay {
  readonly retraining: BacktestRetrainingConfig;
  /** What of the model's policy the replay leaves out, and why. */
  readonly notices: readonly string[];
}

/** @returns null when the model has no retraining section */
export function replayPolicyOfModel(model: ModelConfig): PlatformReplay | null {
  const r = model.retraining;
  if (!r) return null;
  const notices: string[] = [];
  const assertions = r.gates.assertions.filter((a) => {
    const onSegment = /\son\s+segment\s/.test(a);
    if (onSegment) notices.push(`models.${model.id}.retraining.gates.assertions: ${JSON.stringify(a)} is left out of the replay (its holdout has no segments)`);
    return !onSegment;
  });
  if (r.gates.edgeCases) notices.push(`models.${model.id}.retraining.gates.edgeCases is left out of the replay (it has no edge-case set)`);
  const gates = { metrics: r.gates.metrics, assertions, ...(r.gates.noRegression ? { noRegression: r.gates.noRegression } : {}) };
  const shadow = model.promotion?.shadow;
  const retraining = backtestRetrainingSchema.parse({
    policy: { enabled: r.enabled, triggers: r.triggers, requireBusinessConfirmation: r.requireBusinessConfirmation, cooldownHours: r.cooldownHours, maxPerMonth: r.maxPerMonth, gates },
    ...(shadow ? { shadow: { minLabelledRows: shadow.minLabelledRows, alpha: shadow.alpha, bootstrapResamples: shadow.bootstrapResamples, ...(shadow.metric ? { metric: shadow.metric } : {}) } } : {}),
  });
  return { retraining, notices };
}
