/**
 * The model's `retraining` config as the trigger and the gate step use it: the policy with every
 * default filled in, and the gates resolved (directions known, assertions read).
 */
import type { RetrainingConfig } from '../../config/schema';
import { greaterIsBetter, parseAssertion, type Gate } from '../core/gates';

export interface RetrainPolicy {
  readonly enabled: boolean;
  readonly drift: { readonly enabled: boolean; readonly minImportanceShare: number };
  /** Monitor metrics whose critical performance signal triggers. */
  readonly performanceMetrics: readonly string[];
  /** Monitor metrics whose signal at `businessSeverity` or worse is a business-metric SLA breach. */
  readonly businessMetrics: readonly string[];
  readonly businessSeverity: 'warning' | 'critical';
  readonly requireBusinessConfirmation: boolean;
  readonly cooldownHours: number;
  readonly maxPerMonth: number;
}

/** The fields of a `retraining` section the policy reads (a backtest's replay has no pipeline). */
export type RetrainPolicyConfig = Pick<RetrainingConfig, 'enabled' | 'triggers' | 'requireBusinessConfirmation' | 'cooldownHours' | 'maxPerMonth'>;

/** @example retrainPolicyFromConfig(model.retraining!).cooldownHours // 72 by default */
export function retrainPolicyFromConfig(config: RetrainPolicyConfig): RetrainPolicy {
  return {
    enabled: config.enabled,
    drift: { enabled: config.triggers.drift.enabled, minImportanceShare: config.triggers.drift.minImportanceShare },
    performanceMetrics: config.triggers.performance.metrics,
    businessMetrics: config.triggers.business.metrics,
    businessSeverity: config.triggers.business.severity,
    requireBusinessConfirmation: config.requireBusinessConfirmation,
    cooldownHours: config.cooldownHours,
    maxPerMonth: config.maxPerMonth,
  };
}

function direction(metric: string, stated: boolean | undefined, where: string): boolean {
  const known = stated ?? greaterIsBetter(metric);
  if (known === null) throw new Error(`${where}: ${JSON.stringify(metric)} needs greaterIsBetter (it is not one of MLflow's default metric names)`);
  return known;
}

/**
 * The engine's gates from `retraining.gates`, in the order: metric thresholds, assertions, edge
 * cases, no regression.
 *
 * @throws Error naming the gate when an assertion does not read or a direction is unknown (the
 *   config rules report these first, with their paths)
 */
export function gatesFromConfig(gates: RetrainingConfig['gates']): Gate[] {
  const out: Gate[] = [];
  gates.metrics.forEach((g, i) =>
    out.push({
      kind: 'metric',
      metric: g.metric,
      greaterIsBetter: direction(g.metric, g.greaterIsBetter, `gates.metrics[${i}]`),
      ...(g.threshold !== undefined ? { threshold: g.threshold } : {}),
      ...(g.minAbsoluteChange !== undefined ? { minAbsoluteChange: g.minAbsoluteChange } : {}),
      ...(g.minRelativeChange !== undefined ? { minRelativeChange: g.minRelativeChange } : {}),
    }),
  );
  for (const a of gates.assertions) out.push(parseAssertion(a));
  if (gates.edgeCases) out.push({ kind: 'edge_cases', minPassRate: gates.edgeCases.minPassRate, required: gates.edgeCases.required, minCases: gates.edgeCases.minCases });
  if (gates.noRegression) {
    out.push({
      kind: 'no_regression',
      tolerance: gates.noRegression.tolerance,
      metrics: gates.noRegression.metrics.map((m, i) =>
        typeof m === 'string' ? { metric: m, greaterIsBetter: direction(m, undefined, `gates.noRegression.metrics[${i}]`) } : { metric: m.metric, greaterIsBetter: m.greaterIsBetter },
      ),
    });
  }
  return out;
}
