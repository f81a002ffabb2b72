/**
 * The record contract as JSON Schema (draft 2020-12), so services in other languages (Python, JVM) can
 * validate what they log against exactly what the TypeScript client enforces.
 */
import { ModelRecordSpec, TableColumn } from '../core/schema/record-schema';
import { groundTruthContract, predictionContract, RecordContract } from './record-contract';

export type JsonSchema = { readonly [key: string]: unknown };

function columnSchema(column: TableColumn, required: boolean, allowed: readonly string[] | undefined): JsonSchema {
  const nullable = (type: string) => (required ? type : [type, 'null']);
  const base: Record<string, unknown> = { description: column.comment };
  switch (column.type) {
    case 'string':
      base.type = nullable('string');
      break;
    case 'double':
      // JSON numbers cannot be NaN or Infinity, so "number" already means finite.
      base.type = nullable('number');
      break;
    case 'bigint':
      base.type = nullable('integer');
      break;
    case 'timestamp':
      base.type = nullable('string');
      base.format = 'date-time';
      base.pattern = '(Z|[+-]\\d{2}:?\\d{2})$';
      break;
  }
  if (allowed) base.enum = required ? [...allowed] : [...allowed, null];
  return base;
}

/** Converts a contract to JSON Schema: typed properties, required fields, no additional properties. */
export function contractJsonSchema(contract: RecordContract): JsonSchema {
  const required = new Set(contract.required);
  const properties: Record<string, JsonSchema> = {};
  for (const column of contract.columns) {
    properties[column.name] = columnSchema(column, required.has(column.name), contract.allowedValues[column.name]);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:driftwatch:${contract.kind}-record:${contract.modelId}`,
    title: `${contract.kind} record of model ${contract.modelId}`,
    type: 'object',
    properties,
    required: [...contract.required],
    additionalProperties: false,
  };
}

/**
 * JSON Schema of a model's prediction record, generated from `predictionColumns(spec)`.
 *
 * @example
 *   fs.writeFileSync('fraud_v2.prediction.schema.json', JSON.stringify(recordJsonSchema(spec), null, 2));
 */
export function recordJsonSchema(spec: ModelRecordSpec): JsonSchema {
  return contractJsonSchema(predictionContract(spec));
}

/** JSON Schema of a model's ground-truth (label) record, generated from `groundTruthColumns(spec)`. */
export function groundTruthJsonSchema(spec: Pick<ModelRecordSpec, 'modelId' | 'task'>): JsonSchema {
  return contractJsonSchema(groundTruthContract(spec));
}
