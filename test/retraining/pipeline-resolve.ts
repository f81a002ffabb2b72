/**
 * What SageMaker does to a step's arguments when it runs the step, for the tests that play a step
 * moto does not run: each `{"Get": ...}` becomes the value the test says it has at that point (a
 * parameter of the execution, an execution variable, an earlier step's output) and each
 * `{"Std:Join": ...}` is joined. A `Get` the test did not give fails, naming it, so a definition that
 * starts reading something new is noticed. (`Std:JsonGet` is the team-container pull's, not resolved.)
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ListPipelineParametersForExecutionCommand } from '@aws-sdk/client-sagemaker';

export type Resolved = string | number | boolean | null | Resolved[] | { [key: string]: Resolved };

/** @throws Error naming a `Get` that `values` does not have */
export function resolvePipelineValue(value: unknown, values: Readonly<Record<string, string | number>>): Resolved {
  if (Array.isArray(value)) return value.map((v) => resolvePipelineValue(v, values));
  if (typeof value !== 'object' || value === null) return value as Resolved;
  const o = value as Record<string, unknown>;
  if (typeof o.Get === 'string') {
    if (!(o.Get in values)) throw new Error(`the step reads ${o.Get}, which this test does not give`);
    return values[o.Get];
  }
  if (o['Std:Join']) {
    const join = o['Std:Join'] as { On: string; Values: unknown[] };
    return join.Values.map((v) => String(resolvePipelineValue(v, values))).join(join.On);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolvePipelineValue(v, values)]));
}

/** A step of a definition by name, also inside a Condition's branches. */
export function pipelineStep(definition: unknown, name: string): { Name: string; Type: string; Arguments: unknown } {
  const find = (steps: readonly Record<string, unknown>[]): Record<string, unknown> | undefined => {
    for (const s of steps) {
      if (s.Name === name) return s;
      const args = s.Arguments as { IfSteps?: Record<string, unknown>[]; ElseSteps?: Record<string, unknown>[] } | undefined;
      const inner = s.Type === 'Condition' ? find([...(args?.IfSteps ?? []), ...(args?.ElseSteps ?? [])]) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const step = find((definition as { Steps: Record<string, unknown>[] }).Steps);
  if (!step) throw new Error(`the definition has no step ${name}`);
  return step as { Name: string; Type: string; Arguments: unknown };
}

/**
 * An execution's parameters and variables as `Get` paths: the definition's defaults, overridden by
 * the values the execution was started with (from SageMaker, here moto), and its id and ARN.
 */
export async function executionValues(sm: SageMakerClient, definition: unknown, executionArn: string): Promise<Record<string, string | number>> {
  const params = await sm.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: executionArn }));
  const defaults = (definition as { Parameters: { Name: string; DefaultValue: string | number }[] }).Parameters;
  return {
    ...Object.fromEntries(defaults.map((p) => [`Parameters.${p.Name}`, p.DefaultValue])),
    ...Object.fromEntries((params.PipelineParameters ?? []).map((p) => [`Parameters.${p.Name}`, p.Value!])),
    'Execution.PipelineExecutionId': executionArn.split('/').at(-1)!,
    'Execution.PipelineExecutionArn': executionArn,
  };
}
