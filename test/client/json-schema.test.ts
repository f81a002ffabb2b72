import { groundTruthJsonSchema, recordJsonSchema } from '../../lambda/client/json-schema';
import { predictionContract } from '../../lambda/client/record-contract';
import { validateRecord } from '../../lambda/client/validate-record';
import { predictionColumns } from '../../lambda/core/schema/record-schema';
import { fraudRecord, fraudSpec } from './fixtures';

type Schema = {
  properties: Record<string, { type: string | string[]; enum?: unknown[]; format?: string; pattern?: string }>;
  required: string[];
  additionalProperties: boolean;
};

/** The subset of JSON Schema the generated schemas use: type, enum, pattern, required, additionalProperties. */
function schemaAccepts(schema: Schema, record: Record<string, unknown>): boolean {
  if (!schema.additionalProperties && Object.keys(record).some((k) => !(k in schema.properties))) return false;
  if (schema.required.some((k) => record[k] === undefined)) return false;
  return Object.entries(record).every(([key, value]) => {
    const p = schema.properties[key];
    const types = Array.isArray(p.type) ? p.type : [p.type];
    const typeOf = value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value;
    if (!types.includes(typeOf) && !(typeOf === 'number' && types.includes('integer') && Number.isInteger(value))) return false;
    if (p.enum && !p.enum.includes(value)) return false;
    if (p.pattern && typeof value === 'string' && !new RegExp(p.pattern).test(value)) return false;
    return true;
  });
}

describe('recordJsonSchema', () => {
  const schema = recordJsonSchema(fraudSpec) as unknown as Schema;

  it('has one property per prediction column, the required envelope and no other properties', () => {
    expect(Object.keys(schema.properties)).toEqual(predictionColumns(fraudSpec).map((c) => c.name));
    expect(schema.required).toEqual(['prediction_id', 'model_id', 'model_version', 'variant', 'event_time', 'prediction', 'predicted_label']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.variant.enum).toEqual(['champion', 'challenger', 'shadow']);
    expect(schema.properties.event_time).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schema.properties.amount_usd.type).toEqual(['number', 'null']);
    expect(schema.properties.country.type).toEqual(['string', 'null']);
  });

  it('accepts and refuses the same records as the TypeScript validator', () => {
    const cases: Record<string, unknown>[] = [
      fraudRecord(1),
      fraudRecord(2, { amount_usd: null, country: null }),
      fraudRecord(3, { extra: 1 }),
      fraudRecord(4, { variant: 'canary' }),
      fraudRecord(5, { amount_usd: '12' }),
      fraudRecord(6, { country: 3 }),
      fraudRecord(7, { prediction: null }),
      fraudRecord(8, { event_time: '2026-11-24T13:00:00' }),
      fraudRecord(9, { model_id: 'other' }),
    ];
    const verdicts = cases.map((r) => [schemaAccepts(schema, r), validateRecord(predictionContract(fraudSpec), r).ok]);
    expect(verdicts).toEqual([[true, true], [true, true], [false, false], [false, false], [false, false], [false, false], [false, false], [false, false], [false, false]]);
  });

  it('types labels by task', () => {
    const classification = groundTruthJsonSchema(fraudSpec) as unknown as Schema;
    const regression = groundTruthJsonSchema({ modelId: 'eta', task: 'regression' }) as unknown as Schema;
    expect(classification.properties.label.type).toBe('string');
    expect(regression.properties.label.type).toBe('number');
    expect(regression.required).toEqual(['prediction_id', 'label', 'label_time']);
  });
});
