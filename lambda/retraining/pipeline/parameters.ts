/**
 * The pipeline's parameters: the trigger sets the first four on every start (the lineage of the run),
 * the others keep the defaults the builder wrote from config unless a person starting a run by hand
 * overrides them.
 */

/** Set by the trigger on each start. */
export const TRIGGER_PARAMETERS = {
  /** The triggering event's identity (`eventKey`), or `manual`. */
  eventKey: 'TriggerEventKey',
  /** The monitor's dedup key of the signal (`prod/fraud/1d/drift:dataset`). */
  dedupKey: 'TriggerDedupKey',
  /** The signal (`drift:dataset`, `performance:f1`). */
  signal: 'TriggerSignal',
  /** The end of the window that triggered (ISO); the fresh data ends there. */
  windowEnd: 'WindowEnd',
} as const;

/** With defaults from config. */
export const CONFIG_PARAMETERS = {
  trainingInstanceType: 'TrainingInstanceType',
  trainingInstanceCount: 'TrainingInstanceCount',
  freshDays: 'FreshDays',
  modelApprovalStatus: 'ModelApprovalStatus',
  codeVersion: 'CodeVersion',
} as const;

/** What the trigger passes to StartPipelineExecution (name → value). */
export function triggerParameters(input: { eventKey: string; dedupKey: string; signal: string; windowEnd: string }): Record<string, string> {
  return {
    [TRIGGER_PARAMETERS.eventKey]: input.eventKey,
    [TRIGGER_PARAMETERS.dedupKey]: input.dedupKey,
    [TRIGGER_PARAMETERS.signal]: input.signal,
    [TRIGGER_PARAMETERS.windowEnd]: input.windowEnd,
  };
}
