/**
 * Values in a SageMaker pipeline definition (schema version 2020-12-01): literals, or references the
 * service resolves at run time: `{"Get": "Parameters.X"}`, `{"Get": "Execution.PipelineExecutionId"}`,
 * `{"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}`, `{"Std:Join": {...}}`,
 * `{"Std:JsonGet": {...}}`. The builder (`builder.ts`) reads the `Get`s to check that every step and
 * parameter referred to exists, and to derive the steps' dependencies.
 */

export interface Get {
  readonly Get: string;
}
export interface Join {
  readonly 'Std:Join': { readonly On: string; readonly Values: readonly PipelineValue[] };
}
export interface JsonGet {
  readonly 'Std:JsonGet': { readonly PropertyFile: Get; readonly Path: string };
}
export type PipelineValue = string | number | boolean | Get | Join | JsonGet;

/** A parameter's value: `{"Get": "Parameters.<name>"}`. */
export const parameter = (name: string): Get => ({ Get: `Parameters.${name}` });

/** The execution's variables. */
export const execution = {
  id: { Get: 'Execution.PipelineExecutionId' } as Get,
  arn: { Get: 'Execution.PipelineExecutionArn' } as Get,
  pipelineName: { Get: 'Execution.PipelineName' } as Get,
};

/** `Std:Join`: the values as strings, joined by `on`. @example join('/', ['s3:/', 'bucket', execution.id]) */
export const join = (on: string, values: readonly PipelineValue[]): Join => ({ 'Std:Join': { On: on, Values: values } });

/** An integer (or any) value as a string, as the SageMaker SDK's `to_string()` writes it. */
export const asString = (value: PipelineValue): Join => join('', [value]);

/** A value read from a step's property file at run time. */
export const jsonGet = (step: string, propertyFile: string, path: string): JsonGet => ({ 'Std:JsonGet': { PropertyFile: { Get: `Steps.${step}.PropertyFiles.${propertyFile}` }, Path: path } });

/** The `Steps.<name>` each `Get` in a value refers to, and the `Parameters.<name>`. */
export function references(value: unknown, out: { steps: Set<string>; parameters: Set<string> } = { steps: new Set(), parameters: new Set() }) {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Get' && typeof v === 'string') {
        const step = /^Steps\.([^.[]+)/.exec(v);
        if (step) out.steps.add(step[1]);
        const param = /^Parameters\.(.+)$/.exec(v);
        if (param) out.parameters.add(param[1]);
      } else references(v, out);
    }
  }
  return out;
}
